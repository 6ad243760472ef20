"""GB/T 42195 levels from the data file: totals, cut-offs, adjustments."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.residents.capability import capability_level, spec


def scores_with_total(total: int) -> dict[str, int]:
    remaining = total
    scores = {}
    for item in spec().items:
        scores[item.key] = min(item.maximum, remaining)
        remaining -= scores[item.key]
    assert remaining == 0
    return scores


def test_the_data_file_has_26_items_in_4_indicators_totalling_90():
    data = spec()
    assert len(data.items) == 26 and len(data.indicators) == 4 and data.total == 90


@pytest.mark.parametrize(
    ("total", "level"),
    [(90, 0), (89, 1), (66, 1), (65, 2), (46, 2), (45, 3), (30, 3), (29, 4), (0, 4)],
)
def test_level_cut_offs(total, level):
    assert capability_level(scores_with_total(total), False, False, 0).base_level == level


def test_adjustments():
    full = scores_with_total(90)
    assert capability_level(full, coma=True, dementia=False, risk_events=0).level == 4
    assert capability_level(full, False, True, 0).level == 1
    assert capability_level(full, False, False, 1).level == 0
    assert capability_level(full, False, False, 2).level == 1
    assert capability_level(scores_with_total(10), False, True, 5).level == 4


def test_bad_scores_are_refused():
    full = scores_with_total(90)
    with pytest.raises(ValueError):
        capability_level({**full, "vision": 3}, False, False, 0)
    with pytest.raises(ValueError):
        capability_level({key: value for key, value in full.items() if key != "memory"}, False, False, 0)
    with pytest.raises(ValueError):
        capability_level({**full, "magic": 1}, False, False, 0)


@given(st.integers(min_value=0, max_value=90), st.booleans(), st.integers(min_value=0, max_value=5))
def test_adjusted_level_is_never_better_than_the_base(total, dementia, events):
    result = capability_level(scores_with_total(total), False, dementia, events)
    assert result.total == total
    assert result.base_level <= result.level <= 4
