"""Text is clean (issue 8, point 2, forms and API): control characters are refused before any
handler runs (``backend.core.textguard``), with the field named, and nothing is written.

Tab and line breaks pass only in the fields a route declares multi-line (the textareas and the
API's notes). Rows are counted before and after every refusal.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.core import dates, textguard
from backend.core.tables import AuditEntry
from backend.deaths.tables import DeathRecord
from backend.registry.tables import County, Home
from backend.residents.schemas import ResidentIn
from backend.residents.tables import ReassessmentTask
from tests.conftest import csrf_of, post_form, unique_county_code
from tests.residents.helpers import new_id, register_person

REFUSED_ALWAYS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
ONE_LINE_ONLY = ["\t", "\n", "\r"]


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize("char", REFUSED_ALWAYS + ["\ud800"])
def test_control_characters_are_refused_in_every_field(char):
    for multiline in (False, True):
        reason = textguard.problem(f"ab{char}c", multiline)
        assert reason is not None and "3" in reason
    assert f"U+{ord(char):04X}" in textguard.problem(char)


def test_tab_and_line_breaks_only_in_multi_line_fields():
    for char in ONE_LINE_ONLY:
        assert textguard.problem(f"第一行{char}第二行") is not None
        assert textguard.problem(f"第一行{char}第二行", multiline=True) is None
    for text in ("", "张三", "=1+1", "@SUM(1)", '=HYPERLINK("http://x")', "-1", "a\u00a0b", "𠀀生僻字", "\u2028"):
        assert textguard.problem(text) is None


@given(st.text(max_size=40))
def test_a_text_is_refused_exactly_when_it_holds_a_refused_character(text):
    bad = set(REFUSED_ALWAYS) | {chr(c) for c in range(0xD800, 0xE000)}
    assert (textguard.problem(text, multiline=True) is None) == (not bad & set(text))
    assert (textguard.problem(text) is None) == (not (bad | set(ONE_LINE_ONLY)) & set(text))
    assert textguard.problem(textguard.marked(text)) is None


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("q=一".encode(), False),  # raw UTF-8 (E4 B8 80): its bytes are not C1 characters
        (b"q=%E4%B8%80", False),
        (b"q=\xff", False),
        (b"q=%C2%85", True),
        ("q=\u0085".encode(), True),
        (b"q=a+b%09", True),
    ],
)
async def test_query_strings_are_read_as_utf_8(query, refused):
    from litestar import Request

    request = Request(
        {"type": "http", "method": "GET", "path": "/x", "query_string": query, "headers": [], "path_params": {}, "state": {}}
    )
    errors, _values = await textguard.refusals(request)
    assert bool(errors) is refused and set(errors) <= {"q"}


# --- a death report: the phone form, the API --------------------------------------------------


async def a_person(world, system):
    county = await world.county()
    home = await world.home(county=county)
    person = await register_person(
        system,
        ResidentIn(
            id_number=new_id("G"),
            name="钱八",
            county_code=county,
            approved_on=date(2024, 1, 10),
            home_code=home,
            admitted_on=date(2024, 2, 1),
        ),
    )
    return county, home, person


def died_at() -> str:
    return dates.local(dates.now_utc() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def died_at_api() -> str:
    return dates.local(dates.now_utc() - timedelta(hours=2)).isoformat()


def csrf_in(page: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert found, "the page's forms carry no CSRF token"
    return found.group(1)


async def counts(resident_id: int) -> tuple[int, int]:
    return await DeathRecord.count().where(DeathRecord.resident == resident_id), await AuditEntry.count()


async def test_the_death_form_refuses_a_control_character_next_to_the_field(world, system, signed_in):
    _county, home, person = await a_person(world, system)
    client, _user = await signed_in("director", home=home)
    before = await counts(person.id)
    refused = await post_form(
        client,
        f"/residents/{person.id}/death",
        {"died_at": died_at(), "place": "a\x0bb", "reporter": "李\t院长", "funeral_arrangements": "火化\x00"},
    )
    assert refused.status_code == 400
    page = refused.text
    # The form again, in Chinese, each refused field marked with its own message.
    assert 'id="f-place"' in page and 'aria-describedby="e-place"' in page and 'aria-describedby="e-reporter"' in page
    assert "含有控制字符（U+000B，第 2 个字符），请删除。" in page
    assert "此字段不允许制表符或换行（第 2 个字符）。" in page
    assert "含有控制字符（U+0000，第 3 个字符），请删除。" in page  # even in the textarea
    assert 'value="a\ufffdb"' in page  # the user sees where the character was
    assert await counts(person.id) == before
    # A tab and line breaks in the textarea are kept; the record is written (sent from the page
    # shown again, with its own CSRF token).
    sent = await client.post(
        f"/residents/{person.id}/death",
        data={
            "died_at": died_at(),
            "place": "本院",
            "funeral_arrangements": "县殡仪馆\r\n\t火化",
            "confirmed": "yes",
            "_csrf_token": csrf_in(page),
        },
    )
    assert sent.status_code == 303, sent.text
    record = (
        await DeathRecord.select(DeathRecord.place, DeathRecord.funeral_arrangements)
        .where(DeathRecord.resident == person.id)
        .first()
    )
    assert record == {"place": "本院", "funeral_arrangements": "县殡仪馆\r\n\t火化"}
    # The correction form is guarded the same way.
    before = await counts(person.id)
    refused = await post_form(client, f"/residents/{person.id}/death/correct", {"died_at": died_at(), "reason": "录错\x1b"})
    assert refused.status_code == 400 and 'aria-describedby="e-reason"' in refused.text and "U+001B" in refused.text
    assert await counts(person.id) == before


async def test_the_api_refuses_a_control_character_with_the_field_named(world, system, signed_in, bearer):
    county, _home, person = await a_person(world, system)
    client, user = await signed_in("inspector", county=county)
    headers = await bearer(user)
    before = await counts(person.id)
    response = await client.post(
        f"/api/v1/residents/{person.id}/death",
        headers=headers,
        json={"died_at": died_at_api(), "place": "a\x0bb", "cause": "心衰\u0085"},
    )
    assert response.status_code == 400
    body = response.json()
    assert (
        set(body["errors"]) == {"place", "cause"} and "U+000B" in body["errors"]["place"] and "U+0085" in body["errors"]["cause"]
    )
    assert body["status_code"] == 400 and body["detail"]
    # Not JSON by its Content-Type, JSON all the same (that is how the handler reads it).
    response = await client.post(
        f"/api/v1/residents/{person.id}/death",
        headers={**headers, "Content-Type": "text/plain"},
        content=b'{"died_at": "%s", "reporter": "x\\u0007"}' % died_at_api().encode(),
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["reporter"]
    # A key is a field name too.
    response = await client.post(
        f"/api/v1/residents/{person.id}/death", headers=headers, json={"died_at": died_at_api(), "pl\x00ace": "x"}
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["pl\\x00ace"]
    # A line break only where the route allows one.
    response = await client.post(
        f"/api/v1/residents/{person.id}/death", headers=headers, json={"died_at": died_at_api(), "place": "本\n院"}
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["place"]
    assert await counts(person.id) == before
    response = await client.post(
        f"/api/v1/residents/{person.id}/death",
        headers=headers,
        json={"died_at": died_at_api(), "place": "=1+1", "funeral_arrangements": "第一行\n\t第二行"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["place"] == "=1+1" and response.json()["funeral_arrangements"] == "第一行\n\t第二行"


async def test_a_multi_line_note_in_the_api_and_on_the_form(world, system, signed_in, bearer):
    county, home, person = await a_person(world, system)
    client, user = await signed_in("inspector", county=county)
    headers = await bearer(user)
    path = f"/api/v1/residents/{person.id}/condition-changes"
    today = dates.today().isoformat()
    before = await ReassessmentTask.count().where(ReassessmentTask.resident == person.id)
    bad = await client.post(path, headers=headers, json={"reported_on": today, "reported_by": "护理员\n", "note": "x\x7f"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"reported_by", "note"}
    assert await ReassessmentTask.count().where(ReassessmentTask.resident == person.id) == before
    good = await client.post(path, headers=headers, json={"reported_on": today, "note": "夜间跌倒\n\t右腿疼痛"})
    assert good.status_code == 201, good.text
    director, _director = await signed_in("director", home=home)
    form = await post_form(
        director, f"/residents/{person.id}/condition-change", {"reported_on": today, "note": "食欲下降\r\n卧床"}
    )
    assert form.status_code == 303, form.text
    refused = await post_form(
        director, f"/residents/{person.id}/condition-change", {"reported_on": today, "reported_by": "\x1f", "note": "x"}
    )
    assert refused.status_code == 400 and 'aria-describedby="e-reported_by"' in refused.text
    assert await ReassessmentTask.count().where(ReassessmentTask.resident == person.id) == before + 2


# --- query strings, paths, forms without their own error display -------------------------------


async def test_a_control_character_in_a_query_or_a_path_is_refused(world, signed_in, bearer):
    county = await world.county()
    client, user = await signed_in("inspector", county=county)
    headers = await bearer(user)
    response = await client.get(f"/api/v1/counties/{county}/deaths?month=2025-04%0B", headers=headers)
    assert response.status_code == 400 and list(response.json()["errors"]) == ["month"]
    response = await client.get(f"/api/v1/counties/{county}/deaths?mo%00nth=1", headers=headers)
    assert response.status_code == 400 and list(response.json()["errors"]) == ["mo\\x00nth"]
    response = await client.get("/api/v1/counties/62%0B01/deaths", headers=headers)
    assert response.status_code == 400 and list(response.json()["errors"]) == ["code"]
    page = await client.get(f"/counties/{county}/deaths?month=%01")
    assert page.status_code == 400 and "以下字段含有不允许的字符：month：含有控制字符（U+0001" in page.text
    csrf_in(page.text)  # sign-out still works from the error page
    assert (await client.get(f"/counties/{county}/deaths?month=2025-04")).status_code == 200


async def test_a_form_without_its_own_error_display_gets_a_page_naming_the_field(client):
    await client.get("/login")
    before = await AuditEntry.count()
    response = await post_form(client, "/login", {"username": "admin\x08", "password": "x", "next": "/"})
    assert response.status_code == 400 and "username" in response.text and "U+0008" in response.text
    assert "以下字段含有不允许的字符" in response.text
    assert await AuditEntry.count() == before


async def test_registry_forms_are_shown_again_and_write_nothing(signed_in):
    client, _user = await signed_in("admin")
    code = unique_county_code()
    response = await post_form(client, "/counties/new", {"code": code, "name": "示例\x0c县", "province": "甘肃省"})
    assert response.status_code == 400 and 'aria-describedby="e-name"' in response.text and "U+000C" in response.text
    assert await County.count().where(County.code == code) == 0
    response = await post_form(
        client, "/homes/new", {"code": "TG-1", "name": "敬老院", "county_code": code, "beds": "3", "address": "路\n1号"}
    )
    assert response.status_code == 400 and "此字段不允许制表符或换行" in response.text
    assert await Home.count().where(Home.code == "TG-1") == 0


async def test_a_multipart_text_part_is_refused_but_not_the_file(signed_in):
    client, _user = await signed_in("admin")
    code = unique_county_code()
    data = f"区划代码,名称,省份\n{code},上传县,甘肃省\n".encode()
    refused = await post_form(client, "/import", {"kind": "counties\x0b"}, files={"file": ("c.csv", data)})
    assert refused.status_code == 400 and "kind" in refused.text and "U+000B" in refused.text
    # A file name is text (httpx would escape the character, so the body is written by hand).
    body = (
        b'--b\r\nContent-Disposition: form-data; name="kind"\r\n\r\ncounties\r\n'
        b'--b\r\nContent-Disposition: form-data; name="_csrf_token"\r\n\r\n' + csrf_of(client).encode() + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="c\x01.csv"\r\n\r\n' + data + b"\r\n--b--\r\n"
    )
    refused = await client.post("/import", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert refused.status_code == 400 and "file" in refused.text and "U+0001" in refused.text
    preview = await post_form(client, "/import", {"kind": "counties"}, files={"file": ("c.csv", data)})
    assert preview.status_code == 200 and 'id="import-result"' in preview.text and code in preview.text
    # The file's content is the exchange reader's to judge (row and column named), never this guard's.
    odd = await post_form(
        client, "/import", {"kind": "counties"}, files={"file": ("c.csv", data.replace("上传".encode(), b"\x0b"))}
    )
    assert odd.status_code in (200, 400) and "以下字段含有不允许的字符" not in odd.text


async def test_the_route_guard_answers_first(world, system, signed_in, bearer, client):
    county, home, person = await a_person(world, system)
    bad = {"died_at": died_at_api(), "place": "a\x0bb"}
    # Not signed in: 401 (API) and the sign-in page (pages), as without the guard.
    assert (await client.post(f"/api/v1/residents/{person.id}/death", json=bad)).status_code == 401
    finance, user = await signed_in("finance", county=county)
    headers = await bearer(user)
    # A role that may not report a death: 403, whatever the text.
    assert (await finance.post(f"/api/v1/residents/{person.id}/death", headers=headers, json=bad)).status_code == 403
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 0


# Every form that shows its own errors beside its fields shows a refused field the same way.
RESHOWN = [
    ("inspector", "/residents/new", "name"),
    ("director", "/residents/{resident}/placement", "note"),
    ("inspector", "/residents/{resident}/end", "reason"),
    ("director", "/residents/{resident}/condition-change", "reported_by"),
    ("director", "/residents/{resident}/assessment", "assessor"),
    ("director", "/residents/{resident}/death", "cause"),
    ("inspector", "/residents/{resident}/death/correct", "reason"),
    ("admin", "/counties/new", "province"),
    ("admin", "/counties/{county}/edit", "name"),
    ("admin", "/homes/new", "name"),
    ("admin", "/homes/{home}/edit", "address"),
]


@pytest.mark.parametrize(("role", "path", "field"), RESHOWN)
async def test_each_form_shows_the_refused_field_again(world, system, signed_in, role, path, field):
    county, home, person = await a_person(world, system)
    client, _user = await signed_in(
        role, home=home if role == "director" else None, county=None if role in ("admin", "director") else county
    )
    target = path.format(resident=person.id, county=county, home=home)
    before = await AuditEntry.count()
    response = await post_form(client, target, {field: "前\x0e后", "name" if field != "name" else "note": "x"})
    assert response.status_code == 400, response.text
    assert f'aria-describedby="e-{field}"' in response.text and "含有控制字符（U+000E，第 2 个字符），请删除。" in response.text
    assert "前\ufffd后" in response.text and "以下字段含有不允许的字符" not in response.text
    assert await AuditEntry.count() == before
    # A field the form does not show: the guard's own page names it.
    response = await post_form(client, target, {"stray\x00": "x"})
    assert response.status_code == 400 and "以下字段含有不允许的字符：stray\\x00：" in response.text
    assert await AuditEntry.count() == before


async def test_stipend_forms_show_the_refused_field_again(world, system, signed_in):
    from backend.stipends import services as stipends
    from tests.stipends.helpers import import_standard

    county, home, _person = await a_person(world, system)
    await import_standard(county)
    month = dates.add_months(dates.month_of(dates.today()), -1)
    report = await stipends.reconcile(system, county, month)  # the person was not paid: one finding
    finance, _user = await signed_in("finance", county=county)
    director, _director = await signed_in("director", home=home)
    cases = [
        (
            finance,
            f"/stipends/runs/{report.run_id}/review",
            {"position": "0", "status": "explained", "note": "已核\x0e实"},
            "note",
        ),
        (finance, "/stipends/reconcile", {"county_code": county, "month": "2025\x0e-01", "source": "payments"}, "month"),
        (
            finance,
            f"/counties/{county}/standards/new",
            {"effective_from": "2030-01", "basic_concentrated": "6\x0e00"},
            "basic_concentrated",
        ),
        (director, f"/homes/{home}/claims", {"month": "2025-\x0e01"}, "month"),
    ]
    for client, path, data, field in cases:
        before = await AuditEntry.count()
        response = await post_form(client, path, data)
        assert response.status_code == 400, (path, response.text)
        assert "U+000E" in response.text and "以下字段含有不允许的字符" not in response.text, path
        assert 'class="field invalid"' in response.text or f'aria-describedby="e-{field}"' in response.text, path
        assert await AuditEntry.count() == before, path
