"""The report pages: the archive by scope, downloads (Chinese file name, audited), re-generation
(queued: 正在生成 until done, a failure shown with its message), verification by code (public:
only that the code exists and its sha256) and by upload, the stipends run's PDF now the new report."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.reports import services
from backend.reports.tables import ReportFile, ReportRequest
from tests.conftest import post_form
from tests.reports.helpers import UUID, pdf_text
from tests.reports.test_archive import archived
from tests.stipends.test_reports import MONTH_TEXT, a_month

SYSTEM = Scope.system("test")


async def issued(world):
    county, people, report = await a_month(world)
    out = await services.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    return county, out, report


async def test_an_inspector_lists_and_downloads_the_countys_reports(world, signed_in):
    county, out, _report = await issued(world)
    client, user = await signed_in("inspector", county=county)
    page = await client.get("/reports")
    assert page.status_code == 200
    assert f'href="/reports/{out.id}.pdf"' in page.text and out.code in page.text and "供养金对账报告" in page.text
    assert 'href="/reports"' in page.text  # the nav item 报表
    response = await client.get(f"/reports/{out.id}.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content == archived(out)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote(out.filename)}" in disposition
    audit = await AuditEntry.select().where((AuditEntry.action == "report.download") & (AuditEntry.actor == user.username))
    assert len(audit) == 1
    assert (await client.get("/reports?kind=reconciliation")).status_code == 200
    assert (await client.get("/reports?kind=weekly")).status_code == 400


async def test_outside_the_scope_is_not_found(world, signed_in):
    county, out, _report = await issued(world)
    other = await world.county()
    stranger, _user = await signed_in("inspector", county=other)
    assert out.code not in (await stranger.get("/reports")).text
    assert (await stranger.get(f"/reports/{out.id}.pdf")).status_code == 404
    assert (await stranger.get(f"/reports?county={county}")).status_code == 404
    assert (await post_form(stranger, f"/reports/{out.id}/regenerate")).status_code == 404
    director, _d = await signed_in("director", home=await world.home(county=county))
    assert (await director.get("/reports")).status_code == 200
    assert (await director.get(f"/reports/{out.id}.pdf")).status_code == 404
    assert (await post_form(director, f"/reports/{out.id}/regenerate")).status_code == 403
    assessor, _a = await signed_in("assessor", county=county)
    assert (await assessor.get("/reports")).status_code == 403
    finance, _f = await signed_in("finance", county=county)
    assert (await finance.get("/reports/notanumber.pdf")).status_code == 404
    assert (await finance.get("/reports/999999999.pdf")).status_code == 404


async def test_regenerate_is_queued_shown_as_generating_then_done(world, signed_in):
    county, out, _report = await issued(world)
    client, _user = await signed_in("finance", county=county)
    response = await post_form(client, f"/reports/{out.id}/regenerate")
    assert response.status_code == 303
    page = await client.get("/reports")
    request = await ReportRequest.select().where(ReportRequest.unit == county).first()
    if request["status"] in ("pending", "running"):
        assert "正在生成" in page.text
    for _ in range(300):  # the queue runs in the background of this process
        row = await ReportRequest.select().where(ReportRequest.id == request["id"]).first()
        if row["status"] == "done":
            break
        await asyncio.sleep(0.1)
    assert row["status"] == "done"
    page = await client.get("/reports")
    assert "正在生成" not in page.text and "第 2 版" in page.text and "已被取代" in page.text
    assert await ReportFile.count().where(ReportFile.unit == county) == 2


async def test_a_failed_regeneration_is_shown_with_its_message(world, signed_in):
    county, out, _report = await issued(world)
    client, user = await signed_in("finance", county=county)
    request_id = await services.request_regeneration(user.scope, out.id)
    await ReportRequest.update({"period": "2026-13"}).where(ReportRequest.id == request_id)
    await services.run_queue()
    page = await client.get("/reports")
    assert "生成失败" in page.text and "2026-13" in page.text


async def test_verify_by_code_public_and_signed_in(world, client, signed_in):
    county, out, _report = await issued(world)
    public = await client.get(f"/reports/verify/{out.code}")
    assert public.status_code == 200
    assert out.sha256 in public.text and "由本系统签发" in public.text
    assert "对账县" not in public.text and f"/reports/{out.id}.pdf" not in public.text  # a visitor learns no more
    assert (await client.get("/reports/verify/0000-0000-0000")).status_code == 404
    inspector, _user = await signed_in("inspector", county=county)
    inside = await inspector.get(f"/reports/verify/{out.code.lower()}")
    assert inside.status_code == 200 and "对账县" in inside.text and f"/reports/{out.id}.pdf" in inside.text
    typed = await client.get("/reports/verify", params={"code": out.code}, follow_redirects=False)
    assert typed.status_code == 303 and typed.headers["location"].endswith(out.code)


async def test_verify_an_uploaded_file(world, client):
    _county, out, _report = await issued(world)
    await client.get("/reports/verify")
    body = archived(out)
    good = await post_form(client, "/reports/verify", files={"file": ("r.pdf", body, "application/pdf")})
    assert good.status_code == 200 and 'data-status="issued"' in good.text
    changed = await post_form(client, "/reports/verify", files={"file": ("r.pdf", body + b"\n%x\n", "application/pdf")})
    assert 'data-status="changed"' in changed.text and out.code in changed.text
    foreign = await post_form(client, "/reports/verify", files={"file": ("r.pdf", b"%PDF-1.4 nothing", "application/pdf")})
    assert 'data-status="unknown"' in foreign.text
    empty = await post_form(client, "/reports/verify")
    assert empty.status_code == 400 and "请选择要核验的 PDF 文件" in empty.text


async def test_the_run_pdf_is_the_new_archived_report(world, signed_in):
    county, people, report = await a_month(world)
    client, _user = await signed_in("finance", county=county)
    response = await client.get(f"/counties/{county}/stipends/runs/{report.run_id}/report.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "特困人员救助供养金对账报告" in text and "死亡后发放" in text and "¥1,100.00" in text
    assert not UUID.search(text) and "PAID_AFTER_DEATH" not in text
    (row,) = await ReportFile.select().where(ReportFile.unit == county)
    assert row["basis"] == report.run_id and row["code"] in text
    again = await client.get(f"/counties/{county}/stipends/runs/{report.run_id}/report.pdf")
    assert again.content == response.content  # the archived file, not a new one
    assert (await client.get(f"/counties/{county}/stipends/runs/not-a-run/report.pdf")).status_code == 404


async def test_the_api_lists_the_archive_by_scope(world, client, bearer):
    county, out, _report = await issued(world)
    inspector = await world.user("inspector", county=county)
    stranger = await world.user("inspector", county=await world.county())
    mine = await client.get("/api/v1/reports", headers=await bearer(inspector))
    assert mine.status_code == 200
    (row,) = mine.json()
    assert (row["id"], row["code"], row["sha256"], row["current"]) == (out.id, out.code, out.sha256, True)
    headers = await bearer(stranger)
    assert (await client.get("/api/v1/reports", headers=headers)).json() == []
    assert (await client.get(f"/api/v1/reports/{out.id}", headers=headers)).status_code == 404
    assert (await client.get(f"/api/v1/reports/{out.id}", headers=await bearer(inspector))).json()["version"] == 1


async def test_the_archive_names_people_kinds_and_months_in_words(world, signed_in):
    """Who issued or asked for a report by name (the scheduler as 定时任务), never the login; the
    queue's line names the kind of report and the month in words."""
    from backend.accounts.tables import User
    from backend.core import formatting

    county, out, _report = await issued(world)
    await services.issue_report(
        "reconciliation", MONTH_TEXT, county_code=county, actor=Scope.system("scheduler"), regenerate=True
    )
    client, user = await signed_in("finance", county=county)
    await User.update({User.display_name: "王会计"}).where(User.username == user.username)
    await services.request_regeneration(user.scope, out.id)
    page = (await client.get("/reports")).text
    assert "定时任务" in page and ">scheduler<" not in page and "· scheduler" not in page
    queue = page[page.index('id="report-requests"') :]
    queue = queue[: queue.index("</ul>")]
    assert "供养金对账报告" in queue and "王会计" in queue and user.username not in queue
    assert MONTH_TEXT not in queue and formatting.month(MONTH_TEXT) in queue
