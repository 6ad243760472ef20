"""Set-based reads and writes shared by the residents imports: look-ups by many keys in few
queries, and ledger rows appended chunk by chunk (fast at province scale)."""

from __future__ import annotations

import json
from typing import Any

from backend.core import bulk
from backend.core.db import is_sqlite
from backend.core.ledger import LedgerSpec, chain_tuples, reserve, set_head
from backend.residents.tables import Resident

# Keys per look-up query (one parameter: a JSON array on SQLite, an array on PostgreSQL): few
# round trips (on SQLite each read outside a transaction opens a connection).
LOOKUP = 50_000


async def append_ledger(spec: LedgerSpec, rows: list[tuple], chunk: int = 5000) -> int:
    """``ledger.append_rows`` (the same chaining: reserve, the same payload and hash, set_head)
    for rows given as tuples in ``spec.fields`` order, chained (``ledger.chain_tuples``) and
    written chunk by chunk (``bulk.insert_batches``), so that at province scale only a few chunks of full
    rows are in memory at a time. Returns the first sequence number."""
    if not rows:
        return 0
    first_seq, prev_hash = await reserve(spec.name, len(rows))
    columns = [*spec.fields, "seq", "prev_hash", "hash"]
    seq = first_seq

    def chained():
        nonlocal seq, prev_hash
        for part in bulk.chunks(rows, chunk):
            complete = chain_tuples(spec, part, seq, prev_hash)
            seq, prev_hash = seq + len(part), complete[-1][-1]
            yield complete

    await bulk.insert_batches(spec.table._meta.tablename, columns, chained())
    await set_head(spec.name, prev_hash)
    await bulk.analyse_after_bulk(spec.table._meta.tablename, len(rows))
    return first_seq


async def select_in(table, columns: tuple[str, ...], key: str, values: list, where: str = "", *args: Any) -> list[dict[str, Any]]:
    """``SELECT columns FROM table WHERE key IN (values) [AND where]``, in the caller's
    transaction if any. The keys go in as one parameter per query (SQLite: a JSON array read by
    json_each; PostgreSQL: an array for = ANY), so neither the ORM nor the driver handles a
    placeholder per key; both use the index on ``key``. ``where`` may use ``{}`` for ``args``."""
    found: list[dict[str, Any]] = []
    names = ", ".join(f'"{column}"' for column in columns)
    condition = f'"{key}" IN (SELECT value FROM json_each({{}}))' if is_sqlite() else f'"{key}" = ANY({{}})'
    sql = f'SELECT {names} FROM "{table._meta.tablename}" WHERE {condition}' + (f" AND {where}" if where else "")
    for chunk in bulk.chunks(values, LOOKUP):
        found += await table.raw(sql, json.dumps(chunk) if is_sqlite() else chunk, *args)
    return found


async def existing_residents(id_numbers: list[str]) -> dict[str, dict[str, Any]]:
    """The register's rows of these ID numbers (normalised), by ID number; no scope filter."""
    rows = await select_in(
        Resident,
        ("id", "id_number", "name", "county", "approved_on", "ended_on", "birth_date", "died_on", "area"),
        "id_number",
        id_numbers,
    )
    return {row["id_number"]: row for row in rows}
