"""A home's meal windows, night-patrol slots and canteen (domain rules §6b; ``safety_home_setting``).

Changing them changes what is due from now on; entries already recorded keep the period and slot
they were placed in. Who: ``record_safety`` (the home's director, an administrator)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.safety import rules
from backend.safety.services._common import home_for
from backend.safety.tables import SafetyHomeSetting

FIELDS = ("breakfast", "lunch", "dinner", "night_slots", "has_canteen")
_WINDOW = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–~～]\s*(\d{1,2}:\d{2})\s*$")
DEFAULTS = {
    "breakfast": "06:00-09:00",
    "lunch": "11:00-13:30",
    "dinner": "17:00-19:30",
    "night_slots": "22,0,2,4",
    "has_canteen": True,
}


@dataclass(frozen=True)
class HomeSettings:
    breakfast: str
    lunch: str
    dinner: str
    night_slots: str
    has_canteen: bool
    saved: bool  # False: the defaults (the home never saved its own)

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


def _settings_of(row: dict[str, Any] | None) -> HomeSettings:
    if row is None:
        return HomeSettings(**DEFAULTS, saved=False)
    return HomeSettings(**{name: row[name] for name in FIELDS}, saved=True)


async def _row(home_id: int) -> dict[str, Any] | None:
    return await SafetyHomeSetting.select().where(SafetyHomeSetting.home == home_id).first()


async def home_settings(scope: Scope, home_code: str) -> HomeSettings:
    home = await home_for(scope, home_code, "record_safety")
    return _settings_of(await _row(home["id"]))


def _window(text: str) -> str:
    """``6:00 - 9:00`` → ``06:00-09:00``; ValueError when malformed or not increasing."""
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(text)
    first, last = (part.zfill(5) for part in match.groups())
    start, end = rules.parse_window(f"{first}-{last}")
    return f"{start:%H:%M}-{end:%H:%M}"


def check_settings(breakfast: str, lunch: str, dinner: str, night_slots: str) -> tuple[dict[str, str], dict[str, str]]:
    """The values normalised, and the errors by field (meal windows ``HH:MM-HH:MM``, each ending
    after it starts, not overlapping, in meal order; night slots distinct hours from 18 to 7)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    windows = {}
    for name, text in (("breakfast", breakfast), ("lunch", lunch), ("dinner", dinner)):
        try:
            values[name] = _window(text)
            windows[name] = rules.parse_window(values[name])
        except ValueError:
            errors[name] = _("Write the window as HH:MM-HH:MM (such as 06:00-09:00), ending after it starts.")
    for earlier, later in (("breakfast", "lunch"), ("lunch", "dinner")):
        if earlier in windows and later in windows and windows[later][0] < windows[earlier][1]:
            errors[later] = _("The meal windows must not overlap and must follow each other: breakfast, lunch, dinner.")
    try:
        if len(night_slots) > 40 or not re.fullmatch(r"[\d,\s]+", night_slots):
            raise ValueError(night_slots)
        values["night_slots"] = ",".join(str(hour) for hour in rules.parse_slots(night_slots))
    except ValueError:
        errors["night_slots"] = _("Write the night-patrol hours separated by commas, such as 22,0,2,4: each once, from 18 to 7.")
    return values, errors


async def save_settings(
    scope: Scope, home_code: str, breakfast: str, lunch: str, dinner: str, night_slots: str, has_canteen: bool
) -> tuple[HomeSettings, bool]:
    """Save a home's settings in one transaction with one audit record (``safety.settings``,
    before and after); (the settings, False) when nothing changed (nothing written). Invalid
    names each refused field and writes nothing."""
    home = await home_for(scope, home_code, "record_safety")
    values, errors = check_settings(breakfast, lunch, dinner, night_slots)
    if errors:
        raise Invalid(errors)
    after = {**values, "has_canteen": bool(has_canteen)}
    async with transaction():
        row = await _row(home["id"])
        before = _settings_of(row)
        if row is not None and before.values() == after:
            return before, False
        now = dates.now_utc()
        if row is None:
            await SafetyHomeSetting.insert(SafetyHomeSetting(home=home["id"], **after, updated_at=now, updated_by=scope.username))
        else:
            await SafetyHomeSetting.update({**after, "updated_at": now, "updated_by": scope.username}).where(
                SafetyHomeSetting.id == row["id"]
            )
        changed = [name for name in FIELDS if before.values()[name] != after[name]] or list(FIELDS)
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "safety.settings",
                    "safety_home_setting",
                    home["code"],
                    {name: before.values()[name] for name in changed} if row is not None else None,
                    {name: after[name] for name in changed},
                )
            ],
        )
    return HomeSettings(**after, saved=True), True
