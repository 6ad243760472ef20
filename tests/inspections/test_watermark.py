"""The task watermark (issue 13, point 2, review): entry ids are not given in ``recorded_at`` order
(the app's clock: hosts' clocks apart, a transaction waiting on the home's chain), so the
watermark is the highest id with every entry up to it recorded by the cutoff, never the highest
id recorded by it: an entry with a lower id recorded later, still in flight when a run reads, is
counted by the next run."""

from __future__ import annotations

from datetime import date

from backend.core.db import reading
from backend.inspections import services
from backend.inspections.services import _generate_sql as sql
from backend.safety import services as safety
from backend.safety.tables import SafetyEntry
from tests.inspections.test_generate import local, opened, record, tasks_of

DAY = date(2026, 11, 11)


async def _latest_id() -> int:
    rows = await SafetyEntry.select(SafetyEntry.id).order_by(SafetyEntry.id, ascending=False).limit(1)
    return rows[0]["id"]


async def test_the_watermark_stops_below_the_first_entry_recorded_after_the_cutoff(world):
    home = await opened(world)
    await record(home, "fire_patrol", local(date(2026, 11, 9), 10), local(DAY, 11))
    first = await _latest_id()
    await record(home, "fire_patrol", local(DAY, 10), local(DAY, 11, 55))  # a lower id, recorded later
    await record(home, "fire_patrol", local(date(2026, 11, 10), 10), local(DAY, 11, 30))
    second = await _latest_id()
    assert await safety.entry_id_before(first - 1, local(DAY, 11, 40)) == first  # not `second`
    assert await safety.entry_id_before(first - 1, local(DAY, 12)) == second
    assert await safety.entry_id_before(second, local(DAY, 12)) == second  # none above: unchanged


async def test_an_entry_with_a_lower_id_still_in_flight_is_counted_by_the_next_run(world):
    home = await opened(world)
    await services.generate_tasks(DAY, now=local(DAY, 9))
    await record(home, "fire_patrol", local(DAY, 10), local(DAY, 11, 55))  # given its id first …
    early = await _latest_id()
    await record(home, "fire_patrol", local(date(2026, 11, 10), 10), local(DAY, 11, 45))  # … then one recorded earlier
    row = (await SafetyEntry.select().where(SafetyEntry.id == early))[0]
    await SafetyEntry.delete().where(SafetyEntry.id == early)  # not committed yet when the run reads
    await services.generate_tasks(DAY, now=local(DAY, 12))
    async with reading():
        assert await sql.watermark() < early
    await SafetyEntry.insert(SafetyEntry(**row))  # it commits, with its lower id
    await services.generate_tasks(DAY, now=local(DAY, 13))
    tasks = await tasks_of(home, "fire_patrol")
    assert tasks[("fire_patrol", f"{DAY}", "")]["done"] == 1 and tasks[("fire_patrol", f"{DAY}", "")]["status"] == "done"
    assert tasks[("fire_patrol", "2026-11-10", "")]["done"] == 1
