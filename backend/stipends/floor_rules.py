"""The floors of the basic living amount (domain-rules §8), as pure functions.

Three floors, each a per-county parameter with ``effective_from`` and the document it was taken
from (``source``), per area (城市 ``urban`` / 农村 ``rural``):

- ``dibao``: basic ≥ ``ratio`` × the area's 低保 standard (``amount``: monthly, fen);
- ``consumption``: 12 × basic ≥ ``ratio`` × last year's per-capita consumption spending of the
  area (``amount``: annual, fen);
- ``minimum``: 12 × basic ≥ an absolute annual minimum (``amount``: annual, fen), per mode too.

``ratio`` is per mille (1300 = 1.3 × 低保; 600 = 60 %). Every comparison is exact in integer fen:
a floor's ``required`` is the lowest whole-fen monthly basic that meets it (rounded up), so
``basic < required`` is the same as ``basic`` × 12 (or × 1000) below the exact figure. The floor
warns, it never refuses; a floor not entered is not checked, and ``not_checked`` says which.
No clock, no database: the services hand the rows in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

KINDS = ("dibao", "consumption", "minimum")
AREAS = ("urban", "rural")
ROW_AREAS = (*AREAS, "both")  # a standard row is for one area or for both
MODES = ("concentrated", "dispersed")
PER_MILLE = 1000
DEFAULT_RATIO = {"dibao": 1300, "consumption": 600}  # domain-rules §8: 1.3 × 低保, 60 % of spending

# The ratio a county may enter (per mille): a 低保 multiple above 0 and at most 10; a share of
# consumption spending above 0 and at most 1.
RATIO_LIMITS = {"dibao": (1, 10 * PER_MILLE), "consumption": (1, PER_MILLE)}


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


@dataclass(frozen=True)
class Floor:
    """One floor entered by the county, in force from ``effective_from`` (a month's first day)."""

    kind: str
    area: str
    mode: str  # "" except for ``minimum`` (one per mode)
    amount: int  # fen: dibao monthly; consumption and minimum annual
    ratio: int  # per mille; 0 for ``minimum``
    effective_from: date
    source: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.area, self.mode)

    @property
    def modes(self) -> tuple[str, ...]:
        """The modes whose basic amount the floor applies to."""
        return (self.mode,) if self.mode else MODES

    @property
    def required(self) -> int:
        """The lowest monthly basic amount (fen) that meets the floor."""
        if self.kind == "dibao":
            return _ceil_div(self.ratio * self.amount, PER_MILLE)
        if self.kind == "consumption":
            return _ceil_div(self.ratio * self.amount, 12 * PER_MILLE)
        return _ceil_div(self.amount, 12)


def areas_of(row_area: str) -> tuple[str, ...]:
    """The areas a standard row is for: "both" is each of them."""
    return AREAS if row_area == "both" else (row_area,)


def floor_keys(row_area: str = "both") -> list[tuple[str, str, str]]:
    """Every floor that could apply to a row of ``row_area``, in the order pages list them."""
    keys = []
    for area in areas_of(row_area):
        keys += [("dibao", area, ""), ("consumption", area, "")]
        keys += [("minimum", area, mode) for mode in MODES]
    return keys


def floors_in_force(floors: Iterable[Floor], month: date) -> dict[tuple[str, str, str], Floor]:
    """Per floor key, the row with the latest ``effective_from`` <= ``month``."""
    best: dict[tuple[str, str, str], Floor] = {}
    for floor in floors:
        current = best.get(floor.key)
        if floor.effective_from <= month and (current is None or floor.effective_from > current.effective_from):
            best[floor.key] = floor
    return best


def floors_applying(floors: Iterable[Floor], start: date, end: date | None = None) -> list[Floor]:
    """The floors in force at some month of [start, end) (``end`` None: open): those in force at
    ``start`` and those that take effect later in the period, oldest first per key."""
    rows = list(floors)
    applying = list(floors_in_force(rows, start).values())
    applying += [row for row in rows if start < row.effective_from and (end is None or row.effective_from < end)]
    order = {key: index for index, key in enumerate(floor_keys())}
    return sorted(applying, key=lambda row: (order.get(row.key, len(order)), row.effective_from))


@dataclass(frozen=True)
class FloorWarning:
    """The basic amount of ``mode`` is below ``floor`` from ``from_month`` on (gap in fen)."""

    floor: Floor
    mode: str
    basic: int
    from_month: date

    @property
    def required(self) -> int:
        return self.floor.required

    @property
    def gap(self) -> int:
        return self.floor.required - self.basic


def floor_warnings(
    row_area: str, basic_by_mode: Mapping[str, int], floors: Iterable[Floor], start: date | None = None
) -> list[FloorWarning]:
    """The floors among ``floors`` (those applying to the row's period, ``floors_applying``) that
    the row's basic amounts fall below, for the row's area (each area when "both"). ``start``:
    the row's first month (a floor that took effect earlier is broken from then on)."""
    warnings = []
    areas = areas_of(row_area)
    for floor in floors:
        if floor.area not in areas:
            continue
        for mode in floor.modes:
            basic = basic_by_mode[mode]
            if basic < floor.required:
                since = max(start, floor.effective_from) if start else floor.effective_from
                warnings.append(FloorWarning(floor, mode, basic, since))
    return warnings


def not_checked(row_area: str, floors: Iterable[Floor]) -> list[tuple[str, str, str]]:
    """The floors that could apply to a row of ``row_area`` but were not checked: none of
    ``floors`` (those applying to the row's period) is for them."""
    entered = {floor.key for floor in floors}
    return [key for key in floor_keys(row_area) if key not in entered]


def ratio_text(per_mille: int) -> str:
    """1300 → "1.3", 600 → "0.6", 1250 → "1.25" (no trailing zeros)."""
    whole, rest = divmod(per_mille, PER_MILLE)
    return f"{whole}.{rest:03d}".rstrip("0").rstrip(".") if rest else str(whole)


def parse_ratio(text: str) -> int:
    """ "1.3" → 1300 (at most three decimals, digits only); ValueError otherwise."""
    cleaned = text.strip()
    whole, dot, rest = cleaned.partition(".")
    if not whole.isascii() or not whole.isdigit() or len(whole) > 3:
        raise ValueError(text)
    if dot and (not rest.isascii() or not rest.isdigit() or len(rest) > 3):
        raise ValueError(text)
    return int(whole) * PER_MILLE + int((rest or "0").ljust(3, "0"))
