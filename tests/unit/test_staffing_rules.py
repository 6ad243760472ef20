"""The daily staff ratio (domain-rules §3; interfaces §5) at its boundaries, and the set-based
series against the rule applied day by day on random histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.staffing import rules

DEFAULTS = rules.RatioParameters(None, 10, None)
D = date(2026, 11, 10)


def _ratio(residents, dependents, staff, carers, params=DEFAULTS):
    return rules.day_ratio(D, residents, dependents, staff, carers, params)


@pytest.mark.parametrize(
    ("residents", "staff", "compliant", "required", "shortfall"),
    [
        (0, 0, True, 0, 0),
        (1, 0, False, 1, 1),
        (10, 1, True, 1, 0),
        (11, 1, False, 2, 1),
        (20, 2, True, 2, 0),
        (21, 2, False, 3, 1),
        (42, 4, False, 5, 1),
    ],
)
def test_one_staff_per_ten_residents_rounded_up(residents, staff, compliant, required, shortfall):
    day = _ratio(residents, 0, staff, 0)
    assert (day.compliant, day.required_staff, day.shortfall, day.required_carers) == (compliant, required, shortfall, None)


def test_the_county_ratio_is_read_not_assumed():
    eight = rules.RatioParameters(None, 8, None)
    assert _ratio(9, 0, 1, 0, eight).compliant is False
    assert _ratio(8, 0, 1, 0, eight).compliant is True


def test_carer_ratio_off_ignores_dependents():
    day = _ratio(10, 10, 1, 0)
    assert day.compliant and day.required_carers is None


@pytest.mark.parametrize(
    ("dependents", "carers", "compliant", "required"),
    [(3, 1, True, 1), (4, 1, False, 2), (6, 2, True, 2), (7, 2, False, 3), (0, 0, True, 0)],
)
def test_carer_ratio_on_counts_dependents_per_carer(dependents, carers, compliant, required):
    params = rules.RatioParameters(None, 10, 3)
    day = _ratio(10, dependents, 5, carers, params)
    assert (day.compliant, day.required_carers) == (compliant, required)


def test_shortfall_is_the_larger_gap_since_a_carer_is_staff_too():
    params = rules.RatioParameters(None, 10, 3)
    day = _ratio(30, 9, 1, 1, params)  # needs 3 staff (2 short) and 3 carers (2 short): 2 carers fix both
    assert (day.required_staff, day.required_carers, day.shortfall) == (3, 3, 2)
    day = _ratio(30, 12, 2, 0, params)  # 1 staff short, 4 carers short
    assert day.shortfall == 4


def test_a_parameter_change_applies_from_its_effective_from_only():
    timeline = [DEFAULTS, rules.RatioParameters(date(2026, 11, 15), 5, None)]
    stays = [rules.Stay(date(2026, 1, 1), None) for _ in range(10)]
    posts = [rules.Post(date(2026, 1, 1), None, False)]
    series = rules.ratio_series(date(2026, 11, 1), date(2026, 11, 30), stays, posts, timeline)
    assert [day.required_staff for day in series[:14]] == [1] * 14
    assert [day.required_staff for day in series[14:]] == [2] * 16
    assert series[13].compliant and not series[14].compliant
    assert rules.in_force(timeline, date(2026, 11, 14)) is DEFAULTS
    assert rules.in_force(timeline, date(2026, 11, 15)).residents_per_staff == 5


def test_counting_on_the_edges_of_posts_stays_and_leave():
    day = date(2026, 11, 10)
    assert rules.in_post_on(rules.Post(day, None, False), day)  # hired today counts today
    assert not rules.in_post_on(rules.Post(day - timedelta(days=30), day, False), day)  # left_on: no longer in post
    assert rules.in_post_on(rules.Post(day - timedelta(days=30), day + timedelta(days=1), False), day)
    on_leave = rules.Post(day - timedelta(days=30), None, False, ((day, day),))
    assert not rules.in_post_on(on_leave, day) and rules.in_post_on(on_leave, day + timedelta(days=1))
    assert rules.present_on(rules.Stay(day, None), day)  # admitted today counts
    assert not rules.present_on(rules.Stay(day - timedelta(days=9), day - timedelta(days=1)), day)  # left yesterday
    assert rules.present_on(rules.Stay(day - timedelta(days=9), day), day)  # leaves (or died) today: had the bed


def test_dependent_follows_the_tier_in_force():
    stay = rules.Stay(
        date(2026, 1, 1),
        None,
        (
            (date(2026, 1, 1), "self_care"),
            (date(2026, 6, 1), "partial"),
            (date(2026, 6, 1), "full_loss"),
            (date(2026, 9, 1), "self_care"),
        ),
    )
    assert not rules.dependent_on(stay, date(2026, 5, 31))
    assert rules.dependent_on(stay, date(2026, 6, 1)) and rules.dependent_on(stay, date(2026, 8, 31))
    assert not rules.dependent_on(stay, date(2026, 9, 1))
    series = rules.ratio_series(date(2026, 5, 31), date(2026, 9, 1), [stay], [], [DEFAULTS])
    assert [d.dependent_residents for d in (series[0], series[1], series[-2], series[-1])] == [0, 1, 1, 0]


def test_roster_gaps_night_and_fire_control_room():
    days = [D, D + timedelta(days=1)]
    on_shift = {(D, "day"): [True, True], (D, "night"): [True], (D + timedelta(days=1), "day"): [False]}
    assert [(g.day, g.shift, g.kind) for g in rules.roster_gaps(days, on_shift, False)] == [
        (D + timedelta(days=1), "night", "empty")
    ]
    gaps = rules.roster_gaps(days, on_shift, True)
    assert [(g.day, g.shift, g.kind) for g in gaps] == [
        (D, "night", "operators"),
        (D + timedelta(days=1), "day", "operators"),
        (D + timedelta(days=1), "night", "empty"),
    ]


# --- the set-based series equals the rule day by day ------------------------------------------

START = date(2026, 1, 1)
TIERS = ("self_care", "partial", "full_loss", "unassessed")
days_ = st.integers(min_value=-20, max_value=80)


def _day(offset: int) -> date:
    return START + timedelta(days=offset)


@st.composite
def stays(draw):
    first = draw(days_)
    length = draw(st.none() | st.integers(min_value=0, max_value=60))
    tiers = tuple(
        sorted(((_day(draw(days_)), draw(st.sampled_from(TIERS))) for _ in range(draw(st.integers(0, 3)))), key=lambda t: t[0])
    )
    return rules.Stay(_day(first), None if length is None else _day(first + length), tiers)


@st.composite
def posts(draw):
    hired = draw(days_)
    length = draw(st.none() | st.integers(min_value=0, max_value=60))
    leaves = []
    for _ in range(draw(st.integers(0, 3))):
        first = draw(days_)
        leaves.append((_day(first), _day(first + draw(st.integers(0, 10)))))
    return rules.Post(_day(hired), None if length is None else _day(hired + length), draw(st.booleans()), tuple(leaves))


@st.composite
def timelines(draw):
    changes = sorted(set(draw(st.lists(days_, max_size=3))))
    timeline = [rules.RatioParameters(None, draw(st.integers(1, 12)), draw(st.none() | st.integers(1, 5)))]
    for offset in changes:
        timeline.append(rules.RatioParameters(_day(offset), draw(st.integers(1, 12)), draw(st.none() | st.integers(1, 5))))
    return timeline


@settings(max_examples=300, deadline=None)
@given(st.lists(stays(), max_size=12), st.lists(posts(), max_size=6), timelines(), st.integers(-5, 40), st.integers(0, 45))
def test_the_series_equals_the_rule_day_by_day(stay_list, post_list, timeline, start, length):
    first, last = _day(start), _day(start + length)
    series = rules.ratio_series(first, last, stay_list, post_list, timeline)
    expected = [rules.ratio_on(first + timedelta(days=i), stay_list, post_list, timeline) for i in range(length + 1)]
    assert series == expected


def test_the_first_breach_is_the_first_non_compliant_day():
    series = rules.ratio_series(
        D,
        D + timedelta(days=5),
        [rules.Stay(D, None)] * 11,
        [rules.Post(D, None, False), rules.Post(D, D + timedelta(days=3), False)],
        [DEFAULTS],
    )
    assert rules.first_breach(series).day == D + timedelta(days=3)
    assert rules.first_breach(series[:3]) is None
