"""Tier from the six answers, placements and tiers on a date, working-day deadlines."""

from datetime import date, timedelta
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.core.workdays import add_working_days
from backend.residents.rules import (
    ITEMS,
    AssessmentRecord,
    PlacementEvent,
    annual_review_due,
    care_tier,
    home_on,
    mode_on,
    reassessment_due,
    tier_on,
)


@pytest.mark.parametrize("answers", list(product([True, False], repeat=6)))
def test_every_combination_of_six_answers(answers):
    cannot = answers.count(False)
    expected = "self_care" if cannot == 0 else "partial" if cannot <= 3 else "full_loss"
    assert care_tier(dict(zip(ITEMS, answers, strict=True))) == expected


@given(st.dictionaries(st.sampled_from(ITEMS), st.booleans(), min_size=6, max_size=6))
def test_the_boundary_is_between_three_and_four_failures(answers):
    cannot = sum(1 for value in answers.values() if not value)
    tier = care_tier(answers)
    assert (tier == "full_loss") == (cannot >= 4)
    assert (tier == "self_care") == (cannot == 0)


def test_three_cannot_is_partial_and_four_is_full_loss_whichever_items():
    three = {item: index >= 3 for index, item in enumerate(ITEMS)}
    four = {item: index >= 4 for index, item in enumerate(ITEMS)}
    assert care_tier(three) == "partial"
    assert care_tier(four) == "full_loss"
    assert care_tier({item: item != "bathe" for item in ITEMS}) == "partial"


def test_missing_answers_are_an_error():
    with pytest.raises(ValueError):
        care_tier({"eat": True})


D = date(2026, 3, 1)
EVENTS = [
    PlacementEvent(date(2026, 1, 10), 1, "admit", 1),
    PlacementEvent(date(2026, 3, 1), 2, "transfer", 2),
    PlacementEvent(date(2026, 3, 1), 3, "discharge", None),
    PlacementEvent(date(2026, 3, 1), 4, "admit", 3),
    PlacementEvent(date(2026, 5, 31), 5, "discharge", None),
]


def test_home_and_mode_on_a_date_with_same_day_events():
    assert home_on(EVENTS, date(2026, 1, 9)) is None
    assert home_on(EVENTS, date(2026, 1, 10)) == 1
    assert home_on(EVENTS, date(2026, 2, 28)) == 1
    assert home_on(EVENTS, date(2026, 3, 1)) == 3  # three events that day: the last recorded wins
    assert mode_on(EVENTS, date(2026, 5, 30)) == "concentrated"
    assert mode_on(EVENTS, date(2026, 5, 31)) == "dispersed"
    assert home_on(list(reversed(EVENTS)), date(2026, 3, 1)) == 3


def test_tier_on_a_date_is_the_latest_assessment_on_or_before():
    records = [
        AssessmentRecord(date(2025, 6, 1), 1, "self_care"),
        AssessmentRecord(date(2026, 2, 1), 2, "partial"),
        AssessmentRecord(date(2026, 2, 1), 3, "full_loss"),
    ]
    assert tier_on(records, date(2025, 5, 31)) == "unassessed"
    assert tier_on(records, date(2025, 6, 1)) == "self_care"
    assert tier_on(records, date(2026, 1, 31)) == "self_care"
    assert tier_on(records, date(2026, 2, 1)) == "full_loss"


NONE = frozenset()


def test_ten_working_days_skip_weekends():
    # Monday 2026-11-02 + 10 working days = Monday 2026-11-16.
    assert reassessment_due(date(2026, 11, 2), 10, NONE, NONE) == date(2026, 11, 16)
    # A Friday report: the count starts on Monday.
    assert reassessment_due(date(2026, 11, 6), 10, NONE, NONE) == date(2026, 11, 20)
    assert reassessment_due(date(2026, 11, 2), 9, NONE, NONE) == date(2026, 11, 13)


def test_holidays_and_make_up_days():
    # National Day 2026: 1–7 October off, Saturday 10 October a make-up working day (example data).
    holidays = frozenset(date(2026, 10, day) for day in range(1, 8))
    make_up = frozenset({date(2026, 10, 10)})
    # Reported Wednesday 30 September: 1 Oct..7 Oct off, then 8, 9, 10(Sat, make-up), 12..
    due = reassessment_due(date(2026, 9, 30), 10, holidays, make_up)
    assert due == date(2026, 10, 20)
    assert add_working_days(date(2026, 9, 30), 1, holidays, make_up) == date(2026, 10, 8)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(min_value=0, max_value=40))
def test_working_days_are_monotonic_and_never_land_on_a_weekend(start, count):
    due = add_working_days(start, count, NONE, NONE)
    assert due >= start
    if count:
        assert due.weekday() < 5
        assert add_working_days(start, count + 1, NONE, NONE) > due
    assert (due - start) <= timedelta(days=count * 7 // 5 + 3)


def test_annual_review_is_a_year_later():
    assert annual_review_due(date(2025, 11, 23)) == date(2026, 11, 23)
    assert annual_review_due(date(2024, 2, 29)) == date(2025, 2, 28)


def test_last_entitled_month_counts_the_extra_months_from_the_month_of_death():
    from backend.residents.rules import last_entitled_month

    assert last_entitled_month(date(2026, 8, 1), 0) == date(2026, 8, 1)
    assert last_entitled_month(date(2026, 8, 31), 0) == date(2026, 8, 1)
    assert last_entitled_month(date(2026, 8, 31), 1) == date(2026, 9, 1)
    assert last_entitled_month(date(2026, 12, 15), 1) == date(2027, 1, 1)
    assert last_entitled_month(date(2026, 11, 2), 14) == date(2028, 1, 1)
    with pytest.raises(ValueError):
        last_entitled_month(date(2026, 8, 1), -1)


def test_add_months_goes_both_ways_across_years():
    from backend.core.dates import add_months

    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2026, 5, 1), 0) == date(2026, 5, 1)
