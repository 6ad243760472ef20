"""Food samples (留样, issue 12 point 3; domain rules §5): the details of a ``food_sample`` entry,
one row per dish in ``food_sample``, and discarding a sample once it has been kept.

Details: ``{"meal": "lunch", "samples": [{"dish", "grams", "taken_at", "fridge", "keeper"}]}``. The
meal is the one the user chose (stored in ``food_sample.meal``); the entry's slot still comes from
``performed_at`` (the form defaults it into the chosen meal's window). Each dish at least
``rules.MIN_SAMPLE_GRAMS`` grams, taken on the meal's day and not in the future, with a keeper.
``discard_after`` = taken + 48 h; a discard before it is allowed and flagged (提前处理).

Writers: ``record_safety`` (entries through ``record_entry``; discards); readers: ``view_safety``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import rules
from backend.safety.services._common import home_for
from backend.safety.services._details import DetailHandler, register_details
from backend.safety.tables import FoodSample

MAX_DISHES = 30
SHOWN_DAYS = 7  # the samples page: the last week


class SampleOut(msgspec.Struct, kw_only=True):
    id: int
    home: str
    entry_id: int
    meal: str
    dish: str
    grams: int
    taken_at: datetime
    fridge: str
    keeper: str
    discard_after: datetime
    discarded_at: datetime | None = None
    discarded_by: str = ""
    discarded_early: bool = False  # 提前处理
    may_discard: bool = False  # kept 48 h and not yet discarded


@dataclass(frozen=True)
class Dish:
    dish: str
    grams: int
    taken_at: datetime
    fridge: str
    keeper: str


@dataclass(frozen=True)
class Samples:
    meal: str
    dishes: tuple[Dish, ...]


def raw_value(value: Any) -> Any:
    """A details value as sent: raw JSON from the API (``msgspec.Raw``), or already decoded."""
    if isinstance(value, msgspec.Raw):
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError:
            return None
    return value


def _text(value: Any, limit: int) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if len(value) <= limit else None


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return dates.instant(value)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dates.instant(datetime.fromisoformat(value.strip()))
    except ValueError:
        try:
            return dates.parse_datetime(value)
        except ValueError:
            return None


def _dish(index: int, raw: Any, day: date, now: datetime, errors: dict[str, str]) -> Dish | None:
    field = f"details.samples[{index}]"
    if not isinstance(raw, dict):
        errors[field] = _("Each sample is a dish with its weight, time, fridge and keeper.")
        return None
    dish = _text(raw.get("dish"), 100)
    if not dish:
        errors[f"{field}.dish"] = _("Name the dish (at most 100 characters).")
    grams = raw.get("grams")
    if isinstance(grams, str) and grams.strip().isascii() and grams.strip().isdigit() and len(grams.strip()) < 10:
        grams = int(grams.strip())
    if not isinstance(grams, int) or isinstance(grams, bool) or not 0 < grams <= 100_000:
        errors[f"{field}.grams"] = _("The sample's weight in whole grams.")
        grams = None
    elif rules.sample_too_light(grams):
        errors[f"{field}.grams"] = _("A sample weighs at least {n} g (Food Service Safety Operating Norms).").format(
            n=rules.MIN_SAMPLE_GRAMS
        )
    taken_at = _moment(raw.get("taken_at"))
    if taken_at is None:
        errors[f"{field}.taken_at"] = _("When was the sample taken?")
    elif taken_at > now + rules.FUTURE_TOLERANCE:
        errors[f"{field}.taken_at"] = _("The sample's time lies in the future.")
    elif dates.local(taken_at).date() != day:
        errors[f"{field}.taken_at"] = _("A sample is taken on the day of its meal ({day}).").format(day=day.isoformat())
    fridge = _text(raw.get("fridge"), 50)
    if fridge is None:
        errors[f"{field}.fridge"] = _("The fridge: at most 50 characters.")
    keeper = _text(raw.get("keeper"), 50)
    if not keeper:
        errors[f"{field}.keeper"] = _("Name the person responsible for the sample (at most 50 characters).")
    if any(key.startswith(field + ".") for key in errors):
        return None
    assert dish and keeper and fridge is not None and taken_at is not None and isinstance(grams, int)
    return Dish(dish, grams, taken_at, fridge, keeper)


async def check_samples(home: dict[str, Any], details: dict[str, Any], performed_at: datetime) -> Samples:
    """The samples of a ``food_sample`` entry; Invalid names each refused field."""
    errors: dict[str, str] = {}
    meal = raw_value(details.get("meal"))
    if meal not in rules.MEALS:
        errors["details.meal"] = _("Choose the meal: breakfast, lunch or dinner.")
    raw_samples = raw_value(details.get("samples"))
    unknown = sorted(set(details) - {"meal", "samples"})
    if unknown:
        errors["details"] = _("Unknown details: {names}.").format(names=", ".join(unknown))
    dishes: list[Dish] = []
    if not isinstance(raw_samples, list) or not raw_samples:
        errors["details.samples"] = _("Record the sample of at least one dish.")
    elif len(raw_samples) > MAX_DISHES:
        errors["details.samples"] = _("At most {n} dishes in one meal.").format(n=MAX_DISHES)
    else:
        day, now = dates.local(performed_at).date(), dates.now_utc()
        for index, raw in enumerate(raw_samples):
            dish = _dish(index, raw, day, now, errors)
            if dish is not None:
                dishes.append(dish)
    if errors:
        raise Invalid(errors)
    return Samples(str(meal), tuple(dishes))


def canonical_samples(parsed: Samples) -> dict[str, Any]:
    return {
        "meal": parsed.meal,
        "samples": [
            {
                "dish": dish.dish,
                "grams": dish.grams,
                "taken_at": dish.taken_at,
                "fridge": dish.fridge,
                "keeper": dish.keeper,
            }
            for dish in parsed.dishes
        ],
    }


async def write_samples(entry_id: int, home: dict[str, Any], parsed: Samples) -> None:
    await FoodSample.insert(
        *(
            FoodSample(
                entry=entry_id,
                home=home["id"],
                meal=parsed.meal,
                dish=dish.dish,
                grams=dish.grams,
                taken_at=dish.taken_at,
                fridge=dish.fridge,
                keeper=dish.keeper,
                discard_after=rules.discard_after(dish.taken_at),
                discarded_at=None,
                discarded_by="",
            )
            for dish in parsed.dishes
        )
    )


register_details("food_sample", DetailHandler(check_samples, write_samples, canonical_samples))


def sample_out(row: dict[str, Any], home_code: str, now: datetime) -> SampleOut:
    discarded_at = row["discarded_at"]
    return SampleOut(
        id=row["id"],
        home=home_code,
        entry_id=row["entry"],
        meal=row["meal"],
        dish=row["dish"],
        grams=row["grams"],
        taken_at=row["taken_at"],
        fridge=row["fridge"],
        keeper=row["keeper"],
        discard_after=row["discard_after"],
        discarded_at=discarded_at,
        discarded_by=row["discarded_by"],
        discarded_early=discarded_at is not None and rules.discarded_early(row["taken_at"], discarded_at),
        may_discard=discarded_at is None and now >= row["discard_after"],
    )


async def list_samples(
    scope: Scope, home_code: str, first: date | None = None, last: date | None = None, now: datetime | None = None
) -> list[SampleOut]:
    """The home's samples taken on ``first``…``last`` (local days; by default the last week), the
    latest first."""
    home = await home_for(scope, home_code, "view_safety")
    now = now or dates.now_utc()
    last = last or dates.local(now).date()
    first = first or last - timedelta(days=SHOWN_DAYS - 1)
    if first > last:
        raise Invalid({"from": _("The first day comes after the last.")})
    start = dates.combine_local(first, datetime.min.time())
    end = dates.combine_local(last + timedelta(days=1), datetime.min.time())
    rows = (
        await FoodSample.select()
        .where((FoodSample.home == home["id"]) & (FoodSample.taken_at >= start) & (FoodSample.taken_at < end))
        .order_by(FoodSample.taken_at, ascending=False)
        .order_by(FoodSample.id)
    )
    return [sample_out(row, home["code"], now) for row in rows]


async def discard_sample(scope: Scope, sample_id: int, home_code: str | None = None, now: datetime | None = None) -> SampleOut:
    """Record that a sample was discarded (once). Earlier than its ``discard_after`` is allowed and
    flagged (提前处理). ``home_code``, when given, must be the sample's home (the page's address)."""
    now = now or dates.now_utc()
    row = await FoodSample.select(FoodSample.id, FoodSample.home).where(FoodSample.id == sample_id).first()
    homes = await registry.homes_by_id([row["home"]]) if row is not None else {}
    code = homes[row["home"]]["code"] if row is not None and row["home"] in homes else None
    if code is None or (home_code is not None and code != home_code):
        raise NotFound(_("No such food sample."))
    home = await home_for(scope, code, "record_safety")
    async with transaction():
        current = await FoodSample.select().where(FoodSample.id == sample_id).first()
        assert current is not None
        # only a sample not yet discarded changes (two discards at once: the second finds it done)
        changed = (
            await FoodSample.update({FoodSample.discarded_at: now, FoodSample.discarded_by: scope.username})
            .where((FoodSample.id == sample_id) & FoodSample.discarded_at.is_null())
            .returning(FoodSample.id)
        )
        if not changed:
            raise Invalid({"sample": _("This sample was discarded already.")})
        early = rules.discarded_early(current["taken_at"], now)
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "safety.sample_discarded",
                    "food_sample",
                    str(sample_id),
                    None,
                    {"home": home["code"], "dish": current["dish"], "meal": current["meal"], "early": early},
                )
            ],
        )
    updated = await FoodSample.select().where(FoodSample.id == sample_id).first()
    assert updated is not None
    return sample_out(updated, home["code"], now)
