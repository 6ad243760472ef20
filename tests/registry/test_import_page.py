"""The upload page: errors or a preview first; nothing is written until confirmed."""

import html
import re
from io import BytesIO

from openpyxl import Workbook

from backend.core.i18n import gettext as zh
from backend.registry import services
from tests.conftest import post_form, unique_county_code


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems(page: str) -> set[tuple[str, str]]:
    """(row, column) of each problem the upload page lists."""
    table = page.split('id="import-errors"')[1].split("</table>")[0]
    return set(
        re.findall(
            r'<td data-label="[^"]*" class="[^"]*">(\d+|—)</td>\s*<td data-label="[^"]*" class="[^"]*">([^<]*)</td>', table
        )
    )


async def test_preview_then_confirm_writes_the_file(signed_in, system):
    client, _admin = await signed_in("admin")
    code = unique_county_code()
    data = xlsx([["区划代码", "名称", "省份"], [code, "预览县", "甘肃省"]])
    preview = await post_form(client, "/import", {"kind": "counties"}, files={"file": ("c.xlsx", data)})
    assert preview.status_code == 200, preview.text
    assert 'id="import-result"' in preview.text and code in preview.text
    # The confirmation says, in Chinese, what writing the file will do.
    confirm = preview.text.split('id="import-confirm"')[1].split("</form>")[0]
    assert zh("{count} new records will be added.").format(count=1) in confirm
    assert zh(
        "Every row is written in one go, or none. The write cannot be undone here: a wrong value is put right by importing a corrected file or on the record's own page."
    ) in html.unescape(confirm)
    assert [c for c in await services.list_counties(system) if c.code == code] == []
    upload_id = preview.text.split('name="upload_id" value="')[1].split('"')[0]
    done = await post_form(client, "/import/confirm", {"upload_id": upload_id})
    assert done.status_code == 200 and 'id="import-confirm"' not in done.text
    assert zh("%(c)s created, %(u)s updated, %(n)s unchanged.") % {"c": 1, "u": 0, "n": 0} in done.text
    assert (await services.get_county(system, code)).name == "预览县"
    # The same file again: the confirmation says it changes nothing; a changed name is listed by its column's Chinese name.
    same = await post_form(client, "/import", {"kind": "counties"}, files={"file": ("c.xlsx", data)})
    assert zh("Nothing in this file differs from what is recorded: writing it changes nothing.") in same.text
    renamed = await post_form(
        client,
        "/import",
        {"kind": "counties"},
        files={"file": ("c.xlsx", xlsx([["区划代码", "名称", "省份"], [code, "改名县", "甘肃省"]]))},
    )
    assert zh("{count} records already recorded will be changed, as listed below.").format(count=1) in renamed.text
    assert "名称：预览县 → 改名县" in renamed.text
    again = await post_form(client, "/import/confirm", {"upload_id": upload_id})
    assert again.status_code == 400


async def test_errors_are_listed_by_row_and_column_and_nothing_is_written(signed_in, system):
    client, _admin = await signed_in("admin")
    good = unique_county_code()
    text = f"区划代码,名称,省份\n{good},好县,甘肃省\n12345,,甘肃省\n"
    response = await post_form(client, "/import", {"kind": "counties"}, files={"file": ("c.csv", text.encode("gb18030"))})
    assert response.status_code == 400
    assert 'id="import-errors"' in response.text
    assert {("3", "区划代码"), ("3", "名称")} <= problems(response.text)
    assert [c for c in await services.list_counties(system) if c.code == good] == []


async def test_someone_elses_upload_cannot_be_confirmed(signed_in):
    first, _ = await signed_in("admin")
    second, _ = await signed_in("admin")
    data = f"区划代码,名称,省份\n{unique_county_code()},他人县,甘肃省\n".encode()
    preview = await post_form(first, "/import", {"kind": "counties"}, files={"file": ("c.csv", data)})
    upload_id = preview.text.split('name="upload_id" value="')[1].split('"')[0]
    assert (await post_form(second, "/import/confirm", {"upload_id": upload_id})).status_code == 400
    assert (await post_form(second, "/import/confirm", {"upload_id": "../../etc/passwd"})).status_code == 400


async def test_the_import_page_offers_each_role_only_its_kinds(signed_in, world):
    county = await world.county()
    inspector, _ = await signed_in("inspector", county=county)
    page = await inspector.get("/import")
    assert page.status_code == 200
    offered = set(re.findall(r'<option value="([a-z]+)"', page.text))
    assert {"residents", "assessments", "deaths", "claims"} <= offered
    assert not offered & {"counties", "homes", "calendar", "payments", "standards"}
    data = f"区划代码,名称,省份\n{unique_county_code()},他人县,甘肃省\n".encode()
    refused = await post_form(inspector, "/import", {"kind": "counties"}, files={"file": ("c.csv", data)})
    assert refused.status_code == 400 and 'name="upload_id"' not in refused.text
    finance, _ = await signed_in("finance", county=county)
    offered = set(re.findall(r'<option value="([a-z]+)"', (await finance.get("/import")).text))
    assert {"payments", "standards", "claims"} <= offered and "residents" not in offered
    director, _ = await signed_in("director", home=await world.home(county=county))
    assert (await director.get("/import")).status_code == 403  # the assessments file is the county's
    assessor, _ = await signed_in("assessor", county=county)
    offered = set(re.findall(r'<option value="([a-z]+)"', (await assessor.get("/import")).text))
    assert offered == {"assessments"}


async def test_a_file_with_thousands_of_errors_lists_the_first_500_and_counts_the_rest(signed_in, system):
    client, _admin = await signed_in("admin")
    rows = "".join(f"{100000 + n},,甘肃省\n" for n in range(1_200))  # each row: no name
    refused = await post_form(
        client, "/import", {"kind": "counties"}, files={"file": ("c.csv", ("区划代码,名称,省份\n" + rows).encode())}
    )
    assert refused.status_code == 400
    table = refused.text.split('id="import-errors"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 500  # the head and the first 500 problems
    more = re.search(r'id="import-errors-more">([^<]*)<', refused.text).group(1)
    assert more.strip().startswith("另有 700 个问题未在此列出")
