"""The reports' judgements (backend/reports/rules.py): periods, the lights at their edges, homes
needing attention first, the ranking with ties, the trend, the glyph note."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from backend.reports import rules
from backend.reports.rules import AMBER, GREEN, NONE, RED, HomeLights


def test_periods():
    month = rules.parse_period("home-monthly", "2026-02")
    assert (month.first, month.last, month.months, month.text) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        (date(2026, 2, 1),),
        "2026年2月",
    )
    quarter = rules.parse_period("county-quarterly", "2026-Q4")
    assert (quarter.first, quarter.last, quarter.text) == (date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度")
    assert quarter.month_keys == ("2026-10", "2026-12")
    for kind, key in [
        ("county-monthly", "2026-13"),
        ("county-monthly", "2026-Q4"),
        ("county-quarterly", "2026-11"),
        ("county-quarterly", "2026-Q5"),
    ]:
        with pytest.raises(ValueError):
            rules.parse_period(kind, key)


def test_ratio_light_edges():
    assert rules.ratio_light(30, 30) == GREEN
    assert rules.ratio_light(27, 30) == AMBER  # exactly 90 %
    assert rules.ratio_light(26, 30) == RED  # 86.7 %
    assert rules.ratio_light(29, 30) == AMBER  # one day short is never green
    assert rules.ratio_light(0, 0) == NONE


def test_on_time_light_edges():
    assert rules.on_time_light(95, 100) == GREEN  # exactly 95 %
    assert rules.on_time_light(94, 100) == AMBER
    assert rules.on_time_light(19, 20) == GREEN
    assert rules.on_time_light(80, 100) == AMBER  # exactly 80 %
    assert rules.on_time_light(79, 100) == RED
    assert rules.on_time_light(3, 4) == RED  # 75 %
    assert rules.on_time_light(0, 0) == NONE


def test_hazard_death_and_findings_lights():
    assert rules.hazard_light(0, 0) == GREEN
    assert rules.hazard_light(1, 0) == AMBER
    assert rules.hazard_light(0, 1) == RED
    assert rules.death_light(0) == GREEN and rules.death_light(1) == RED
    assert rules.findings_light(0, 0, has_run=False) == NONE
    assert rules.findings_light(0, 0, has_run=True) == GREEN
    assert rules.findings_light(2, 0, has_run=True) == AMBER
    assert rules.findings_light(3, 0, has_run=True) == RED
    assert rules.findings_light(1, 1, has_run=True) == RED  # a payment after death
    assert rules.worst([GREEN, AMBER, NONE]) == AMBER and rules.worst([]) == NONE


def test_attention_first_then_worse_rate():
    homes = [
        HomeLights("A", (GREEN,) * 5, on_time=10, expected=10),
        HomeLights("B", (AMBER, GREEN, GREEN, GREEN, GREEN), on_time=9, expected=10),
        HomeLights("C", (RED, AMBER, GREEN, GREEN, GREEN), on_time=9, expected=10),
        HomeLights("D", (RED, GREEN, GREEN, GREEN, GREEN), on_time=5, expected=10),
        HomeLights("E", (RED, GREEN, GREEN, GREEN, GREEN), on_time=6, expected=10),
        HomeLights("F", (GREEN, NONE, GREEN, GREEN, NONE)),
    ]
    assert [home.code for home in rules.attention_order(homes)] == ["C", "D", "E", "B", "A", "F"]
    assert [home.needs_attention for home in homes] == [False, True, True, True, True, False]


def test_ranking_shares_ties_and_leaves_out_homes_without_tasks():
    homes = [
        HomeLights("A", (), on_time=9, expected=10, compliant_days=30, days=30),
        HomeLights("B", (), on_time=18, expected=20, compliant_days=30, days=30),  # 90 %: tie with A
        HomeLights("C", (), on_time=10, expected=10, compliant_days=20, days=30),
        HomeLights("D", (), on_time=9, expected=10, compliant_days=29, days=30),  # same rate, fewer days
        HomeLights("E", (), on_time=0, expected=0),
    ]
    assert rules.ranking(homes) == {"C": 1, "A": 2, "B": 2, "D": 4, "E": None}


def test_trend():
    assert rules.trend([Fraction(8, 10), None, Fraction(9, 10)]) == "better"
    assert rules.trend([3, 2, 5], higher_is_better=False) == "worse"
    assert rules.trend([1, 5, 1]) == "same"
    assert rules.trend([None, 1, None]) is None


def test_missing_glyphs_note():
    covered = {ord(char) for char in "张三敬老院"}.__contains__
    missing = rules.missing_glyphs(["张三", "𠀀敬老院", "A-1 张"], covered)
    assert missing == ["𠀀"]
    assert rules.replace_missing("𠀀敬老院", missing) == "□敬老院"
    assert "U+20000" in rules.glyph_note(missing) and rules.glyph_note([]) == ""
