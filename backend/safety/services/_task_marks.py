"""What task generation (issue 13) reads of the safety ledgers, set-based: the entries of any
homes and periods (slot and recording time, corrections left out so an occurrence corrected
counts once), and the hazards' deadlines and closing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from backend.safety.tables import SafetyEntry, SafetyHazard

_CHUNK = 500  # homes per query


def _chunks(values: Iterable[int]) -> list[list[int]]:
    wanted = sorted(set(values))
    return [wanted[start : start + _CHUNK] for start in range(0, len(wanted), _CHUNK)]


async def entry_marks(home_ids: list[int], periods: list[str]) -> dict[tuple[int, str, str], list[tuple[str, datetime]]]:
    """(home, routine, period) → [(slot, recorded_at)] of the entries in ``periods`` that are not
    corrections (a correction repeats an occurrence already counted)."""
    found: dict[tuple[int, str, str], list[tuple[str, datetime]]] = {}
    if not periods:
        return found
    for chunk in _chunks(home_ids):
        rows = await SafetyEntry.select(
            SafetyEntry.home, SafetyEntry.routine, SafetyEntry.period, SafetyEntry.slot, SafetyEntry.recorded_at
        ).where(SafetyEntry.home.is_in(chunk) & SafetyEntry.period.is_in(sorted(set(periods))) & SafetyEntry.corrects.is_null())
        for row in rows:
            found.setdefault((row["home"], row["routine"], row["period"]), []).append((row["slot"], row["recorded_at"]))
    return found


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
