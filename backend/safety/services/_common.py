"""What the safety use cases share: the home in scope, its meal windows and night slots, the zone."""

from __future__ import annotations

from typing import Any

from backend.core.permissions import require
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.registry import services as registry
from backend.safety import rules
from backend.safety.tables import SafetyHomeSetting


async def home_for(scope: Scope, code: str, action: str) -> dict[str, Any]:
    """The home row if the scope may see it (NotFound otherwise: a director sees only the home they
    direct now) and the role may do ``action``."""
    require(scope, action)
    return await registry.find_home(scope, code)


def zone():
    return get_settings().tz


class HomeClock:
    """A home's meal windows and night slots (its ``safety_home_setting`` row, or the defaults)."""

    __slots__ = ("meals", "slots", "has_canteen")

    def __init__(self, meals: rules.MealWindows, slots: tuple[int, ...], has_canteen: bool):
        self.meals, self.slots, self.has_canteen = meals, slots, has_canteen


DEFAULT_CLOCK = HomeClock(rules.MealWindows(), (22, 0, 2, 4), True)


def clock_of(row: dict[str, Any] | None) -> HomeClock:
    if row is None:
        return DEFAULT_CLOCK
    meals = rules.MealWindows(tuple(rules.parse_window(row[name]) for name in ("breakfast", "lunch", "dinner")))
    return HomeClock(meals, rules.parse_slots(row["night_slots"]), bool(row["has_canteen"]))


async def clocks_for(home_ids: list[int]) -> dict[int, HomeClock]:
    """Each home's clock (the defaults where none is set); one query."""
    rows = await SafetyHomeSetting.select().where(SafetyHomeSetting.home.is_in(home_ids)) if home_ids else []
    found = {row["home"]: clock_of(row) for row in rows}
    return {home_id: found.get(home_id, DEFAULT_CLOCK) for home_id in home_ids}
