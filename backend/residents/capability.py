"""GB/T 42195-2022 capability assessment, computed from the data in gbt42195.toml (pure)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SPEC_FILE = Path(__file__).with_name("gbt42195.toml")


@dataclass(frozen=True)
class Item:
    key: str
    indicator: str
    name: str
    maximum: int


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    low: int
    high: int


@dataclass(frozen=True)
class Spec:
    total: int
    indicators: dict[str, str]
    items: tuple[Item, ...]
    levels: tuple[Level, ...]
    coma_level: int
    risk_events_threshold: int
    raise_by: int


@lru_cache(maxsize=1)
def spec() -> Spec:
    data = tomllib.loads(SPEC_FILE.read_text(encoding="utf-8"))
    items = tuple(Item(*row) for row in data["items"])
    result = Spec(
        total=data["total"],
        indicators={row["key"]: row["name"] for row in data["indicators"]},
        items=items,
        levels=tuple(Level(*row) for row in data["levels"]),
        coma_level=data["adjustments"]["coma_level"],
        risk_events_threshold=data["adjustments"]["risk_events_threshold"],
        raise_by=data["adjustments"]["raise_by"],
    )
    if sum(item.maximum for item in items) != result.total:
        raise ValueError("gbt42195.toml: the item maxima do not add up to the total")
    return result


@dataclass(frozen=True)
class CapabilityResult:
    total: int
    base_level: int
    level: int


def capability_level(
    scores: dict[str, int], coma: bool, dementia: bool, risk_events: int, data: Spec | None = None
) -> CapabilityResult:
    """Total, level from the total, and the level after adjustments (GB/T 42195-2022; data in
    gbt42195.toml): coma → the lowest level; diagnosed dementia or ≥ threshold risk events in
    30 days → one level lower. Raises ValueError for a missing, unknown or out-of-range score."""
    data = data or spec()
    known = {item.key: item for item in data.items}
    unknown = set(scores) - set(known)
    if unknown:
        raise ValueError(f"unknown items: {sorted(unknown)}")
    for item in data.items:
        if item.key not in scores:
            raise ValueError(f"score missing for {item.key}")
        if not 0 <= scores[item.key] <= item.maximum:
            raise ValueError(f"{item.key} must be 0–{item.maximum}")
    if risk_events < 0:
        raise ValueError("risk_events must be >= 0")
    total = sum(scores.values())
    base = next(level.number for level in data.levels if level.low <= total <= level.high)
    worst = max(level.number for level in data.levels)
    if coma:
        final = data.coma_level
    elif dementia or risk_events >= data.risk_events_threshold:
        final = min(base + data.raise_by, worst)
    else:
        final = base
    return CapabilityResult(total=total, base_level=base, level=final)
