"""The floors of the basic living amount (domain-rules §8): listed, entered (or corrected), and
checked against the county's standards (``floor_rules``; warnings, never refusals).

Entering: finance of the county and admins (``set_standards``, like the standards); reading:
whoever may read the standards (``view_reconciliation``). Another county is "not found".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Any

from backend.core import dates, forms
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.formatting import cny
from backend.core.formatting import month as month_words
from backend.core.i18n import N_, _
from backend.core.ledger import Change, append_audit
from backend.core.money import yuan_text
from backend.core.security import Scope
from backend.registry import services as registry
from backend.stipends import floor_rules, rules
from backend.stipends.floor_labels import floor_key_text
from backend.stipends.labels import label
from backend.stipends.schemas import FloorKeyOut, FloorOut, FloorWarningOut
from backend.stipends.services._common import month_text, require_stipends
from backend.stipends.tables import StipendFloor

MAX_FLOOR_AMOUNT = 100_000_000  # fen: a million yuan (a year's spending) is surely a typing error
FLOOR_FIELDS = ("kind", "area", "mode", "effective_from", "amount", "ratio", "source")


class FloorForm(forms.Form):
    """One floor as typed (the page's form and the API's body alike)."""

    kind: Annotated[str, forms.Choice(floor_rules.KINDS, N_("Choose the kind of floor."))]
    area: Annotated[str, forms.Choice(floor_rules.AREAS, N_("Choose urban or rural."))]
    effective_from: Annotated[date, forms.Month()]
    amount: Annotated[int, forms.Money(minimum_fen=1, maximum_fen=MAX_FLOOR_AMOUNT)]
    source: Annotated[str, forms.Text(max_length=200)]
    mode: Annotated[str, forms.Choice(floor_rules.MODES, N_("Choose concentrated or dispersed."), required=False)] = ""
    ratio: Annotated[str, forms.Text(required=False, max_length=12)] = ""


_RATIO_MISSING = {
    "dibao": N_("Enter the multiple of the 低保 standard (for example 1.3)."),
    "consumption": N_("Enter the share of consumption spending (for example 0.6)."),
}
_RATIO_RANGE = {
    "dibao": N_("The multiple must be above 0 and at most 10."),
    "consumption": N_("The share must be above 0 and at most 1."),
}


def _ratio(kind: str, text: str) -> int:
    """The ratio of a dibao or consumption floor, per mille (Invalid naming ``ratio``)."""
    if not text:
        raise Invalid({"ratio": _(_RATIO_MISSING[kind])})
    try:
        value = floor_rules.parse_ratio(text)
    except ValueError:
        raise Invalid({"ratio": _("Write a number with at most three decimals, such as 1.3.")}) from None
    low, high = floor_rules.RATIO_LIMITS[kind]
    if not low <= value <= high:
        raise Invalid({"ratio": _(_RATIO_RANGE[kind])})
    return value


def parse_floor(values: Mapping[str, Any]) -> floor_rules.Floor:
    """A floor from the texts typed (form or API): every field checked, Invalid({field: message})
    with all the refusals at once."""
    parsed = forms.parse(FloorForm, values)
    data = parsed.data
    if data is not None:
        if data.kind == "minimum" and not data.mode:
            parsed.error("mode", _("Choose the support mode this minimum is for."))
        if data.kind in floor_rules.RATIO_LIMITS:
            try:
                _ratio(data.kind, data.ratio)
            except Invalid as invalid:
                parsed.merge(invalid)
    elif parsed.values.get("kind") in floor_rules.RATIO_LIMITS and "ratio" not in parsed.errors:
        try:  # the ratio's refusal too, with the others (one round trip for the user)
            _ratio(parsed.values["kind"], parsed.values.get("ratio", ""))
        except Invalid as invalid:
            parsed.errors.update(invalid.errors)
    if not parsed.ok or data is None:
        raise Invalid(parsed.errors)
    minimum = data.kind == "minimum"
    return floor_rules.Floor(
        kind=data.kind,
        area=data.area,
        mode=data.mode if minimum else "",
        amount=data.amount,
        ratio=0 if minimum else _ratio(data.kind, data.ratio),
        effective_from=data.effective_from,
        source=data.source,
    )


def floor_name(key: tuple[str, str, str]) -> str:
    return label("floor", floor_key_text(key))


def key_out(key: tuple[str, str, str]) -> FloorKeyOut:
    return FloorKeyOut(kind=key[0], area=key[1], mode=key[2], name=floor_name(key))


def _of_row(row: Mapping[str, Any]) -> floor_rules.Floor:
    return floor_rules.Floor(
        kind=row["kind"],
        area=row["area"],
        mode=row["mode"],
        amount=row["amount"],
        ratio=row["ratio"],
        effective_from=row["effective_from"],
        source=row["source"],
    )


async def floor_rows(county_id: int) -> list[floor_rules.Floor]:
    """The county's floors, oldest first."""
    rows = await StipendFloor.select().where(StipendFloor.county == county_id).order_by(StipendFloor.effective_from)
    return [_of_row(row) for row in rows]


def floor_out(county_code: str, row: Mapping[str, Any], in_force: bool) -> FloorOut:
    floor = _of_row(row)
    return FloorOut(
        county_code=county_code,
        kind=floor.kind,
        area=floor.area,
        mode=floor.mode,
        name=floor_name(floor.key),
        effective_from=month_text(floor.effective_from),
        amount=yuan_text(floor.amount),
        ratio=floor_rules.ratio_text(floor.ratio) if floor.kind != "minimum" else None,
        source=floor.source,
        required_basic=yuan_text(floor.required),
        in_force=in_force,
        created_by=row["created_by"],
    )


async def list_floors(scope: Scope, county_code: str) -> list[FloorOut]:
    """The county's floors in the order of ``floor_rules.floor_keys``, oldest first per floor;
    ``in_force``: the row in force this month."""
    require_stipends(scope, "view_reconciliation")
    county = await registry.find_county(scope, county_code)
    rows = await StipendFloor.select().where(StipendFloor.county == county["id"]).order_by(StipendFloor.effective_from)
    current = floor_rules.floors_in_force([_of_row(row) for row in rows], dates.month_of(dates.today()))
    order = {key: index for index, key in enumerate(floor_rules.floor_keys())}
    rows.sort(key=lambda row: (order[(row["kind"], row["area"], row["mode"])], row["effective_from"]))
    return [floor_out(county_code, row, current.get(_of_row(row).key) == _of_row(row)) for row in rows]


def _audit_values(floor: floor_rules.Floor) -> dict[str, Any]:
    """What the audit log records of a floor (money in yuan, the ratio as typed, the month)."""
    return {
        "kind": floor.kind,
        "area": floor.area,
        "mode": floor.mode,
        "amount": yuan_text(floor.amount),
        "ratio": floor_rules.ratio_text(floor.ratio) if floor.kind != "minimum" else "",
        "effective_from": month_text(floor.effective_from),
        "source": floor.source,
    }


async def add_floor(scope: Scope, county_code: str, values: Mapping[str, Any]) -> FloorOut:
    """Enter a floor from the texts typed; the same (kind, area, mode, month) again corrects it.
    Invalid({field: message}) and nothing written when any field is refused. Audited."""
    require_stipends(scope, "set_standards")
    county = await registry.find_county(scope, county_code)  # out of scope: "not found" first
    floor = parse_floor(values)
    key = f"{county_code}@{floor_key_text(floor.key)}@{month_text(floor.effective_from)}"
    now = dates.now_utc()
    fields = {
        "amount": floor.amount,
        "ratio": floor.ratio,
        "source": floor.source,
        "created_at": now,
        "created_by": scope.username,
    }
    async with transaction():
        existing = (
            await StipendFloor.select()
            .where(
                (StipendFloor.county == county["id"])
                & (StipendFloor.kind == floor.kind)
                & (StipendFloor.area == floor.area)
                & (StipendFloor.mode == floor.mode)
                & (StipendFloor.effective_from == floor.effective_from)
            )
            .first()
        )
        if existing is None:
            await StipendFloor.insert(
                StipendFloor(
                    county=county["id"],
                    kind=floor.kind,
                    area=floor.area,
                    mode=floor.mode,
                    effective_from=floor.effective_from,
                    **fields,
                )
            )
            change = Change("floor.create", "stipend_floor", key, None, _audit_values(floor))
        else:
            await StipendFloor.update(fields).where(StipendFloor.id == existing["id"])
            change = Change("floor.update", "stipend_floor", key, _audit_values(_of_row(existing)), _audit_values(floor))
        await append_audit(scope.user_id, scope.username, [change])
    row = {**asdict(floor), "created_by": scope.username}
    in_force = floor_rules.floors_in_force(await floor_rows(county["id"]), dates.month_of(dates.today())).get(floor.key) == floor
    return floor_out(county_code, row, in_force)


# --- the check of the standards --------------------------------------------------------------


def _rule_text(floor: floor_rules.Floor) -> str:
    if floor.kind == "dibao":
        return _("{ratio} × the 低保 standard {amount} a month").format(
            ratio=floor_rules.ratio_text(floor.ratio), amount=cny(floor.amount)
        )
    if floor.kind == "consumption":
        return _("{ratio} × last year's consumption spending {amount} ÷ 12").format(
            ratio=floor_rules.ratio_text(floor.ratio), amount=cny(floor.amount)
        )
    return _("the annual minimum {amount} ÷ 12").format(amount=cny(floor.amount))


def warning_text(warning: floor_rules.FloorWarning) -> str:
    """A warning in the user's language: the floor, its source, the month, required, gap."""
    return _(
        "{floor} (source: {source}): from {month} the basic amount, {mode}, must be at least {required} a month "
        "({rule}); it is {basic}, short by {gap} a month."
    ).format(
        floor=floor_name(warning.floor.key),
        source=warning.floor.source,
        month=month_words(warning.from_month),
        mode=label("mode", warning.mode),
        required=cny(warning.required),
        rule=_rule_text(warning.floor),
        basic=cny(warning.basic),
        gap=cny(warning.gap),
    )


def warning_out(warning: floor_rules.FloorWarning) -> FloorWarningOut:
    return FloorWarningOut(
        floor=key_out(warning.floor.key),
        source=warning.floor.source,
        floor_from=month_text(warning.floor.effective_from),
        applies_from=month_text(warning.from_month),
        mode=warning.mode,
        basic=yuan_text(warning.basic),
        required=yuan_text(warning.required),
        gap=yuan_text(warning.gap),
        message=warning_text(warning),
    )


@dataclass(frozen=True)
class FloorCheck:
    """A standard row checked against the floors applying in the months it is in force."""

    warnings: list[floor_rules.FloorWarning]
    not_checked: list[tuple[str, str, str]]

    @property
    def modes(self) -> list[str]:
        """The modes whose basic is below some floor, in the order of ``rules.MODES``."""
        short = {warning.mode for warning in self.warnings}
        return [mode for mode in rules.MODES if mode in short]


def in_force_periods(row: rules.StandardRow, rows: list[rules.StandardRow]) -> list[tuple[str, date | None]]:
    """The areas for which ``row`` is the standard in force in some month (domain-rules §8), each
    with the month its period ends (None: open), among the county's ``rows`` (``row`` included).

    A row for one area runs until the next row for that area or for both; a row for both runs,
    for each area, until the next row for that area or for both, and not at all for an area that
    has its own row of the same month (that row wins the tie)."""
    periods = []
    for area in floor_rules.areas_of(row.area):
        if row.area == rules.BOTH and any(other.area == area and other.effective_from == row.effective_from for other in rows):
            continue
        later = [
            other.effective_from
            for other in rows
            if other.area in (area, rules.BOTH) and other.effective_from > row.effective_from
        ]
        periods.append((area, min(later, default=None)))
    return periods


def check_standard(row: rules.StandardRow, periods: list[tuple[str, date | None]], floors: list[floor_rules.Floor]) -> FloorCheck:
    """``row`` against ``floors``: for each area it is in force for (``in_force_periods``: the area
    and the month the period ends), the floors of that area applying in the period."""
    basic = {mode: row.basic(mode) for mode in rules.MODES}
    warnings: list[floor_rules.FloorWarning] = []
    unchecked: list[tuple[str, str, str]] = []
    for area, end in periods:
        applying = floor_rules.floors_applying(floors, row.effective_from, end)
        warnings += floor_rules.floor_warnings(area, basic, applying, row.effective_from)
        unchecked += [key for key in floor_rules.not_checked(area, applying) if key not in unchecked]
    return FloorCheck(warnings, unchecked)


def check_standards(rows: list[rules.StandardRow], floors: list[floor_rules.Floor]) -> dict[tuple[date, str], FloorCheck]:
    """Each of the county's standard rows, by (month, area), checked in the periods it is in force."""
    return {(row.effective_from, row.area): check_standard(row, in_force_periods(row, rows), floors) for row in rows}


def not_checked_text(keys: list[tuple[str, str, str]]) -> str:
    """ "Floors not checked: …, … (not entered)." ("" when every floor was checked)."""
    if not keys:
        return ""
    return _("Floors not checked: {floors} (not entered).").format(floors=_(", ").join(floor_name(key) for key in keys))
