"""Stipend reports as services: the dashboard's figures, the findings filters, a person's payment
history beside their entitlement, the standards form's validation, the recovery list (XLSX read
back with openpyxl) and the reconciliation report (PDF read back with pdfplumber).

The month: last month (so it is inside the dashboard's 12 months). The county's standard
(tests/stipends/helpers.STANDARD): a concentrated partial person is owed 600 + 300 = 900.00.
"""

from __future__ import annotations

import io

import openpyxl
import pdfplumber
import pytest

from backend.core import dates, forms
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.stipends import reports, services
from backend.stipends.tables import Standard
from tests.stipends.helpers import (
    FULL_LOSS,
    SYSTEM,
    assess,
    import_lines,
    import_standard,
    person,
    review,
)

MONTH = dates.add_months(dates.month_of(dates.today()), -1)
MONTH_TEXT = dates.month_text(MONTH)
EARLIER = dates.add_months(MONTH, -1)


async def a_month(world):
    """One month with: a correct line, a wrong tier (+200.00), a payment after death (+900.00),
    a missing payment (−900.00). Returns (county, persons, report)."""
    county = await world.county(name="对账县")
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    ok = await person(county, home, name="甲正常")
    tier = await person(county, home, name="乙等级")
    dead = await person(county, home, name="丙已故", died_on=dates.add_months(MONTH, -3))
    missing = await person(county, home, name="丁漏发")
    await import_lines(
        [
            [f"R-OK-{county}", ok["id_number"], ok["name"], county, MONTH_TEXT, "600.00", "300.00"],
            [f"R-TIER-{county}", tier["id_number"], tier["name"], county, MONTH_TEXT, "600.00", "500.00"],
            [f"R-DEAD-{county}", dead["id_number"], dead["name"], county, MONTH_TEXT, "600.00", "300.00"],
        ]
    )
    report = await services.reconcile(SYSTEM, county, MONTH)
    people = {"ok": ok, "tier": tier, "dead": dead, "missing": missing}
    return county, people, report


async def scope_of(world, role: str, county: str | None = None, home: str | None = None) -> Scope:
    user = await world.user(role, home=home, county=county)
    return user.scope


def fen_codes(report):
    return sorted(f.code for f in report.findings)


async def test_the_month_has_the_expected_findings(world):
    _county, _people, report = await a_month(world)
    assert fen_codes(report) == ["MISSING_PAYMENT", "PAID_AFTER_DEATH", "TIER_MISMATCH"]
    assert (report.summary.overpaid, report.summary.underpaid) == ("1100.00", "900.00")


async def test_dashboard_counts_and_totals_come_from_the_latest_run(world):
    county, people, _report = await a_month(world)
    data = await reports.dashboard(SYSTEM, county)
    (row,) = data["rows"]
    assert (row["month"], row["source"], row["lines"]) == (MONTH_TEXT, "payments", 3)
    assert row["counts"]["TIER_MISMATCH"] == row["counts"]["PAID_AFTER_DEATH"] == row["counts"]["MISSING_PAYMENT"] == 1
    assert row["counts"]["AMOUNT_MISMATCH"] == 0
    assert (row["overpaid"], row["underpaid"]) == (110000, 90000)
    assert row["stale"] is False and row["state"] == "open"
    # A correcting import makes the run stale; a second run supersedes it for the month's figures.
    await import_lines(
        [[f"R-TIER-{county}", people["tier"]["id_number"], people["tier"]["name"], county, MONTH_TEXT, "600.00", "300.00"]]
    )
    data = await reports.dashboard(SYSTEM, county)
    assert data["rows"][0]["stale"] is True and data["runs"][0]["stale"] is True
    await services.reconcile(SYSTEM, county, MONTH)
    data = await reports.dashboard(SYSTEM, county)
    (row,) = data["rows"]
    assert row["counts"]["TIER_MISMATCH"] == 0 and row["overpaid"] == 90000 and row["stale"] is False
    assert [(run["latest"], run["stale"]) for run in data["runs"]] == [(True, False), (False, True)]
    assert data["totals"]["overpaid"] == 90000 and data["totals"]["counts"]["PAID_AFTER_DEATH"] == 1


async def test_findings_filters_filter(world):
    county, people, report = await a_month(world)
    everything = await reports.findings(SYSTEM, county)
    assert everything["total"] == 3
    assert all(f["id_masked"].count("*") == 8 for f in everything["findings"])
    only = await reports.findings(SYSTEM, county, code="PAID_AFTER_DEATH")
    assert [f["payment_ref"] for f in only["findings"]] == [f"R-DEAD-{county}"]
    by_name = await reports.findings(SYSTEM, county, q="丁漏")
    assert [f["code"] for f in by_name["findings"]] == ["MISSING_PAYMENT"]
    by_id = await reports.findings(SYSTEM, county, q=people["tier"]["id_number"][-6:])
    assert [f["code"] for f in by_id["findings"]] == ["TIER_MISMATCH"]
    await review(report, "confirmed", payment_ref=f"R-TIER-{county}")
    confirmed = await reports.findings(SYSTEM, county, status="confirmed")
    assert [f["payment_ref"] for f in confirmed["findings"]] == [f"R-TIER-{county}"]
    assert (await reports.findings(SYSTEM, county, month=EARLIER))["total"] == 0
    assert (await reports.findings(SYSTEM, county, month=MONTH))["total"] == 3
    assert (await reports.findings(SYSTEM, county, source="claims"))["total"] == 0
    with pytest.raises(Invalid) as bad:
        await reports.findings(SYSTEM, county, code="NOPE")
    assert "finding_code" in bad.value.errors  # the filter's field
    with pytest.raises(Invalid):
        reports.parse_month_filter("2026-13x")
    assert reports.parse_month_filter("") is None


async def test_scope_directors_and_other_counties(world):
    county, people, report = await a_month(world)
    other = await world.county()
    home = await world.home(county=county)
    director = await scope_of(world, "director", home=home)
    for call in (
        reports.dashboard(director, county),
        reports.findings(director, county),
        reports.payment_history(director, people["ok"]["id"]),
        reports.recovery_rows(director, county),
    ):
        with pytest.raises(Forbidden):
            await call
    outsider = await scope_of(world, "finance", county=other)
    for call in (
        reports.dashboard(outsider, county),
        reports.findings(outsider, county),
        reports.payment_history(outsider, people["ok"]["id"]),
        reports.recovery_rows(outsider, county),
        reports.report_data(outsider, county, report.run_id),
        reports.report_data(outsider, other, report.run_id),
    ):
        with pytest.raises(NotFound):
            await call
    inspector = await scope_of(world, "inspector", county=county)
    assert (await reports.dashboard(inspector, county))["rows"]
    with pytest.raises(Forbidden):
        await reports.save_standard(inspector, county, forms.parse(reports.StandardForm, GOOD).data)


async def test_payment_history_beside_the_entitlement(world):
    county, people, _report = await a_month(world)
    tier = people["tier"]
    # Reassessed (full loss) during the month: counts from the next month (care 500.00).
    await assess(tier["id"], MONTH.replace(day=15), FULL_LOSS)
    data = await reports.payment_history(SYSTEM, tier["id"], 12)
    assert len(data["months"]) == 12 and data["months"][0]["month"] == dates.month_text(dates.month_of(dates.today()))
    row = next(m for m in data["months"] if m["month"] == MONTH_TEXT)
    assert (row["entitled"], row["mode"], row["tier"], row["basic"], row["care"], row["expected"]) == (
        True,
        "concentrated",
        "partial",
        60000,
        30000,
        90000,
    )
    assert [line["payment_ref"] for line in row["lines"]] == [f"R-TIER-{county}"]
    assert (row["paid"], row["difference"]) == (110000, 20000)
    assert [f["code"] for f in row["findings"]] == ["TIER_MISMATCH"]
    current = data["months"][0]
    assert (current["tier"], current["care"], current["expected"]) == ("full_loss", 50000, 110000)
    earlier = next(m for m in data["months"] if m["month"] == dates.month_text(EARLIER))
    assert earlier["lines"] == [] and earlier["paid"] == 0 and earlier["difference"] == -90000
    dead = await reports.payment_history(SYSTEM, people["dead"]["id"], 24)
    assert len(dead["months"]) == 24
    row = next(m for m in dead["months"] if m["month"] == MONTH_TEXT)
    assert (row["entitled"], row["reason"], row["expected"], row["paid"]) == (False, "died", 0, 90000)
    with pytest.raises(Invalid):
        await reports.payment_history(SYSTEM, tier["id"], 7)


async def test_a_month_without_a_standard_shows_none(world):
    county = await world.county()
    p = await person(county, None, name="戊")
    data = await reports.payment_history(SYSTEM, p["id"])
    assert all(not m["has_standard"] and m["expected"] is None for m in data["months"])


# --- standards form -----------------------------------------------------------------------------

GOOD = {
    "effective_from": "2026-07",
    "basic_concentrated": "700",
    "basic_dispersed": "500.50",
    "care_concentrated_self_care": "100",
    "care_concentrated_partial": "300",
    "care_concentrated_full_loss": "500",
    "care_dispersed_self_care": "80",
    "care_dispersed_partial": "200",
    "care_dispersed_full_loss": "350",
}


async def save(scope, county: str, values: dict[str, str]):
    """The standard form as the page reads it (the form toolkit), then saved."""
    parsed = forms.parse(reports.StandardForm, values)
    if not parsed.ok:
        raise Invalid(parsed.errors)
    return await reports.save_standard(scope, county, parsed.data)


async def test_save_standard_validates_each_field_and_writes_nothing_on_error(world):
    county = await world.county()
    finance = await scope_of(world, "finance", county=county)
    bad = {
        **GOOD,
        "effective_from": "七月",
        "basic_dispersed": "-5",
        "care_dispersed_partial": "1.234",
        "care_dispersed_full_loss": "",
    }
    with pytest.raises(Invalid) as refused:
        await save(finance, county, bad)
    errors = refused.value.errors
    assert set(errors) == {"effective_from", "basic_dispersed", "care_dispersed_partial", "care_dispersed_full_loss"}
    assert "2026-11" in errors["effective_from"]  # the message shows how to write a month
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in errors.values()), errors
    assert await Standard.count() == await Standard.count().where(Standard.county.code != county)
    with pytest.raises(Invalid) as huge:
        await save(finance, county, {**GOOD, "care_dispersed_full_loss": "99999999999"})
    assert set(huge.value.errors) == {"care_dispersed_full_loss"}
    assert await Standard.count().where(Standard.county.code == county) == 0
    minimum = {"kind": "minimum", "area": "urban", "mode": "dispersed", "effective_from": "2026-01", "amount": "7800"}
    await services.add_floor(finance, county, {**minimum, "source": "测试文件"})  # ¥650.00 a month
    result = await save(finance, county, GOOD)
    assert len(result.warnings) == 1  # below the floor: a warning, saved all the same
    (saved,) = await services.list_standards(finance, county)
    assert (saved.effective_from, saved.basic_dispersed, saved.basic_floor, saved.below_floor) == (
        "2026-07",
        "500.50",
        None,
        ["dispersed"],
    )
    audit = await AuditEntry.select().where(AuditEntry.entity_key == f"{county}@2026-07")
    assert [row["action"] for row in audit] == ["standard.create"]
    # The same month again corrects it (audited as an update).
    await save(finance, county, {**GOOD, "basic_dispersed": "660"})
    (saved,) = await services.list_standards(finance, county)
    assert saved.basic_dispersed == "660.00" and saved.basic_floor is None


# --- recovery list ---------------------------------------------------------------------------------


async def test_recovery_list_has_confirmed_overpayments_with_full_ids(world):
    county, people, report = await a_month(world)
    for code in ("PAID_AFTER_DEATH", "MISSING_PAYMENT"):
        await review(report, "confirmed", "已通知追回", code=code)
    await review(report, "explained", "当月已调整护理等级", code="TIER_MISMATCH")
    rows = await reports.recovery_rows(SYSTEM, county)
    # MISSING_PAYMENT is an underpayment: confirmed, but nothing to recover. TIER_MISMATCH is not confirmed.
    assert [(row["code"], row["recover"]) for row in rows] == [("PAID_AFTER_DEATH", 90000)]
    finance = await scope_of(world, "finance", county=county)
    body = await reports.recovery_xlsx(finance, county, MONTH)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "追回清单"
    assert values[0] == [
        "身份证号",
        "姓名",
        "发放月份",
        "流水号",
        "实发金额(元)",
        "应发金额(元)",
        "应追回金额(元)",
        "问题代码",
        "问题",
        "复核说明",
        "运行编号",
        "问题说明",
    ]
    # The export carries the code beside the finding's name and its facts in Chinese words.
    died = dates.add_months(MONTH, -3)  # as a_month records it
    assert values[1][:10] == [
        people["dead"]["id_number"],
        "丙已故",
        MONTH_TEXT,
        f"R-DEAD-{county}",
        900,
        0,
        900,
        "PAID_AFTER_DEATH",
        "死亡后发放",
        "已通知追回",
    ]
    assert values[1][11] == f"已于{died.year}年{died.month}月{died.day}日死亡，享受至{died.year}年{died.month}月"
    assert len(values) == 2
    audit = await AuditEntry.select().where((AuditEntry.action == "stipends.recovery_export") & (AuditEntry.entity_key == county))
    assert len(audit) == 1 and audit[0]["actor"] == finance.username
    assert await reports.recovery_rows(SYSTEM, county, EARLIER) == []


# --- PDF -----------------------------------------------------------------------------------------------


def pdf_text(body: bytes) -> str:
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdf_cells(body: bytes) -> list[str]:
    """Every table cell of the PDF, its wrapped lines joined without spaces."""
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        return [
            "".join((cell or "").split())
            for page in pdf.pages
            for table in page.extract_tables()
            for row in table
            for cell in row
        ]


async def reconciliation_pdf(county: str, regenerate: bool = False) -> bytes:
    """The reconciliation report of the county's latest run of MONTH (issue 13: the archived
    report in the look of every report, backend/reports)."""
    from backend.reports import services as report_services

    out = await report_services.issue_report(
        "reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM, regenerate=regenerate
    )
    return (await report_services.archived_path(out)).read_bytes()


async def test_the_pdf_report_shows_title_findings_in_words_amounts_and_masked_ids(world):
    county, people, report = await a_month(world)
    body = await reconciliation_pdf(county)
    text = pdf_text(body)
    assert "特困人员救助供养金对账报告" in text
    for needle in (
        "对账县",
        f"{MONTH.year}年{MONTH.month}月",  # the month as official forms write it
        "护理等级不符",
        "死亡后发放",
        "¥1,100.00",
        "¥900.00",
        "¥200.00",
        "-¥900.00",
        "经办人",
        "审核人",
        "审批人",
        "单位盖章",
        "复核中",
        f"R-DEAD-{county}",
    ):
        assert needle in text, needle
    # No English code and no run UUID (issue 13): the run is shown by its date, the file by its code.
    for code in ("TIER_MISMATCH", "PAID_AFTER_DEATH", "MISSING_PAYMENT", report.run_id):
        assert code not in text, code
    # Each finding's facts in Chinese words, in its own cell (cells wrap: compared without line breaks).
    cells = pdf_cells(body)
    died = dates.add_months(MONTH, -3)  # as a_month records it
    for words in (
        "照料护理费按“完全丧失生活自理能力”发放；评估为“部分丧失生活自理能力”",
        f"已于{died.year}年{died.month}月{died.day}日死亡，享受至{died.year}年{died.month}月",
        "应享受集中供养（部分丧失生活自理能力）：基本生活费¥600.00，照料护理费¥300.00，未发放",
    ):
        assert words in cells, (words, cells)
    assert "died" not in text and "concentrated" not in text and "partial" not in text
    for p in people.values():
        assert p["id_number"] not in text
    assert people["dead"]["id_number"][:6] + "********" + people["dead"]["id_number"][-4:] in text
    assert "过期" not in text
    # After a correcting import the report (a new version) says the run is stale.
    await import_lines(
        [[f"R-TIER-{county}", people["tier"]["id_number"], people["tier"]["name"], county, MONTH_TEXT, "600.00", "300.00"]]
    )
    assert "本次对账已过期" in pdf_text(await reconciliation_pdf(county, regenerate=True))


async def test_tekun_report_reconciliation_writes_the_latest_run_as_pdf(world, tmp_path):
    from tests.cli.helpers import tekun

    county, people, report = await a_month(world)
    output = tmp_path / "r.pdf"
    done = tekun("report", "reconciliation", "--county", county, "--month", MONTH_TEXT, "--output", str(output))
    assert done.returncode == 0, done.stderr
    text = pdf_text(output.read_bytes())
    assert "特困人员救助供养金对账报告" in text and "护理等级不符" in text
    assert report.run_id not in text and "TIER_MISMATCH" not in text
    assert people["tier"]["id_number"] not in text
    missing = tmp_path / "none.pdf"
    no_run = tekun("report", "reconciliation", "--county", county, "--month", dates.month_text(EARLIER), "--output", str(missing))
    assert no_run.returncode == 2 and "tekun reconcile" in no_run.stderr and not missing.exists()
    assert tekun("report", "reconciliation", "--county", county, "--month", "2026-13", "--output", str(missing)).returncode == 2
    assert (
        tekun("report", "reconciliation", "--county", "000000", "--month", MONTH_TEXT, "--output", str(missing)).returncode == 2
    )
    assert tekun("report", "weekly", "--county", county, "--month", MONTH_TEXT, "--output", str(missing)).returncode == 2
