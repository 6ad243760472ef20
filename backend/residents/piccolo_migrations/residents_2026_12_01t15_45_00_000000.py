"""Issue 10, assessment authority (domain rules §2): only the county's assessments set the tier.

1. "The tier in force on a day" reads the county's assessments only: the covering index is now
   (resident, authority, assessed_on, seq, tier), a backward seek with ``authority = 'county'``
   fixed; it replaces (resident, assessed_on, seq, tier), whose prefix it keeps.
2. The assessments recorded by directors before this release (``recorded_by`` a user whose role
   is ``director``, read from the accounts table) become the home's care observations
   (``authority = 'home'``). The authority is hashed when it is not ``county``
   (``LedgerSpec.optional``), so the chain is re-sealed from the first row reclassified; an audit
   record keeps the old and the new head hash and the ids reclassified. Re-assessment tasks that
   such a row had closed are reopened (and closed again by a later county assessment, if any);
   the tier cache of every person concerned is recomputed.
"""

from __future__ import annotations

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

from backend.core.ledger import Change, append_audit, chain_hash, utc_text

ID = "2026-12-01T15:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "assessment: index (resident, authority, assessed_on, seq, tier); directors' assessments become observations"

# The hashed columns of the assessment ledger as they are at this migration (frozen here, so that
# a later column does not change what this migration computes), with the Boolean ones.
_FIELDS = (
    "resident",
    "assessed_on",
    "eat",
    "dress",
    "transfer",
    "toilet",
    "walk",
    "bathe",
    "tier",
    "assessor",
    "reason",
    "corrects",
    "recorded_at",
    "recorded_by",
)
_BOOLEANS = frozenset({"eat", "dress", "transfer", "toilet", "walk", "bathe"})


class RawSQL(Table, tablename="assessment", schema=None):
    pass


def _ints(values) -> str:
    return ",".join(str(int(value)) for value in values) or "0"


def _payload(row: dict) -> dict:
    from datetime import date, datetime

    payload = {"seq": int(row["seq"])}
    for name in _FIELDS:
        value = row[name]
        if name in _BOOLEANS and value is not None:
            value = bool(value)
        if isinstance(value, datetime):
            value = utc_text(value)
        elif isinstance(value, date):
            value = value.isoformat()
        payload[name] = value
    if row["authority"] != "county":
        payload["authority"] = row["authority"]
    return payload


async def _rows_from(seq: int) -> list[dict]:
    """The assessment rows from ``seq`` on, typed as the table declares them."""
    from backend.residents.tables import Assessment

    return await Assessment.select(*[getattr(Assessment, name) for name in (*_FIELDS, "authority", "id", "seq", "hash")]).where(
        Assessment.seq >= seq
    ).order_by(Assessment.seq)


async def reclassify() -> list[int]:
    """Directors' assessments become observations; returns the ids reclassified."""
    if not (await RawSQL.raw("SELECT COUNT(*) AS n FROM assessment"))[0]["n"]:
        return []  # a fresh database (the accounts tables may not exist yet)
    rows = await RawSQL.raw(
        "SELECT a.id, a.seq, a.resident FROM assessment a WHERE a.authority = 'county' AND a.recorded_by IN "
        "(SELECT u.username FROM tekun_user u WHERE u.role = 'director') ORDER BY a.seq"
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    residents = sorted({row["resident"] for row in rows})
    first_seq = int(rows[0]["seq"])
    head = await RawSQL.raw("SELECT last_hash FROM ledger_head WHERE name = 'assessment'")
    old_head = head[0]["last_hash"] if head else ""
    await RawSQL.raw(f"UPDATE assessment SET authority = 'home' WHERE id IN ({_ints(ids)})")
    before = await RawSQL.raw("SELECT hash FROM assessment WHERE seq = {}", first_seq - 1)
    prev_hash = before[0]["hash"] if before else ""
    for row in await _rows_from(first_seq):
        row_hash = chain_hash(prev_hash, _payload(row))
        await RawSQL.raw("UPDATE assessment SET prev_hash = {}, hash = {} WHERE id = {}", prev_hash, row_hash, row["id"])
        prev_hash = row_hash
    await RawSQL.raw("UPDATE ledger_head SET last_hash = {} WHERE name = 'assessment'", prev_hash)
    # Tasks a director's row had closed are open again, unless a county assessment closes them.
    listed = _ints(ids)
    await RawSQL.raw(f"UPDATE reassessment_task SET done_on = NULL, assessment = NULL WHERE assessment IN ({listed})")
    for task in await RawSQL.raw(
        f"SELECT id, resident, reported_on FROM reassessment_task WHERE done_on IS NULL AND cancelled_on IS NULL"
        f" AND resident IN ({_ints(residents)})"
    ):
        done = await RawSQL.raw(
            "SELECT id, assessed_on FROM assessment WHERE resident = {} AND authority = 'county' AND assessed_on >= {}"
            " ORDER BY assessed_on, seq LIMIT 1",
            task["resident"],
            task["reported_on"],
        )
        if done:
            await RawSQL.raw(
                "UPDATE reassessment_task SET done_on = {}, assessment = {} WHERE id = {}",
                done[0]["assessed_on"],
                done[0]["id"],
                task["id"],
            )
    await recompute_tiers(residents)
    await append_audit(
        None,
        "migration",
        [
            Change(
                "assessment.reclassify",
                "ledger",
                "assessment",
                {"old_head": old_head},
                {"new_head": prev_hash, "reclassified": ids},
            )
        ],
    )
    return ids


async def recompute_tiers(residents: list[int]) -> None:
    """The tier cache of these persons from their county assessments (``refresh_state``'s rule:
    the latest by date, then sequence)."""
    latest = (
        "(SELECT a.{column} FROM assessment a WHERE a.resident = resident.id AND a.authority = 'county'"
        " ORDER BY a.assessed_on DESC, a.seq DESC LIMIT 1)"
    )
    await RawSQL.raw(
        f"UPDATE resident SET tier = COALESCE({latest.format(column='tier')}, 'unassessed'),"
        f" last_assessed_on = {latest.format(column='assessed_on')} WHERE id IN ({_ints(residents)})"
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="residents", description=DESCRIPTION)

    async def run():
        await RawSQL.raw(
            "CREATE INDEX IF NOT EXISTS assessment_county_in_force ON assessment (resident, authority, assessed_on, seq, tier)"
        )
        await RawSQL.raw("DROP INDEX IF EXISTS assessment_resident_in_force")
        await reclassify()

    async def run_backwards():
        await RawSQL.raw(
            "CREATE INDEX IF NOT EXISTS assessment_resident_in_force ON assessment (resident, assessed_on, seq, tier)"
        )
        await RawSQL.raw("DROP INDEX IF EXISTS assessment_county_in_force")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
