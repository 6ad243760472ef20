"""Staffing rules as pure functions: the daily staff ratio, who counts on a day, and the duty
roster's coverage (domain-rules §3; interfaces §5). No I/O, no clock, no database.

Counting on a day D (domain-rules §3, "Product rule"):

- a **staff member in post**: hired on or before D, ``left_on`` (离职日期, the first day no longer
  in post) after D or none, and not on leave for the whole of D; a carer (护理) also counts as a
  carer;
- a **resident present**: placed in the home at some moment of D (admitted on or before D, and
  discharged, transferred away or dead on D or later: the day of leaving still counts, they had
  the bed; in hospital or on leave they keep it);
- a **dependent resident**: present, in tier ``partial`` or ``full_loss`` on D (the county's
  assessment in force, ``residents.rules.tier_on``).

Required on D, from the county parameters in force on D (``registry.rules.parameters_in_force``):
``required_staff = ceil(residents / residents_per_staff)`` [law, seed policy: 1:10], and, when the
county sets ``dependents_per_carer`` [local, e.g. 1:3], ``required_carers = ceil(dependents /
dependents_per_carer)``. ``shortfall`` is the number of people the home must add to comply: a
carer counts as staff too, so it is the larger of the two gaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import compress, pairwise
from operator import itemgetter

DEPENDENT_TIERS = frozenset({"partial", "full_loss"})
ONE_DAY = timedelta(days=1)
_ASSESSED_ON = itemgetter(0)


@dataclass(frozen=True)
class RatioParameters:
    """The county's ratio settings from ``effective_from`` on (None: the shipped defaults, in force
    from the beginning)."""

    effective_from: date | None
    residents_per_staff: int
    dependents_per_carer: int | None  # None or 0: no carer ratio


@dataclass(frozen=True)
class DayRatio:
    """One home-day of interfaces §5."""

    day: date
    residents: int
    dependent_residents: int
    staff: int
    carers: int
    required_staff: int
    required_carers: int | None
    compliant: bool
    shortfall: int

    def as_json(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "residents": self.residents,
            "dependent_residents": self.dependent_residents,
            "staff": self.staff,
            "carers": self.carers,
            "required_staff": self.required_staff,
            "required_carers": self.required_carers,
            "compliant": self.compliant,
            "shortfall": self.shortfall,
        }


@dataclass(frozen=True)
class Stay:
    """A resident's stay in the home: ``first_day`` to ``last_day`` inclusive (None: still there),
    with the county assessments' tiers as ``(assessed_on, tier)`` in recorded order."""

    first_day: date
    last_day: date | None
    tiers: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True)
class Post:
    """A staff post: in post from ``hired_on`` until the day before ``left_on``; ``leaves`` as
    ``(first_day, last_day)`` inclusive (already cut at an early return)."""

    hired_on: date
    left_on: date | None
    carer: bool
    leaves: tuple[tuple[date, date], ...] = ()


def ceil_div(count: int, per: int) -> int:
    return -(-count // per)


def required_staff(residents: int, residents_per_staff: int) -> int:
    """Staff needed for ``residents``: at least one per ``residents_per_staff`` (10 by default),
    rounded up, so 10 residents need 1 and 11 need 2."""
    return ceil_div(residents, residents_per_staff)


def required_carers(dependents: int, dependents_per_carer: int | None) -> int | None:
    """Carers needed for the dependent residents; None when the county has no carer ratio."""
    if not dependents_per_carer:
        return None
    return ceil_div(dependents, dependents_per_carer)


def day_ratio(day: date, residents: int, dependents: int, staff: int, carers: int, params: RatioParameters) -> DayRatio:
    """The ratio of one home on one day from its counts and the parameters in force that day."""
    need_staff = required_staff(residents, params.residents_per_staff)
    need_carers = required_carers(dependents, params.dependents_per_carer)
    gap = max(0, need_staff - staff)
    if need_carers is not None:
        gap = max(gap, need_carers - carers)
    return DayRatio(day, residents, dependents, staff, carers, need_staff, need_carers, gap == 0, gap)


def in_force(timeline: Sequence[RatioParameters], day: date) -> RatioParameters:
    """The parameters in force on ``day``: the latest whose ``effective_from`` is on or before it;
    ``timeline`` is oldest first and starts with the defaults (``effective_from`` None)."""
    chosen = timeline[0]
    for params in timeline:
        if params.effective_from is None or params.effective_from <= day:
            chosen = params
        else:
            break
    return chosen


# --- who counts on one day (the definitions; the series below must agree with them) ----------


def tier_on(tiers: Iterable[tuple[date, str]], day: date) -> str | None:
    """The tier of the latest assessment on or before ``day`` (same day: the later listed)."""
    found = None
    for assessed_on, tier in tiers:
        if assessed_on <= day:
            if found is None or assessed_on >= found[0]:
                found = (assessed_on, tier)
    return found[1] if found else None


def present_on(stay: Stay, day: date) -> bool:
    return stay.first_day <= day and (stay.last_day is None or day <= stay.last_day)


def dependent_on(stay: Stay, day: date) -> bool:
    return present_on(stay, day) and tier_on(stay.tiers, day) in DEPENDENT_TIERS


def in_post_on(post: Post, day: date) -> bool:
    if post.hired_on > day or (post.left_on is not None and post.left_on <= day):
        return False
    return not any(first <= day <= last for first, last in post.leaves)


def ratio_on(day: date, stays: Iterable[Stay], posts: Iterable[Post], timeline: Sequence[RatioParameters]) -> DayRatio:
    """The rule applied to one day, person by person (the reference for ``ratio_series``)."""
    stays, posts = list(stays), list(posts)
    residents = sum(present_on(stay, day) for stay in stays)
    dependents = sum(dependent_on(stay, day) for stay in stays)
    staff = [post for post in posts if in_post_on(post, day)]
    return day_ratio(day, residents, dependents, len(staff), sum(post.carer for post in staff), in_force(timeline, day))


# --- the same, set-based: difference arrays over the range ------------------------------------


def _mark(deltas: list[int], first: date, end: date | None, start: date, length: int, weight: int = 1) -> None:
    """Add ``weight`` to the days ``first`` ≤ d < ``end`` (None: to the end) of the range."""
    lo = max((first - start).days, 0)
    hi = length if end is None else min((end - start).days, length)
    if lo < hi:
        deltas[lo] += weight
        deltas[hi] -= weight


def _stay_deltas(stay: Stay, start: date, length: int, residents: list[int], dependents: list[int]) -> None:
    end = None if stay.last_day is None else stay.last_day + ONE_DAY
    _mark(residents, stay.first_day, end, start, length)
    # the tier segments inside the stay: each assessment rules from its date to the next one's
    # (a stable sort by date: the same day's records stay in recorded order)
    ordered = sorted(stay.tiers, key=_ASSESSED_ON)
    for index, (assessed_on, tier) in enumerate(ordered):
        if tier not in DEPENDENT_TIERS:
            continue
        until = ordered[index + 1][0] if index + 1 < len(ordered) else None
        if until is not None and until <= assessed_on:
            continue  # overruled on the same day by a later record
        seg_first = max(assessed_on, stay.first_day)
        seg_end = end if until is None else (until if end is None else min(until, end))
        if seg_end is None or seg_first < seg_end:
            _mark(dependents, seg_first, seg_end, start, length)


def _merged(leaves: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for first, last in sorted(leaves):
        if merged and first <= merged[-1][1] + ONE_DAY:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _post_deltas(post: Post, start: date, length: int, staff: list[int], carers: list[int]) -> None:
    weight_lists = (staff, carers) if post.carer else (staff,)
    for deltas in weight_lists:
        _mark(deltas, post.hired_on, post.left_on, start, length)
    for first, last in _merged(post.leaves):
        lo = max(first, post.hired_on)
        hi = last + ONE_DAY if post.left_on is None else min(last + ONE_DAY, post.left_on)
        if lo < hi:
            for deltas in weight_lists:
                _mark(deltas, lo, hi, start, length, -1)


@lru_cache(maxsize=64)
def _days(first: date, length: int) -> tuple[date, ...]:
    """The days of a range, shared by the homes of one call (a set-based call asks for the same
    range a thousand times)."""
    return tuple(first + timedelta(days=offset) for offset in range(length))


_new = object.__new__
_set = object.__setattr__


def ratio_series(
    first: date, last: date, stays: Iterable[Stay], posts: Iterable[Post], timeline: Sequence[RatioParameters]
) -> list[DayRatio]:
    """The ratio of one home for every day from ``first`` to ``last``: the same answer as
    ``ratio_on`` day by day (a property test says so), in time linear in stays + posts + days.
    ``timeline`` starts with the defaults (``effective_from`` None), then the county's rows.
    The days are walked run by run: a run starts where a count or the parameters change (a few
    times a month), and its other days copy the ``day_ratio`` of its first with their own date."""
    length = (last - first).days + 1
    if length <= 0:
        return []
    residents, dependents = [0] * (length + 1), [0] * (length + 1)
    staff, carers = [0] * (length + 1), [0] * (length + 1)
    for stay in stays:
        _stay_deltas(stay, first, length, residents, dependents)
    for post in posts:
        _post_deltas(post, first, length, staff, carers)
    days = _days(first, length)
    ordered = list(timeline)
    # the days where a count or the parameters change start a run of equal days
    starts = {0}
    for deltas in (residents, dependents, staff, carers):
        starts.update(compress(range(length), deltas))
    starts.update(offset for params in ordered[1:] if 0 < (offset := (params.effective_from - first).days) < length)
    bounds = sorted(starts) + [length]
    params_index, out = 0, []
    append = out.append
    n_residents = n_dependents = n_staff = n_carers = 0
    for lo, hi in pairwise(bounds):
        day = days[lo]
        n_residents += residents[lo]
        n_dependents += dependents[lo]
        n_staff += staff[lo]
        n_carers += carers[lo]
        while params_index + 1 < len(ordered) and ordered[params_index + 1].effective_from <= day:
            params_index += 1
        ratio = day_ratio(day, n_residents, n_dependents, n_staff, n_carers, ordered[params_index])
        append(ratio)
        # The other days of the run: the same DayRatio with their own day. Built from its fields
        # (a frozen dataclass's __init__ sets its nine fields one object.__setattr__ at a time,
        # three times slower); equal to what day_ratio would make, same hash, same repr.
        template = ratio.__dict__
        for other in days[lo + 1 : hi]:
            fields = template.copy()
            fields["day"] = other
            copy = _new(DayRatio)
            _set(copy, "__dict__", fields)
            append(copy)
    return out


def first_breach(series: Iterable[DayRatio]) -> DayRatio | None:
    """The first day of ``series`` below the ratio (None: every day complies)."""
    return next((day for day in series if not day.compliant), None)


# --- the duty roster --------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterGap:
    """A shift the roster leaves short: ``kind`` is ``empty`` (nobody on the night shift: 24-hour
    duty, 民政部令第66号 Art. 28) or ``operators`` (a home with a fire control room has fewer than
    two certified operators on the shift: 民发〔2023〕37号)."""

    day: date
    shift: str
    kind: str
    on_duty: int
    certified: int


def roster_gaps(
    days: Iterable[date],
    on_shift: dict[tuple[date, str], Sequence[bool]],
    has_fire_control_room: bool,
    operators_needed: int = 2,
) -> list[RosterGap]:
    """The gaps of a roster: ``on_shift`` maps (day, shift) to one flag per person on it (True:
    holds the fire-facility operator certificate). Every night needs someone; with a fire control
    room, every shift needs ``operators_needed`` certified operators."""
    gaps = []
    for day in days:
        for shift in ("day", "night"):
            people = on_shift.get((day, shift), ())
            certified = sum(1 for flag in people if flag)
            if shift == "night" and not people:
                gaps.append(RosterGap(day, shift, "empty", 0, 0))
            elif has_fire_control_room and certified < operators_needed:
                gaps.append(RosterGap(day, shift, "operators", len(people), certified))
    return gaps
