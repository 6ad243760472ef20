"""send_notices (issue 13 point 4): each kind of notice for the right people and not for others,
once (a second run creates nothing), read back by its user only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.core import dates
from backend.core.ledger import recent_audit
from backend.core.security import Scope
from backend.notices import rules, services
from backend.notices.tables import Notice
from backend.registry import services as registry
from backend.safety import services as safety
from backend.safety.hazard_schemas import ManualHazardIn
from tests.notices.helpers import add_task, morning


async def kinds_of(user) -> list[tuple[str, str, str]]:
    rows = await Notice.select(Notice.kind, Notice.subject, Notice.period).where(Notice.user_id == user.id).order_by(Notice.id)
    return [(row["kind"], row["subject"], row["period"]) for row in rows]


def director_scope(home: dict) -> Scope:
    return Scope(user_id=None, username="director.test", role="director", county_id=home["county_id"], home_id=home["id"])


async def test_a_director_gets_one_summary_a_day_of_their_home_only(world):
    county = await world.county()
    home, other_home = await world.home(county), await world.home(county)
    director = await world.user("director", home=home)
    other_director = await world.user("director", home=other_home)
    inspector = await world.user("inspector", county=county)
    today = dates.today()
    for routine in ("fire_patrol", "morning_check", "kitchen_clean"):
        await add_task(home, routine, today)
    await add_task(home, "fire_check", today - timedelta(days=3), status="overdue")
    await add_task(home, "old_check", today - timedelta(days=35), status="overdue")
    await add_task(home, "done_today", today, status="done")
    await add_task(home, "tomorrow", today + timedelta(days=1))

    assert await services.send_notices(morning(hour=6)) >= 0  # before 07:00: no summary yet
    assert await kinds_of(director) == []
    assert await services.send_notices(morning()) >= 1
    assert await kinds_of(director) == [(rules.DIRECTOR_DAILY, home, today.isoformat())]
    assert await kinds_of(other_director) == []  # nothing to do in the other home: no notice
    assert [kind for kind, _s, _p in await kinds_of(inspector)] == []
    notices = await services.list_notices(director.scope)
    # every overdue task, however old (the tasks page and the 今日待办 count them so too)
    assert [n.text for n in notices] == ["测试敬老院：今日到期任务 3 项，逾期任务 2 项。"]
    assert notices[0].href == f"/homes/{home}/tasks" and not notices[0].read

    # the same hour again, and later the same day: nothing new (one a day, not one per task)
    assert await services.send_notices(morning()) == 0
    await add_task(home, "another", today)
    assert await services.send_notices(morning(hour=15)) == 0
    assert len(await kinds_of(director)) == 1
    # the next day: a new summary
    assert await services.send_notices(morning(today + timedelta(days=1))) >= 1
    assert len(await kinds_of(director)) == 2
    assert any(row["action"] == "notice.create" for row in await recent_audit(20))


async def test_an_inactive_director_gets_nothing(world, system):
    from backend.accounts import services as accounts

    home = await world.home()
    director = await world.user("director", home=home)
    await accounts.disable_user(system, director.id)
    await add_task(home, "fire_patrol", dates.today())
    await services.send_notices(morning())
    assert await kinds_of(director) == []


async def test_inspectors_hear_of_major_hazards_and_outbreaks_of_their_county_once(world):
    county, other_county = await world.county(), await world.county()
    code = await world.home(county)
    home = await registry.find_home(Scope.system("test"), code)
    inspector = await world.user("inspector", county=county)
    colleague = await world.user("inspector", county=county)
    stranger = await world.user("inspector", county=other_county)
    director = await world.user("director", home=code)
    major = (await safety.open_hazard(director_scope(home), code, ManualHazardIn(title="楼道堆物", major=True))).hazard
    await safety.open_hazard(director_scope(home), code, ManualHazardIn(title="指示灯不亮"))  # not major: no notice
    report = await safety.report_outbreak(director_scope(home), code, safety.OutbreakIn(symptom="diarrhoea"))

    await services.send_notices(morning())
    expected = [(rules.MAJOR_HAZARD, str(major.id), ""), (rules.OUTBREAK, str(report.id), "")]
    assert await kinds_of(inspector) == expected
    assert await kinds_of(colleague) == expected
    assert await kinds_of(stranger) == []
    assert await kinds_of(director) == []
    assert await services.send_notices(morning()) == 0
    assert await kinds_of(inspector) == expected
    texts = [n.text for n in await services.list_notices(inspector.scope)]
    assert any("楼道堆物" in text and "重大隐患" not in text for text in texts)
    titles = {n.title for n in await services.list_notices(inspector.scope)}
    assert titles == {"重大隐患", "疫情报告"}
    links = {n.href for n in await services.list_notices(inspector.scope)}
    assert links == {f"/homes/{code}/hazards/{major.id}", f"/counties/{county}/outbreaks"}


async def test_an_acknowledged_outbreak_is_not_notified(world):
    county = await world.county()
    code = await world.home(county)
    home = await registry.find_home(Scope.system("test"), code)
    inspector = await world.user("inspector", county=county)
    report = await safety.report_outbreak(director_scope(home), code, safety.OutbreakIn(symptom="cough"))
    await safety.acknowledge_outbreak(inspector.scope, report.id)
    await services.send_notices(morning())
    assert await kinds_of(inspector) == []


async def test_inspectors_hear_of_overdue_drills_per_home_and_period(world):
    county, other_county = await world.county(), await world.county()
    home, other = await world.home(county), await world.home(other_county)
    inspector = await world.user("inspector", county=county)
    stranger = await world.user("inspector", county=other_county)
    last_half = dates.today() - timedelta(days=10)
    await add_task(home, rules.DRILL_ROUTINE, last_half, status="overdue", period="2026-H1")
    await add_task(home, "fire_patrol", last_half, status="overdue")  # overdue, but not a drill
    await add_task(other, rules.DRILL_ROUTINE, last_half, status="done", period="2026-H1")
    await services.send_notices(morning())
    assert await kinds_of(inspector) == [(rules.DRILL_OVERDUE, home, "2026-H1")]
    assert await kinds_of(stranger) == []
    [notice] = await services.list_notices(inspector.scope)
    assert "2026-H1" in notice.text and notice.href == f"/homes/{home}/safety"
    assert await services.send_notices(morning()) == 0


async def test_inspectors_hear_of_late_death_reports_of_their_county(world, system):
    from backend.deaths import services as deaths
    from backend.deaths.schemas import DeathIn
    from backend.residents.schemas import ResidentIn
    from tests.residents.helpers import new_id, register_person

    county, other_county = await world.county(), await world.county()
    home = await world.home(county)
    inspector = await world.user("inspector", county=county)
    stranger = await world.user("inspector", county=other_county)
    finance = await world.user("finance", county=county)
    people = []
    for name in ("王五", "赵六"):
        people.append(
            await register_person(
                system,
                ResidentIn(
                    id_number=new_id("M"),
                    name=name,
                    county_code=county,
                    approved_on=datetime(2024, 1, 10).date(),
                    home_code=home,
                    admitted_on=datetime(2024, 2, 1).date(),
                ),
            )
        )
    now = dates.now_utc()
    late = await deaths.report_death(system, people[0].id, DeathIn(died_at=now - timedelta(hours=30)))
    await deaths.report_death(system, people[1].id, DeathIn(died_at=now - timedelta(hours=2)))  # on time
    assert late.late
    await services.send_notices(morning(hour=23))
    kinds = await kinds_of(inspector)
    assert [kind for kind, _s, _p in kinds] == [rules.LATE_DEATH]
    assert await kinds_of(stranger) == [] and await kinds_of(finance) == []
    [notice] = await services.list_notices(inspector.scope)
    assert "30" in notice.text and "王五" not in notice.text  # the e-mail carries no resident's name
    assert notice.href == f"/counties/{county}/deaths"


async def test_a_notice_is_its_users_only_and_marked_read_by_them(world):
    home = await world.home()
    director = await world.user("director", home=home)
    other = await world.user("director", home=home)
    await add_task(home, "fire_patrol", dates.today())
    await services.send_notices(morning())
    assert await services.unread_count(director.scope) == 1
    assert await services.mark_all_read(other.scope) == 1  # their own copy
    assert await services.unread_count(director.scope) == 1
    assert await services.mark_all_read(director.scope, now=datetime(2026, 12, 2, tzinfo=UTC)) == 1
    assert await services.unread_count(director.scope) == 0
    assert await services.mark_all_read(director.scope) == 0
    [notice] = await services.list_notices(director.scope)
    assert notice.read and notice.read_at is not None
    assert await services.list_notices(Scope.system("cli")) == []
    assert any(row["action"] == "notice.read_all" for row in await recent_audit(10))


async def test_the_summary_counts_the_tasks_the_generation_made(world):
    """Against the real task generation (inspections.services.generate_tasks), not hand-made rows."""
    from backend.inspections import services as inspections

    home = await world.home()
    director = await world.user("director", home=home)
    now = morning()
    await inspections.generate_tasks(dates.local(now).date(), now=now)
    # due today: open, the period ending today (its night slots too, due after midnight), or
    # ended and still in its grace (a month's 3 days); not the month or the quarter running on
    today = dates.today()
    due_today = [
        task
        for task in await inspections.list_tasks(Scope.system("test"), home_code=home, status="open")
        if task.period_start <= today and task.period_end <= today and task.deadline >= now
    ]
    assert any(task.routine == "night_patrol" for task in due_today)
    assert due_today  # a new home has its daily routines of today
    await services.send_notices(now)
    [notice] = await services.list_notices(director.scope)
    assert f"今日到期任务 {len(due_today)} 项" in notice.text
