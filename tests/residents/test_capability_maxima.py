"""GB/T 42195-2022 《老年人能力评估规范》: the item maxima of gbt42195.toml checked against a table
written here from the standard (issue 10, point 9), not read from the same file.

The standard has 4 first-level indicators and 26 second-level items, 90 points in all: 自理能力
8 items (32), 基础运动能力 4 items (16), 精神状态 9 items (30), 感知觉与社会参与 5 items (12).
The item keys are the application's (the TOML's); the names and points are the standard's. Within
精神状态 and 感知觉与社会参与 the split of the points between items (意识水平 4; 攻击行为 and 抑郁症状
1 each; 视力, 听力, 使用交通工具外出 and 社会交往能力 2 each, 执行日常事务 4) is written as we read
the standard's scoring tables, to be checked against a printed copy."""

from __future__ import annotations

import pytest

from backend.residents import capability

# indicator → [(key, 中文, maximum points)], in the standard's order.
STANDARD = {
    "self_care": [  # 自理能力
        ("eating", "进食", 4),
        ("grooming", "修饰", 4),
        ("bathing", "洗澡", 4),
        ("upper_dressing", "穿/脱上衣", 4),
        ("lower_dressing", "穿/脱裤子和鞋袜", 4),
        ("urination", "小便控制", 4),
        ("defecation", "大便控制", 4),
        ("toileting", "如厕", 4),
    ],
    "motor": [  # 基础运动能力
        ("bed_mobility", "床上体位转移", 4),
        ("bed_chair_transfer", "床椅转移", 4),
        ("walking", "平地行走", 4),
        ("stairs", "上下楼梯", 4),
    ],
    "mental": [  # 精神状态
        ("time_orientation", "时间定向", 4),
        ("space_orientation", "空间定向", 4),
        ("person_orientation", "人物定向", 4),
        ("memory", "记忆", 4),
        ("comprehension", "理解能力", 4),
        ("expression", "表达能力", 4),
        ("aggression", "攻击行为", 1),
        ("depression", "抑郁症状", 1),
        ("consciousness", "意识水平", 4),
    ],
    "perception": [  # 感知觉与社会参与
        ("vision", "视力", 2),
        ("hearing", "听力", 2),
        ("daily_affairs", "执行日常事务", 4),
        ("transport", "使用交通工具外出", 2),
        ("social", "社会交往能力", 2),
    ],
}
INDICATOR_NAMES = {"self_care": "自理能力", "motor": "基础运动能力", "mental": "精神状态", "perception": "感知觉与社会参与"}
INDICATOR_POINTS = {"self_care": 32, "motor": 16, "mental": 30, "perception": 12}
ITEMS = [(indicator, key, name, points) for indicator, rows in STANDARD.items() for key, name, points in rows]


def test_the_table_written_here_is_the_standard_s_shape():
    """The literal table itself: 4 indicators, 26 items, 90 points, the indicators' points."""
    assert len(STANDARD) == 4 and len(ITEMS) == 26
    assert {indicator: sum(points for *_rest, points in rows) for indicator, rows in STANDARD.items()} == INDICATOR_POINTS
    assert sum(INDICATOR_POINTS.values()) == 90


def test_the_data_file_has_the_standard_s_items_and_maxima():
    spec = capability.spec()
    assert spec.total == 90
    assert spec.indicators == INDICATOR_NAMES
    assert [(item.indicator, item.key, item.name, item.maximum) for item in spec.items] == ITEMS


@pytest.mark.parametrize(("indicator", "key", "name", "points"), ITEMS, ids=[key for _i, key, _n, _p in ITEMS])
def test_each_item_accepts_its_maximum_and_refuses_one_more(indicator, key, name, points):
    full = {k: p for _i, k, _n, p in ITEMS}
    assert capability.capability_level(full, False, False, 0).total == 90
    with pytest.raises(ValueError):
        capability.capability_level({**full, key: points + 1}, False, False, 0)
    assert capability.capability_level({**full, key: 0}, False, False, 0).total == 90 - points
