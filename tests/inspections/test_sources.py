"""The other task sources (issue 13, point 2): hazard deadlines, staff health certificates, the
county's on-site inspection plan, residents' re-assessments and annual reviews: each due, done,
done late (on time 0), overdue and cancelled as the source says."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import dates
from backend.core.security import Scope
from backend.inspections import rules, services
from backend.inspections.tables import InspectionVisit
from backend.registry import services as registry
from backend.registry.schemas import ParametersIn
from backend.residents import services as residents
from backend.residents.schemas import AssessmentIn, ConditionChangeIn, ResidentIn
from backend.safety import services as safety
from backend.safety.hazard_schemas import FixIn
from backend.staffing import services as staffing
from backend.staffing.schemas import StaffIn, StaffPatch
from tests.inspections.test_generate import local, opened, record, tasks_of
from tests.residents.helpers import new_id, register_person
from tests.safety.helpers import director_scope

SYSTEM = Scope.system("test")
ALL_CAN = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True)


def test_the_inspection_plan_follows_the_county_s_inspections_per_year():
    assert [rules.plan_frequency(n) for n in (None, 12, 4, 3, 2, 1, 0)] == [
        "quarterly", "monthly", "quarterly", "half_yearly", "half_yearly", "yearly", "yearly",
    ]  # fmt: skip
    assert rules.plan_period("quarterly", date(2026, 11, 5)) == ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert rules.plan_period("quarterly", date(2026, 3, 31)) == ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    assert rules.plan_period("half_yearly", date(2026, 11, 5)) == ("2026-H2", date(2026, 7, 1), date(2026, 12, 31))
    assert rules.plan_period("yearly", date(2026, 11, 5))[0] == "2026"
    assert rules.plan_period("monthly", date(2026, 11, 5))[0] == "2026-11"


def test_the_window_starts_a_month_before_and_never_before_the_home_opened():
    assert rules.generation_start(date(2020, 1, 1), date(2026, 12, 2)) == date(2026, 11, 1)
    assert rules.generation_start(date(2020, 1, 1), date(2026, 1, 31)) == date(2025, 12, 1)
    assert rules.generation_start(date(2026, 11, 20), date(2026, 12, 2)) == date(2026, 11, 20)
    assert rules.cancels(date(2026, 11, 5), date(2026, 11, 6)) and not rules.cancels(date(2026, 11, 5), date(2026, 11, 5))


async def test_hazards_give_a_task_due_on_their_deadline_done_when_closed(world):
    home = await opened(world)
    await record(home, "fire_patrol", local(date(2026, 11, 2), 10), local(date(2026, 11, 2), 10, 5), fail={"hydrants": "堵塞"})
    await record(home, "fire_patrol", local(date(2026, 11, 3), 10), local(date(2026, 11, 3), 10, 5), fail={"hydrants": "又堵"})
    hazards = sorted((await safety.list_hazards(director_scope(home), home["code"])), key=lambda h: h.id)
    first, second = hazards[0], hazards[1]
    await safety.record_fix(director_scope(home), first.id, FixIn(note="清理"), now=local(date(2026, 11, 5), 9))
    await safety.record_fix(director_scope(home), second.id, FixIn(note="清理"), now=local(date(2026, 11, 12), 9))
    await services.generate_tasks(date(2026, 11, 20), now=local(date(2026, 11, 20), 9))
    tasks = await tasks_of(home, "hazard_fix")
    on_time = tasks[("hazard_fix", first.deadline.isoformat(), str(first.id))]
    late = tasks[("hazard_fix", second.deadline.isoformat(), str(second.id))]
    assert (on_time["done"], on_time["on_time"], on_time["status"], on_time["source"]) == (1, 1, "done", "hazard")
    assert (late["done"], late["on_time"], late["status"]) == (1, 0, "done")
    assert on_time["period_start"] == first.opened_on and on_time["period_end"] == first.deadline


async def test_an_open_hazard_past_its_deadline_is_overdue(world):
    home = await opened(world)
    await record(home, "fire_patrol", local(date(2026, 11, 2), 10), local(date(2026, 11, 2), 10, 5), fail={"hydrants": "堵塞"})
    (hazard,) = await safety.list_hazards(director_scope(home), home["code"])
    await services.generate_tasks(date(2026, 11, 5), now=local(date(2026, 11, 5), 9))
    assert (await tasks_of(home, "hazard_fix"))[("hazard_fix", hazard.deadline.isoformat(), str(hazard.id))]["status"] == "open"
    await services.generate_tasks(date(2026, 11, 20), now=local(date(2026, 11, 20), 9))
    assert (await tasks_of(home, "hazard_fix"))[("hazard_fix", hazard.deadline.isoformat(), str(hazard.id))][
        "status"
    ] == "overdue"


async def test_the_county_s_plan_gives_an_onsite_inspection_per_period_done_by_a_visit(world):
    county = await world.county()
    await registry.set_parameters(
        SYSTEM,
        county,
        ParametersIn(
            effective_from=date(2027, 1, 1),
            residents_per_staff=10,
            death_report_deadline_hours=24,
            extra_months_after_death=0,
            inspections_per_year=12,
        ),
    )
    monthly = await opened(world, on=date(2027, 1, 1), county=county)
    default = await opened(world, on=date(2027, 1, 1))
    await InspectionVisit.insert(
        InspectionVisit(
            home=monthly["id"], county=monthly["county_id"], visited_on=date(2027, 1, 4),
            recorded_at=local(date(2027, 2, 10), 9), inspector="inspector.test",
        )
    )  # fmt: skip
    await services.generate_tasks(date(2027, 2, 20), now=local(date(2027, 2, 20), 9))
    mine = await tasks_of(monthly, "onsite_inspection")
    assert set(mine) == {("onsite_inspection", "2027-01", ""), ("onsite_inspection", "2027-02", "")}
    january = mine[("onsite_inspection", "2027-01", "")]
    assert (january["done"], january["on_time"], january["status"]) == (1, 0, "done")  # recorded after the grace
    assert mine[("onsite_inspection", "2027-02", "")]["status"] == "open"
    quarter = await tasks_of(default, "onsite_inspection")
    assert set(quarter) == {("onsite_inspection", "2027-Q1", "")} and quarter[("onsite_inspection", "2027-Q1", "")]["done"] == 0


async def test_a_certificate_s_renewal_is_done_by_a_later_expiry_and_cancelled_when_the_person_left(world):
    today = dates.today()
    home = await opened(world, on=today - timedelta(days=40))
    renewed = await staffing.create_staff(
        SYSTEM, home["code"], StaffIn(staff_no="C1", name="王厨", post="cook", hired_on=today - timedelta(days=300),
                                      health_cert_expires=today + timedelta(days=10))
    )  # fmt: skip
    await staffing.create_staff(
        SYSTEM, home["code"], StaffIn(staff_no="C2", name="李厨", post="cook", hired_on=today - timedelta(days=300),
                                      health_cert_expires=today + timedelta(days=12), left_on=today + timedelta(days=3))
    )  # fmt: skip
    await services.generate_tasks(today, now=dates.now_utc())
    tasks = await tasks_of(home, "certificate_renewal")
    assert [key[1] for key in tasks] == [(today + timedelta(days=10)).isoformat()]  # the one who leaves first: none
    await staffing.update_staff(SYSTEM, home["code"], "C1", StaffPatch(health_cert_expires=today + timedelta(days=375)))
    await services.generate_tasks(today, now=dates.now_utc())
    row = (await tasks_of(home, "certificate_renewal"))[
        ("certificate_renewal", (today + timedelta(days=10)).isoformat(), str(renewed.id))
    ]
    assert (row["done"], row["on_time"], row["status"], row["source"]) == (1, 1, "done", "certificate")


async def _resident(world, home: dict) -> int:
    county = (await registry.counties_by_id([home["county_id"]]))[home["county_id"]]["code"]
    person = await register_person(
        SYSTEM,
        ResidentIn(
            id_number=new_id(), name="张三", county_code=county, approved_on=date(2024, 1, 10),
            home_code=home["code"], admitted_on=date(2024, 2, 1),
        ),
    )  # fmt: skip
    return person.id


async def test_annual_reviews_and_reassessments_of_residents(world):
    home = await opened(world)
    reviewed, changed = await _resident(world, home), await _resident(world, home)
    await residents.record_assessment(SYSTEM, reviewed, AssessmentIn(assessed_on=date(2025, 11, 20), **ALL_CAN))
    await residents.record_assessment(SYSTEM, changed, AssessmentIn(assessed_on=date(2026, 6, 1), **ALL_CAN))
    due = await residents.report_condition_change(SYSTEM, changed, ConditionChangeIn(reported_on=date(2026, 11, 2)))
    await services.generate_tasks(date(2026, 11, 10), now=local(date(2026, 11, 10), 9))
    tasks = await tasks_of(home)
    review = tasks[("annual_review", "2026-11-20", str(reviewed))]
    assert (review["status"], review["source"], review["period_start"]) == ("open", "review", date(2026, 10, 21))
    reassessment = tasks[("reassessment", due.isoformat(), str(changed))]
    assert (reassessment["status"], reassessment["source"], reassessment["period_start"]) == (
        "open",
        "assessment",
        date(2026, 11, 2),
    )
    assert ("annual_review", "2027-06-01", str(changed)) not in tasks  # not due within 30 days
    await residents.record_assessment(SYSTEM, reviewed, AssessmentIn(assessed_on=date(2026, 11, 15), **ALL_CAN))
    late_day = due + timedelta(days=3)
    await residents.record_assessment(SYSTEM, changed, AssessmentIn(assessed_on=late_day, **ALL_CAN))
    await services.generate_tasks(late_day, now=local(late_day, 18))
    tasks = await tasks_of(home)
    review = tasks[("annual_review", "2026-11-20", str(reviewed))]
    assert (review["done"], review["on_time"], review["status"]) == (1, 1, "done")
    reassessment = tasks[("reassessment", due.isoformat(), str(changed))]
    assert (reassessment["done"], reassessment["on_time"], reassessment["status"]) == (1, 0, "done")


async def test_a_resident_who_died_has_their_future_review_cancelled(world):
    home = await opened(world)
    person = await _resident(world, home)
    await residents.record_assessment(SYSTEM, person, AssessmentIn(assessed_on=date(2025, 11, 25), **ALL_CAN))
    await services.generate_tasks(date(2026, 11, 10), now=local(date(2026, 11, 10), 9))
    assert (await tasks_of(home))[("annual_review", "2026-11-25", str(person))]["status"] == "open"
    await residents.record_death_effects(SYSTEM, person, date(2026, 11, 12), now=local(date(2026, 11, 12), 9))
    result = await services.generate_tasks(date(2026, 11, 13), now=local(date(2026, 11, 13), 9))
    assert (await tasks_of(home))[("annual_review", "2026-11-25", str(person))]["status"] == "cancelled"
    assert result.cancelled >= 1
