"""Issuing, the archive, verification and the queue of issue 13, point 5 (the reconciliation report
stands in for the kinds the "builders" helper adds: the machinery is the same for every kind)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re

import pytest

from backend.core import dates
from backend.core.errors import Invalid, NotFound
from backend.core.ledger import verify_all
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.core.tables import AuditEntry
from backend.reports import services, verification
from backend.reports.tables import ReportFile, ReportRequest
from tests.reports.helpers import UUID, pdf_text
from tests.stipends.test_reports import MONTH_TEXT, a_month

SYSTEM = Scope.system("test")
ENGLISH_CODES = ("TIER_MISMATCH", "PAID_AFTER_DEATH", "MISSING_PAYMENT", "AMOUNT_MISMATCH", "NAME_MISMATCH", "payments")


def archived(out) -> bytes:
    return (get_settings().data_dir / "reports" / out.county_code / out.kind).glob(f"*{out.code}.pdf").__next__().read_bytes()


async def test_issue_writes_the_file_the_row_and_an_audit_record_carrying_the_sha256(world):
    county, _people, _report = await a_month(world)
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    body = archived(out)
    assert body.startswith(b"%PDF-") and out.size == len(body) and out.pages >= 1
    assert out.sha256 == hashlib.sha256(body).hexdigest()
    assert verification.CODE_PATTERN.fullmatch(out.code) and out.version == 1 and out.supersedes is None
    assert out.filename == f"对账县_供养金对账报告_{MONTH_TEXT[:4]}年{int(MONTH_TEXT[5:])}月_第1版.pdf"
    row = await ReportFile.select().where(ReportFile.id == out.id).first()
    assert (row["kind"], row["period"], row["unit"], row["issued_by"]) == ("reconciliation", MONTH_TEXT, county, "test")
    audit = await AuditEntry.select().where((AuditEntry.action == "report.issue") & (AuditEntry.entity_key.like(f"%/{county}/%")))
    assert len(audit) == 1
    after = json.loads(audit[0]["after"])
    assert after["sha256"] == out.sha256 and after["code"] == out.code
    assert await verify_all() is None  # the chain holds the record
    assert out.code in pdf_text(body)  # printed on the file


async def test_issuing_twice_returns_the_archived_file_and_regenerate_supersedes_it(world):
    county, _people, _report = await a_month(world)
    first = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    again = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    assert (again.id, again.code, again.sha256) == (first.id, first.code, first.sha256)
    assert await ReportFile.count().where(ReportFile.unit == county) == 1
    second = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM, regenerate=True)
    assert (second.version, second.supersedes) == (2, first.id) and second.code != first.code
    listed = await services.list_reports(SYSTEM, county_code=county)
    assert [(r.version, r.current) for r in listed] == [(2, True), (1, False)]
    assert archived(first) and archived(second)  # both files kept
    old, new = await services.verify_file(archived(first)), await services.verify_file(archived(second))
    assert (old.status, old.report.current) == ("issued", False)  # genuine, but says it was re-generated
    assert (new.status, new.report.current) == ("issued", True)


async def test_two_issuers_racing_store_one_version(world):
    county, _people, _report = await a_month(world)
    results = await asyncio.gather(
        *(services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM) for _ in range(2))
    )
    assert results[0].id == results[1].id
    assert await ReportFile.count().where(ReportFile.unit == county) == 1
    directory = get_settings().data_dir / "reports" / county / "reconciliation"
    assert len(list(directory.glob("*.pdf"))) == 1  # the loser removed its file


async def test_refusals_name_what_is_wrong(world):
    county = await world.county()
    with pytest.raises(Invalid) as kind:
        await services.issue_report("weekly", "2026-11", county_code=county, actor=SYSTEM)
    assert "kind" in kind.value.errors
    with pytest.raises(Invalid) as period:
        await services.issue_report("county-quarterly", "2026-11", county_code=county, actor=SYSTEM)
    assert "2026-Q4" in period.value.errors["period"]
    with pytest.raises(Invalid):
        await services.issue_report("reconciliation", "2026-13", county_code=county, actor=SYSTEM)
    with pytest.raises(Invalid):
        await services.issue_report("home-monthly", "2026-11", county_code=county, actor=SYSTEM)
    with pytest.raises(NotFound):  # no run that month: nothing written
        await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    assert await ReportFile.count().where(ReportFile.unit == county) == 0


async def test_verify_accepts_the_file_and_refuses_it_changed_by_one_byte_or_foreign(world):
    county, _people, _report = await a_month(world)
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    body = archived(out)
    good = await services.verify_file(body)
    assert good.status == services.ISSUED and good.report.id == out.id
    middle = len(body) // 2
    flipped = body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1 :]
    assert (await services.verify_file(flipped)).status in (services.CHANGED, services.UNKNOWN)
    appended = await services.verify_file(body + b"\n% one more line\n")  # still a readable PDF
    assert appended.status == services.CHANGED and appended.report.id == out.id and appended.code == out.code
    from weasyprint import HTML

    foreign = HTML(string="<p>某县民政局 一份别处做的报表</p>").write_pdf()
    assert (await services.verify_file(foreign)).status == services.UNKNOWN
    assert (await services.verify_file(b"not a pdf at all")).status == services.UNKNOWN
    assert (await services.find_by_code(out.code.lower().replace("-", " "))).id == out.id
    assert await services.find_by_code("0000-0000-0000") is None and await services.find_by_code("nonsense") is None


async def test_the_archive_follows_the_scope(world):
    county, _people, _report = await a_month(world)
    other = await world.county()
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    inspector = (await world.user("inspector", county=county)).scope
    stranger = (await world.user("inspector", county=other)).scope
    director = (await world.user("director", home=await world.home(county=county))).scope
    assert [r.id for r in await services.list_reports(inspector)] == [out.id]
    assert await services.list_reports(stranger) == []
    assert await services.list_reports(director) == []  # a director sees their home's reports only
    with pytest.raises(NotFound):
        await services.get_report(stranger, out.id)
    with pytest.raises(NotFound):
        await services.download_report(director, out.id)
    with pytest.raises(NotFound):
        await services.list_reports(stranger, county_code=county)
    with pytest.raises(NotFound):
        await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=stranger)


async def test_the_queue_renders_a_request_off_the_event_loop(world):
    county, _people, _report = await a_month(world)
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    finance = (await world.user("finance", county=county)).scope
    request_id = await services.request_regeneration(finance, out.id)
    assert await services.request_regeneration(finance, out.id) == request_id  # one open request per report
    assert [r["status"] for r in await services.open_requests(finance)] == ["pending"]
    ticks = 0
    stop = asyncio.Event()

    async def ticker():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    running = asyncio.create_task(ticker())
    started = asyncio.get_running_loop().time()
    assert await services.run_queue() >= 1
    elapsed = asyncio.get_running_loop().time() - started
    stop.set()
    await running
    # The loop kept ticking while WeasyPrint worked in the worker process (≥ a third of the 10 ms slots).
    assert ticks >= elapsed / 0.01 / 3, (ticks, elapsed)
    row = await ReportRequest.select().where(ReportRequest.id == request_id).first()
    assert row["status"] == "done" and row["report"] is not None
    new = await services.get_report(finance, row["report"])
    assert (new.version, new.supersedes, new.issued_by) == (2, out.id, finance.username)
    assert await services.open_requests(finance) == []


async def test_a_failed_request_keeps_its_message(world):
    county, _people, _report = await a_month(world)
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    finance = (await world.user("finance", county=county)).scope
    request_id = await services.request_regeneration(finance, out.id)
    await ReportRequest.update({"period": "2026-13"}).where(ReportRequest.id == request_id)  # cannot be built
    await services.run_queue()
    (failed,) = await services.open_requests(finance)
    assert failed["status"] == "failed" and "2026-13" in failed["message"]


async def test_the_reconciliation_report_has_no_uuid_and_no_english_code(world):
    county, people, report = await a_month(world)
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    text = pdf_text(archived(out))
    assert "特困人员救助供养金对账报告" in text and "对账县民政局" in text
    assert not UUID.search(text) and report.run_id not in text
    for code in ENGLISH_CODES:
        assert code not in text, code
    for words in ("死亡后发放", "¥1,100.00", "¥900.00", "经办人", "审核人", "单位盖章", "验证码", out.code):
        assert words in text or words.replace(" ", "") in text.replace(" ", ""), words
    assert f"{dates.today().year}年{dates.today().month}月{dates.today().day}日" in text  # 制表日期
    for person in people.values():
        assert person["id_number"] not in text


async def test_issue_period_reports_covers_every_county_and_skips_the_issued(world):
    county, _people, _report = await a_month(world)
    assert await services.issue_period_reports("reconciliation", MONTH_TEXT) >= 1  # the counties without a run are skipped
    assert await ReportFile.count().where((ReportFile.unit == county) & (ReportFile.kind == "reconciliation")) == 1
    assert await services.issue_period_reports("reconciliation", MONTH_TEXT) == 0


async def test_the_schedulers_queue_job_renders_a_request_left_pending(world):
    """A request asked for just before the web server went away is rendered by the scheduler's
    30-second job (scheduler/jobs.run_report_queue), once."""
    from scheduler import jobs

    county, _people, _report = await a_month(world)
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    finance = (await world.user("finance", county=county)).scope
    request_id = await services.request_regeneration(finance, out.id)
    assert await jobs.run_report_queue() >= 1
    row = await ReportRequest.select().where(ReportRequest.id == request_id).first()
    assert row["status"] == "done" and row["report"] is not None
    assert await services.open_requests(finance) == []


async def test_a_period_still_running_is_not_issued(world):
    """A monthly or quarterly report says what a closed period's data said: the running month
    (or quarter) is refused, so it can never stand in the archive for the real one and keep the
    scheduler from issuing it when the period closes."""
    county = await world.county()
    today = dates.today()
    running_month = f"{today:%Y-%m}"
    running_quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    last_month = dates.add_months(today.replace(day=1), -1)
    for kind, period in (("county-monthly", running_month), ("county-quarterly", running_quarter)):
        with pytest.raises(Invalid) as refused:
            await services.issue_report(kind, period, county_code=county, actor=SYSTEM)
        assert "period" in refused.value.errors
        with pytest.raises(Invalid):
            await services.issue_period_reports(kind, period)
    assert not await ReportFile.exists().where(ReportFile.unit == county)
    out = await services.issue_report("county-monthly", f"{last_month:%Y-%m}", county_code=county, actor=SYSTEM)
    assert out.period == f"{last_month:%Y-%m}"  # the month that just closed is issued


async def test_the_reconciliation_details_amounts_stay_in_their_cells(world):
    """Each amount of the details table is whole in its own cell (they once ran into the next
    column: "¥1,130.0-0¥1,130.未00复核" in the extracted text)."""
    import io

    import pdfplumber

    county, _people, _report = await a_month(world)
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    with pdfplumber.open(io.BytesIO(archived(out))) as pdf:
        rows = [row for page in pdf.pages for table in page.extract_tables() for row in table]
    header = next(row for row in rows if row and row[0] == "序号" and "实发" in row)
    at = {name: header.index(name) for name in ("实发", "应发", "差额", "复核")}
    details = [row for row in rows if len(row) == len(header) and row[0] and row[0].isdigit()]
    assert len(details) == 3
    for row in details:
        for name in ("实发", "应发", "差额"):
            assert re.fullmatch(r"-?¥\d{1,3}(,\d{3})*\.\d{2}", row[at[name]] or ""), (name, row)
        assert row[at["复核"]] == "未复核", row
