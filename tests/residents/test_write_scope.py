"""Scope for writes is "now", not "ever": a director reads the history of everyone ever placed in
the home, but records something dated D only for a person placed in the home at some moment of D
(``rules.homes_during``); otherwise "not found", before any validation, with nothing written. The
county's staff are bounded by the person's county. Imports apply the same rule row by row."""

from datetime import UTC, date, datetime, timedelta

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.i18n import gettext as zh
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.importers import kinds_for, run_import
from backend.residents import services
from backend.residents.rules import PlacementEvent, homes_during
from backend.residents.schemas import (
    AssessmentIn,
    CapabilityIn,
    ConditionChangeIn,
    PlacementIn,
    ResidentIn,
)
from backend.residents.tables import Assessment, CapabilityAssessment, Placement, ReassessmentTask
from tests.conftest import post_form
from tests.residents.helpers import new_id, register_person
from tests.residents.test_imports import ASSESSMENT_HEADERS, as_csv

ALL_CAN = dict.fromkeys(("eat", "dress", "transfer", "toilet", "walk", "bathe"), True)
D = date


# --- the rule (pure) ---------------------------------------------------------------------------------


def test_homes_during_a_day():
    events = [
        PlacementEvent(D(2024, 1, 2), 1, "admit", 1),
        PlacementEvent(D(2024, 6, 3), 2, "transfer", 2),
        PlacementEvent(D(2024, 9, 1), 3, "discharge", None),
        PlacementEvent(D(2025, 1, 5), 4, "admit", 3),
        PlacementEvent(D(2025, 1, 5), 5, "transfer", 4),
    ]
    assert homes_during(events, D(2024, 1, 1)) == frozenset()  # before the admission
    assert homes_during(events, D(2024, 1, 2)) == {1}  # the day of arriving
    assert homes_during(events, D(2024, 6, 2)) == {1}
    assert homes_during(events, D(2024, 6, 3)) == {1, 2}  # the day of a transfer: both homes
    assert homes_during(events, D(2024, 9, 1)) == {2}  # the day of leaving still counts
    assert homes_during(events, D(2024, 9, 2)) == frozenset()  # dispersed
    assert homes_during(events, D(2025, 1, 5)) == {3, 4}  # admitted and moved on the same day
    assert homes_during(events, D(2030, 1, 1)) == {4}
    assert homes_during(list(reversed(events)), D(2024, 6, 3)) == {1, 2}  # order of the list does not matter
    assert homes_during([], D(2024, 1, 1)) == frozenset()


# --- the services ---------------------------------------------------------------------------------------


@pytest.fixture
async def stay(world, system):
    """A person admitted to home A on 2024-01-02 and transferred to home C (same county) on
    2024-06-03; the directors of A and C, an inspector of the county and one of another."""
    county = await world.county()
    home_a, home_c = await world.home(county=county), await world.home(county=county)
    person = await register_person(
        system,
        ResidentIn(
            id_number=new_id("F", D(1941, 3, 9)),
            name="刘玉兰",
            county_code=county,
            approved_on=D(2024, 1, 1),
            home_code=home_a,
            admitted_on=D(2024, 1, 2),
        ),
    )
    await services.record_placement(system, person.id, PlacementIn(kind="transfer", event_date=D(2024, 6, 3), home_code=home_c))
    return {
        "id": person.id,
        "county": county,
        "home_a": home_a,
        "home_c": home_c,
        "director_a": (await world.user("director", home=home_a)).scope,
        "director_c": (await world.user("director", home=home_c)).scope,
        "inspector": (await world.user("inspector", county=county)).scope,
        "outsider": (await world.user("inspector", county=await world.county())).scope,
    }


async def _rows(resident_id: int) -> tuple[int, ...]:
    return tuple(
        [
            await table.count().where(table.resident == resident_id)
            for table in (Assessment, CapabilityAssessment, Placement, ReassessmentTask)
        ]
    )


async def test_the_former_home_reads_the_history_but_writes_only_dates_of_the_stay(stay):
    old, new = stay["director_a"], stay["director_c"]
    assert (await services.get_resident(old, stay["id"])).home_code == stay["home_c"]  # the history stays readable
    assert len(await services.timeline(old, stay["id"])) >= 3
    before = await _rows(stay["id"])
    today = dates.today()
    writes = [
        lambda day: services.record_assessment(old, stay["id"], AssessmentIn(assessed_on=day, **ALL_CAN)),
        lambda day: services.record_capability(old, stay["id"], CapabilityIn(assessed_on=day, scores={})),
        lambda day: services.report_condition_change(old, stay["id"], ConditionChangeIn(reported_on=day, note="跌倒")),
        lambda day: services.record_placement(old, stay["id"], PlacementIn(kind="discharge", event_date=day)),
    ]
    for write in writes:
        for day in (today, D(2024, 6, 4), D(2023, 12, 31)):  # after the stay, the day after, before it
            with pytest.raises(NotFound) as refused:
                await write(day)
            assert str(refused.value) == zh("No such person placed in your home on that date.")
    assert await _rows(stay["id"]) == before
    # A date inside the stay, or the day of leaving, is the home's to record; the new home records
    # from the day of arrival on.
    await services.record_assessment(old, stay["id"], AssessmentIn(assessed_on=D(2024, 3, 1), **ALL_CAN))
    await services.record_assessment(old, stay["id"], AssessmentIn(assessed_on=D(2024, 6, 3), **ALL_CAN))
    await services.record_assessment(new, stay["id"], AssessmentIn(assessed_on=D(2024, 6, 3), **ALL_CAN))
    with pytest.raises(NotFound):
        await services.record_assessment(new, stay["id"], AssessmentIn(assessed_on=D(2024, 6, 2), **ALL_CAN))
    await services.report_condition_change(new, stay["id"], ConditionChangeIn(reported_on=today, note="跌倒"))
    assert await _rows(stay["id"]) == (before[0] + 3, before[1], before[2], before[3] + 1)


async def test_out_of_scope_comes_before_validation(stay):
    """An invalid body on a person out of the write scope is "not found" too (nothing is said
    about the person or the data)."""
    old = stay["director_a"]
    with pytest.raises(NotFound):
        await services.record_capability(old, stay["id"], CapabilityIn(assessed_on=dates.today(), scores={"nonsense": 99}))
    with pytest.raises(NotFound):
        await services.report_condition_change(old, stay["id"], ConditionChangeIn(reported_on=D(9999, 12, 31)))
    with pytest.raises(NotFound):
        await services.record_placement(
            old, stay["id"], PlacementIn(kind="admit", event_date=dates.today(), home_code=stay["home_a"])
        )
    with pytest.raises(NotFound):
        await services.end_support(stay["outsider"], stay["id"], dates.today(), "")
    with pytest.raises(NotFound):
        await deaths.report_death(old, stay["id"], DeathIn(died_at=None))
    with pytest.raises(Invalid):  # the same invalid body in scope is a field error
        await services.report_condition_change(stay["director_c"], stay["id"], ConditionChangeIn(reported_on=D(9999, 12, 31)))


async def test_the_county_is_the_bound_of_its_staff(stay):
    """The county's inspector records for a person of the county whatever home they lived in;
    another county's is refused."""
    await services.record_assessment(stay["inspector"], stay["id"], AssessmentIn(assessed_on=dates.today(), **ALL_CAN))
    before = await _rows(stay["id"])
    with pytest.raises(NotFound):
        await services.record_assessment(stay["outsider"], stay["id"], AssessmentIn(assessed_on=dates.today(), **ALL_CAN))
    with pytest.raises(NotFound):
        await services.end_support(stay["outsider"], stay["id"], dates.today(), "迁出")
    assert await _rows(stay["id"]) == before


async def test_deaths_are_reported_and_corrected_by_the_home_the_person_died_in(stay, system):
    now = dates.now_utc()
    before = await _rows(stay["id"])
    with pytest.raises(NotFound):  # the former home
        await deaths.report_death(stay["director_a"], stay["id"], DeathIn(died_at=now - timedelta(hours=3)))
    with pytest.raises(NotFound):  # a death dated during the stay in A is not C's to report
        await deaths.report_death(stay["director_c"], stay["id"], DeathIn(died_at=datetime(2024, 3, 1, 8, tzinfo=UTC)))
    assert await _rows(stay["id"]) == before and await deaths.death_of(system, stay["id"]) is None
    record = await deaths.report_death(stay["director_c"], stay["id"], DeathIn(died_at=now - timedelta(hours=3), place="院内"))
    assert record.home_code == stay["home_c"]
    with pytest.raises(NotFound):
        await deaths.correct_death(stay["director_a"], stay["id"], DeathIn(died_at=now - timedelta(hours=2), reason="时间记错"))
    corrected = await deaths.correct_death(
        stay["director_c"], stay["id"], DeathIn(died_at=now - timedelta(hours=2), reason="时间记错")
    )
    assert corrected.corrects == record.id


async def test_a_death_after_leaving_is_not_the_former_homes(world, system):
    county = await world.county()
    home = await world.home(county=county)
    person = await register_person(
        system,
        ResidentIn(
            id_number=new_id("M", D(1939, 7, 7)),
            name="赵德明",
            county_code=county,
            approved_on=D(2024, 1, 1),
            home_code=home,
            admitted_on=D(2024, 1, 2),
        ),
    )
    await services.record_placement(system, person.id, PlacementIn(kind="discharge", event_date=D(2024, 6, 3)))
    director = (await world.user("director", home=home)).scope
    with pytest.raises(NotFound):
        await deaths.report_death(director, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=1)))
    await deaths.report_death(system, person.id, DeathIn(died_at=datetime(2024, 8, 1, 10, tzinfo=UTC)))
    with pytest.raises(NotFound):
        await deaths.correct_death(director, person.id, DeathIn(died_at=datetime(2024, 8, 1, 9, tzinfo=UTC), reason="时间记错"))
    assert len(await deaths.death_history(director, person.id)) == 1  # still readable


async def test_a_directors_assessment_import_is_refused_the_file_is_the_countys(stay, world, system):
    """interfaces §3: the assessments file is the county's (admin, inspector or assessor imports
    it); a director's would set the tier the home is paid for (domain rules §2)."""
    numbers = await services.reveal_id_number(system, stay["id"])
    rows = [[numbers, "2024-03-01", *["能"] * 6, ""]]  # during the stay in A
    before = await _rows(stay["id"])
    with pytest.raises(Forbidden):
        await run_import(stay["director_a"], "assessments", "a.csv", as_csv(ASSESSMENT_HEADERS, rows))
    assert await _rows(stay["id"]) == before
    assert "assessments" not in kinds_for("director")
    assert "assessments" in kinds_for("assessor") and "assessments" in kinds_for("inspector")


async def test_the_persons_page_offers_writes_only_to_a_home_the_person_lives_in(stay, signed_in, app):
    old, _user = await signed_in("director", home=stay["home_a"])
    new, _user = await signed_in("director", home=stay["home_c"])
    page = await old.get(f"/residents/{stay['id']}")
    assert page.status_code == 200 and f"/residents/{stay['id']}/assessment" not in page.text
    assert f"/residents/{stay['id']}/assessment" in (await new.get(f"/residents/{stay['id']}")).text
    assert await services.may_record(stay["director_c"], stay["id"])
    assert not await services.may_record(stay["director_a"], stay["id"])
    assert not await services.may_record(stay["outsider"], stay["id"])
    # Posting the form anyway: the page answers "not found" and nothing is written.
    before = await _rows(stay["id"])
    response = await post_form(
        old, f"/residents/{stay['id']}/condition-change", {"reported_on": dates.today().isoformat(), "note": "跌倒"}
    )
    assert response.status_code == 404
    assert await _rows(stay["id"]) == before
