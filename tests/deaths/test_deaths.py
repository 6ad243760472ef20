"""Death reports: hours and lateness against the county deadline, the lock, the consequences
(tasks cancelled, bed released, last entitled month), corrections, notices, funeral subsidy."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.ledger import verify_all
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.core.tables import AuditEntry
from backend.deaths import rules, services
from backend.deaths.schemas import DeathIn
from backend.deaths.tables import DeathRecord
from backend.registry.tables import County, CountyParameter
from backend.residents import services as residents
from backend.residents.schemas import (
    AssessmentIn,
    CapabilityIn,
    ConditionChangeIn,
    PlacementIn,
    ResidentIn,
)
from backend.residents.tables import ReassessmentTask, Resident
from tests.residents.helpers import new_id, register_person

ALL_CAN = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True)
TZ = get_settings().tz


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def register(system):
    async def make(county: str, home: str | None = None, admitted_on: date | None = None, name="王五"):
        return await register_person(
            system,
            ResidentIn(
                id_number=new_id("M"),
                name=name,
                county_code=county,
                approved_on=date(2024, 1, 10),
                home_code=home,
                admitted_on=admitted_on or (date(2024, 2, 1) if home else None),
            ),
        )

    return make


async def set_parameters(county: str, effective_from: date, deadline: int = 24, extra: int = 0) -> None:
    """A parameter row dated in the past (the service only accepts today or later; a test needs
    the rule in force on an earlier day of death)."""
    county_id = (await County.select(County.id).where(County.code == county).first())["id"]
    await CountyParameter.insert(
        CountyParameter(
            county=county_id,
            effective_from=effective_from,
            residents_per_staff=10,
            dependents_per_carer=None,
            death_report_deadline_hours=deadline,
            extra_months_after_death=extra,
            inspections_per_year=4,
            created_at=dates.now_utc(),
            created_by="test",
        )
    )


def rules_only():
    died = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert not rules.is_late(died, died + timedelta(hours=24), 24)
    assert rules.is_late(died, died + timedelta(hours=24, seconds=1), 24)


def test_lateness_is_exact_to_the_second():
    rules_only()
    assert (
        rules.hours_text(rules.minutes_to_report(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 23, 54, 30, tzinfo=UTC)))
        == 23.9
    )


async def test_23_9_hours_is_on_time_and_24_1_is_late(world, register, system):
    county = await world.county()
    home = await world.home(county=county)
    on_time = await register(county, home)
    late = await register(county, home)
    now = dates.now_utc()
    first = await services.report_death(
        system, on_time.id, DeathIn(died_at=now - timedelta(hours=23.9), place="院内", reporter="院长")
    )
    second = await services.report_death(system, late.id, DeathIn(died_at=now - timedelta(hours=24.1)))
    assert (first.hours_to_report, first.deadline_hours, first.late) == (23.9, 24, False)
    assert (second.hours_to_report, second.deadline_hours, second.late) == (24.1, 24, True)
    # The county sees the late one at once, and only that one.
    inspector = await world.user("inspector", county=county)
    notices = await services.late_notices(inspector.scope)
    assert [notice.resident_id for notice in notices] == [late.id]
    assert await services.open_notice_count(inspector.scope) == 1
    await services.mark_notice_seen(inspector.scope, county, notices[0].id)
    assert await services.late_notices(inspector.scope) == []


async def test_a_county_with_a_longer_deadline(world, register, system):
    county = await world.county()
    await set_parameters(county, date(2020, 1, 1), deadline=48)
    person = await register(county)
    record = await services.report_death(system, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=30)))
    assert (record.deadline_hours, record.late) == (48, False)
    other = await world.county()
    person = await register(other)
    record = await services.report_death(system, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=30)))
    assert (record.deadline_hours, record.late) == (24, True)


async def test_the_deadline_in_force_on_the_day_of_death_applies(world, register, system):
    county = await world.county()
    await set_parameters(county, date(2020, 1, 1), deadline=72)
    await set_parameters(county, dates.today() + timedelta(days=1), deadline=12)  # a later change
    person = await register(county)
    record = await services.report_death(system, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=50)))
    assert (record.deadline_hours, record.late) == (72, False)


async def test_after_a_death_later_assessments_and_admissions_are_refused(world, register, system, client, bearer):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county)  # dispersed
    await services.report_death(system, person.id, DeathIn(died_at=local(2025, 3, 10, 9, 30)))
    with pytest.raises(Invalid) as refused:
        await residents.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2025, 3, 11), **ALL_CAN))
    assert "2025-03-10" in refused.value.errors["assessed_on"]
    with pytest.raises(Invalid) as refused:
        await residents.record_placement(
            system, person.id, PlacementIn(kind="admit", event_date=date(2025, 3, 11), home_code=home)
        )
    assert "2025-03-10" in refused.value.errors["event_date"]
    with pytest.raises(Invalid) as refused:
        await residents.record_capability(system, person.id, CapabilityIn(assessed_on=date(2025, 3, 12), scores={}))
    assert "assessed_on" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        await residents.report_condition_change(system, person.id, ConditionChangeIn(reported_on=date(2025, 3, 12)))
    assert "reported_on" in refused.value.errors
    with pytest.raises(Invalid):
        await residents.end_support(system, person.id, date(2025, 3, 12), "迁出")
    # Late paperwork dated on or before the day of death is still accepted.
    saved = await residents.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2025, 3, 10), **ALL_CAN))
    assert saved.tier == "self_care"
    # Through the API the refusal names the field.
    inspector = await world.user("inspector", county=county)
    response = await client.post(
        f"/api/v1/residents/{person.id}/assessments",
        headers=await bearer(inspector),
        json={"assessed_on": "2025-04-01", **ALL_CAN},
    )
    assert response.status_code == 400 and "assessed_on" in response.json()["errors"]


async def test_a_death_cancels_open_tasks_and_releases_the_bed(world, register, system):
    county = await world.county()
    home = await world.home(county=county, beds=1)
    person = await register(county, home, admitted_on=date(2024, 2, 1))
    await residents.report_condition_change(system, person.id, ConditionChangeIn(reported_on=date(2025, 5, 6), note="跌倒"))
    waiting = await register(county)
    # assessed by the county before the admission (domain rules §2)
    await residents.record_assessment(system, waiting.id, AssessmentIn(assessed_on=date(2025, 5, 1), **ALL_CAN))
    with pytest.raises(Invalid) as refused:  # the only bed is taken
        await residents.record_placement(
            system, waiting.id, PlacementIn(kind="admit", event_date=date(2025, 5, 8), home_code=home)
        )
    assert "home_code" in refused.value.errors
    record = await services.report_death(system, person.id, DeathIn(died_at=local(2025, 5, 7, 23, 50)))
    assert record.home_code == home and record.died_on == date(2025, 5, 7)
    row = await Resident.select(Resident.home, Resident.died_on).where(Resident.id == person.id).first()
    assert row == {"home": None, "died_on": date(2025, 5, 7)}
    tasks = await ReassessmentTask.select().where(ReassessmentTask.resident == person.id)
    assert len(tasks) == 1 and tasks[0]["cancelled_on"] is not None and tasks[0]["done_on"] is None
    assert [e.kind for e in await residents.placements(system, person.id)] == ["admit", "discharge"]
    assert (await residents.state_on(system, person.id, date(2025, 5, 6))).home_code == home
    assert (await residents.state_on(system, person.id, date(2025, 5, 7))).home_code is None
    # The bed is free again.
    admitted = await residents.record_placement(
        system, waiting.id, PlacementIn(kind="admit", event_date=date(2025, 5, 8), home_code=home)
    )
    assert admitted.home_code == home
    assert await verify_all() is None


async def test_last_entitled_month_with_zero_and_one_extra_month(world, register, system):
    plain = await world.county()
    generous = await world.county()
    await set_parameters(generous, date(2020, 1, 1), extra=1)
    first = await services.report_death(system, (await register(plain)).id, DeathIn(died_at=local(2025, 12, 31, 23, 0)))
    second = await services.report_death(system, (await register(generous)).id, DeathIn(died_at=local(2025, 12, 31, 23, 0)))
    third = await services.report_death(system, (await register(generous)).id, DeathIn(died_at=local(2025, 11, 1, 0, 30)))
    assert first.last_entitled_month == "2025-12"
    assert second.last_entitled_month == "2026-01"
    assert third.last_entitled_month == "2025-12"


async def test_a_correction_is_a_new_audited_record(world, register, system):
    county = await world.county()
    person = await register(county)
    first = await services.report_death(system, person.id, DeathIn(died_at=local(2025, 6, 2, 14, 0), certificate_no="A1"))
    with pytest.raises(Invalid) as refused:
        await services.report_death(system, person.id, DeathIn(died_at=local(2025, 6, 2, 14, 0)))
    assert "died_at" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        await services.correct_death(system, person.id, DeathIn(died_at=local(2025, 6, 1, 14, 0)))
    assert "reason" in refused.value.errors
    corrected = await services.correct_death(
        system, person.id, DeathIn(died_at=local(2025, 6, 1, 14, 0), certificate_no="A2", reason="证明日期有误")
    )
    assert corrected.id != first.id and corrected.corrects == first.id
    assert corrected.reported_at == first.reported_at and corrected.died_on == date(2025, 6, 1)
    history = await services.death_history(system, person.id)
    assert [r.certificate_no for r in history] == ["A1", "A2"]
    assert (await Resident.select(Resident.died_on).where(Resident.id == person.id).first())["died_on"] == date(2025, 6, 1)
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 2
    actions = [
        row["action"]
        for row in await AuditEntry.select(AuditEntry.action).where(
            AuditEntry.entity_key.like(f"%{person.id_number_masked[-4:]}")
        )
    ]
    assert "death.report" in actions and "death.correct" in actions
    register_rows = await services.county_deaths(system, county)
    assert [r.id for r in register_rows] == [corrected.id]
    assert await services.county_deaths(system, county, date(2025, 6, 1)) != []


async def test_bad_reports_are_refused_and_nothing_is_written(world, register, system):
    county = await world.county()
    person = await register(county)
    with pytest.raises(Invalid) as refused:
        await services.report_death(system, person.id, DeathIn(died_at=dates.now_utc() + timedelta(hours=2)))
    assert "died_at" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        await services.report_death(system, person.id, DeathIn())
    assert "died_at" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        await services.report_death(system, person.id, DeathIn(died_at=local(2023, 12, 1, 8, 0)))
    assert "died_at" in refused.value.errors  # before approval
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 0
    assert (await Resident.select(Resident.died_on).where(Resident.id == person.id).first())["died_on"] is None


async def test_scope_of_reports(world, register, system):
    county = await world.county()
    home = await world.home(county=county)
    other_home = await world.home(county=county)
    person = await register(county, home)
    elsewhere = await register(await world.county())
    director = await world.user("director", home=other_home)
    with pytest.raises(NotFound):
        await services.report_death(director.scope, person.id, DeathIn(died_at=dates.now_utc()))
    finance = await world.user("finance", county=county)
    with pytest.raises(Forbidden):
        await services.report_death(finance.scope, person.id, DeathIn(died_at=dates.now_utc()))
    inspector = await world.user("inspector", county=county)
    with pytest.raises(NotFound):
        await services.death_history(inspector.scope, elsewhere.id)
    own = await world.user("director", home=home)
    record = await services.report_death(own.scope, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=1)))
    assert record.recorded_by == own.username


def pin_clock(monkeypatch, moment: datetime) -> None:
    """The project's clock (``core.dates.now_utc`` and ``today``) stopped at ``moment``."""
    monkeypatch.setattr(dates, "now_utc", lambda: moment.astimezone(UTC))
    monkeypatch.setattr(dates, "today", lambda: dates.local(moment).date())


@pytest.mark.parametrize(
    ("clock", "died_today"),
    [
        (local(2026, 6, 15, 23, 58), True),  # 5 minutes before: the same day, whatever the hour the tests run at
        (local(2026, 6, 15, 0, 2), False),  # 5 minutes before midnight: the day before, its amount
    ],
)
async def test_funeral_subsidy_is_the_county_amount_in_force_on_the_day_of_death(
    world, register, system, monkeypatch, clock, died_today
):
    pin_clock(monkeypatch, clock)
    county = await world.county()
    today = dates.today()
    assert today == date(2026, 6, 15)
    assert (await services.subsidy_on(system, county, today)).amount == "0.00"
    await services.set_funeral_subsidy(system, county, today, "6,020.50")
    with pytest.raises(Invalid) as refused:
        await services.set_funeral_subsidy(system, county, today - timedelta(days=1), "100")
    assert "effective_from" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        await services.set_funeral_subsidy(system, county, today + timedelta(days=3), "12.345")
    assert "amount" in refused.value.errors
    recent = await services.report_death(
        system,
        (await register(county)).id,
        DeathIn(died_at=dates.now_utc() - timedelta(minutes=5), funeral_arrangements="县殡仪馆火化"),
    )
    assert recent.reported_at == clock.astimezone(UTC)
    earlier = await services.report_death(system, (await register(county)).id, DeathIn(died_at=local(2025, 1, 5, 10, 0)))
    assert (recent.died_on == today) is died_today
    # The amount in force on the day of death: today's new amount, or none (0) the day before.
    assert recent.funeral_subsidy == ("6020.50" if died_today else "0.00")
    assert recent.funeral_arrangements == "县殡仪馆火化"
    assert earlier.funeral_subsidy == "0.00"
    inspector = await world.user("inspector", county=county)
    with pytest.raises(Forbidden):
        await services.set_funeral_subsidy(inspector.scope, county, today, "1")


async def test_an_admin_scope_sees_every_county_notice(world, register):
    county = await world.county()
    person = await register(county)
    await services.report_death(Scope.system(), person.id, DeathIn(died_at=local(2025, 2, 1, 8, 0)))
    assert person.id in [notice.resident_id for notice in await services.late_notices(Scope.system())]
    other_inspector = await world.user("inspector", county=await world.county())
    assert person.id not in [notice.resident_id for notice in await services.late_notices(other_inspector.scope)]


async def test_the_register_shows_the_dead_as_deceased_and_no_review_stays_due(world, register, system):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)  # never assessed: an annual review is due at once
    other = await register(county, home, name="李四")
    due_before = {task.resident_id for task in await residents.due_assessments(system, county_code=county)}
    assert {person.id, other.id} <= due_before
    await services.report_death(system, person.id, DeathIn(died_at=local(2025, 3, 1, 8, 0), cause="心衰"))
    due_after = {task.resident_id for task in await residents.due_assessments(system, county_code=county)}
    assert person.id not in due_after and other.id in due_after
    shown = await residents.get_resident(system, person.id)
    assert shown.status == "died" and shown.died_on == date(2025, 3, 1)
    died = await residents.search_register(system, residents.RegisterFilter(county_code=county, status="died"))
    assert [item.id for item in died.items] == [person.id]
    living = await residents.search_register(system, residents.RegisterFilter(county_code=county, status="dispersed"))
    assert person.id not in [item.id for item in living.items]
    kinds = [item["kind"] for item in await residents.timeline(system, person.id)]
    assert kinds.count("died") == 1


async def test_an_assessment_import_dated_after_the_death_is_refused(world, register, system):
    from backend.core.exchange import ExchangeError
    from backend.importers import run_import
    from backend.residents.tables import Assessment

    county = await world.county()
    person = await register(county)
    number = (await Resident.select(Resident.id_number).where(Resident.id == person.id).first())["id_number"]
    await services.report_death(system, person.id, DeathIn(died_at=local(2025, 3, 1, 8, 0)))
    header = "身份证号,评估日期,自主吃饭,自主穿衣,自主上下床,自主如厕,室内行走,自主洗澡\n"
    after = f"{header}{number},2025-03-02,能,能,能,能,能,能\n".encode()
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "assessments", "a.csv", after)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "评估日期")]
    assert "2025-03-01" in refused.value.errors[0].message
    on_the_day = f"{header}{number},2025-03-01,能,能,能,能,能,能\n".encode()
    await run_import(system, "assessments", "a.csv", on_the_day)
    assert await Assessment.count().where(Assessment.resident == person.id) == 1


async def test_the_export_writes_one_record_naming_whose_numbers_it_holds(world, register, system):
    """The death register file carries full ID numbers: one audit record per export, naming the
    persons (record ids) and their numbers' digests, not the numbers."""
    from backend.core import citizen_id

    county = await world.county()
    home = await world.home(county=county)
    people = [await register(county, home, name=name) for name in ("甲", "乙")]
    for person in people:
        await services.report_death(system, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=5)))
    inspector = await world.user("inspector", county=county)
    before = await AuditEntry.count()
    rows = await services.export_rows(inspector.scope, county)
    numbers = sorted(row["id_number"] for row in rows)
    assert numbers == sorted([await residents.reveal_id_number(system, p.id) for p in people])
    assert await AuditEntry.count() == before + 1 + 2  # the export, then the two reveals above
    exported = await AuditEntry.select().where((AuditEntry.action == "death.export") & (AuditEntry.actor == inspector.username))
    assert len(exported) == 1
    after = json.loads(exported[0]["after"])
    assert after["rows"] == 2 and after["ids_shown"] == 2
    assert after["id_digests"] == sorted(citizen_id.digest(number) for number in numbers)
    assert after["residents"] == sorted(p.id for p in people)
    assert not any(number in exported[0]["after"] for number in numbers)
