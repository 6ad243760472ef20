"""A home's "today" (issue 12 point 6; domain rules §6b): each routine of the templates in force
with what is due, done and overdue for a day, meals and night slots one by one, when the longer
routines were last done, the back-filled (补录) entries and the open hazards. Also what the
director's "今日待办" lists (``due_today``).

Six queries for a home and a day: the two ``routine_days`` sets (the day, and the night before),
the day's entries, when each longer routine was last done, and the open hazards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Max

from backend.core import dates
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import links, rules
from backend.safety.services._common import home_for
from backend.safety.services._hazards import open_hazards
from backend.safety.services._status import RoutineDay, routine_days
from backend.safety.tables import SafetyEntry

# The page's three groups (domain rules §4, §5, §5b), in this order; anything else is "other".
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "fire",
        (
            "fire_patrol",
            "night_patrol",
            "fire_inspection",
            "extinguisher_check",
            "evacuation_drill",
            "fire_system_test",
        ),
    ),
    ("food", ("morning_check", "food_sample", "tableware_disinfection", "purchase_inspection")),
    ("infection", ("disinfection", "ventilation")),
)
GROUP_OF = {routine: group for group, routines in GROUPS for routine in routines}
LONG = (rules.MONTHLY, rules.HALF_YEARLY, rules.YEARLY)
DONE, DUE, MISSED = "done", "due", "missed"


@dataclass(frozen=True)
class Chip:
    """One meal or night slot: ``state`` done / due / missed; ``late`` when done but back-filled."""

    slot: str
    state: str
    late: bool = False


@dataclass(frozen=True)
class TodayRoutine:
    """One routine on the page. ``pending``: occurrences not done whose deadline has not passed;
    ``last_done``: when a longer routine was last performed (up to the day shown);
    ``missed_before``: what the period before left undone (last night's slots, yesterday's meals or
    patrol, last month's inspection…), shown when looking at today."""

    routine: str
    title: str
    frequency: str
    group: str
    period: str
    due: int
    done: int
    on_time: int
    overdue: bool
    missing: tuple[str, ...]
    pending: int
    chips: tuple[Chip, ...]
    late: int
    last_done: datetime | None
    period_end: date
    href: str
    missed_before: tuple[str, ...] = ()


@dataclass(frozen=True)
class TodayPage:
    home: dict[str, Any]
    day: date
    routines: list[TodayRoutine]
    open_hazards: int
    major_hazards: int
    overdue_hazards: int
    backfilled: int  # entries of the day's periods recorded after their deadline (补录)

    @property
    def groups(self) -> list[tuple[str, list[TodayRoutine]]]:
        """(group, its routines) for the groups that have any, in the page's order."""
        order = [group for group, _routines in GROUPS] + ["other"]
        return [(group, rows) for group in order if (rows := [r for r in self.routines if r.group == group])]

    @property
    def overdue(self) -> int:
        return sum(1 for routine in self.routines if routine.overdue or routine.missed_before)

    @property
    def pending(self) -> int:
        return sum(1 for routine in self.routines if routine.pending)

    @property
    def complete(self) -> int:
        return sum(1 for routine in self.routines if routine.due and routine.done >= routine.due)


def _pending(day: RoutineDay, now: datetime) -> int:
    return sum(1 for o in day.occurrences if o.slot not in day.done_slots and now <= o.deadline)


def _chips(day: RoutineDay, late_slots: set[str]) -> tuple[Chip, ...]:
    if day.frequency not in (rules.MEAL, rules.NIGHTLY):
        return ()
    chips = []
    for occurrence in day.occurrences:
        if occurrence.slot in day.done_slots:
            chips.append(Chip(occurrence.slot, DONE, occurrence.slot in late_slots))
        elif occurrence.slot in day.status.missing:
            chips.append(Chip(occurrence.slot, MISSED))
        else:
            chips.append(Chip(occurrence.slot, DUE))
    return tuple(chips)


async def _entries_of(home_id: int, periods: list[str]) -> list[dict[str, Any]]:
    return await SafetyEntry.select(SafetyEntry.routine, SafetyEntry.period, SafetyEntry.slot, SafetyEntry.late).where(
        (SafetyEntry.home == home_id) & SafetyEntry.period.is_in(periods)
    )


async def _last_done(home_id: int, routines: list[str], until: datetime) -> dict[str, datetime]:
    """routine → the latest performed_at before ``until`` (one grouped query)."""
    if not routines:
        return {}
    rows = (
        await SafetyEntry.select(SafetyEntry.routine, Max(SafetyEntry.performed_at).as_alias("last"))
        .where((SafetyEntry.home == home_id) & SafetyEntry.routine.is_in(routines) & (SafetyEntry.performed_at < until))
        .group_by(SafetyEntry.routine)
    )
    return {row["routine"]: _aware(row["last"]) for row in rows if row["last"] is not None}


def _aware(value: Any) -> datetime:
    """SQLite answers an aggregate of a timestamp as text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return dates.instant(value)


def _day_before_period(frequency: str, day: date) -> date:
    """A day of the period before the one that contains ``day``."""
    return rules.period_bounds(frequency, day)[0] - timedelta(days=1)


async def _previous_periods(home: dict[str, Any], day: date, now: datetime) -> dict[str, RoutineDay]:
    """routine → its status in the period before the one containing ``day`` (a few queries: one
    ``routine_days`` per distinct day, at most four)."""
    first = (
        await SafetyEntry.select(SafetyEntry.performed_at)
        .where(SafetyEntry.home == home["id"])
        .order_by(SafetyEntry.performed_at)
        .first()
    )
    # Last night's slots always count (the night just ended); another period only when the home kept
    # this ledger all through it, from a day after its first entry (before, it was kept elsewhere).
    started = dates.local(first["performed_at"]).date() if first is not None else day
    wanted = {}
    for frequency in rules.FREQUENCIES:
        if frequency == rules.EVENT:
            continue
        earlier = _day_before_period(frequency, day)
        if frequency == rules.NIGHTLY or rules.period_bounds(frequency, earlier)[0] > started:
            wanted[frequency] = earlier
    out: dict[str, RoutineDay] = {}
    for earlier in sorted(set(wanted.values())):
        for item in (await routine_days([home], earlier, now))[home["id"]]:
            if wanted.get(item.frequency) == earlier:
                out[item.routine] = item
    return out


async def home_today(home: dict[str, Any], day: date, now: datetime) -> TodayPage:
    """The page of one home (a row of ``home_for``) for ``day`` at ``now``."""
    days = (await routine_days([home], day, now))[home["id"]]
    before: dict[str, RoutineDay] = {}
    if day == dates.local(now).date():  # looking at today: what the period before left undone is today's to catch up
        before = await _previous_periods(home, day, now)
    periods = sorted({item.period for item in days})
    late: dict[tuple[str, str], set[str]] = {}
    backfilled = 0
    for row in await _entries_of(home["id"], periods):
        if row["late"]:
            late.setdefault((row["routine"], row["period"]), set()).add(row["slot"])
            backfilled += 1
    long_routines = [item.routine for item in days if item.frequency in LONG]
    last = await _last_done(home["id"], long_routines, dates.combine_local(day + timedelta(days=1), datetime.min.time()))
    hazards = await open_hazards([home["id"]])
    today = dates.today()
    routines = []
    for item in days:
        late_slots = late.get((item.routine, item.period), set())
        previous = before.get(item.routine)
        routines.append(
            TodayRoutine(
                routine=item.routine,
                title=item.title,
                frequency=item.frequency,
                group=GROUP_OF.get(item.routine, "other"),
                period=item.period,
                due=item.status.due,
                done=item.status.done,
                on_time=item.status.on_time,
                overdue=item.status.overdue,
                missing=item.status.missing,
                pending=_pending(item, now),
                chips=_chips(item, late_slots),
                late=sum(1 for slot in item.done_slots if slot in late_slots),
                last_done=last.get(item.routine),
                period_end=rules.period_bounds(item.frequency, day)[1],
                href=links.new_entry_href(home["code"], item.routine),
                missed_before=previous.status.missing if previous is not None else (),
            )
        )
    return TodayPage(
        home=home,
        day=day,
        routines=routines,
        open_hazards=len(hazards),
        major_hazards=sum(1 for row in hazards if row["major"]),
        overdue_hazards=sum(1 for row in hazards if rules.hazard_overdue(row["deadline"], row["status"], today)),
        backfilled=backfilled,
    )


async def today_page(scope: Scope, home_code: str, day: date | None = None, now: datetime | None = None) -> TodayPage:
    """``GET /homes/{code}/safety``: the home in scope (NotFound otherwise) for ``day`` (today)."""
    home = await home_for(scope, home_code, "view_safety")
    return await home_today(home, day or dates.today(), now or dates.now_utc())


@dataclass(frozen=True)
class DueItem:
    """One line of the director's "今日待办": a routine overdue (``missed`` occurrences) or due
    today and not done yet (``pending``), with the last day it may be done."""

    home_code: str
    routine: str
    title: str
    frequency: str
    missed: int
    pending: int
    due: date
    href: str


SOON_DAYS = 7  # a monthly or longer routine not done yet is listed in the last week of its period


async def due_today(scope: Scope, now: datetime | None = None) -> list[DueItem]:
    """A director's home: each routine overdue today (last night's missed night patrols count
    here), and each due today and not done yet (a longer routine only in the last
    ``SOON_DAYS`` days of its period). Nothing for a scope that is not one home."""
    if scope.kind != "home" or scope.home_id is None:
        return []
    found = (await registry.homes_by_id([scope.home_id])).get(scope.home_id)
    if found is None:
        return []
    home = await home_for(scope, found["code"], "record_safety")
    now = now or dates.now_utc()
    day = dates.local(now).date()
    page = await home_today(home, day, now)
    out = []
    for routine in page.routines:
        missed = len(routine.missing) + len(routine.missed_before)
        pending = routine.pending
        if routine.frequency in LONG and (routine.period_end - day).days >= SOON_DAYS:
            pending = 0
        if missed or pending:
            out.append(
                DueItem(
                    home["code"],
                    routine.routine,
                    routine.title,
                    routine.frequency,
                    missed,
                    pending,
                    routine.period_end,
                    routine.href,
                )
            )
    return out
