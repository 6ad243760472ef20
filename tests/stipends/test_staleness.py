"""The stale check reads the audit position first (staleness.py): no audited write that may change
inputs since the run, no reload; otherwise the fingerprint is taken again and kept until the
next such write. A change made behind the application's back (SQL by hand, no audit entry) is
what makes the two paths visible here: the quick path cannot see it, a reload does."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

from backend.core.tables import AuditEntry
from backend.stipends import reports, services, staleness
from backend.stipends.tables import ReconciliationRun, StipendLine
from tests.stipends.helpers import SYSTEM, import_lines, import_standard, person

JUNE = date(2026, 6, 1)
BACKEND = Path(__file__).resolve().parents[2] / "backend"


async def clean_month(world) -> dict:
    """A county whose one person is paid exactly the standard in June: no finding."""
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    paid = await person(county, home)
    ref = f"ST-{county}-1"
    await import_lines([[ref, paid["id_number"], paid["name"], county, "2026-06", "600", "300"]])
    run = await services.reconcile(SYSTEM, county, JUNE)
    assert run.findings == []
    return {"county": county, "ref": ref, "run_id": run.run_id, "paid": paid}


async def behind_the_back(ref: str, care_fen: int) -> None:
    """Change a line's amount by hand: no service, no audit entry."""
    await StipendLine.update({StipendLine.care_amount: care_fen}).where(StipendLine.payment_ref == ref)


async def an_audited_write_elsewhere(world) -> None:
    """An audited write that changes nothing the June run of the county read."""
    await import_standard(await world.county())


async def test_a_run_stores_the_audit_position_it_read_its_inputs_at(world):
    county = await world.county()
    await import_standard(county)
    position = await staleness.audit_position()
    run = await services.reconcile(SYSTEM, county, JUNE)
    row = await ReconciliationRun.select().where(ReconciliationRun.run_id == run.run_id).first()
    assert row["inputs_seq"] == position
    own = await AuditEntry.select(AuditEntry.seq, AuditEntry.action).where(AuditEntry.entity_key == run.run_id).first()
    assert own["seq"] > position and own["action"] in staleness.HARMLESS_ACTIONS
    assert await staleness.last_input_change() <= position  # the run's own entry does not count


async def test_without_an_audited_write_since_the_run_nothing_is_reloaded(world):
    m = await clean_month(world)
    await behind_the_back(m["ref"], 50000)
    assert await services.is_stale(SYSTEM, m["run_id"]) is False  # nothing audited since: not reloaded
    await services.get_report(SYSTEM, m["run_id"], audit=True)  # "reconcile.view": changes no input
    assert await services.is_stale(SYSTEM, m["run_id"]) is False
    await an_audited_write_elsewhere(world)  # may have changed inputs: the fingerprint is taken again
    assert await services.is_stale(SYSTEM, m["run_id"]) is True


async def test_the_fingerprint_taken_again_is_kept_until_the_next_audited_write(world):
    m = await clean_month(world)
    await an_audited_write_elsewhere(world)
    assert await services.is_stale(SYSTEM, m["run_id"]) is False  # taken again: the same
    await behind_the_back(m["ref"], 50000)
    assert await services.is_stale(SYSTEM, m["run_id"]) is False  # the kept one: no audited write since
    await an_audited_write_elsewhere(world)
    assert await services.is_stale(SYSTEM, m["run_id"]) is True
    await behind_the_back(m["ref"], 30000)
    await an_audited_write_elsewhere(world)
    assert await services.is_stale(SYSTEM, m["run_id"]) is False  # the inputs are what the run read


async def test_concurrent_checks_agree(world):
    m = await clean_month(world)
    await behind_the_back(m["ref"], 50000)
    await an_audited_write_elsewhere(world)
    answers = await asyncio.gather(*(services.is_stale(SYSTEM, m["run_id"]) for _ in range(12)))
    assert answers == [True] * 12


async def test_a_run_made_before_the_position_was_kept_is_always_checked_against_the_data(world):
    m = await clean_month(world)
    await ReconciliationRun.update({ReconciliationRun.inputs_seq: None}).where(ReconciliationRun.run_id == m["run_id"])
    await behind_the_back(m["ref"], 50000)
    assert await services.is_stale(SYSTEM, m["run_id"]) is True  # with its position, it would not have been reloaded


async def test_the_dashboard_and_the_run_agree(world):
    m = await clean_month(world)
    paid = m["paid"]
    await import_lines([[m["ref"], paid["id_number"], paid["name"], m["county"], "2026-06", "600", "500"]])  # a corrected line
    data = await reports.dashboard(SYSTEM, m["county"])
    assert [(row["month"], row["stale"]) for row in data["runs"]] == [("2026-06", True)]
    assert [row["stale"] for row in data["rows"]] == [True]
    assert (await services.get_run(SYSTEM, m["run_id"])).stale is True


def test_every_harmless_action_is_an_action_the_code_records():
    """A typo here would make a write look harmless."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in BACKEND.rglob("*.py") if path.name != "staleness.py")
    recorded = set(re.findall(r'"([a-z_]+\.[a-z_]+)"', source))
    assert staleness.HARMLESS_ACTIONS <= recorded, staleness.HARMLESS_ACTIONS - recorded
