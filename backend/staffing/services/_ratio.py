"""The daily staff ratio, set-based (domain-rules §3; interfaces §5): for any homes and any range
of days, three reads of the staffing tables and the residents' ``home_stays`` (two queries), the
homes and their counties' parameters, then ``rules.ratio_series`` per home. No query per home or
per day."""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from backend.core.bulk import fetch_tuples
from backend.core.db import reading
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.residents import services as residents
from backend.staffing import rules
from backend.staffing.tables import CARER

MAX_DAYS = 3 * 366  # a range longer than this is a typing error (the API and the command line)


def as_date(value) -> date:
    """A date column as read by the bare driver (SQLite may give ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _ints(values: Iterable[int]) -> str:
    return ",".join(str(int(value)) for value in values) or "0"


@dataclass
class HomeInputs:
    """What the rule needs of one home: its stays, its posts (with their leave) and the county's
    ratio parameters as a timeline (the defaults first)."""

    home_id: int
    county_id: int
    stays: list[rules.Stay] = field(default_factory=list)
    posts: dict[int, rules.Post] = field(default_factory=dict)  # staff id → post
    timeline: list[rules.RatioParameters] = field(default_factory=list)

    def series(self, first: date, last: date) -> list[rules.DayRatio]:
        return rules.ratio_series(first, last, self.stays, self.posts.values(), self.timeline)


def _ratio_parameters(row: registry_rules.Parameters) -> rules.RatioParameters:
    return rules.RatioParameters(row.effective_from, row.residents_per_staff, row.dependents_per_carer or None)


def timeline_of(rows: list[registry_rules.Parameters]) -> list[rules.RatioParameters]:
    """The county's ratio parameters, oldest first, after the shipped defaults."""
    defaults = _ratio_parameters(registry_rules.default_parameters())
    return [rules.RatioParameters(None, defaults.residents_per_staff, defaults.dependents_per_carer)] + [
        _ratio_parameters(row) for row in sorted(rows, key=lambda row: row.effective_from)
    ]


async def _posts(home_ids: list[int], first: date, last: date) -> dict[int, dict[int, rules.Post]]:
    """Home id → staff id → post, for the posts in post at some day of the range."""
    homes = _ints(home_ids)
    async with reading():
        staff_rows = await fetch_tuples(
            f"SELECT id, home, hired_on, left_on, post FROM staff_member WHERE home IN ({homes})"
            " AND hired_on <= {} AND (left_on IS NULL OR left_on > {})",
            last,
            first,
        )
        leave_rows = await fetch_tuples(
            f"SELECT l.staff, l.first_day, l.last_day, l.returned_on FROM staff_leave l JOIN staff_member s ON s.id = l.staff"
            f" WHERE s.home IN ({homes}) AND l.cancelled_at IS NULL AND l.first_day <= {{}} AND l.last_day >= {{}}",
            last,
            first,
        )
    leaves: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for staff_id, first_day, last_day, returned_on in leave_rows:
        first_day, last_day = as_date(first_day), as_date(last_day)
        if returned_on is not None:
            last_day = min(last_day, as_date(returned_on) - rules.ONE_DAY)
        if first_day <= last_day:
            leaves[staff_id].append((first_day, last_day))
    result: dict[int, dict[int, rules.Post]] = defaultdict(dict)
    for staff_id, home_id, hired_on, left_on, post in staff_rows:
        result[home_id][staff_id] = rules.Post(
            as_date(hired_on), as_date(left_on) if left_on is not None else None, post == CARER, tuple(leaves.get(staff_id, ()))
        )
    return result


_pauses = {"depth": 0, "was_enabled": False}


@contextlib.contextmanager
def paused_collector():
    """The cyclic garbage collector paused for a block that allocates many objects and no cycles
    (a year of 1,000 homes is 365,000 ``DayRatio``): otherwise its collections walk every live
    object again and again, half the time of the block (benchmarks/RESULTS.md, issue 11). Around
    reads, other tasks run meanwhile: their collections wait a second at most. Overlapping
    pauses (two requests) are counted: the collector comes back when the last one ends, and
    only if it was on when the first began."""
    if _pauses["depth"] == 0:
        _pauses["was_enabled"] = gc.isenabled()
        gc.disable()
    _pauses["depth"] += 1
    try:
        yield
    finally:
        _pauses["depth"] -= 1
        if _pauses["depth"] == 0 and _pauses["was_enabled"]:
            gc.enable()


async def inputs_for(home_ids: Iterable[int], first: date, last: date) -> dict[int, HomeInputs]:
    """Home id → its ``HomeInputs`` for the days ``first``…``last`` (the caller has checked scope)."""
    wanted = sorted(set(home_ids))
    homes = await registry.homes_by_id(wanted)
    parameters = await registry.county_parameters({home["county"] for home in homes.values()})
    stays = await residents.home_stays(wanted, first, last)
    posts = await _posts(wanted, first, last)
    result = {}
    with paused_collector():
        for home_id in wanted:
            if home_id not in homes:
                continue
            county_id = homes[home_id]["county"]
            result[home_id] = HomeInputs(
                home_id,
                county_id,
                [rules.Stay(stay.first_day, stay.last_day, stay.tiers) for stay in stays.get(home_id, ())],
                posts.get(home_id, {}),
                timeline_of(parameters.get(county_id, [])),
            )
    return result


async def ratio_series_for(home_ids: Iterable[int], first: date, last: date) -> dict[int, list[rules.DayRatio]]:
    """Home id → the ratio of every day from ``first`` to ``last`` (the caller has checked scope)."""
    with paused_collector():  # over the reads too: their 200,000 rows are collected for nothing
        homes = await inputs_for(home_ids, first, last)
        return {home_id: inputs.series(first, last) for home_id, inputs in homes.items()}
