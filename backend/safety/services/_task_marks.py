"""What task generation (issue 13) reads of the safety ledgers, set-based: the slots done (and
done on time) per home, routine and period, counted by the database (corrections left out, so an
occurrence corrected counts once), the entries recorded since a given id, and the hazards'
deadlines and closing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from backend.core import bulk
from backend.core.db import reading
from backend.safety.tables import SafetyHazard

_CHUNK = 500  # homes per query


def _chunks(values: Iterable[int]) -> list[list[int]]:
    wanted = sorted(set(values))
    return [wanted[start : start + _CHUNK] for start in range(0, len(wanted), _CHUNK)]


def _marks(values: list) -> str:
    return ", ".join("{}" for _ in values)


async def entry_counts(home_ids: list[int], periods: list[str]) -> dict[tuple[int, str, str], tuple[int, int, datetime]]:
    """(home, routine, period) → (slots done, slots done on time, when the last slot was first
    done) of the entries in ``periods`` that are not corrections, counted by the database: a slot
    done twice counts once; on time when one of its entries was not late (``late``: recorded
    after the slot's end plus the grace, set when it was recorded). One row per period, not one
    per entry."""
    found: dict[tuple[int, str, str], tuple[int, int, datetime]] = {}
    periods = sorted(set(periods))
    if not periods:
        return found
    async with reading():
        for chunk in _chunks(home_ids):
            rows = await bulk.fetch_tuples(
                'SELECT "home", "routine", "period", COUNT(*), SUM("ok"), MAX("first") FROM ('
                'SELECT "home", "routine", "period", "slot", MAX(CASE WHEN "late" THEN 0 ELSE 1 END) AS "ok", '
                'MIN("recorded_at") AS "first" FROM "safety_entry" '
                f'WHERE "home" IN ({_marks(chunk)}) AND "period" IN ({_marks(periods)}) AND "corrects" IS NULL '
                'GROUP BY "home", "routine", "period", "slot") AS "slots" GROUP BY "home", "routine", "period"',
                *chunk,
                *periods,
            )
            for home, routine, period, done, on_time, first in rows:
                found[(home, routine, period)] = (int(done), int(on_time), _aware(first))
    return found


def _aware(moment) -> datetime:
    if moment.__class__ is datetime and moment.tzinfo is not None:
        return moment
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def entries_after(after_id: int) -> list[tuple[int, int, str, str]]:
    """(id, home, routine, period) of the entries with an id above ``after_id`` (corrections left
    out), read along the primary key: what was recorded since task generation last counted."""
    async with reading():
        return await bulk.fetch_tuples(
            'SELECT "id", "home", "routine", "period" FROM "safety_entry" WHERE "id" > {} AND "corrects" IS NULL', after_id
        )


async def entry_id_before(after_id: int, cutoff: datetime) -> int:
    """How far task generation has seen every entry: the highest id above ``after_id`` such that
    every entry with an id up to it was recorded by ``cutoff`` (``after_id`` when none). Ids are not
    given in ``recorded_at`` order (the app's clock, hosts' clocks apart, a transaction waiting), so
    the first entry above ``after_id`` recorded after ``cutoff`` stops it; the highest id below that
    one (not that id minus one: an entry in flight may hold an id in the gap) is the watermark."""
    async with reading():
        rows = await bulk.fetch_tuples(
            'SELECT MIN("id") FROM "safety_entry" WHERE "id" > {} AND "recorded_at" > {}', after_id, cutoff
        )
        later = rows[0][0] if rows else None
        if later is None:
            rows = await bulk.fetch_tuples('SELECT MAX("id") FROM "safety_entry" WHERE "id" > {}', after_id)
        else:
            rows = await bulk.fetch_tuples(
                'SELECT MAX("id") FROM "safety_entry" WHERE "id" > {} AND "id" < {}', after_id, int(later)
            )
    return int(rows[0][0]) if rows and rows[0][0] is not None else after_id


async def hazard_deadlines(home_ids: list[int], since: date) -> list[dict[str, Any]]:
    """The hazards of the homes whose deadline is on or after ``since``: {id, home, opened_on,
    deadline, status, closed_on, closed_at (when the county verified or the home fixed it)}."""
    out: list[dict[str, Any]] = []
    for chunk in _chunks(home_ids):
        rows = await SafetyHazard.select(
            SafetyHazard.id,
            SafetyHazard.home,
            SafetyHazard.opened_on,
            SafetyHazard.deadline,
            SafetyHazard.status,
            SafetyHazard.closed_on,
            SafetyHazard.fixed_at,
            SafetyHazard.verified_at,
        ).where(SafetyHazard.home.is_in(chunk) & (SafetyHazard.deadline >= since))
        for row in rows:
            moments = [moment for moment in (row["fixed_at"], row["verified_at"]) if moment is not None]
            row["closed_at"] = max(moments) if moments else None
            out.append(row)
    return out
