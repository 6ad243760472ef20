"""Assessment before admission (domain rules §2 "Product rule", issue 10 point 2): an admission
recorded in the application needs a county assessment at most ``admission_assessment_max_age_days``
(default 90) before it; an inspector may record an emergency admission with a reason, which opens
an assessment task due in 10 working days; imported admissions are listed, not refused."""

from datetime import date, timedelta

import pytest

from backend.core import dates, todo
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import gettext as zh
from backend.core.ledger import verify_all
from backend.importers import run_import
from backend.registry import services as registry
from backend.registry.schemas import ParametersIn
from backend.residents import rules, services
from backend.residents.schemas import AssessmentIn, PlacementIn, ResidentIn
from backend.residents.tables import Placement, ReassessmentTask
from tests.conftest import make_client, post_form
from tests.residents.helpers import new_id
from tests.residents.test_imports import RESIDENT_HEADERS, as_csv

ALL_CAN = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True)
ASSESSED = date(2026, 3, 2)
RULE = "入住前须先期进行能力评估"


async def _dispersed(system, county: str, assessed_on: date | None = ASSESSED, name: str = "刘玉兰"):
    person = await services.register_resident(
        system, ResidentIn(id_number=new_id("F"), name=name, county_code=county, approved_on=date(2025, 1, 6))
    )
    if assessed_on is not None:
        await services.record_assessment(system, person.id, AssessmentIn(assessed_on=assessed_on, **ALL_CAN))
    return person


async def _placements(resident_id: int) -> int:
    return await Placement.count().where(Placement.resident == resident_id)


def _admit(home: str, on: date, **extra) -> PlacementIn:
    return PlacementIn(kind="admit", event_date=on, home_code=home, **extra)


async def test_an_admission_100_days_after_the_last_county_assessment_is_refused_naming_the_rule(
    world, system, signed_in, bearer, app
):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    inspector_user = await world.user("inspector", county=county)
    person = await _dispersed(system, county)
    late = ASSESSED + timedelta(days=100)

    with pytest.raises(Invalid) as refused:
        await services.record_placement(inspector_user.scope, person.id, _admit(home, late))
    message = refused.value.errors["event_date"]
    assert RULE in message and "2026年3月2日" in message and "90" in message

    client, _user = await signed_in("inspector", county=county)
    page = await post_form(
        client, f"/residents/{person.id}/placement", {"kind": "admit", "event_date": late.isoformat(), "home_code": home}
    )
    assert page.status_code == 400 and 'id="e-event_date"' in page.text and RULE in page.text

    async with make_client(app) as api:
        answer = await api.post(
            f"/api/v1/residents/{person.id}/placements",
            headers=await bearer(inspector_user),
            json={"kind": "admit", "event_date": late.isoformat(), "home_code": home},
        )
    assert answer.status_code == 400 and RULE in answer.json()["errors"]["event_date"]
    assert await _placements(person.id) == 0
    assert (await services.get_resident(system, person.id)).mode == "dispersed"


async def test_never_assessed_is_refused_and_the_limit_is_90_days_on_both_sides(world, system):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    never = await _dispersed(system, county, assessed_on=None)
    with pytest.raises(Invalid) as refused:
        await services.record_placement(system, never.id, _admit(home, ASSESSED))
    assert RULE in refused.value.errors["event_date"] and "从未经县级评估" in refused.value.errors["event_date"]

    at_90, at_91 = await _dispersed(system, county, name="九十天"), await _dispersed(system, county, name="九十一天")
    admitted = await services.record_placement(system, at_90.id, _admit(home, ASSESSED + timedelta(days=90)))
    assert admitted.home_code == home
    with pytest.raises(Invalid):
        await services.record_placement(system, at_91.id, _admit(home, ASSESSED + timedelta(days=91)))
    same_day = await _dispersed(system, county, name="当天")
    assert (await services.record_placement(system, same_day.id, _admit(home, ASSESSED))).home_code == home
    assert await _placements(at_91.id) == 0
    # an assessment dated after the admission does not come before it
    after = await _dispersed(system, county, assessed_on=ASSESSED + timedelta(days=5), name="后评估")
    with pytest.raises(Invalid):
        await services.record_placement(system, after.id, _admit(home, ASSESSED))


async def test_the_limit_is_the_countys_parameter(world, system):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    today = dates.today()  # parameters are set from today on (the past is not rewritten)
    limits = dict(residents_per_staff=10, death_report_deadline_hours=24, extra_months_after_death=0, inspections_per_year=4)
    await registry.set_parameters(
        system, county, ParametersIn(effective_from=today, admission_assessment_max_age_days=30, **limits)
    )
    late = await _dispersed(system, county, assessed_on=today - timedelta(days=31), name="三十一天")
    with pytest.raises(Invalid) as refused:
        await services.record_placement(system, late.id, _admit(home, today))
    assert "30" in refused.value.errors["event_date"]
    fresh = await _dispersed(system, county, assessed_on=today - timedelta(days=30), name="三十天")
    assert (await services.record_placement(system, fresh.id, _admit(home, today))).home_code == home


async def _left_the_home(system, county: str, home: str, on: date, name: str = "曾入住"):
    """A person placed in ``home`` (by import) since 2025-02-01 and discharged on ``on``: the
    home's director may write for them on that day (docs/architecture.md, "Scope for writes")."""
    number = new_id("M", date(1946, 6, 6))
    row = [number, name, "男", county, "2025-01-06", "集中", home, "2025-02-01", "", ""]
    await run_import(system, "residents", "r.csv", as_csv(RESIDENT_HEADERS, [row]))
    person = await services.find_by_id_number(system, number)
    await services.record_assessment(system, person["id"], AssessmentIn(assessed_on=ASSESSED, **ALL_CAN))
    await services.record_placement(system, person["id"], PlacementIn(kind="discharge", event_date=on))
    return person


async def test_a_directors_observation_does_not_satisfy_the_rule(world, system):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    on = ASSESSED + timedelta(days=100)  # the county's assessment is 100 days old
    person = await _left_the_home(system, county, home, on)
    director = await world.user("director", home=home)
    # the director's own observation on the same day: kept, but not the county's assessment
    saved = await services.record_assessment(director.scope, person["id"], AssessmentIn(assessed_on=on, **ALL_CAN))
    assert saved.authority == "home"
    for scope in (director.scope, system):
        with pytest.raises(Invalid) as refused:
            await services.record_placement(scope, person["id"], _admit(home, on))
        assert RULE in refused.value.errors["event_date"] and "2026年3月2日" in refused.value.errors["event_date"]
    assert await _placements(person["id"]) == 2  # the imported admission and the discharge


async def test_an_emergency_admission_by_an_inspector_is_accepted_and_opens_its_task(world, system, signed_in):
    county = await world.county()
    home = await world.home(county=county, beds=10, name="红古敬老院")
    person = await _dispersed(system, county, assessed_on=None, name="紧急老人")
    on = date(2026, 11, 2)  # a Monday
    client, inspector = await signed_in("inspector", county=county)
    missing_reason = await post_form(
        client,
        f"/residents/{person.id}/placement",
        {"kind": "admit", "event_date": on.isoformat(), "home_code": home, "emergency": "yes"},
    )
    assert missing_reason.status_code == 400 and 'id="e-emergency_reason"' in missing_reason.text
    assert await _placements(person.id) == 0
    saved = await post_form(
        client,
        f"/residents/{person.id}/placement",
        {
            "kind": "admit",
            "event_date": on.isoformat(),
            "home_code": home,
            "emergency": "yes",
            "emergency_reason": "独居摔伤，无人照料",
        },
    )
    assert saved.status_code == 303, saved.text[-800:]
    placement = await Placement.select().where(Placement.resident == person.id).first()
    assert placement["emergency"] and placement["emergency_reason"] == "独居摔伤，无人照料"
    holidays, make_up = await services.calendar_sets()
    due = rules.reassessment_due(on, 10, holidays, make_up)
    assert due == date(2026, 11, 16)
    task = await ReassessmentTask.select().where(ReassessmentTask.resident == person.id).first()
    assert (task["reason"], task["reported_on"], task["due_on"], task["done_on"]) == ("emergency_admission", on, due, None)
    listed = await services.due_assessments(inspector.scope, county_code=county)
    assert ("reassessment", person.id, "emergency_admission", due) in {
        (t.kind, t.resident_id, t.reason, t.due_on) for t in listed
    }
    items = [item for item in await todo.items(inspector.scope) if item.detail == "紧急老人"]
    assert items and items[0].label == zh("Assessment after an emergency admission") and items[0].due == due
    page = await client.get(f"/residents/{person.id}")
    assert "紧急收住" in page.text and "独居摔伤，无人照料" in page.text
    due_page = await client.get("/residents/due")
    assert "紧急老人" in due_page.text and "紧急收住后评估" in due_page.text
    # the county's assessment closes the task
    await services.record_assessment(inspector.scope, person.id, AssessmentIn(assessed_on=date(2026, 11, 10), **ALL_CAN))
    task = await ReassessmentTask.select().where(ReassessmentTask.resident == person.id).first()
    assert task["done_on"] == date(2026, 11, 10)
    assert await verify_all() is None


async def test_a_director_cannot_record_an_emergency_admission(world, system, signed_in):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    on = ASSESSED + timedelta(days=120)
    person = await _left_the_home(system, county, home, on)
    director = await world.user("director", home=home)
    with pytest.raises(Forbidden):
        await services.record_placement(
            director.scope, person["id"], _admit(home, on, emergency=True, emergency_reason="院长想收")
        )
    client, _user = await signed_in("director", home=home)
    form = await client.get(f"/residents/{person['id']}/placement?kind=admit")
    assert form.status_code == 200 and 'id="emergency-admission"' not in form.text and "90" in form.text
    posted = await post_form(
        client,
        f"/residents/{person['id']}/placement",
        {"kind": "admit", "event_date": on.isoformat(), "home_code": home, "emergency": "yes", "emergency_reason": "院长想收"},
    )
    assert posted.status_code == 400 and zh("Only the county (an inspector) may record an emergency admission.") in posted.text
    assert await _placements(person["id"]) == 2
    assert await ReassessmentTask.count().where(ReassessmentTask.resident == person["id"]) == 0


async def test_a_transfer_needs_no_new_assessment(world, system):
    county = await world.county()
    first, second = await world.home(county=county, beds=10), await world.home(county=county, beds=10)
    person = await _dispersed(system, county)
    await services.record_placement(system, person.id, _admit(first, ASSESSED + timedelta(days=10)))
    moved = await services.record_placement(
        system, person.id, PlacementIn(kind="transfer", event_date=ASSESSED + timedelta(days=200), home_code=second)
    )
    assert moved.home_code == second


async def test_an_imported_admission_is_not_refused_and_is_listed_as_admitted_without_a_prior_assessment(
    world, system, signed_in
):
    county = await world.county()
    home = await world.home(county=county, beds=10)
    unassessed, assessed = new_id("M", date(1944, 4, 4)), new_id("F", date(1945, 5, 5))
    rows = [
        [unassessed, "导入未评", "男", county, "2024-01-01", "集中", home, "2024-02-01", "", ""],
        [assessed, "导入已评", "女", county, "2024-01-01", "集中", home, "2024-02-01", "", ""],
    ]
    result = await run_import(system, "residents", "r.csv", as_csv(RESIDENT_HEADERS, rows))
    assert result.created == 2
    ids = {row["id_number"]: row["id"] for row in (await services.find_by_id_numbers(system, [unassessed, assessed])).values()}
    await services.record_assessment(system, ids[assessed], AssessmentIn(assessed_on=date(2024, 1, 20), **ALL_CAN))
    client, inspector = await signed_in("inspector", county=county)
    listed = await services.admitted_unassessed(inspector.scope, county_code=county)
    assert [item["id"] for item in listed] == [ids[unassessed]]
    assert listed[0]["admitted_on"] == date(2024, 2, 1) and listed[0]["last_assessed_on"] is None
    page = await client.get("/residents/due")
    section = page.text[page.text.index('id="admitted-unassessed"') :]
    assert "入住前未评估" in section and "导入未评" in section and "导入已评" not in section
    person_page = await client.get(f"/residents/{ids[unassessed]}")
    assert 'id="admitted-unassessed"' in person_page.text
    other = await client.get(f"/residents/{ids[assessed]}")
    assert 'id="admitted-unassessed"' not in other.text
    # A county assessment after the admission is the work done: the person leaves the list and
    # loses the mark (a home's observation would not do).
    director = await world.user("director", home=home)
    observed = await services.record_assessment(
        director.scope, ids[unassessed], AssessmentIn(assessed_on=date(2024, 3, 1), **ALL_CAN)
    )
    assert observed.authority == "home"
    assert [item["id"] for item in await services.admitted_unassessed(inspector.scope, county_code=county)] == [ids[unassessed]]
    await services.record_assessment(inspector.scope, ids[unassessed], AssessmentIn(assessed_on=date(2024, 3, 5), **ALL_CAN))
    assert await services.admitted_unassessed(inspector.scope, county_code=county) == []
    person_page = await client.get(f"/residents/{ids[unassessed]}")
    assert 'id="admitted-unassessed"' not in person_page.text
