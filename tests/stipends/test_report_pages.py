"""Stipend report pages over HTTP: roles (finance, inspector, admin; directors 403), scope (another
county 404), filters that filter, no full ID number in HTML, bad input answered with a message
(never a 500), the standards form (errors in Chinese, nothing written), the XLSX and the PDF."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pdfplumber

from backend.stipends.tables import Standard
from tests.conftest import post_form
from tests.stipends.helpers import review
from tests.stipends.test_reports import GOOD, MONTH_TEXT, a_month

# A whole 18-character ID, not a run of digits inside a longer token (the CSRF token is hex).
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


def no_full_ids(html: str, people: dict) -> None:
    for p in people.values():
        assert p["id_number"] not in html
    assert not FULL_ID.search(html)


async def test_finance_sees_the_dashboard_and_follows_its_links(world, signed_in):
    county, people, report = await a_month(world)
    client, _user = await signed_in("finance", county=county)
    page = await client.get(f"/counties/{county}/stipends")
    assert page.status_code == 200
    html = page.text
    assert f'data-month="{MONTH_TEXT}"' in html and "¥1,100.00" in html and "¥900.00" in html
    assert f'href="/stipends/runs/{report.run_id}"' in html
    assert f"/counties/{county}/stipends/runs/{report.run_id}/report.pdf" in html
    assert f"/counties/{county}/stipends/findings?month={MONTH_TEXT}&amp;source=payments&amp;finding_code=TIER_MISMATCH" in html
    no_full_ids(html, people)
    overview = await client.get("/")
    assert 'id="stipends-panel"' in overview.text and f"/counties/{county}/stipends" in overview.text
    director, _user = await signed_in("director", home=await world.home(county=county))
    assert 'id="stipends-panel"' not in (await director.get("/")).text


async def test_findings_page_filters_and_masks(world, signed_in):
    county, people, _report = await a_month(world)
    client, _user = await signed_in("inspector", county=county)
    url = f"/counties/{county}/stipends/findings"
    everything = await client.get(url)
    assert everything.status_code == 200
    assert everything.text.count("<tr data-code=") == 3
    no_full_ids(everything.text, people)
    assert f'href="/residents/{people["missing"]["id"]}/payments"' in everything.text
    dead = await client.get(url, params={"finding_code": "PAID_AFTER_DEATH"})
    assert dead.text.count("<tr data-code=") == 1 and f"R-DEAD-{county}" in dead.text and f"R-TIER-{county}" not in dead.text
    named = await client.get(url, params={"q": "乙等级"})
    assert named.text.count("<tr data-code=") == 1 and f"R-TIER-{county}" in named.text
    by_id = await client.get(url, params={"q": people["missing"]["id_number"]})
    assert by_id.text.count('<tr data-code="MISSING_PAYMENT"') == 1 and by_id.text.count("<tr data-code=") == 1
    # The number typed into the search box comes back in the box (and the language link); the table masks it.
    no_full_ids(by_id.text.split('class="cards findings-table"')[1], people)
    confirmed = await client.get(url, params={"status": "confirmed"})
    assert confirmed.text.count("<tr data-code=") == 0
    other_month = await client.get(url, params={"month": "2020-01"})
    assert other_month.text.count("<tr data-code=") == 0
    bad = await client.get(url, params={"month": "13月份"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text and "2026-11" in bad.text
    bad_code = await client.get(url, params={"finding_code": "<script>"})
    assert bad_code.status_code == 400 and "<script>" not in bad_code.text


async def test_directors_are_refused_and_other_counties_not_found(world, signed_in):
    county, people, report = await a_month(world)
    home = await world.home(county=county)
    director, _user = await signed_in("director", home=home)
    other = await world.county()
    finance_elsewhere, _user = await signed_in("finance", county=other)
    paths = [
        f"/counties/{county}/stipends",
        f"/counties/{county}/stipends/findings",
        f"/counties/{county}/standards",
        f"/counties/{county}/standards/new",
        f"/counties/{county}/stipends/recovery.xlsx",
        f"/counties/{county}/stipends/runs/{report.run_id}/report.pdf",
        f"/residents/{people['ok']['id']}/payments",
    ]
    for path in paths:
        assert (await director.get(path)).status_code == 403, path
        assert (await finance_elsewhere.get(path)).status_code == 404, path
    # The run exists, but not under the finance officer's own county either.
    assert (await finance_elsewhere.get(f"/counties/{other}/stipends/runs/{report.run_id}/report.pdf")).status_code == 404
    assert (await post_form(director, f"/counties/{county}/standards/new", GOOD)).status_code == 403
    assert (await post_form(finance_elsewhere, f"/counties/{county}/standards/new", GOOD)).status_code == 404
    assert await Standard.count().where((Standard.effective_from == date(2026, 7, 1)) & (Standard.county.code == county)) == 0


async def test_payment_history_page(world, signed_in):
    county, people, _report = await a_month(world)
    client, _user = await signed_in("finance", county=county)
    page = await client.get(f"/residents/{people['tier']['id']}/payments")
    assert page.status_code == 200
    assert page.text.count("<tr data-month=") == 12 and f"R-TIER-{county}" in page.text and "¥200.00" in page.text
    no_full_ids(page.text, people)
    two_years = await client.get(f"/residents/{people['tier']['id']}/payments", params={"months": "24"})
    assert two_years.text.count("<tr data-month=") == 24
    bad = await client.get(f"/residents/{people['tier']['id']}/payments", params={"months": "abc"})
    assert bad.status_code == 400 and bad.text.count("<tr data-month=") == 12
    admin, _user = await signed_in("admin")
    assert (await admin.get(f"/residents/{people['dead']['id']}/payments")).status_code == 200


async def test_standards_page_and_form(world, signed_in):
    county = await world.county()
    client, _user = await signed_in("finance", county=county)
    listing = await client.get(f"/counties/{county}/standards")
    assert listing.status_code == 200 and f"/counties/{county}/standards/new" in listing.text
    form = await client.get(f"/counties/{county}/standards/new")
    assert form.status_code == 200 and 'name="basic_concentrated"' in form.text and "_csrf_token" in form.text
    bad = await post_form(
        client, f"/counties/{county}/standards/new", {**GOOD, "effective_from": "明年", "basic_concentrated": "abc"}
    )
    assert bad.status_code == 400
    assert 'id="e-effective_from"' in bad.text and 'id="e-basic_concentrated"' in bad.text
    assert "月份格式不正确" in bad.text and "请填写以元为单位" in bad.text  # the form toolkit's messages, in Chinese
    assert 'value="明年"' in bad.text  # what was typed is kept
    assert await Standard.count().where(Standard.county.code == county) == 0
    minimum = {"kind": "minimum", "area": "rural", "mode": "dispersed", "effective_from": "2026-01", "amount": "7800"}
    await post_form(client, f"/counties/{county}/standards/floors", {**minimum, "source": "测试文件"})  # ¥650.00 a month
    saved = await post_form(client, f"/counties/{county}/standards/new", {**GOOD, "effective_from": "2026/7"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/counties/{county}/standards"
    listing = await client.get(saved.headers["location"])
    assert 'class="notice flash"' in listing.text and "2026-07" in listing.text
    assert 'data-month="2026-07"' in listing.text and "floor-warning" in listing.text and "500.50" in listing.text
    prefilled = await client.get(f"/counties/{county}/standards/new", params={"base_month": "2026-08"})
    assert 'value="500.50"' in prefilled.text and "floor-warning" in prefilled.text
    bad_month = await client.get(f"/counties/{county}/standards/new", params={"base_month": "x"})
    assert bad_month.status_code == 400
    inspector, _user = await signed_in("inspector", county=county)
    assert (await inspector.get(f"/counties/{county}/standards")).status_code == 200
    assert (await inspector.get(f"/counties/{county}/standards/new")).status_code == 403
    assert (
        await post_form(inspector, f"/counties/{county}/standards/new", {**GOOD, "effective_from": "2026-09"})
    ).status_code == 403
    assert await Standard.count().where(Standard.county.code == county) == 1


async def test_recovery_xlsx_and_pdf_downloads(world, signed_in):
    county, people, report = await a_month(world)
    await review(report, "confirmed", payment_ref=f"R-DEAD-{county}")
    client, _user = await signed_in("finance", county=county)
    response = await client.get(f"/counties/{county}/stipends/recovery.xlsx", params={"month": MONTH_TEXT})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[:4] for row in rows[1:]] == [(people["dead"]["id_number"], "丙已故", MONTH_TEXT, f"R-DEAD-{county}")]
    bad = await client.get(f"/counties/{county}/stipends/recovery.xlsx", params={"month": "soon"})
    assert bad.status_code == 400
    pdf = await client.get(f"/counties/{county}/stipends/runs/{report.run_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert "特困人员救助供养金对账报告" in text and "死亡后发放" in text and "¥1,100.00" in text and "已确认" in text
    assert "PAID_AFTER_DEATH" not in text and report.run_id not in text
    assert people["dead"]["id_number"] not in text
    missing = await client.get(f"/counties/{county}/stipends/runs/not-a-run/report.pdf")
    assert missing.status_code == 404


async def test_dashboard_of_a_county_without_runs_and_with_a_clean_run(world, signed_in):
    from backend.stipends import services
    from tests.stipends.helpers import SYSTEM, import_lines, import_standard, person
    from tests.stipends.test_reports import MONTH

    county = await world.county()
    client, _user = await signed_in("finance", county=county)
    empty = await client.get(f"/counties/{county}/stipends")
    assert empty.status_code == 200 and "<tr data-month=" not in empty.text
    home = await world.home(county=county)
    await import_standard(county)
    p = await person(county, home)
    await import_lines([[f"C-{county}", p["id_number"], p["name"], county, MONTH_TEXT, "600.00", "300.00"]])
    await services.reconcile(SYSTEM, county, MONTH)
    clean = await client.get(f"/counties/{county}/stipends")
    assert clean.status_code == 200 and f'data-month="{MONTH_TEXT}"' in clean.text and "data-code=" not in clean.text
    assert '<p class="good">' in clean.text


async def test_stipend_pages_name_findings_in_chinese_and_show_no_code(world, signed_in):
    """What page_check reads (the visible text, option texts and table cells included): the
    findings by their Chinese names with their facts in words; no UPPER_SNAKE code anywhere, no
    English key of a mode, tier or state. The codes stay in links' query strings and exports."""
    from tests.stipends.helpers import visible_codes, visible_text

    county, people, report = await a_month(world)
    await review(report, "confirmed", "已通知追回", code="PAID_AFTER_DEATH")
    for role in ("finance", "inspector"):
        client, _user = await signed_in(role, county=county)
        urls = [
            f"/counties/{county}/stipends",
            f"/counties/{county}/stipends/findings",
            f"/counties/{county}/stipends/findings?finding_code=TIER_MISMATCH",
            f"/stipends/runs/{report.run_id}",
            f"/stipends/runs/{report.run_id}?code=MISSING_PAYMENT",
            f"/residents/{people['tier']['id']}/payments",
            f"/residents/{people['dead']['id']}/payments",
            f"/counties/{county}/standards",
        ]
        for url in urls:
            page = await client.get(url)
            assert page.status_code == 200, url
            assert visible_codes(page.text) == [], (url, visible_codes(page.text))
            text = visible_text(page.text)
            for key in ("concentrated", "dispersed", "partial", "full_loss", "self_care", "payments", "confirmed", "open"):
                assert not re.search(rf"\b{key}\b", text), (url, key)
        findings = visible_text((await client.get(f"/counties/{county}/stipends/findings")).text)
        run = visible_text((await client.get(f"/stipends/runs/{report.run_id}")).text)
        for text in (findings, run):
            assert "护理等级不符" in text and "死亡后发放" in text and "漏发" in text  # the names
            assert "照料护理费按“完全丧失生活自理能力”发放；评估为“部分丧失生活自理能力”" in text  # the facts in words
            assert "应享受集中供养（部分丧失生活自理能力）：基本生活费 ¥600.00，照料护理费 ¥300.00，未发放" in text
        # One label per state: the run reads 复核中 on the dashboard, on its page and in the PDF.
        dashboard = visible_text((await client.get(f"/counties/{county}/stipends")).text)
        assert "复核中" in dashboard and "复核中" in run and "待审批" not in dashboard + run
        assert "已确认：多发待追回" in findings and "未复核" in findings
