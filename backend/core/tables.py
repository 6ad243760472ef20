"""Core tables: the audit log and the heads of the tamper-evident ledgers."""

from piccolo.columns import BigInt, Date, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class LedgerHead(Table):
    """The last link of each hash-chained ledger: its sequence number and hash.

    Appending to a ledger first updates this row, which serialises concurrent writers
    (a row lock on PostgreSQL/CockroachDB, the write lock on SQLite).
    """

    name = Varchar(length=64, unique=True)
    seq = BigInt(default=0)
    last_hash = Varchar(length=64, default="")


class AuditEntry(Table):
    """One write (or a view/export of personal data): who, when, what, before and after.

    Append-only; each row carries the hash of the previous one (see core/ledger.py).
    """

    seq = BigInt(unique=True, index=True)
    at = Timestamptz()
    actor_id = Integer(null=True, default=None)
    actor = Varchar(length=150)
    action = Varchar(length=100, index=True)
    entity = Varchar(length=50)
    entity_key = Varchar(length=200, index=True)
    before = Text(default="")
    after = Text(default="")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class ProcessLock(Table):
    """A named lock held by one process with a heartbeat (the single scheduler instance).

    A lock whose heartbeat is older than its staleness limit may be taken over, so a crashed
    scheduler does not block its replacement. Works the same on SQLite, PostgreSQL and
    CockroachDB (no advisory locks).
    """

    name = Varchar(length=64, unique=True)
    holder = Varchar(length=200, default="")
    heartbeat_at = Timestamptz()


class CalendarDay(Table):
    """A day that breaks the Monday–Friday rule: a public holiday (``holiday``) or a make-up
    working day on a weekend (``workday``, 调休上班). Imported as the ``calendar`` exchange file."""

    day = Date(unique=True, index=True)
    kind = Varchar(length=10)
    name = Varchar(length=50, default="")


class JobRun(Table, tablename="job_run"):
    """One run of a scheduled job for one period (``UNIQUE(job, period)``): the scheduler's ledger
    of what it has done, so a period is never run twice and, on start, every period missed while it
    was down is run, oldest first (scheduler/runs.py). ``status``: ``running``, ``done``, ``failed``
    (a failed period is tried again)."""

    job = Varchar(length=64)
    period = Varchar(length=32)
    status = Varchar(length=12, default="running")
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=1)
    detail = Text(default="")
