"""Registry rules as pure functions: which county parameters are in force on a day."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DEFAULTS_FILE = Path(__file__).with_name("parameter_defaults.toml")


@dataclass(frozen=True)
class Parameters:
    """A county's local settings on one day (domain-rules §2, §3, §6, §7, §8)."""

    effective_from: date | None  # None: the shipped defaults (no row for the county yet)
    residents_per_staff: int
    dependents_per_carer: int | None
    death_report_deadline_hours: int
    extra_months_after_death: int
    inspections_per_year: int
    admission_assessment_max_age_days: int = 90
    default_area: str = "rural"
    hazard_days_major: int = 1
    hazard_days_ordinary: int = 7


# The areas (城乡类别) of persons and stipend standards (domain-rules §8).
URBAN, RURAL = "urban", "rural"
AREAS = (URBAN, RURAL)

PARAMETER_FIELDS = (
    "residents_per_staff",
    "dependents_per_carer",
    "death_report_deadline_hours",
    "extra_months_after_death",
    "inspections_per_year",
    "admission_assessment_max_age_days",
    "default_area",
    "hazard_days_major",
    "hazard_days_ordinary",
)

# Allowed ranges (a ratio of 1:0 or a negative deadline is a typing error, not a policy).
PARAMETER_RANGES = {
    "residents_per_staff": (1, 100),
    "dependents_per_carer": (1, 100),
    "death_report_deadline_hours": (1, 24 * 30),
    "extra_months_after_death": (0, 12),
    "inspections_per_year": (1, 52),
    "admission_assessment_max_age_days": (1, 3650),
    "hazard_days_major": (0, 365),  # 0: to be rectified the day it is found
    "hazard_days_ordinary": (0, 365),
}


@lru_cache(maxsize=1)
def default_table() -> dict[str, dict]:
    return tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


def default_parameters() -> Parameters:
    """The shipped defaults, read from parameter_defaults.toml (each with its source)."""
    table = default_table()
    values = {name: table[name]["value"] for name in PARAMETER_FIELDS}
    values["dependents_per_carer"] = values["dependents_per_carer"] or None
    return Parameters(effective_from=None, **values)


def parameters_in_force(rows: Iterable[Parameters], on: date, defaults: Parameters) -> Parameters:
    """The row with the latest ``effective_from`` on or before ``on``; the defaults if none.

    A later change never rewrites an earlier day: the question "what applied on that day"
    has one answer.
    """
    best: Parameters | None = None
    for row in rows:
        if row.effective_from is not None and row.effective_from <= on:
            if best is None or row.effective_from > best.effective_from:
                best = row
    return best or defaults


FUNERAL_SUBSIDY_MAX_FEN = 100_000_000  # ¥1,000,000: anything larger is a typing error


def default_funeral_subsidy_fen() -> int:
    """The shipped funeral subsidy (丧葬补助) in fen, from parameter_defaults.toml (yuan there).

    Local, per county, with effective dates (domain-rules §7); the county's own amounts are kept
    by the deaths domain (backend/deaths/tables.FuneralSubsidy)."""
    from backend.core.money import parse_yuan

    return parse_yuan(str(default_table()["funeral_subsidy"]["value"]))


COUNTY_CODE_PATTERN = r"\d{6}"
HOME_CODE_PATTERN = r"[A-Z0-9-]{1,32}"
