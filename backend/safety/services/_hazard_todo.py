"""What "今日待办" needs of the hazards: for the county's staff, how many major hazards of the
county wait for verification and how many hazards are overdue (two counts, one query for the homes)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.core import dates
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety.services._hazards import OPEN_STATUSES
from backend.safety.tables import SafetyHazard


@dataclass(frozen=True)
class CountyHazardCounts:
    county_code: str
    waiting: int  # major hazards fixed by the home, waiting for the county's verification
    overdue: int  # hazards not closed past their deadline


async def county_hazard_counts(scope: Scope) -> CountyHazardCounts | None:
    """The counts of the scope's county (None for a scope that is not one county's)."""
    if scope.kind != "county" or scope.county_id is None:
        return None
    county = (await registry.counties_by_id([scope.county_id])).get(scope.county_id)
    if county is None:
        return None
    homes = await registry.homes_by_code(home.code for home in await registry.list_homes(scope, county_code=county["code"]))
    ids = [home["id"] for home in homes.values()]
    if not ids:
        return CountyHazardCounts(county["code"], 0, 0)
    waiting = await SafetyHazard.count().where(
        SafetyHazard.home.is_in(ids) & (SafetyHazard.major == True) & (SafetyHazard.status == "fixed")  # noqa: E712
    )
    overdue = await SafetyHazard.count().where(
        SafetyHazard.home.is_in(ids) & SafetyHazard.status.is_in(list(OPEN_STATUSES)) & (SafetyHazard.deadline < dates.today())
    )
    return CountyHazardCounts(county["code"], waiting, overdue)


@dataclass(frozen=True)
class HomeHazardCounts:
    home_code: str
    overdue: int  # open hazards (the home's to fix) past their deadline
    due_today: int  # open hazards whose deadline is today


async def home_hazard_counts(scope: Scope) -> HomeHazardCounts | None:
    """A director's home: the hazards the home still has to fix, past or at their deadline
    (a major hazard the home fixed waits for the county: not counted). None for other scopes."""
    if scope.kind != "home" or scope.home_id is None:
        return None
    home = (await registry.homes_by_id([scope.home_id])).get(scope.home_id)
    if home is None:
        return None
    today = dates.today()
    open_here = (SafetyHazard.home == scope.home_id) & (SafetyHazard.status == "open")
    overdue = await SafetyHazard.count().where(open_here & (SafetyHazard.deadline < today))
    due_today = await SafetyHazard.count().where(open_here & (SafetyHazard.deadline == today))
    return HomeHazardCounts(home["code"], overdue, due_today)
