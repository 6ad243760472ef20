"""On-time rates (domain rules §6b): sums of the tasks' counts, never averages of percentages;
cancelled tasks and periods still running count nowhere; the scope decides what is counted."""

from __future__ import annotations

from datetime import UTC, date, datetime

from backend.core.security import Scope
from backend.inspections import rules
from backend.inspections.services import on_time_rates
from backend.inspections.tables import CANCELLED, DONE, OVERDUE, Task
from backend.registry.tables import Home

MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


async def _ids(code: str) -> tuple[int, int]:
    row = await Home.select(Home.id, Home.county).where(Home.code == code).first()
    return row["id"], row["county"]


async def _task(home: str, routine: str, day: date, expected: int, done: int, on_time: int, status: str = DONE) -> None:
    home_id, county_id = await _ids(home)
    await Task.insert(
        Task(
            home=home_id,
            county=county_id,
            source="safety",
            routine=routine,
            period=day.isoformat(),
            period_start=day,
            period_end=day,
            month=f"{day:%Y-%m}",
            due_at=MOMENT,
            deadline=MOMENT,
            expected=expected,
            done=done,
            on_time=on_time,
            status=status,
            created_at=MOMENT,
            updated_at=MOMENT,
        )
    )


def test_counts_sum_and_rates():
    a, b = rules.Counts(10, 9, 8), rules.Counts(1, 0, 0)
    assert rules.total([a, b]) == rules.Counts(11, 9, 8)
    assert rules.total([a, b]).on_time_rate == 8 / 11  # not the mean of 80 % and 0 %
    assert rules.Counts().done_rate is None and rules.Counts().on_time_rate is None
    assert a.late == 1 and a.missed == 1


def test_a_task_never_counts_more_than_expected():
    assert rules.task_counts(4, 5, 5) == rules.Counts(4, 4, 4)
    assert rules.task_counts(3, 2, 3) == rules.Counts(3, 2, 2)


async def test_rates_group_sum_and_respect_scope_status_and_period_end(database, world):
    county = await world.county()
    first, second = await world.home(county), await world.home(county)
    other = await world.home()
    await _task(first, "night_patrol", date(2026, 3, 1), 4, 4, 3)
    await _task(first, "night_patrol", date(2026, 3, 2), 4, 2, 2, OVERDUE)
    await _task(first, "fire_patrol", date(2026, 3, 2), 1, 1, 1)
    await _task(first, "fire_patrol", date(2026, 3, 3), 1, 0, 0, CANCELLED)  # counts nowhere
    await _task(first, "fire_patrol", date(2026, 3, 31), 1, 0, 0, "open")  # still running on as_of
    await _task(second, "fire_patrol", date(2026, 3, 2), 1, 0, 0, OVERDUE)
    await _task(other, "fire_patrol", date(2026, 3, 2), 1, 1, 1)
    as_of = date(2026, 3, 31)
    first_id, county_id = await _ids(first)
    second_id, _ = await _ids(second)
    county_scope = Scope(user_id=None, username="i", role="inspector", county_id=county_id)

    by_home = {
        r.home_id: r.counts
        for r in await on_time_rates(county_scope, months=("2026-03", "2026-03"), as_of=as_of, group_by=("home",))
    }
    assert by_home == {first_id: rules.Counts(9, 7, 6), second_id: rules.Counts(1, 0, 0)}

    [whole] = await on_time_rates(county_scope, months=("2026-03", "2026-03"), as_of=as_of, group_by=())
    assert whole.counts == rules.Counts(10, 7, 6)

    by_routine = await on_time_rates(
        county_scope, months=("2026-03", "2026-03"), as_of=as_of, group_by=("routine",), home_ids=[first_id]
    )
    assert {r.routine: r.counts for r in by_routine} == {
        "fire_patrol": rules.Counts(1, 1, 1),
        "night_patrol": rules.Counts(8, 6, 5),
    }

    home_scope = Scope(user_id=None, username="d", role="director", county_id=county_id, home_id=second_id)
    [own] = await on_time_rates(home_scope, months=("2026-03", "2026-03"), as_of=as_of, group_by=())
    assert own.counts == rules.Counts(1, 0, 0)

    [later] = await on_time_rates(
        county_scope, months=("2026-03", "2026-03"), as_of=date(2026, 4, 1), group_by=(), home_ids=[first_id]
    )
    assert later.counts == rules.Counts(10, 7, 6)  # the 31st has ended: expected, not done

    [none] = await on_time_rates(county_scope, months=("2026-04", "2026-04"), as_of=as_of, group_by=())
    assert none.counts == rules.Counts() and none.counts.on_time_rate is None
