"""Who lived in which home on which days, set-based, for the other domains (the staffing ratio:
domain-rules §3). Two queries for any number of homes and days (the placements of every person
ever placed in one of the homes, and their county assessments), then a walk over each person's
events in Python; the caller has checked its scope."""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter

from backend.core.bulk import fetch_tuples
from backend.core.db import reading
from backend.residents.rules import INTO_A_HOME
from backend.residents.tables import COUNTY

_INTO = ",".join(f"'{kind}'" for kind in sorted(INTO_A_HOME))


@dataclass(frozen=True)
class HomeStay:
    """One stay of one person in one home: from ``first_day`` to ``last_day`` inclusive (the day of
    a transfer, discharge or death still counts: the person had the bed that day; None: still
    there), with the person's county assessments as ``(assessed_on, tier)`` in recorded order."""

    resident_id: int
    home_id: int
    first_day: date
    last_day: date | None
    tiers: tuple[tuple[date, str], ...] = ()


def as_date(value) -> date:
    """A date column as read by the bare driver (SQLite may give ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


@contextlib.contextmanager
def _paused_collector():
    """The cyclic garbage collector paused while the rows become stays (a synchronous block with no
    cycles: a province's year is 200,000 tuples, and the collections walking them again and again
    took a third of the time: benchmarks/RESULTS.md, issue 11)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Dates(dict):
    """Date columns as dates, each distinct value converted once (``as_date``)."""

    def __missing__(self, value) -> date:
        self[value] = converted = as_date(value)
        return converted


_FIRST = itemgetter(0)


def _ints(values: Iterable[int]) -> str:
    return ",".join(str(int(value)) for value in values) or "0"


def _stays_of(resident_id: int, events: list[tuple], died_on: date | None) -> list[tuple[int, date, date | None]]:
    """(home, first day, last day) of each stay, from the person's events in recorded order."""
    stays, current, since = [], None, None
    for event_date, kind, home in events:
        if current is not None:
            stays.append((current, since, event_date))
        current, since = (home, event_date) if kind in INTO_A_HOME else (None, None)
    if current is not None:
        stays.append((current, since, died_on))
    return stays


async def home_stays(home_ids: Iterable[int] | None, first: date, last: date) -> dict[int, list[HomeStay]]:
    """Home id → the stays in it that overlap ``first``…``last`` (all homes when ``home_ids`` is
    None). A stay ends on the day of the event that moved the person out (transfer, discharge, the
    death's end of stay), or on the day of death when no event closed it."""
    wanted = None if home_ids is None else sorted(set(home_ids))
    if wanted == []:
        return {}
    of_homes = "" if wanted is None else f" AND home IN ({_ints(wanted)})"
    persons = f"SELECT DISTINCT resident FROM placement WHERE kind IN ({_INTO}){of_homes} AND event_date <= {{}}"
    async with reading():
        events = await fetch_tuples(
            f"SELECT p.resident, p.event_date, p.kind, p.home, r.died_on FROM placement p JOIN resident r ON r.id = p.resident"
            f" WHERE p.resident IN ({persons}) AND p.event_date <= {{}} ORDER BY p.resident, p.event_date, p.seq",
            last,
            last,
        )
        assessments = await fetch_tuples(
            f"SELECT resident, assessed_on, tier FROM assessment WHERE resident IN ({persons}) AND authority = '{COUNTY}'"
            f" AND assessed_on <= {{}} ORDER BY resident, assessed_on, seq",
            last,
            last,
        )
    with _paused_collector():
        return _stays_by_home(events, assessments, wanted, first, last)


def _stays_by_home(
    events: list, assessments: list, wanted: list[int] | None, first: date, last: date
) -> dict[int, list[HomeStay]]:
    day = _Dates()
    tiers = {
        resident: tuple([(day[assessed_on], tier) for _resident, assessed_on, tier in rows])
        for resident, rows in groupby(assessments, _FIRST)
    }
    by_person: dict[int, list[tuple]] = {}
    died: dict[int, date | None] = {}
    for resident, rows in groupby(events, _FIRST):
        rows = list(rows)
        by_person[resident] = [(day[event_date], kind, home) for _resident, event_date, kind, home, _died in rows]
        died_on = rows[0][4]
        died[resident] = None if died_on is None else day[died_on]
    keep = None if wanted is None else set(wanted)
    result: dict[int, list[HomeStay]] = defaultdict(list)
    for resident, person_events in by_person.items():
        for home, since, until in _stays_of(resident, person_events, died[resident]):
            if (keep is None or home in keep) and since <= last and (until is None or until >= first):
                result[home].append(HomeStay(resident, home, since, until, tiers.get(resident, ())))
    return dict(result)
