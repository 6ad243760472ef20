"""The import page's template, in a real Chromium: a county inspector opens the columns of the
register of tekun persons, downloads the XLSX and CSV templates, fills the XLSX in with a real
row (openpyxl), uploads it, reads the preview and its confirmation (nothing written yet), then
writes it."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from backend.core.exchange import read_sheet
from backend.core.i18n import gettext as zh
from backend.core.security import Scope
from backend.importers import KINDS
from backend.residents import services as residents
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.residents.helpers import new_id

PHONE = (390, 844)


async def _download(page, selector: str) -> bytes:
    async with page.expect_download() as info:
        await page.click(selector)
    download = await info.value
    return Path(await download.path()).read_bytes()


async def test_a_downloaded_template_filled_in_imports(world, new_page, tmp_path):
    county = await world.county(name="永登县")
    home = await world.home(county=county, name="城关镇敬老院")
    inspector = await world.user("inspector", county=county)
    page = await new_page(viewport=PHONE)
    await log_in(page, inspector.username)
    await page.goto("/import")
    await page.click("#kind-residents summary")
    assert await horizontal_overflow(page) == 0, "the column list scrolls sideways on a phone"
    columns = KINDS["residents"].columns
    listed = await page.inner_text("#kind-residents")
    assert all(column.zh in listed and column.key in listed for column in columns)

    csv = await _download(page, "#kind-residents a[href*='template.csv']")
    assert csv.startswith(b"\xef\xbb\xbf") and read_sheet("t.csv", csv).headers == [column.zh for column in columns]
    book = load_workbook(BytesIO(await _download(page, "#kind-residents a[href*='template.xlsx']")))
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == [column.zh for column in columns]

    # Replace the example row with a real person of this county and home.
    number = new_id("F")
    mine = {
        "身份证号": number,
        "姓名": "马兰花",
        "性别": "女",
        "区划代码": county,
        "认定日期": "2024-03-01",
        "供养方式": "集中",
        "机构编码": home,
        "入住日期": "2024-03-10",
        "离院日期": None,
        "终止日期": None,
        "城乡类别": "城市",
    }
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=2, column=index, value=mine[column.zh])
    filled = tmp_path / "名册.xlsx"
    book.save(filled)

    await page.select_option("#kind", "residents")
    await page.set_input_files("#file", str(filled))
    async with page.expect_navigation():
        await page.click("#import-form button.primary")
    confirm = await page.inner_text("#import-confirm")
    assert zh("{count} new records will be added.").format(count=1) in confirm
    assert await _registered(county, number) is None  # the preview wrote nothing
    assert await horizontal_overflow(page) == 0, "the preview scrolls sideways on a phone"

    async with page.expect_navigation():
        await page.click("#import-confirm button.danger")
    assert zh("%(c)s created, %(u)s updated, %(n)s unchanged.") % {"c": 1, "u": 0, "n": 0} in await page.inner_text(
        "#import-result"
    )
    person = await _registered(county, number)
    assert person is not None and person.name == "马兰花" and person.home_code == home and person.area == "urban"


async def _registered(county: str, number: str):
    from backend.residents.tables import Resident

    row = await Resident.select(Resident.id).where(Resident.id_number == number).first()
    return None if row is None else await residents.get_resident(Scope.system(), row["id"])
