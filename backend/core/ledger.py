"""Tamper-evident, append-only ledgers: each row carries the sha256 of the previous row.

A ledger is a table with ``seq``, ``prev_hash`` and ``hash`` columns, registered here with the
columns that are hashed. The canonical form of a row is compact JSON with sorted keys; the hash
of row n is sha256(prev_hash + canonical(row n)). Appending first updates the ledger's row in
``ledger_head`` (a row lock on PostgreSQL/CockroachDB, the write lock on SQLite), so concurrent
writers queue up instead of forking the chain. ``tekun audit verify`` recomputes every chain and
names the first row whose stored hash no longer matches its content, or a gap in the sequence.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from piccolo.columns import Boolean

from backend.core.tables import AuditEntry, LedgerHead

AUDIT = "audit"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(payload)).encode("utf-8")).hexdigest()


def utc_text(moment: datetime) -> str:
    """The timestamp as hashed: UTC, microseconds, no dependence on how the database prints it.

    Only an aware datetime has one instant (a naive one would be read in the machine's zone), so
    a naive one is refused, and so is one that has no UTC time in years 1..9999. The year always
    has four digits (what ``strftime("%Y")`` writes from year 1000 on, so no stored hash changes);
    the application itself only holds years dates.FIRST_YEAR..LAST_YEAR."""
    if moment.utcoffset() is None:
        raise ValueError(f"a ledger timestamp must carry its time zone: {moment.isoformat()}")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"a ledger timestamp must have a UTC time in years 1..9999: {moment.isoformat()}") from exc
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}.{utc.microsecond:06d}Z"


async def reserve(ledger: str, count: int) -> tuple[int, str]:
    """Reserve ``count`` sequence numbers; returns (first seq, hash of the row before it).

    Must run inside the caller's write transaction: the UPDATE locks the head row until commit.
    """
    await LedgerHead.raw(
        "INSERT INTO ledger_head (name, seq, last_hash) VALUES ({}, 0, '') ON CONFLICT (name) DO NOTHING",
        ledger,
    )
    rows = await LedgerHead.raw(
        "UPDATE ledger_head SET seq = seq + {} WHERE name = {} RETURNING seq, last_hash",
        count,
        ledger,
    )
    last_seq = int(rows[0]["seq"])
    return last_seq - count + 1, rows[0]["last_hash"]


async def set_head(ledger: str, last_hash: str) -> None:
    await LedgerHead.update({LedgerHead.last_hash: last_hash}).where(LedgerHead.name == ledger)


@dataclass(frozen=True)
class LedgerSpec:
    """An append-only, hash-chained table: its ledger name and the columns that are hashed.

    ``optional`` names columns added after rows were sealed, with their default: such a column is
    hashed only when its value differs from the default, so the rows sealed before it existed
    keep their hash, and a later change of the value either way breaks the chain. The set-based
    ``chain_tuples`` writes only ``fields`` (its rows take the defaults)."""

    name: str
    table: type
    fields: tuple[str, ...]
    optional: tuple[tuple[str, Any], ...] = ()
    # A column that splits the table into one chain per value (the safety ledger: one per home).
    # Each chain has its own head row ``<name>:<value>`` and its own sequence from 1, so writers
    # of different homes never wait for each other.
    partition: str | None = None

    def head_name(self, value: Any = None) -> str:
        return self.name if self.partition is None else f"{self.name}:{value}"


LEDGERS: dict[str, LedgerSpec] = {}


def register_ledger(spec: LedgerSpec) -> LedgerSpec:
    LEDGERS[spec.name] = spec
    return spec


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _payload(spec: LedgerSpec, row: dict[str, Any]) -> dict[str, Any]:
    payload = {"seq": int(row["seq"])}
    for name in spec.fields:
        value = row[name]
        if isinstance(getattr(spec.table, name), Boolean) and value is not None:
            value = bool(value)
        payload[name] = _normalise(value)
    for name, default in spec.optional:
        value = row.get(name, default)
        if isinstance(getattr(spec.table, name), Boolean) and value is not None:
            value = bool(value)
        if value != default:
            payload[name] = _normalise(value)
    return payload


_JSON_STR = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str
_NONE = type(None)
# Value types whose JSON text the fast path writes itself. No value of one of them equals a value
# of another (so one text per distinct value is safe), except True == 1: a column holding both
# bool and int values takes the slow path.
_PLAIN = frozenset({_NONE, str, int, bool, date, datetime})


def _json_text(value: Any) -> str:
    """What ``canonical`` writes for a plain value (None, str, int, bool) once normalised."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is int:
        return int.__repr__(value)
    return _JSON_STR(value)


def _column_texts(values: tuple, boolean: bool) -> list[str] | str | None:
    """The JSON text of each value of one column, as ``canonical(_payload(...))`` writes it (one
    str when every value has the same text), or None when a value is not plain (the rows are then
    encoded one by one by ``canonical``)."""
    types = set(map(type, values))
    if not types <= _PLAIN or (int in types and bool in types):
        return None
    if types == {int} and not boolean:
        return list(map(int.__repr__, values))
    distinct = dict.fromkeys(values)
    if boolean:  # _payload: bool(value), None stays None
        texts = {value: "null" if value is None else "true" if value else "false" for value in distinct}
    else:
        texts = {}
        for value in distinct:
            if value.__class__ is datetime:
                # Aware datetimes in one zone compare equal across a DST fold while their UTC
                # text differs: only UTC values (as the application writes them) are shared.
                if value.tzinfo is not UTC:
                    return None
                texts[value] = _JSON_STR(utc_text(value))
            elif value.__class__ is date:
                texts[value] = _JSON_STR(value.isoformat())
            else:
                texts[value] = _json_text(value)
    if len(texts) == 1:
        return next(iter(texts.values()))
    return list(map(texts.__getitem__, values))


def chain_tuples(spec: LedgerSpec, rows: list[tuple], first_seq: int, prev_hash: str) -> list[tuple]:
    """Hash-chain rows given as tuples in ``spec.fields`` order: each becomes
    ``(*values, seq, prev_hash, hash)`` with exactly the hash ``append_rows`` computes
    (``chain_hash(prev_hash, _payload(spec, row))``), several times faster, for bulk imports.

    The canonical text is a template of the sorted keys filled with each value's JSON text, which
    is what ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` writes for
    None, bool, int and str, after ``_payload``'s normalisation (Boolean columns as bools, dates
    and times as text). The texts are made column by column, once per distinct value; a column
    with one text for every row is written into the template. When a column holds any other kind
    of value (a float, a subclass, a datetime outside UTC…), every row is encoded by ``canonical``
    itself. ``tests/unit/test_import_speed_ledger.py`` checks the identity against ``canonical``
    on generated rows; ``tekun audit verify`` recomputes it."""
    if not rows:
        return []
    count = len(rows)
    seqs = range(first_seq, first_seq + count)
    by_key: dict[str, list[str] | str] = {"seq": list(map(int.__repr__, seqs))}
    for name, values in zip(spec.fields, zip(*rows, strict=True), strict=True):
        texts = _column_texts(values, isinstance(getattr(spec.table, name), Boolean))
        if texts is None:
            return _chain_slowly(spec, rows, seqs, prev_hash)
        by_key[name] = texts
    pieces, variable = [], []
    for key in sorted(by_key):
        texts = by_key[key]
        if isinstance(texts, str):
            pieces.append((_JSON_STR(key) + ":" + texts).replace("%", "%%"))
        else:
            pieces.append(_JSON_STR(key).replace("%", "%%") + ":%s")
            variable.append(texts)
    # The first "%s" is the previous hash, which the hashed text starts with.
    template = "%s{" + ",".join(pieces) + "}"
    sha256 = hashlib.sha256
    chained = []
    for values, seq, texts in zip(rows, seqs, zip(*variable, strict=True), strict=True):
        row_hash = sha256((template % (prev_hash, *texts)).encode("utf-8")).hexdigest()
        chained.append((*values, seq, prev_hash, row_hash))
        prev_hash = row_hash
    return chained


def _chain_slowly(spec: LedgerSpec, rows: list[tuple], seqs: range, prev_hash: str) -> list[tuple]:
    chained = []
    for seq, values in zip(seqs, rows, strict=True):
        row_hash = chain_hash(prev_hash, _payload(spec, {"seq": seq, **dict(zip(spec.fields, values, strict=True))}))
        chained.append((*values, seq, prev_hash, row_hash))
        prev_hash = row_hash
    return chained


async def append_rows(spec: LedgerSpec, rows: list[dict[str, Any]], batch: int = 1000) -> list[dict[str, Any]]:
    """Chain and insert ``rows`` (dicts of column values) in the caller's transaction."""
    if not rows:
        return rows
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[spec.partition] if spec.partition else None, []).append(row)
    for value in sorted(groups, key=str):  # one order for every writer: no deadlock between two
        group = groups[value]
        head = spec.head_name(value)
        first_seq, prev_hash = await reserve(head, len(group))
        for offset, row in enumerate(group):
            row["seq"] = first_seq + offset
            row["prev_hash"] = prev_hash
            row["hash"] = prev_hash = chain_hash(prev_hash, _payload(spec, row))
        await set_head(head, prev_hash)
    table = spec.table
    for start in range(0, len(rows), batch):
        await table.insert(*[table(**row) for row in rows[start : start + batch]])
    return rows


@dataclass(frozen=True)
class Change:
    """One audited event, before it is chained."""

    action: str
    entity: str
    entity_key: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


AUDIT_LEDGER = register_ledger(
    LedgerSpec(AUDIT, AuditEntry, ("at", "actor_id", "actor", "action", "entity", "entity_key", "before", "after"))
)


async def append_audit(actor_id: int | None, actor: str, changes: list[Change]) -> None:
    """Append audit rows for ``changes``, chained, in the caller's transaction."""
    now = datetime.now(UTC)
    await append_rows(
        AUDIT_LEDGER,
        [
            {
                "at": now,
                "actor_id": actor_id,
                "actor": actor,
                "action": change.action,
                "entity": change.entity,
                "entity_key": change.entity_key,
                "before": canonical(change.before) if change.before is not None else "",
                "after": canonical(change.after) if change.after is not None else "",
            }
            for change in changes
        ],
        batch=500,
    )


@dataclass(frozen=True)
class Break:
    ledger: str
    seq: int
    row_id: int | None
    reason: str


async def verify_ledger(spec: LedgerSpec, batch: int = 5000) -> Break | None:
    """Recompute one ledger (every chain of a partitioned one); the first broken link, or None."""
    if spec.partition is None:
        return await _verify_chain(spec, spec.name, None, batch)
    column = getattr(spec.table, spec.partition)
    values = {row[spec.partition] for row in await spec.table.select(column).distinct()}
    prefix = spec.name + ":"
    heads = await LedgerHead.select(LedgerHead.name).where(LedgerHead.name.like(prefix + "%"))
    names = {spec.head_name(value): value for value in values}
    for head in heads:  # a head whose rows were all deleted is a break too
        rest = head["name"][len(prefix) :]
        names.setdefault(head["name"], int(rest) if rest.isdigit() else rest)
    for name in sorted(names):
        broken = await _verify_chain(spec, name, names[name], batch)
        if broken is not None:
            return broken
    return None


async def _verify_chain(spec: LedgerSpec, name: str, value: Any, batch: int) -> Break | None:
    table = spec.table
    prev_hash = ""
    expected_seq = 1
    last_seq = 0
    while True:
        query = table.select().where(table.seq >= expected_seq)
        if spec.partition is not None:
            query = query.where(getattr(table, spec.partition) == value)
        rows = await query.order_by(table.seq).limit(batch)
        if not rows:
            break
        for row in rows:
            seq = int(row["seq"])
            if seq != expected_seq:
                return Break(name, expected_seq, None, f"row with seq {expected_seq} is missing")
            if row["prev_hash"] != prev_hash:
                return Break(name, seq, row["id"], "prev_hash does not match the previous row")
            if chain_hash(prev_hash, _payload(spec, row)) != row["hash"]:
                return Break(name, seq, row["id"], "content does not match its hash")
            prev_hash = row["hash"]
            expected_seq = seq + 1
            last_seq = seq
    head = await LedgerHead.select().where(LedgerHead.name == name).first()
    if head is not None:
        if int(head["seq"]) != last_seq:
            return Break(name, last_seq + 1, None, f"rows after seq {last_seq} are missing")
        if head["last_hash"] != prev_hash:
            return Break(name, last_seq, None, "the ledger head does not match the last row")
    return None


async def verify_all() -> Break | None:
    """Every registered ledger, in name order; the first break found."""
    for name in sorted(LEDGERS):
        broken = await verify_ledger(LEDGERS[name])
        if broken is not None:
            return broken
    return None


async def recent_audit(limit: int = 200) -> list[dict[str, Any]]:
    """The newest audit rows first (for the administrator's audit page)."""
    return await AuditEntry.select().order_by(AuditEntry.seq, ascending=False).limit(limit)


async def search_audit(
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """Audit rows newest first, by who (the username recorded), what (the action) and when
    (``since`` <= at < ``until``, aware instants); with how many rows match in all."""
    conditions = []
    if actor:
        conditions.append(AuditEntry.actor == actor)
    if action:
        conditions.append(AuditEntry.action == action)
    if since is not None:
        conditions.append(AuditEntry.at >= since)
    if until is not None:
        conditions.append(AuditEntry.at < until)
    rows = AuditEntry.select().order_by(AuditEntry.seq, ascending=False).offset(offset).limit(limit)
    count = AuditEntry.count()
    for condition in conditions:
        rows = rows.where(condition)
        count = count.where(condition)
    return await rows, await count
