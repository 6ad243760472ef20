"""The import page explains each kind of file: its columns (Chinese name, English key, rule,
example) and a template to download (XLSX and CSV), all made from the column map the reader uses."""

from __future__ import annotations

import html
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from backend.core.exchange import parse_sheet, read_sheet
from backend.core.i18n import gettext as zh
from backend.import_views import shown_example
from backend.importers import KINDS, kinds_for

ROLES = {"admin": {}, "inspector": {"county": True}, "assessor": {"county": True}, "finance": {"county": True}}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_template_is_the_reader_s_column_map_with_a_valid_example(kind):
    from backend.importers import template_csv, template_xlsx

    columns = KINDS[kind].columns
    assert all(column.rule for column in columns), f"{kind}: a column has no rule"
    for filename, data in ((f"{kind}.xlsx", template_xlsx(kind)), (f"{kind}.csv", template_csv(kind))):
        sheet = read_sheet(filename, data)
        assert sheet.headers == [column.zh for column in columns]
        assert len(sheet.rows) == 1
        # The example row passes every cell check of the reader (the database's rules, such as
        # "this county exists", are the import's, not the template's).
        rows, errors = parse_sheet(sheet, columns, KINDS[kind].refused)
        assert errors == [], errors
        assert {key: value for key, value in rows[0].values.items() if value not in (None, "")}
    assert template_csv(kind).startswith("\ufeff".encode())  # UTF-8 with a BOM, for Excel
    book = load_workbook(BytesIO(template_xlsx(kind)))
    assert [cell.value for cell in book.active[1]] == [column.zh for column in columns]
    assert [cell.value or "" for cell in book.active[2]] == [column.example for column in columns]


async def _client(signed_in, world, role: str):
    county = await world.county()
    options = {"county": county} if role in ("inspector", "assessor", "finance") else {}
    if role == "director":
        options = {"home": await world.home(county=county)}
    client, _user = await signed_in(role, **options)
    return client


@pytest.mark.parametrize("role", list(ROLES))
async def test_the_page_lists_the_columns_of_each_kind_the_role_may_import(signed_in, world, role):
    client = await _client(signed_in, world, role)
    page = await client.get("/import")
    assert page.status_code == 200
    text = html.unescape(page.text)
    offered = re.findall(r'<details class="kind" id="kind-([a-z]+)"', page.text)
    assert offered == kinds_for(role)
    for kind in offered:
        section = text.split(f'id="kind-{kind}"')[1].split("</details>")[0]
        for column in KINDS[kind].columns:
            assert f"<code>{column.key}</code>" in section and column.zh in section
            assert zh(column.rule) in section and (shown_example(column.example) or "—") in section
        assert f'href="/import/template.xlsx?kind={kind}"' in section and f'href="/import/template.csv?kind={kind}"' in section
        xlsx = await client.get(f"/import/template.xlsx?kind={kind}")
        assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert f'filename="tekun-{kind}-template.xlsx"' in xlsx.headers["content-disposition"]
        assert read_sheet("t.xlsx", xlsx.content).headers == [column.zh for column in KINDS[kind].columns]
        csv = await client.get(f"/import/template.csv?kind={kind}")
        assert (
            csv.status_code == 200
            and csv.headers["content-type"].startswith("text/csv")
            and csv.content.startswith(b"\xef\xbb\xbf")
        )
    # A kind the role may not import: 403; a kind that does not exist: 404.
    for kind in set(KINDS) - set(offered):
        assert (await client.get(f"/import/template.xlsx?kind={kind}")).status_code == 403
        assert (await client.get(f"/import/template.csv?kind={kind}")).status_code == 403
    for bad in ("nope", "", "deaths.xlsx", "../deaths"):
        assert (await client.get("/import/template.xlsx", params={"kind": bad})).status_code == 404
        assert (await client.get("/import/template.csv", params={"kind": bad})).status_code == 404


def test_an_example_id_number_is_shown_in_its_parts():
    from backend.residents.exchange import EXAMPLE_ID_NUMBER

    assert shown_example(EXAMPLE_ID_NUMBER) == "620121 19450315 0010" and shown_example("620121") == "620121"


async def test_templates_need_a_signed_in_user(client):
    response = await client.get("/import/template.xlsx?kind=counties")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_the_problem_list_and_the_preview_are_in_chinese(signed_in, world):
    client = await _client(signed_in, world, "inspector")
    bad = "身份证号,死亡时间,报告时间\n123,昨天,2026-11-02 10:30\n".encode()
    refused = await client.post("/import", data={"kind": "deaths", "_csrf_token": _csrf(client)}, files={"file": ("d.csv", bad)})
    assert refused.status_code == 400
    listed = html.unescape(refused.text.split('id="import-errors"')[1].split("</section>")[0])
    assert zh("Nothing has been written. Correct these problems in the file and upload it again.") in listed
    assert zh("Not a valid date or date and time (write 2026-11-02 or 2026-11-02 14:30).") in listed
    assert not re.search(r"\b[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,})+\b", re.sub(r"<[^>]+>", " ", listed)), (
        "English left in the problem list"
    )


def _csrf(client) -> str:
    from tests.conftest import csrf_of

    return csrf_of(client)
