"""Who sets the tier that sets the money (domain rules §2, interfaces §4, issue 10 point 1): only
the county's assessments (an inspector's, an assessor's, an administrator's, the county's import)
count; a director's six answers are the home's care observation, kept and shown, never the tier.
And the migration that turns the assessments directors recorded before into observations."""

import importlib
from datetime import date

import pytest

from backend.accounts import services as accounts
from backend.core import dates
from backend.core.errors import Invalid
from backend.core.ledger import append_rows, verify_all
from backend.core.tables import AuditEntry
from backend.residents import services as residents
from backend.residents.schemas import AssessmentIn, ConditionChangeIn
from backend.residents.services._common import refresh_state
from backend.residents.tables import ASSESSMENT_LEDGER, Assessment, ReassessmentTask, Resident
from backend.stipends import services as stipends
from tests.conftest import make_client, post_form
from tests.stipends.helpers import FULL_LOSS, PARTIAL, SYSTEM, import_lines, import_standard, person

MIGRATION = "backend.residents.piccolo_migrations.residents_2026_12_01t15_45_00_000000"
FORM_FULL_LOSS = {item: "yes" if can else "no" for item, can in FULL_LOSS.items()}
JUNE, JULY = date(2026, 6, 1), date(2026, 7, 1)


async def _tier(resident_id: int) -> str:
    return (await Resident.select(Resident.tier).where(Resident.id == resident_id).first())["tier"]


async def _findings(county: str, month: date, id_number: str) -> list[tuple[str, str]]:
    """What a stored reconciliation run of the month says of this person (code, expected)."""
    report = await stipends.reconcile(SYSTEM, county, month)
    return sorted((f.code, f.expected) for f in report.findings if f.id_number == id_number)


async def _placed_partial(world):
    """A county with a standard; a person placed in its home since 2025-02, assessed partial by the
    county on 2025-03-01; June and July 2026 paid at the full-loss care amount (600 + 500)."""
    county = await world.county()
    home = await world.home(county=county, beds=20)
    await import_standard(county)
    someone = await person(county, home, assessed=PARTIAL, assessed_on=date(2025, 3, 1))
    await import_lines(
        [
            ["J-6", someone["id_number"], someone["name"], county, "2026-06", "600.00", "500.00"],
            ["J-7", someone["id_number"], someone["name"], county, "2026-07", "600.00", "500.00"],
        ]
    )
    return county, home, someone


async def test_a_directors_observation_by_page_and_api_changes_neither_the_tier_nor_the_reconciliation(
    world, signed_in, bearer, app
):
    county, home, someone = await _placed_partial(world)
    before = {month: await _findings(county, month, someone["id_number"]) for month in (JUNE, JULY)}
    # the home claims full-loss care for a person the county assessed partial: a finding
    assert before[JUNE] == before[JULY] == [("TIER_MISMATCH", "900.00")]

    director, user = await signed_in("director", home=home)
    form = await director.get(f"/residents/{someone['id']}/assessment")
    assert form.status_code == 200 and 'id="observation-notice"' in form.text and "不影响供养等级，以县级评估为准" in form.text
    saved = await post_form(
        director,
        f"/residents/{someone['id']}/assessment",
        {**FORM_FULL_LOSS, "assessed_on": "2026-04-01", "reason": "change", "action": "save"},
    )
    assert saved.status_code == 303
    async with make_client(app) as client:
        posted = await client.post(
            f"/api/v1/residents/{someone['id']}/assessments",
            headers=await bearer(user),
            json={"assessed_on": "2026-05-02", **FULL_LOSS},
        )
    assert posted.status_code == 201 and posted.json()["authority"] == "home", posted.text
    assert posted.json()["tier"] == "full_loss"  # what the home observed, kept as it was given

    assert await _tier(someone["id"]) == "partial"
    assert (await residents.state_on(SYSTEM, someone["id"], date(2026, 8, 1))).tier == "partial"
    assert await Assessment.count().where((Assessment.resident == someone["id"]) & (Assessment.authority == "home")) == 2
    after = {month: await _findings(county, month, someone["id_number"]) for month in (JUNE, JULY)}
    assert after == before
    page = await director.get(f"/residents/{someone['id']}")
    assert 'id="observations"' in page.text and 'class="tier tier-partial"' in page.text
    assert await verify_all() is None


async def test_an_assessors_assessment_changes_the_tier_and_the_reconciliation_from_the_next_month(world, signed_in):
    county, _home, someone = await _placed_partial(world)
    assert await _findings(county, JUNE, someone["id_number"]) == [("TIER_MISMATCH", "900.00")]
    assessor, _user = await signed_in("assessor", county=county)
    saved = await post_form(
        assessor,
        f"/residents/{someone['id']}/assessment",
        {**FORM_FULL_LOSS, "assessed_on": JUNE.isoformat(), "reason": "change", "action": "save", "assessor": "县医院评估组"},
    )
    assert saved.status_code == 303
    assert await _tier(someone["id"]) == "full_loss"
    # the tier for a month is the latest assessment dated before its first day: June keeps partial
    assert await _findings(county, JUNE, someone["id_number"]) == [("TIER_MISMATCH", "900.00")]
    assert await _findings(county, JULY, someone["id_number"]) == []
    row = (
        await Assessment.select(Assessment.authority, Assessment.recorded_by)
        .where(Assessment.resident == someone["id"])
        .order_by(Assessment.seq, ascending=False)
        .first()
    )
    assert row["authority"] == "county"


async def test_the_assessor_role_is_a_county_one(world, system, signed_in):
    county = await world.county()
    home = await world.home(county=county)
    created = await accounts.create_user(system, "assessor.hospital", "assessor", "a-long-password-1", None, county)
    assert created.role == "assessor"
    with pytest.raises(Invalid) as refused:
        await accounts.create_user(system, "assessor.nocounty", "assessor", "a-long-password-1", None, None)
    assert "county" in refused.value.errors
    with pytest.raises(Invalid):
        await accounts.create_user(system, "assessor.home", "assessor", "a-long-password-1", home, county)
    client, _user = await signed_in("assessor", county=county)
    assert (await client.get("/residents")).status_code == 200
    assert (await client.get("/residents/due")).status_code == 200
    someone = await person(county, assessed=None)
    assert (await client.get(f"/residents/{someone['id']}/placement")).status_code == 403  # no placements
    assert (await client.get(f"/residents/{someone['id']}/death")).status_code == 403  # no deaths
    assert (await client.post(f"/residents/{someone['id']}/id-number")).status_code == 403  # masked IDs only
    users = await (await signed_in("admin"))[0].get("/users/new")
    assert "评估员（第三方评估机构）" in users.text


async def test_the_migration_turns_directors_assessments_into_observations_and_recomputes_the_tier(world, system):
    county = await world.county()
    home = await world.home(county=county)
    director = await world.user("director", home=home)
    inspector = await world.user("inspector", county=county)
    someone = await person(county, home, assessed=PARTIAL, assessed_on=date(2025, 3, 1))  # the county's
    await residents.report_condition_change(system, someone["id"], ConditionChangeIn(reported_on=date(2025, 4, 1)))

    # The state before the migration: a director's assessment stored as the application stored it
    # (no authority, so "county"), the tier cache and the task it closed following it.
    old = {**FULL_LOSS, "resident": someone["id"], "assessed_on": date(2025, 4, 3), "tier": "full_loss", "assessor": ""}
    old |= {"reason": "change", "corrects": None, "recorded_at": dates.now_utc(), "recorded_by": director.username}
    rows = await append_rows(ASSESSMENT_LEDGER, [old])
    theirs = (await Assessment.select(Assessment.id).where(Assessment.seq == rows[0]["seq"]).first())["id"]
    await ReassessmentTask.update({ReassessmentTask.done_on: date(2025, 4, 3), ReassessmentTask.assessment: theirs}).where(
        ReassessmentTask.resident == someone["id"]
    )
    await refresh_state(someone["id"])
    assert await _tier(someone["id"]) == "full_loss"
    later = await person(county, home, assessed=PARTIAL, assessed_on=date(2025, 5, 1))  # rows after it, re-sealed
    await residents.record_assessment(inspector.scope, later["id"], AssessmentIn(assessed_on=date(2025, 6, 1), **FULL_LOSS))
    assert await verify_all() is None

    migration = importlib.import_module(MIGRATION)
    assert await migration.reclassify() == [theirs]
    assert (await Assessment.select(Assessment.authority).where(Assessment.id == theirs).first())["authority"] == "home"
    assert await _tier(someone["id"]) == "partial"  # the county's 2025-03-01 assessment
    assert await _tier(later["id"]) == "full_loss"  # untouched
    task = await ReassessmentTask.select().where(ReassessmentTask.resident == someone["id"]).first()
    assert task["done_on"] is None and task["assessment"] is None  # the county still owes it
    assert await verify_all() is None  # the chain was re-sealed from the first row reclassified
    audit = await AuditEntry.select().where(AuditEntry.action == "assessment.reclassify").first()
    assert str(theirs) in audit["after"] and "old_head" in audit["before"]
    assert await migration.reclassify() == []  # once only
