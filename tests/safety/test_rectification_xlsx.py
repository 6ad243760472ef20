"""The rectification ledger (整治台账) as XLSX (issue 12 point 5): one row per hazard with the
ledger's columns, overdue rows highlighted, a note beginning with ``=`` kept as text (never a
formula); the county's ledger names the home; out of scope: 404."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl

from backend.core import dates, xlsx
from backend.registry import services as registry
from backend.safety import services
from backend.safety.hazard_schemas import FixIn, ManualHazardIn
from backend.safety.services._hazard_ledger import COLUMNS
from tests.safety.helpers import director_scope, home_row
from tests.test_exports_safe import assert_safe_xlsx


def _fill(cell) -> str | None:
    fill = cell.fill
    return fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None


async def _ledger(world):
    code = await world.home()
    home = await home_row(code)
    director = director_scope(home)
    past = dates.now_utc() - timedelta(days=10)
    late = await services.open_hazard(director, code, ManualHazardIn(title="楼道堆物", note="=1+1", major=True), now=past)
    fresh = await services.open_hazard(director, code, ManualHazardIn(title="@SUM(1)", note="-1"))
    done = await services.open_hazard(director, code, ManualHazardIn(title="指示灯不亮"))
    await services.record_fix(director, done.hazard.id, FixIn(note='=HYPERLINK("http://x")'))
    return code, home, late, fresh, done


async def test_the_home_ledger_has_one_row_per_hazard_overdue_highlighted_and_no_formula(signed_in, world):
    code, home, late, fresh, done = await _ledger(world)
    client, _director = await signed_in("director", home=code)
    answer = await client.get(f"/homes/{code}/hazards.xlsx")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(xlsx.MEDIA_TYPE)
    assert "attachment" in answer.headers["content-disposition"]
    sheet = assert_safe_xlsx(answer.content)  # well-formed, no <f> element
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == 4
    by_content = {row[3]: row for row in rows[1:]}
    overdue = by_content["楼道堆物：=1+1"]
    assert overdue[0] == 1 and overdue[4] == "重大隐患" and overdue[11] == "待整改" and overdue[12] == "是"
    assert overdue[1] == (dates.today() - timedelta(days=10)).isoformat() and overdue[2] == "人工登记"
    assert by_content["@SUM(1)：-1"][12] == "否" and by_content["@SUM(1)：-1"][4] == "一般隐患"
    closed = by_content["指示灯不亮"]
    assert closed[11] == "已销号" and closed[7] == '已整改：=HYPERLINK("http://x")' and closed[8]
    # text cells stay text: the note starting with = is a string, not a formula
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate
    # the overdue row (the first: the board's order) is highlighted across, the others are not
    first, others = list(sheet.iter_rows(min_row=2, max_row=2))[0], list(sheet.iter_rows(min_row=3))
    assert first[3].value == "楼道堆物：=1+1"
    assert {_fill(cell) for cell in first} == {xlsx.HIGHLIGHT_RGB}
    assert all(_fill(cell) is None for row in others for cell in row)


async def test_the_county_ledger_names_the_home_and_is_refused_out_of_scope(signed_in, world):
    code, home, late, fresh, done = await _ledger(world)
    county = (await registry.counties_by_id([home["county_id"]]))[home["county_id"]]["code"]
    client, _inspector = await signed_in("inspector", county=county)
    answer = await client.get(f"/counties/{county}/hazards.xlsx")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "机构", "发现日期") and len(rows) == 4
    assert all(code in row[1] for row in rows[1:])
    stranger, _ = await signed_in("inspector", county=await world.county())
    assert (await stranger.get(f"/counties/{county}/hazards.xlsx")).status_code == 404
    assert (await stranger.get(f"/homes/{code}/hazards.xlsx")).status_code == 404
    director, _ = await signed_in("director", home=code)
    assert (await director.get(f"/counties/{county}/hazards.xlsx")).status_code == 403


def test_highlighting_leaves_the_other_rows_alone():
    body = xlsx.to_xlsx(["a", "b"], [["=1", 1], ["x", None], ["y", 2]], highlight={1})
    sheet = assert_safe_xlsx(body)
    assert [_fill(cell) for cell in sheet[2]] == [None, None]
    assert [_fill(cell) for cell in sheet[3]] == [xlsx.HIGHLIGHT_RGB, xlsx.HIGHLIGHT_RGB]
    assert sheet["A2"].value == "=1" and sheet["A2"].data_type == "s"
