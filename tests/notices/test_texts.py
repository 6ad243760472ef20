"""The words of a late death report: hours up to two days, then whole days (not "2573.8 小时")."""

from __future__ import annotations

from backend.core.i18n import reset_language, set_language
from backend.notices import rules, texts


def _late(hours) -> str:
    token = set_language("zh_CN")
    try:
        return texts.text(rules.LATE_DEATH, {"home_name": "城关敬老院", "hours": hours, "deadline_hours": 24})
    finally:
        reset_language(token)


def test_a_late_death_is_told_in_hours_up_to_two_days_then_in_days():
    assert "30 小时后才报告" in _late(30)
    assert "48 小时后才报告" in _late(48)
    assert "107 天后才报告" in _late(2573.8)
    assert "小时后才报告" not in _late(2573.8)
    assert "2 天后才报告" in _late(48.5)
