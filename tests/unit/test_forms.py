"""The form toolkit: each parser's refusals (in Chinese, the default language) and the typed result."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import pytest

from backend.core import dates, forms
from backend.core.errors import Invalid
from backend.core.i18n import N_, reset_language, set_language


@pytest.fixture(autouse=True)
def chinese():
    marker = set_language("zh_CN")
    yield
    reset_language(marker)


class Sample(forms.Form):
    name: Annotated[str, forms.Text(max_length=5)]
    born: Annotated[date, forms.Date()]
    month: Annotated[date, forms.Month()]
    amount: Annotated[int, forms.Money()]
    count: Annotated[int, forms.Integer(minimum=1, maximum=10)]
    kind: Annotated[str, forms.Choice(("admit", "transfer"), N_("Choose admission, transfer or discharge."))]
    urgent: Annotated[bool, forms.YesNo()]
    note: Annotated[str, forms.Text(required=False, max_length=10, multiline=True)] = ""


GOOD = {
    "name": " 张三 ",
    "born": "1950年3月1日",
    "month": "2026-11",
    "amount": "1,234.50",
    "count": "3",
    "kind": "admit",
    "urgent": "on",
    "note": "第一行\n第二行",
}


def parsed_with(**changes):
    return forms.parse(Sample, {**GOOD, **changes})


def test_a_good_form_parses_into_typed_values():
    parsed = forms.parse(Sample, GOOD)
    assert parsed.ok and parsed.errors == {}
    data = parsed.data
    assert data == Sample(
        name="张三",
        born=date(1950, 3, 1),
        month=date(2026, 11, 1),
        amount=123450,
        count=3,
        kind="admit",
        urgent=True,
        note="第一行\n第二行",
    )
    assert parsed.values["name"] == "张三"  # stripped, as shown again


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("name", "", "必填"),
        ("name", "张三李四王五", "最多 5 个字（现有 6 个）"),
        ("name", "张\n三", "请写在一行内"),
        ("born", "1950-02-30", "没有这一天"),
        ("born", "yesterday", "日期格式不正确"),
        ("born", "1899-12-31", "1900 至 2200"),
        ("month", "2026-13", "月份格式不正确"),
        ("month", "2301-01", "1900 至 2200"),
        ("amount", "12.345", "最多两位小数"),
        ("amount", "-5", "不得少于¥0.00"),
        ("amount", "abc", "最多两位小数"),
        ("count", "0", "不得小于 1"),
        ("count", "11", "不得大于 10"),
        ("count", "2.5", "请填写整数"),
        ("kind", "discharge", "请选择入住、转院或出院"),
        ("urgent", "maybe", "请选择“是”或“否”"),
        ("note", "一二三四五六七八九十十", "最多 10 个字"),
    ],
)
def test_each_parser_refuses_in_chinese_next_to_its_field(field, raw, message):
    parsed = parsed_with(**{field: raw})
    assert not parsed.ok and parsed.data is None
    assert set(parsed.errors) == {field}
    assert message in parsed.errors[field], parsed.errors[field]
    assert parsed.values[field] == raw.strip()  # what was typed comes back to be corrected


def test_edges_are_accepted():
    parsed = parsed_with(count="1", amount="0", born="1900-01-01", month="2200-12", name="一二三四五")
    assert parsed.ok, parsed.errors
    parsed = parsed_with(count="10", amount="¥100000000.00")
    assert parsed.ok, parsed.errors
    assert parsed_with(amount="100000000.01").errors["amount"].startswith("不得超过")


def test_optional_fields_take_their_empty_value_and_a_missing_box_is_no():
    data = dict(GOOD)
    del data["urgent"]
    data["note"] = "   "
    parsed = forms.parse(Sample, data)
    assert parsed.ok
    assert parsed.data.urgent is False and parsed.data.note == ""


def test_future_dates_can_be_refused():
    class Death(forms.Form):
        died_on: Annotated[date, forms.Date(not_in_future=True)]

    assert forms.parse(Death, {"died_on": "2199-01-01"}).errors["died_on"] == "日期不能晚于今天。"
    assert forms.parse(Death, {"died_on": "2020-01-01"}).ok


def test_errors_added_later_and_from_services_invalidate_the_form():
    parsed = forms.parse(Sample, GOOD)
    parsed.error("born", "早于认定日期。")
    assert not parsed.ok and parsed.errors == {"born": "早于认定日期。"}
    parsed = forms.parse(Sample, GOOD)
    parsed.merge(Invalid({"kind": "该院已满。"}))
    assert not parsed.ok and parsed.errors == {"kind": "该院已满。"}


def test_every_field_needs_one_parser():
    class Broken(forms.Form):
        name: str

    with pytest.raises(TypeError, match="Broken.name"):
        forms.parse(Broken, {"name": "x"})


def test_uploads_are_not_text_and_confirmation_is_explicit():
    parsed = forms.parse(Sample, {**GOOD, "name": object()})
    assert "必填" in parsed.errors["name"]
    assert forms.confirmed({"confirmed": "yes"})
    assert not forms.confirmed({"confirmed": "1"}) and not forms.confirmed({})


def test_date_and_time_in_the_configured_zone():
    class Moment(forms.Form):
        at: Annotated[datetime, forms.DateTime()]

    parsed = forms.parse(Moment, {"at": "2026-11-02T14:30"})
    assert parsed.ok and parsed.data.at.tzinfo is not None
    assert dates.local(parsed.data.at).strftime("%Y-%m-%d %H:%M") == "2026-11-02 14:30"
    assert "日期时间格式不正确" in forms.parse(Moment, {"at": "2026-11-02"}).errors["at"]
    assert "日期时间格式不正确" in forms.parse(Moment, {"at": "1800-01-01 10:00"}).errors["at"]
