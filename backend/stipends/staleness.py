"""Is a stored run stale? Answered by reading only, and most of the time without reloading its
inputs (the county stipends page checks every run of twelve months on each view).

A run stores the fingerprint of its inputs (``reconciliation.py``) and ``inputs_seq``, the audit
ledger's last sequence number when it read them. Every write use case appends its audit entries
in its own transaction (docs/architecture.md, "Writes go through services"), and audit sequence
numbers are handed out in commit order (the ledger head row is locked until commit). So:

1. One small query finds the newest audit entry whose action may change a run's inputs (not a
   view, an export, a sign-in, a review: ``HARMLESS_ACTIONS``). A run whose ``inputs_seq`` is at
   or after it has seen every write there has been: not stale.
2. Otherwise the fingerprint is taken again from the data as it is now, in a read-only snapshot
   together with that audit position, and compared with the run's. The process keeps it (by
   county, month and source) until a newer such entry appears, so the next view reloads nothing;
   concurrent requests for the same county-month wait for one computation instead of each
   making their own.

A change made behind the application's back (SQL by hand, no audit entry) is not seen by step
1; ``tekun reconcile`` again after such a repair.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from backend.core import db
from backend.core.tables import AuditEntry
from backend.stipends import reconciliation

# Audit actions that never change what a reconciliation reads (lines, register, placements,
# assessments, deaths, standards, parameters). An action missing here only costs a reload.
HARMLESS_ACTIONS = frozenset(
    {
        "reconcile.run",
        "reconcile.view",
        "reconcile.approve",
        "finding.review",
        "claim.check",
        "claim.approve",
        "resident.view_id",
        "resident.capability",
        "resident.condition_change",
        "stipends.recovery_export",
        "death.export",
        "death.notice_seen",
        "user.login",
        "user.create",
        "user.role",
        "user.password",
        "token.create",
    }
)

_KEEP = 4096  # county-months remembered per process
_known: dict[tuple[int, date, str], tuple[int, str]] = {}  # key → (valid from audit seq, fingerprint)
_computing: dict[tuple[int, date, str], tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}


async def audit_position() -> int:
    """The audit ledger's last sequence number (0 when empty): what a new run stores."""
    row = await AuditEntry.select(AuditEntry.seq).order_by(AuditEntry.seq, ascending=False).first()
    return int(row["seq"]) if row else 0


async def last_input_change() -> int:
    """The sequence number of the newest audit entry that may have changed a run's inputs (0:
    none). Reads the ledger backwards by its ``seq`` index, up to the first such entry."""
    row = await (
        AuditEntry.select(AuditEntry.seq)
        .where(AuditEntry.action.not_in(sorted(HARMLESS_ACTIONS)))
        .order_by(AuditEntry.seq, ascending=False)
        .first()
    )
    return int(row["seq"]) if row else 0


async def _fingerprint_now(county_id: int, month: date, source: str) -> tuple[int, str]:
    """(the audit position it is valid at, the fingerprint a run would store now), from one
    snapshot (inside a write transaction: that transaction's view)."""
    async with db.reading():
        position = await last_input_change()
        inputs = await reconciliation.load([county_id], month, source)
    return position, inputs[county_id].fingerprint


def _lock(key: tuple[int, date, str]) -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    held = _computing.get(key)
    if held is None or held[0] is not loop:
        if len(_computing) >= _KEEP:
            _computing.clear()
        held = _computing[key] = (loop, asyncio.Lock())
    return held[1]


async def current_fingerprint(county_id: int, month: date, source: str, changed_at: int | None = None) -> str:
    """The fingerprint of the county-month's inputs as they are now. ``changed_at``: the value
    of ``last_input_change()`` if the caller has it."""
    key = (county_id, month, source)
    if db.in_write_transaction():
        # Its view may hold its own uncommitted writes (a sequence number that a rollback hands
        # out again): computed, never remembered.
        return (await _fingerprint_now(*key))[1]
    if changed_at is None:
        changed_at = await last_input_change()
    async with _lock(key):
        known = _known.get(key)
        if known is None or known[0] < changed_at:
            known = await _fingerprint_now(*key)
            if len(_known) >= _KEEP:
                _known.clear()
            _known[key] = known
    return known[1]


async def stale_runs(runs: list[dict[str, Any]]) -> dict[int, bool]:
    """Run id → stale, for rows with ``id``, ``county``, ``month``, ``source``, ``fingerprint``
    and ``inputs_seq``."""
    changed_at = await last_input_change()
    out: dict[int, bool] = {}
    for run in runs:
        if run["inputs_seq"] is not None and run["inputs_seq"] >= changed_at:
            out[run["id"]] = False
        else:
            now = await current_fingerprint(run["county"], run["month"], run["source"], changed_at)
            out[run["id"]] = now != run["fingerprint"]
    return out


async def is_stale(run: dict[str, Any]) -> bool:
    return (await stale_runs([run]))[run["id"]]
