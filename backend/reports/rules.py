"""The judgements of the compliance reports (issue 13, point 5), as pure functions: no clock, no
database. Report periods, the traffic lights' thresholds, homes needing attention first, the
ranking, the month-by-month trend, and the characters the fonts lack.

A light compares counts, never a percentage carried around: "95 % on time" is
``on_time * 100 >= 95 * expected``, exact at the edge. The thresholds are product defaults
(docs/architecture.md, issue 13): the issue names the indicators, not the limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
LEVELS = (GREEN, AMBER, RED, NONE)

# Staff ratio: share of the days on which the home met the ratio.
RATIO_AMBER_SHARE = Fraction(90, 100)  # at least 90 % of the days (one or more days short): amber; fewer: red
# Ledgers: on time ÷ expected.
ON_TIME_GREEN = Fraction(95, 100)  # at least 95 %: green
ON_TIME_AMBER = Fraction(80, 100)  # at least 80 %: amber; below: red
# Stipend findings of the month's latest reconciliation run for the home.
FINDINGS_RED = 3  # three or more findings (or any payment after death): red; one or two: amber
SERIOUS_FINDINGS = frozenset({"PAID_AFTER_DEATH"})  # 死亡冒领: red by itself

MONTHLY = ("home-monthly", "county-monthly")
QUARTERLY = ("county-quarterly",)
_MONTH_KEY = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER_KEY = re.compile(r"^(\d{4})-Q([1-4])$")
_QUARTER_WORDS = {1: "一", 2: "二", 3: "三", 4: "四"}


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A report's period: a month ``2026-11`` or a quarter ``2026-Q4`` (first and last day
    inclusive, its months as first days, and its words for the heading)."""

    key: str
    first: date
    last: date
    months: tuple[date, ...]
    text: str

    @property
    def month_keys(self) -> tuple[str, str]:
        return (f"{self.months[0]:%Y-%m}", f"{self.months[-1]:%Y-%m}")


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def parse_period(kind: str, key: str) -> Period:
    """The period of ``key`` for a report ``kind``: a month for the monthly kinds, a quarter for
    the quarterly one. ValueError (its message says what was expected) otherwise."""
    key = (key or "").strip()
    if kind in QUARTERLY:
        match = _QUARTER_KEY.match(key)
        if not match:
            raise ValueError(f"{key!r}: a quarter is written like 2026-Q4")
        year, quarter = int(match[1]), int(match[2])
        months = tuple(date(year, 3 * (quarter - 1) + step + 1, 1) for step in range(3))
        return Period(
            key, months[0], _add_months(months[-1], 1) - timedelta(days=1), months, f"{year}年第{_QUARTER_WORDS[quarter]}季度"
        )
    match = _MONTH_KEY.match(key)
    if not match:
        raise ValueError(f"{key!r}: a month is written like 2026-11")
    first = date(int(match[1]), int(match[2]), 1)
    return Period(key, first, _add_months(first, 1) - timedelta(days=1), (first,), f"{first.year}年{first.month}月")


# --- traffic lights --------------------------------------------------------------------------


def ratio_light(compliant_days: int, days: int) -> str:
    """Staff ratio: every day met → green; at least 90 % of the days → amber; fewer → red; no
    day counted → none."""
    if days <= 0:
        return NONE
    if compliant_days >= days:
        return GREEN
    return AMBER if Fraction(compliant_days, days) >= RATIO_AMBER_SHARE else RED


def on_time_light(on_time: int, expected: int) -> str:
    """Ledgers on time: ≥ 95 % green, ≥ 80 % amber, below red; nothing expected → none."""
    if expected <= 0:
        return NONE
    share = Fraction(on_time, expected)
    if share >= ON_TIME_GREEN:
        return GREEN
    return AMBER if share >= ON_TIME_AMBER else RED


def hazard_light(open_major: int, overdue: int) -> str:
    """Hazards at the end of the period: any past its deadline and not rectified → red; a major
    one still open (within its deadline) → amber; else green."""
    if overdue > 0:
        return RED
    return AMBER if open_major > 0 else GREEN


def death_light(late: int) -> str:
    """Death reports: any reported after the county's deadline → red; else green (no death is
    green too: nothing was late)."""
    return RED if late > 0 else GREEN


def findings_light(findings: int, serious: int, has_run: bool) -> str:
    """Stipend findings of the latest run: none → green; one or two → amber; three or more, or
    any payment after death → red; no reconciliation run for the month → none."""
    if not has_run:
        return NONE
    if serious > 0 or findings >= FINDINGS_RED:
        return RED
    return AMBER if findings > 0 else GREEN


def worst(levels: Iterable[str]) -> str:
    """The worst of some lights (red > amber > green > none)."""
    order = {RED: 3, AMBER: 2, GREEN: 1, NONE: 0}
    return max(levels, key=lambda level: order[level], default=NONE)


# --- order, ranking, trend -------------------------------------------------------------------


@dataclass(frozen=True)
class HomeLights:
    """One home's lights and the counts its order and rank rest on."""

    code: str
    lights: tuple[str, ...]
    on_time: int = 0
    expected: int = 0
    compliant_days: int = 0
    days: int = 0
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def reds(self) -> int:
        return self.lights.count(RED)

    @property
    def ambers(self) -> int:
        return self.lights.count(AMBER)

    @property
    def needs_attention(self) -> bool:
        return self.reds > 0 or self.ambers > 0


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole > 0 else None


def attention_order(homes: Sequence[HomeLights]) -> list[HomeLights]:
    """Homes needing attention first: more red lights first, then more amber, then the lower
    on-time rate (no rate last), then the code."""

    def key(home: HomeLights):
        rate = _share(home.on_time, home.expected)
        return (-home.reds, -home.ambers, rate is None, rate if rate is not None else 0, home.code)

    return sorted(homes, key=key)


def ranking(homes: Sequence[HomeLights]) -> dict[str, int | None]:
    """Home code → its rank (1 = best), by the on-time rate of the ledgers, then the share of
    days meeting the staff ratio; equal homes share a rank (1, 2, 2, 4); a home with nothing
    expected has no rank (None)."""
    ranked = [home for home in homes if home.expected > 0]
    ratio_zero = Fraction(0)

    def score(home: HomeLights):
        return (_share(home.on_time, home.expected), _share(home.compliant_days, home.days) or ratio_zero)

    ranked.sort(key=lambda home: (tuple(-part for part in score(home)), home.code))
    result: dict[str, int | None] = {home.code: None for home in homes}
    previous, rank = None, 0
    for position, home in enumerate(ranked, start=1):
        if score(home) != previous:
            rank, previous = position, score(home)
        result[home.code] = rank
    return result


def trend(values: Sequence[Fraction | int | None], higher_is_better: bool = True) -> str | None:
    """The direction from the first month with a value to the last: "better", "worse" or
    "same"; None with fewer than two values."""
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return None
    first, last = known[0], known[-1]
    if first == last:
        return "same"
    return "better" if (last > first) == higher_is_better else "worse"


# --- glyphs ----------------------------------------------------------------------------------

PLACEHOLDER = "□"


def missing_glyphs(texts: Iterable[str], covered: Callable[[int], bool]) -> list[str]:
    """The distinct characters of ``texts`` the fonts do not cover (``covered(code point)``), in
    code point order; ASCII and whitespace are never checked."""
    seen = {char for text in texts for char in text if ord(char) > 0x7F and not char.isspace()}
    return sorted((char for char in seen if not covered(ord(char))), key=ord)


def replace_missing(text: str, missing: Iterable[str]) -> str:
    """``text`` with every missing character shown as □."""
    for char in missing:
        text = text.replace(char, PLACEHOLDER)
    return text


def glyph_note(missing: Sequence[str]) -> str:
    """The sentence the report prints when a name holds characters the fonts lack."""
    if not missing:
        return ""
    codes = "、".join(f"U+{ord(char):04X}" for char in missing)
    return f"注：本表部分姓名或名称含字库未收录的生僻字（{codes}），以“{PLACEHOLDER}”代替，以系统登记为准。"
