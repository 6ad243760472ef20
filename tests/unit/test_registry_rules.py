"""Which county parameters are in force on a day; the shipped defaults and their sources."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backend.registry.rules import (
    Parameters,
    default_parameters,
    default_table,
    parameters_in_force,
)


def row(day: date, ratio: int) -> Parameters:
    return Parameters(day, ratio, None, 24, 0, 4)


def test_defaults_are_the_documented_ones_with_sources():
    defaults = default_parameters()
    assert defaults.residents_per_staff == 10
    assert defaults.dependents_per_carer is None
    assert defaults.death_report_deadline_hours == 24
    assert defaults.extra_months_after_death == 0
    assert defaults.inspections_per_year == 4
    assert defaults.admission_assessment_max_age_days == 90
    assert defaults.default_area == "rural"
    assert all(entry["source"] for entry in default_table().values())


def test_before_any_row_the_defaults_apply():
    rows = [row(date(2026, 3, 1), 8)]
    assert parameters_in_force(rows, date(2026, 2, 28), default_parameters()).residents_per_staff == 10


def test_a_row_applies_from_its_effective_date_inclusive():
    rows = [row(date(2026, 3, 1), 8), row(date(2026, 7, 1), 6)]
    defaults = default_parameters()
    assert parameters_in_force(rows, date(2026, 3, 1), defaults).residents_per_staff == 8
    assert parameters_in_force(rows, date(2026, 6, 30), defaults).residents_per_staff == 8
    assert parameters_in_force(rows, date(2026, 7, 1), defaults).residents_per_staff == 6


@given(
    st.lists(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), unique=True, max_size=8),
    st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 1, 1)),
)
def test_the_latest_row_on_or_before_the_day_wins_whatever_the_order(days, on):
    rows = [row(day, 1 + index) for index, day in enumerate(days)]
    chosen = parameters_in_force(list(reversed(rows)), on, default_parameters())
    earlier = [r for r in rows if r.effective_from <= on]
    if not earlier:
        assert chosen.effective_from is None
    else:
        assert chosen.effective_from == max(r.effective_from for r in earlier)
        assert chosen.effective_from <= on
        later_day = chosen.effective_from + timedelta(days=1)
        assert all(not (later_day <= r.effective_from <= on) for r in rows)
