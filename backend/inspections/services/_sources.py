"""Task sources of the safety ledgers and the county's on-site inspection plan (issue 13, point 2):
what each home is expected to do in each period that overlaps the generation window, with its
counts, set-based (a few queries for all homes). Periods, occurrences and on-time deadlines are
the safety rules' own (``backend.safety.rules``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from backend.inspections import rules
from backend.inspections.services import _generate_sql as sql
from backend.inspections.tables import CANCELLED, DONE, OPEN, OVERDUE, InspectionVisit
from backend.registry import rules as registry_rules
from backend.safety import rules as safety_rules


@dataclass(slots=True)
class Want:
    """A task as its source computes it (the natural key, the period, the counts)."""

    home: int
    county: int
    source: str
    routine: str
    subject: str
    period: str
    period_start: date
    period_end: date
    due_at: datetime
    deadline: datetime
    expected: int
    done: int
    on_time: int
    done_at: datetime | None
    cancelled: bool = False

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.home, self.routine, self.period, self.subject)


@dataclass
class Window:
    """What the sources are asked for: the homes ({id, county, opened_on, closed_on}), the first
    day of each home's window, the last day any period may start (``through``), the clock, and
    the open tasks already there (key → row) for the sources that finish earlier tasks."""

    homes: list[dict[str, Any]]
    start: dict[int, date]
    through: date
    now: datetime
    zone: tzinfo
    existing: dict[tuple[int, str, str, str], tuple]
    watermark: int | None = None  # how far the safety source has seen every entry (set by it)
    seen: int | None = None  # count again after this entry id instead of the stored watermark
    stale: set[int] = field(default_factory=set)  # homes with entries back-filled before the window
    started_from: int = 0  # the watermark this run counted after

    @property
    def first(self) -> date:
        return min(self.start.values()) if self.start else self.through


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# An entry commits within MARGIN of its recorded_at (the app's clock, as the generator's reads
# it). One still in flight at ``now`` was recorded after now - MARGIN; an entry given a later id
# was inserted after it, so recorded after now - 2 * MARGIN: the watermark (the highest id with
# every id up to it recorded by that cutoff, ``safety.entry_id_before``) stays below the one in
# flight, which the next run counts.
MARGIN = timedelta(minutes=10)


async def _to_count(window: Window, plan: list[tuple], periods: set[str]) -> dict[tuple[int, str], set[str]]:
    """(home, routine) → the periods whose counts must be computed: all of them where the tasks
    there are not what the window wants (a new home, a new routine, a new day), else those with
    entries recorded since the last full generation (``task_watermark``). Sets
    ``window.watermark`` to how far this run has seen every entry."""
    from backend.safety import services as safety

    home_ids = sorted({item[0]["id"] for item in plan})
    counts = await sql.safety_counts(home_ids, sorted({item[1] for item in plan}), sorted(periods))
    out: dict[tuple[int, str], set[str]] = {}
    partial = False
    for home, routine, _frequency, keys in plan:
        pair = (home["id"], routine)
        count, latest = counts.get(pair, (0, ""))
        if count and count == sum(1 for key in keys if key <= latest):
            out[pair] = {key for key in keys if key > latest}  # only the new periods (a day's keys sort by day)
            partial = True
        else:
            out[pair] = set(keys)
    seen = window.seen if window.seen is not None else await sql.watermark()
    window.started_from = seen
    if partial:
        # This home's own periods: ``periods`` is the union over every home's window, and a period
        # another home's earlier window holds is not one of this home's tasks.
        own = {(item[0]["id"], item[1]): item[3] for item in plan}
        for _id, home_id, routine, period in await safety.entries_after(seen):
            keys = out.get((home_id, routine))
            if keys is None:
                continue
            if period in own[(home_id, routine)]:
                keys.add(period)
            else:
                window.stale.add(home_id)  # a back-filled entry for a period before the window
    window.watermark = await safety.entry_id_before(seen, window.now - 2 * MARGIN)
    return out


async def safety_rows(window: Window) -> list[tuple]:
    """One task per home, routine in force and period (a day of meals: 3 expected; a night: its
    slots; a day, month, half year or year: 1); food routines only where the home has a canteen,
    event routines never. Counts from the entries (corrections left out), computed only for the
    tasks not there yet and those with entries recorded since the last generation (the others
    keep theirs; the time passing makes them overdue: ``_generate_sql.mark_overdue``). Rows in
    ``_generate_sql.COLUMNS`` order, built directly (no object per task; the bounds, due moment,
    deadline and month computed once per period and clock for all homes)."""
    from backend.safety import services as safety

    homes = window.homes
    home_ids = [home["id"] for home in homes]
    templates = await safety.templates_in_force(sorted({home["county"] for home in homes}))
    clocks = await safety.clocks_for(home_ids)
    days_of: dict[tuple[str, date], dict[str, date]] = {}
    periods: set[str] = set()
    for first in set(window.start.values()):
        for frequency in safety_rules.FREQUENCIES:
            if frequency != safety_rules.EVENT:
                days = rules.period_starts(frequency, first, window.through)
                days_of[(frequency, first)] = {safety_rules.period_key(frequency, day): day for day in days}
                periods.update(days_of[(frequency, first)])
    plan = []
    for home in homes:
        clock = clocks[home["id"]]
        for routine, template in templates.get(home["county"], {}).items():
            frequency = template["frequency"]
            if frequency == safety_rules.EVENT or (routine in safety.FOOD_ROUTINES and not clock.has_canteen):
                continue
            plan.append((home, routine, frequency, days_of[(frequency, window.start[home["id"]])]))
    to_count = await _to_count(window, plan, periods)
    wanted_homes = sorted({pair[0] for pair, keys in to_count.items() if keys})
    wanted_periods = sorted({key for keys in to_count.values() for key in keys})
    counted = await safety.entry_counts(wanted_homes, wanted_periods)
    wanted_routines = sorted({pair[1] for pair, keys in to_count.items() if keys})
    for row in await sql.safety_tasks_at(wanted_homes, wanted_routines, wanted_periods):
        window.existing[(row[1], row[2], row[3], row[4])] = row
    return _build_rows(window, plan, clocks, to_count, counted)


def _build_rows(window: Window, plan: list[tuple], clocks: dict, to_count: dict, counted: dict) -> list[tuple]:
    """The safety rows to compare and insert: the counted periods of each (home, routine) of the
    plan, except those whose task is done or cancelled already."""
    now, zone = window.now, window.zone
    shapes: dict[tuple, dict[date, tuple]] = {}  # (frequency, meals, slots) → day → what every home shares
    out: list[tuple] = []
    append = out.append
    existing_get, counted_get = window.existing.get, counted.get
    for home, routine, frequency, keys in plan:
        home_id, county = home["id"], home["county"]
        periods = to_count[(home_id, routine)]
        if not periods:
            continue
        clock = clocks[home_id]
        shape_key = (frequency, clock.meals, clock.slots)
        by_day = shapes.get(shape_key)
        if by_day is None:
            by_day = shapes[shape_key] = {}
        closed_on = home["closed_on"]
        for period in sorted(periods):
            row = existing_get((home_id, routine, period, ""))
            if row is not None and row[6] in (DONE, CANCELLED):
                continue
            day = keys[period]
            shape = by_day.get(day)
            if shape is None:
                shape = by_day[day] = _shape(frequency, day, zone, clock, now)
            period_start, period_end, month, due_at, deadline, expected, late = shape
            found = counted_get((home_id, routine, period))
            if found is None:
                done, on_time, done_at = 0, 0, None
            else:
                done = found[0] if found[0] < expected else expected
                on_time = found[1] if found[1] < done else done
                done_at = found[2] if done == expected else None
            if closed_on is not None and closed_on < period_start:
                status = CANCELLED
            elif done >= expected:
                status = DONE
            else:
                status = OVERDUE if late else OPEN
            append(
                (home_id, county, "safety", routine, "", period, period_start, period_end, month, due_at, deadline,
                 expected, done, on_time, status, done_at, now, now)
            )  # fmt: skip
    return out


def _shape(frequency: str, day: date, zone: tzinfo, clock, now: datetime) -> tuple:
    """What a (routine's frequency, period) task shares across every home with the same meal
    windows and night slots: its bounds, month, due moment, deadline, expected count and whether
    the deadline has passed ``now``."""
    occurrences = safety_rules.occurrences(frequency, day, zone, clock.meals, clock.slots)
    first, last = safety_rules.period_bounds(frequency, day)
    deadline = _utc(max(item.deadline for item in occurrences))
    late = rules.task_status(len(occurrences), 0, deadline, now) == OVERDUE
    return (first, last, f"{last:%Y-%m}", _utc(max(item.end for item in occurrences)), deadline, len(occurrences), late)


def as_rows(wants: list[Want], window: Window) -> list[tuple]:
    """The sources' ``Want``s as task rows (``_generate_sql.COLUMNS`` order, status as of
    ``window.now``: cancelled when the home closed before the period started or the subject is
    gone, else done, overdue or open)."""
    closed = {home["id"]: home["closed_on"] for home in window.homes}
    now = window.now
    out = []
    for want in wants:
        if rules.cancels(closed[want.home], want.period_start) or (want.cancelled and want.done < want.expected):
            status = CANCELLED
        else:
            status = rules.task_status(want.expected, want.done, want.deadline, now)
        out.append(
            (want.home, want.county, want.source, want.routine, want.subject, want.period, want.period_start,
             want.period_end, f"{want.period_end:%Y-%m}", want.due_at, want.deadline, want.expected, want.done,
             want.on_time, status, want.done_at, now, now)
        )  # fmt: skip
    return out


def _plan_periods(parameters: list, first: date, through: date) -> list[tuple[str, date, date]]:
    """The plan's periods overlapping [first, through]: each period's length from the parameters
    in force on its first day."""
    defaults = registry_rules.default_parameters()
    out = []
    day = first
    while day <= through:
        per_year = registry_rules.parameters_in_force(parameters, day, defaults).inspections_per_year
        key, start, end = rules.plan_period(rules.plan_frequency(per_year), day)
        if out and out[-1][0] == key:
            day = end + timedelta(days=1)
            continue
        out.append((key, start, end))
        day = end + timedelta(days=1)
    return out


async def inspection_wants(window: Window) -> list[Want]:
    """One ``onsite_inspection`` task per home and period of its county's plan (domain rules §6),
    done when a visit in force (one no other visit corrects) of the home lies in the period; on
    time when first recorded (the visit its corrections go back to) by the period's end plus the
    long grace."""
    from backend.registry import services as registry

    homes = window.homes
    parameters = await registry.county_parameters(sorted({home["county"] for home in homes}))
    plans: dict[tuple[int, date], list[tuple[str, date, date]]] = {}
    for home in homes:
        plan_key = (home["county"], window.start[home["id"]])
        if plan_key not in plans:
            plans[plan_key] = _plan_periods(parameters.get(home["county"], []), plan_key[1], window.through)
    earliest = min((periods[0][1] for periods in plans.values() if periods), default=window.through)
    visits = await _visits_in_force(sorted(home["id"] for home in homes), earliest)
    out = []
    for home in homes:
        for period, first, last in plans[(home["county"], window.start[home["id"]])]:
            due_at = rules.end_of_day(last, window.zone)
            deadline = due_at + safety_rules.LONG_GRACE
            inside = sorted(_utc(at) for on, at in visits.get(home["id"], []) if first <= on <= last)
            done_at = inside[0] if inside else None
            on_time = int(done_at is not None and done_at <= deadline)
            out.append(
                Want(
                    home["id"], home["county"], "inspection", "onsite_inspection", "", period, first, last,
                    due_at, deadline, 1, int(bool(inside)), on_time, done_at,
                )
            )  # fmt: skip
    return out


async def _visits_in_force(home_ids: list[int], earliest: date) -> dict[int, list[tuple[date, datetime]]]:
    """home id → (day, first recorded) of each visit no other visit corrects: a correction stands
    for the visit it corrects (its day, possibly changed), recorded when that visit first was (the
    pages count the same visits: ``_visits.py``)."""
    rows: list[dict] = []
    for start in range(0, len(home_ids), 500):
        rows += await InspectionVisit.select(
            InspectionVisit.id,
            InspectionVisit.home,
            InspectionVisit.visited_on,
            InspectionVisit.recorded_at,
            InspectionVisit.corrects,
        ).where(InspectionVisit.home.is_in(home_ids[start : start + 500]))
    by_id = {row["id"]: row for row in rows}
    corrected = {row["corrects"] for row in rows if row["corrects"] is not None}
    visits: dict[int, list[tuple[date, datetime]]] = {}
    for row in rows:
        if row["id"] in corrected or row["visited_on"] < earliest:
            continue
        first = row
        while first["corrects"] is not None and first["corrects"] in by_id:
            first = by_id[first["corrects"]]
        visits.setdefault(row["home"], []).append((row["visited_on"], first["recorded_at"]))
    return visits
