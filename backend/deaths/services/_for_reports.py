"""What the compliance reports (issue 13, point 5) read of the death register: the deaths of a
period in many homes at once, each by its record in force (two queries for any number of homes;
the caller has checked its scope)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from backend.deaths.schemas import DeathOut
from backend.deaths.services._common import _columns, _out
from backend.deaths.tables import DeathRecord

_CHUNK = 900


async def deaths_of_homes(home_ids: Iterable[int], first: date, last: date) -> list[DeathOut]:
    """The deaths in these homes (the home at death) from ``first`` to ``last`` (local dates of
    death), by the record in force of each person (a correction that moved the death out of the
    period or the homes leaves it out), oldest first; ``late`` and ``hours_to_report`` by the rule."""
    wanted = sorted(set(home_ids))
    candidates: dict[int, dict] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = await (
            DeathRecord.select(*_columns())
            .where(
                DeathRecord.home.is_in(wanted[start : start + _CHUNK])
                & (DeathRecord.died_on >= first)
                & (DeathRecord.died_on <= last)
            )
            .order_by(DeathRecord.seq)
        )
        for row in rows:
            candidates[row["resident"]] = row
    if not candidates:
        return []
    newest: dict[int, int] = {}
    persons = sorted(candidates)
    for start in range(0, len(persons), _CHUNK):
        for row in await DeathRecord.select(DeathRecord.resident, DeathRecord.seq).where(
            DeathRecord.resident.is_in(persons[start : start + _CHUNK])
        ):
            newest[row["resident"]] = max(newest.get(row["resident"], 0), row["seq"])
    in_force = [row for resident, row in candidates.items() if row["seq"] == newest[resident]]
    return [_out(row) for row in sorted(in_force, key=lambda row: (row["died_at"], row["id"]))]
