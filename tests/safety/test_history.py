"""A home's ledger history (issue 12 point 6): newest first, filters (routine, dates, failed,
back-filled), pages, bad filters refused in Chinese (400, not 500), and a new template version
leaves old entries' display and counts unchanged."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta

from backend.core import dates
from backend.safety import services
from backend.safety.tables import SafetyTemplate
from tests.safety.helpers import director_scope, entry_in, home_row, template


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return dates.combine_local(day, time(hour, minute))


async def _ledger(code: str) -> dict[str, int]:
    """Five entries over three days: a patrol with two failed items, a back-filled patrol, a
    disinfection, a patrol and a correction of the first."""
    home = await home_row(code)
    scope = director_scope(home)
    base = dates.today() - timedelta(days=10)
    record = services.record_entry
    failed, _ = await record(
        scope,
        code,
        await entry_in(code, performed_at=at(base, 9), fail={"hydrants": "遮挡", "combustibles": "纸箱"}),
        now=at(base, 9, 5),
    )
    late, _ = await record(
        scope, code, await entry_in(code, performed_at=at(base + timedelta(days=1), 9)), now=at(base + timedelta(days=3), 9)
    )
    disinfection, _ = await record(
        scope,
        code,
        await entry_in(code, "disinfection", performed_at=at(base + timedelta(days=1), 15)),
        now=at(base + timedelta(days=1), 15),
    )
    plain, _ = await record(
        scope, code, await entry_in(code, performed_at=at(base + timedelta(days=2), 9)), now=at(base + timedelta(days=2), 9, 30)
    )
    correction, _ = await record(
        scope,
        code,
        await entry_in(
            code, performed_at=at(base, 9, 1), fail={"hydrants": "遮挡"}, corrects=failed.id, correction_reason="纸箱已清走，误填"
        ),
        now=at(base + timedelta(days=2), 10),
    )
    return {
        "failed": failed.id,
        "late": late.id,
        "disinfection": disinfection.id,
        "plain": plain.id,
        "correction": correction.id,
        "base": base,
    }


def _ids(result) -> list[int]:
    return [row.id for row in result.rows]


async def test_entries_newest_first_and_each_filter(world):
    code = await world.home()
    home = await home_row(code)
    made = await _ledger(code)
    scope = director_scope(home)
    base = made["base"]
    everything = await services.history(scope, code, services.HistoryFilter())
    assert _ids(everything) == [made["plain"], made["disinfection"], made["late"], made["correction"], made["failed"]]
    assert everything.total == 5 and everything.pages == 1
    first = {row.id: row for row in everything.rows}
    assert first[made["failed"]].failed == 2 and first[made["failed"]].corrected_by == made["correction"]
    assert first[made["correction"]].corrects == made["failed"] and first[made["late"]].late
    assert first[made["failed"]].items == 12 and first[made["failed"]].title == "防火巡查"
    assert first[made["plain"]].href == f"/homes/{code}/safety/entries/{made['plain']}"

    only = services.HistoryFilter
    assert _ids(await services.history(scope, code, only(routine="disinfection"))) == [made["disinfection"]]
    assert _ids(await services.history(scope, code, only(failed=True))) == [made["correction"], made["failed"]]
    # the correction was recorded two days after the patrol it corrects: back-filled too
    assert _ids(await services.history(scope, code, only(late=True))) == [made["late"], made["correction"]]
    day_two = base + timedelta(days=1)
    assert _ids(await services.history(scope, code, only(since=day_two, until=day_two))) == [made["disinfection"], made["late"]]
    assert _ids(await services.history(scope, code, only(until=base))) == [made["correction"], made["failed"]]
    assert _ids(await services.history(scope, code, only(routine="fire_patrol", late=True, failed=True))) == [made["correction"]]
    assert _ids(await services.history(scope, code, only(routine="disinfection", failed=True))) == []


async def test_pages_are_bounded(world):
    code = await world.home()
    home = await home_row(code)
    made = await _ledger(code)
    scope = director_scope(home)
    pages = [await services.history(scope, code, services.HistoryFilter(), page=number, per_page=2) for number in (1, 2, 3)]
    assert [_ids(result) for result in pages] == [
        [made["plain"], made["disinfection"]],
        [made["late"], made["correction"]],
        [made["failed"]],
    ]
    assert pages[0].pages == 3
    past_the_end = await services.history(scope, code, services.HistoryFilter(), page=99, per_page=2)
    assert past_the_end.page == 3 and _ids(past_the_end) == [made["failed"]]
    huge = await services.history(scope, code, services.HistoryFilter(), per_page=10_000)
    assert huge.per_page == 100


async def test_the_page_lists_filters_and_links(world, signed_in):
    code = await world.home()
    made = await _ledger(code)
    client, _user = await signed_in("director", home=code)
    response = await client.get(f"/homes/{code}/safety/entries")
    assert response.status_code == 200
    html = response.text
    assert html.count('class="history-row"') == 5 and "共 5 条记录" in html
    assert f'href="/homes/{code}/safety/entries/{made["failed"]}"' in html
    assert "12 项中 2 项不合格" in html and "已更正" in html and "补录" in html
    response = await client.get(f"/homes/{code}/safety/entries", params={"late": "1"})
    assert response.status_code == 200 and response.text.count('class="history-row"') == 2
    response = await client.get(f"/homes/{code}/safety/entries", params={"routine": "disinfection", "failed": "1"})
    assert "没有符合条件的记录" in response.text


async def test_bad_filters_are_refused_in_chinese_by_the_field(world, signed_in):
    code = await world.home()
    await _ledger(code)
    client, _user = await signed_in("director", home=code)
    path = f"/homes/{code}/safety/entries"
    cases = [
        ({"routine": "no_such_routine"}, "routine", "请从列表中选择检查表"),
        ({"from": "2026-13-01"}, "from", "日期"),
        ({"to": "yesterday"}, "to", "日期"),
        ({"from": "2026-11-10", "to": "2026-11-01"}, "to", "早于"),
        ({"failed": "maybe"}, "failed", "是"),
        ({"late": "2"}, "late", "是"),
        ({"page": "0"}, "page", "页码"),
        ({"page": "abc"}, "page", "页码"),
        ({"page": "99999999999999999999"}, "page", "页码"),
        ({"from": "0001-01-01"}, "from", "年份"),
    ]
    for params, name, words in cases:
        response = await client.get(path, params=params)
        assert response.status_code == 400, (params, response.status_code)
        message = re.search(rf'id="e-{name}">([^<]*)<', response.text)
        assert message and words in message[1], (params, message and message[1])
        assert 'class="history-row"' not in response.text


async def test_another_home_is_not_found(world, signed_in):
    county = await world.county()
    code, other = await world.home(county=county), await world.home(county=county)
    client, _user = await signed_in("director", home=code)
    assert (await client.get(f"/homes/{other}/safety/entries")).status_code == 404
    inspector, _user = await signed_in("inspector", county=county)
    assert (await inspector.get(f"/homes/{other}/safety/entries")).status_code == 200


async def test_a_new_template_version_leaves_old_entries_unchanged(world, signed_in):
    code = await world.home()
    home = await home_row(code)
    made = await _ledger(code)
    scope = director_scope(home)
    before = {row.id: row for row in (await services.history(scope, code, services.HistoryFilter())).rows}
    old = await template(code, "fire_patrol")
    items = json.loads(old["items"])[:5]
    for item in items:
        item["label"] = "县版：" + item["label"]
    await SafetyTemplate.insert(
        SafetyTemplate(
            county=home["county_id"],
            routine="fire_patrol",
            version=old["version"] + 1,
            title="防火巡查（县版）",
            frequency="daily",
            items=json.dumps(items, ensure_ascii=False),
            created_at=dates.now_utc(),
            created_by="admin.test",
        )
    )
    assert (await template(code, "fire_patrol"))["title"] == "防火巡查（县版）"
    new, _ = await services.record_entry(scope, code, await entry_in(code, fail={items[0]["key"]: "新版不合格"}))
    after = {row.id: row for row in (await services.history(scope, code, services.HistoryFilter())).rows}
    for entry_id, row in before.items():
        assert after[entry_id] == row  # title, version, failed count, number of items: as before
    assert after[made["failed"]].title == "防火巡查" and after[made["failed"]].version == 1 and after[made["failed"]].items == 12
    assert after[new.id].title == "防火巡查（县版）" and after[new.id].version == 2 and after[new.id].items == 5
    assert after[new.id].failed == 1
    client, _user = await signed_in("director", home=code)
    html = (await client.get(f"/homes/{code}/safety/entries")).text
    assert "12 项中 2 项不合格" in html and "5 项中 1 项不合格" in html and "防火巡查（县版）" in html
    # the old entries' own labels stay those of their version
    old_entry = await services.get_entry(scope, code, made["failed"])
    assert all(not answer.label.startswith("县版") for answer in old_entry.items)
