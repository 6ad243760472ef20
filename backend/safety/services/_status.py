"""What was due and done (domain rules §6b; ``tekun safety status``, interfaces §7): for each
routine in force, the period that contains a day, counted set-based for any homes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backend.core import dates
from backend.core.security import Scope
from backend.safety import rules
from backend.safety.schemas import OpenHazardOut, RoutineStatusOut, SafetyStatusOut
from backend.safety.services._common import clocks_for, home_for, zone
from backend.safety.services._hazards import open_hazards
from backend.safety.services._templates import FOOD_ROUTINES, templates_in_force
from backend.safety.tables import SafetyEntry


@dataclass(frozen=True)
class RoutineDay:
    """One routine of one home for the period containing a day."""

    routine: str
    title: str
    frequency: str
    template_id: int
    period: str
    status: rules.RoutineStatus
    done_slots: frozenset[str]
    occurrences: tuple[rules.Occurrence, ...]


async def routine_days(homes: list[dict[str, Any]], day: date, now: datetime) -> dict[int, list[RoutineDay]]:
    """home id → its routines for the period containing ``day`` (``homes``: rows with ``id`` and
    ``county_id``). Three queries for any number of homes."""
    if not homes:
        return {}
    home_ids = [home["id"] for home in homes]
    templates = await templates_in_force(sorted({home["county_id"] for home in homes}))
    clocks = await clocks_for(home_ids)
    periods = sorted({rules.period_key(frequency, day) for frequency in rules.FREQUENCIES})
    entries: dict[tuple[int, str, str], list[tuple[str, datetime]]] = {}
    rows = await SafetyEntry.select(
        SafetyEntry.home, SafetyEntry.routine, SafetyEntry.period, SafetyEntry.slot, SafetyEntry.recorded_at
    ).where(SafetyEntry.home.is_in(home_ids) & SafetyEntry.period.is_in(periods))
    for row in rows:
        entries.setdefault((row["home"], row["routine"], row["period"]), []).append((row["slot"], row["recorded_at"]))
    tz = zone()
    out: dict[int, list[RoutineDay]] = {}
    for home in homes:
        clock = clocks[home["id"]]
        days = []
        for routine, template in templates[home["county_id"]].items():
            if routine in FOOD_ROUTINES and not clock.has_canteen:
                continue
            frequency = template["frequency"]
            period = rules.period_key(frequency, day)
            due = rules.occurrences(frequency, day, tz, clock.meals, clock.slots)
            done = entries.get((home["id"], routine, period), [])
            if frequency == rules.EVENT:
                status = rules.RoutineStatus(0, len(done), len(done), False, ())
            else:
                status = rules.routine_status(due, done, now)
            days.append(
                RoutineDay(
                    routine,
                    template["title"],
                    frequency,
                    template["id"],
                    period,
                    status,
                    frozenset(slot for slot, _at in done),
                    tuple(due),
                )
            )
        out[home["id"]] = days
    return out


async def safety_status(scope: Scope, home_code: str, day: date, now: datetime | None = None) -> SafetyStatusOut:
    """``tekun safety status --home CODE --date DATE`` (interfaces §7)."""
    home = await home_for(scope, home_code, "view_safety")
    now = now or dates.now_utc()
    days = (await routine_days([home], day, now))[home["id"]]
    today = dates.today()
    hazards = await open_hazards([home["id"]])
    return SafetyStatusOut(
        home=home["code"],
        date=day,
        routines=[
            RoutineStatusOut(
                routine=item.routine,
                period=item.period,
                due=item.status.due,
                done=item.status.done,
                on_time=item.status.on_time,
                overdue=item.status.overdue,
            )
            for item in days
        ],
        open_hazards=[
            OpenHazardOut(
                id=str(row["id"]),
                major=bool(row["major"]),
                opened_on=row["opened_on"],
                deadline=row["deadline"],
                overdue=rules.hazard_overdue(row["deadline"], row["status"], today),
            )
            for row in hazards
        ],
    )
