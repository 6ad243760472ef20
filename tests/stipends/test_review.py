"""Review of a reconciliation run: each finding confirmed, explained (note) or dismissed
(reason); approval by a second finance user (not an importer of the lines), only with every
finding reviewed and the run not stale; approved runs are read-only."""

from datetime import date

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.i18n import _
from backend.core.tables import AuditEntry
from backend.importers import run_import
from backend.stipends import services, workflow
from backend.stipends.tables import Finding, ReconciliationRun
from tests.stipends.helpers import (
    LINE_HEADER,
    PARTIAL,
    SYSTEM,
    assess,
    csv_bytes,
    import_standard,
    person,
)


# Messages are compared in the language the services answer in (via the catalog).
def not_reviewed(n: int) -> str:
    return _("{n} findings are not reviewed yet.").format(n=n)


def separation() -> str:
    return _("You imported lines of this month; another finance user must approve the run (separation of duties).")


def stale() -> str:
    return _("The month's data changed after this run: reconcile again and review the new run.")


async def read_only(run_id: str) -> str:
    row = await ReconciliationRun.select().where(ReconciliationRun.run_id == run_id).first()
    return _("This run was approved on {day} by {user}; it is read-only.").format(
        day=dates.local(row["approved_at"]).date().isoformat(), user=row["approved_by"]
    )


async def month_with_findings(world):
    """County with two persons: one paid at the wrong tier (TIER_MISMATCH), one not paid
    (MISSING_PAYMENT). The payments are imported by a finance user of the county."""
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    paid = await person(county, home, name="张三")
    await person(county, home, name="李四")
    importer = await world.user("finance", county=county)
    rows = [[f"REV-{county}-1", paid["id_number"], "张三", county, "2026-06", "600", "500"]]
    await run_import(importer.scope, "payments", "payments.csv", csv_bytes(LINE_HEADER, rows))
    second = await world.user("finance", county=county)
    report = await services.reconcile(second.scope, county, date(2026, 6, 1))
    assert sorted(f.code for f in report.findings) == ["MISSING_PAYMENT", "TIER_MISMATCH"]
    return {"county": county, "paid": paid, "importer": importer, "second": second, "run_id": report.run_id}


async def statuses(run_id: str) -> list[tuple[str, str]]:
    run = await ReconciliationRun.select(ReconciliationRun.id).where(ReconciliationRun.run_id == run_id).first()
    rows = (
        await Finding.select(Finding.review_status, Finding.review_note)
        .where(Finding.run == run["id"])
        .order_by(Finding.position)
    )
    return [(row["review_status"], row["review_note"]) for row in rows]


async def review_audits(run_id: str) -> int:
    return await AuditEntry.count().where((AuditEntry.action == "finding.review") & AuditEntry.entity_key.like(f"{run_id}#%"))


async def test_review_transitions_and_required_notes(world):
    month = await month_with_findings(world)
    run_id, scope = month["run_id"], month["second"].scope
    refused = [
        (0, "explained", "", "note"),
        (0, "dismissed", "  ", "note"),
        (0, "paid", "x", "status"),
        (0, "", "", "status"),
        (0, "explained", "长" * 501, "note"),
        (7, "confirmed", "", "position"),
        (None, "confirmed", "", "position"),
    ]
    for position, status, note, field in refused:
        with pytest.raises(Invalid) as error:
            await workflow.review_finding(scope, run_id, position, status, note)
        assert field in error.value.errors, (position, status, note)
    assert await statuses(run_id) == [("open", ""), ("open", "")]
    assert await review_audits(run_id) == 0

    confirmed = await workflow.review_finding(scope, run_id, 0, "confirmed")
    assert confirmed.review_status == "confirmed" and confirmed.reviewed_by == month["second"].username
    await workflow.review_finding(scope, run_id, 0, "explained", " 已核实：护理等级当月已调整 ")
    await workflow.review_finding(scope, run_id, 1, "dismissed", "银行已补发")
    assert await statuses(run_id) == [("explained", "已核实：护理等级当月已调整"), ("dismissed", "银行已补发")]
    assert await review_audits(run_id) == 3
    last = (
        await AuditEntry.select().where(AuditEntry.entity_key == f"{run_id}#0").order_by(AuditEntry.seq, ascending=False).first()
    )
    assert "confirmed" in str(last["before"]) and "explained" in str(last["after"])


async def test_only_finance_of_the_county_reviews(world):
    month = await month_with_findings(world)
    inspector = await world.user("inspector", county=month["county"])
    with pytest.raises(Forbidden):
        await workflow.review_finding(inspector.scope, month["run_id"], 0, "confirmed")
    other = await world.user("finance", county=await world.county())
    with pytest.raises(NotFound):
        await workflow.review_finding(other.scope, month["run_id"], 0, "confirmed")
    with pytest.raises(NotFound):
        await workflow.approve_run(other.scope, month["run_id"])
    assert await statuses(month["run_id"]) == [("open", ""), ("open", "")]


async def test_approval_separation_of_duties_open_findings_stale_then_read_only(world):
    month = await month_with_findings(world)
    run_id = month["run_id"]
    importer, second = month["importer"].scope, month["second"].scope

    async def refused(scope, words):
        with pytest.raises(Invalid) as error:
            await workflow.approve_run(scope, run_id)
        assert words in error.value.errors["run"], error.value.errors
        row = await ReconciliationRun.select().where(ReconciliationRun.run_id == run_id).first()
        assert (row["state"], row["approved_at"], row["approved_by"]) == ("open", None, "")

    await refused(second, not_reviewed(2))
    await workflow.review_finding(importer, run_id, 0, "confirmed")  # an importer may review
    await refused(second, not_reviewed(1))
    await workflow.review_finding(second, run_id, 1, "explained", "当月新入住，下月补发")
    await refused(importer, separation())

    # The register changes after the run (a re-assessment of the person paid at the wrong tier,
    # through the residents services): stale, so not approvable. As the message says, the month
    # is reconciled again and the new run reviewed; that one is approved.
    await assess(month["paid"]["id"], date(2026, 5, 20), PARTIAL)
    await refused(second, stale())
    rerun = await services.reconcile(second, month["county"], date(2026, 6, 1))
    assert sorted(f.code for f in rerun.findings) == ["MISSING_PAYMENT", "TIER_MISMATCH"]
    run_id = rerun.run_id
    await refused(second, not_reviewed(2))
    await workflow.review_finding(importer, run_id, 0, "confirmed")
    await workflow.review_finding(second, run_id, 1, "explained", "当月新入住，下月补发")

    approved = await workflow.approve_run(second, run_id)
    assert approved.state == "approved" and approved.approved_by == month["second"].username
    assert approved.importers == [month["importer"].username] and approved.stale is False
    assert await AuditEntry.count().where((AuditEntry.action == "reconcile.approve") & (AuditEntry.entity_key == run_id)) == 1

    # Read-only from now on.
    with pytest.raises(Invalid) as error:
        await workflow.review_finding(second, run_id, 0, "dismissed", "改判")
    assert error.value.errors["run"] == await read_only(run_id)
    with pytest.raises(Invalid):
        await workflow.approve_run(second, run_id)
    assert (await statuses(run_id))[0] == ("confirmed", "")


async def test_admin_who_imported_cannot_approve_either(world):
    month = await month_with_findings(world)
    for position in (0, 1):
        await workflow.review_finding(month["second"].scope, month["run_id"], position, "confirmed")
    # SYSTEM ("test") imported the standard only, not the lines: it may approve.
    assert (await workflow.approve_run(SYSTEM, month["run_id"])).state == "approved"


async def test_review_and_approval_through_the_api(world, client, bearer):
    month = await month_with_findings(world)
    county, run_id = month["county"], month["run_id"]
    base = f"/api/v1/counties/{county}/stipend-runs/{run_id}"
    importer = await bearer(month["importer"])
    second = await bearer(month["second"])
    inspector = await bearer(await world.user("inspector", county=county))

    bad = await client.post(f"{base}/reviews", headers=second, json={"position": 0, "status": "explained"})
    assert bad.status_code == 400 and "note" in bad.json()["errors"]
    assert (
        await client.post(f"{base}/reviews", headers=inspector, json={"position": 0, "status": "confirmed"})
    ).status_code == 403
    other = await bearer(await world.user("finance", county=await world.county()))
    assert (await client.post(f"{base}/reviews", headers=other, json={"position": 0, "status": "confirmed"})).status_code == 404
    for position in (0, 1):
        done = await client.post(
            f"{base}/reviews", headers=second, json={"position": position, "status": "dismissed", "note": "重复核查"}
        )
        assert done.status_code == 200, done.text
        assert done.json()["review_status"] == "dismissed"
    state = await client.get(f"{base}/review", headers=inspector)
    assert state.status_code == 200 and [f["review_status"] for f in state.json()["findings"]] == ["dismissed", "dismissed"]

    by_importer = await client.post(f"{base}/approve", headers=importer)
    assert by_importer.status_code == 400 and separation() in by_importer.json()["errors"]["run"]
    approved = await client.post(f"{base}/approve", headers=second)
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    again = await client.post(f"{base}/reviews", headers=second, json={"position": 0, "status": "confirmed"})
    assert again.status_code == 400 and again.json()["errors"]["run"] == await read_only(run_id)
