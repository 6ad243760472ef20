"""Task generation (issue 13, point 2; ``tekun tasks generate --through DATE`` and the daily job).

For every home: the tasks of each source (safety routines, the inspection plan, hazards, staff
certificates, residents' re-assessments and reviews) whose period overlaps the home's window,
from ``rules.generation_start`` (the later of the day the home was registered and the first day
of the month before the earlier of today and ``through``) to ``through``. New tasks are inserted
with their counts (ON CONFLICT DO NOTHING on the natural key: generating twice, or two
generators racing, creates each task once); open and overdue ones get their counts and status
refreshed as of ``now``; those of a home closed before the period started, or of a subject gone
before the due day, are cancelled (never deleted). Done and cancelled tasks are never touched
again. A handful of queries per source for all homes, never one per task."""

from __future__ import annotations

from datetime import UTC, date, datetime

from backend.core import dates
from backend.core.db import reading, transaction
from backend.core.settings import get_settings
from backend.inspections import rules
from backend.inspections.schemas import GenerateResult
from backend.inspections.services import _generate_sql as sql
from backend.inspections.services._sources import Window, as_rows, inspection_wants, safety_rows
from backend.inspections.services._sources_duties import certificate_wants, hazard_wants, resident_wants
from backend.inspections.tables import CANCELLED, OPEN, OVERDUE

DUTIES = (inspection_wants, hazard_wants, certificate_wants, resident_wants)  # a few rows a home: as Want objects


async def run(
    *,
    through: date,
    now: datetime,
    home_ids: list[int] | None,
    create: bool,
    look_back: bool = False,
    since: date | None = None,
    seen: int | None = None,
) -> GenerateResult:
    """The engine of ``generate_tasks`` (create) and ``refresh_tasks`` (counts and status only,
    over the back-fill horizon, ``look_back``). A run over every home that meets entries
    back-filled for periods before its window recounts those homes over the horizon too."""
    from backend.registry import services as registry

    now = now.astimezone(UTC)
    today = dates.local(now).date()
    homes = await registry.homes_for_tasks(home_ids)
    if not homes:
        return GenerateResult()
    reference = min(today, through)
    if since is not None:
        start = {home["id"]: max(since, reference - rules.LOOK_BACK) for home in homes}
    elif look_back:
        start = {home["id"]: max(home["opened_on"], reference - rules.LOOK_BACK) for home in homes}
    else:
        start = {home["id"]: rules.generation_start(home["opened_on"], reference) for home in homes}
    closed = {home["id"]: home["closed_on"] for home in homes}
    ids = [home["id"] for home in homes]
    async with reading():
        existing_rows = await sql.existing_tasks(ids, min(start.values()), through)
        existing = {(row[1], row[2], row[3], row[4]): row for row in existing_rows}
        window = Window(homes, start, through, now, get_settings().tz, existing, seen=seen)
        rows = await safety_rows(window)  # the safety source adds the rows it compares with
        for source in DUTIES:
            rows += as_rows(await source(window), window)
    inserts, updates = [], []
    aware = sql._aware
    for row in rows:  # in _generate_sql.COLUMNS order
        home_id = row[0]
        task = existing.get((home_id, row[3], row[5], row[4]))
        if task is not None:
            if task[6] not in (OPEN, OVERDUE):
                continue  # done and cancelled tasks are never touched again
            if (task[6], task[7], task[8], aware(task[9])) != (row[14], row[12], row[13], row[15]):
                updates.append((task[0], row[12], row[13], row[14], row[15]))
        elif create and row[14] != CANCELLED and row[7] >= start[home_id]:
            inserts.append(row)
    async with transaction():
        created = await sql.insert_tasks(inserts)
        updated = await sql.update_tasks(updates, now)
        closed_cancelled = await sql.cancel_closed([(home_id, day) for home_id, day in closed.items() if day], now)
        became_overdue = await sql.mark_overdue(now, home_ids)
        if home_ids is None and window.watermark is not None:
            await sql.set_watermark(window.watermark)  # only a run over every home advances it
    previous = {row[0]: row[6] for row in existing.values()}
    cancelled = sum(1 for update in updates if update[3] == CANCELLED) + closed_cancelled
    overdue = sum(1 for update in updates if update[3] == OVERDUE and previous[update[0]] != OVERDUE)
    result = GenerateResult(
        created=created,
        updated=updated + became_overdue - (cancelled - closed_cancelled),
        cancelled=cancelled,
        overdue=overdue + became_overdue,
    )
    if window.stale and not look_back:
        older = await run(
            through=today, now=now, home_ids=sorted(window.stale), create=False, look_back=True, seen=window.started_from
        )
        result = GenerateResult(
            created=result.created,
            updated=result.updated + older.updated,
            cancelled=result.cancelled + older.cancelled,
            overdue=result.overdue + older.overdue,
        )
    return result


async def generate_tasks(through: date, *, now: datetime | None = None, since: date | None = None) -> GenerateResult:
    """Create every task whose period starts on or before ``through`` (within each home's window),
    refresh the counts and status of the open ones as of ``now``, cancel those of closed homes and
    of persons gone. Idempotent and set-based. ``since`` (the demo, whose homes are registered
    when it loads but whose ledgers go back a month) starts every home's window on that day
    instead (still at most ``rules.LOOK_BACK`` back)."""
    return await run(through=through, now=now or dates.now_utc(), home_ids=None, create=True, since=since)


async def refresh_tasks(*, now: datetime | None = None, home_ids: list[int] | None = None) -> int:
    """Counts and status only, of the open and overdue tasks of the last ``rules.LOOK_BACK`` days
    (an entry may be back-filled that long after the fact); how many tasks changed."""
    now = now or dates.now_utc()
    result = await run(through=dates.local(now).date(), now=now, home_ids=home_ids, create=False, look_back=True)
    return result.updated + result.cancelled
