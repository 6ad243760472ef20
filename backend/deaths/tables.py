"""Deaths tables: the death records (an append-only, hash-chained ledger; a correction is a new
record naming the one it corrects), the county's notices of late reports and who has read each,
and the county's funeral subsidy amounts with their effective dates (domain-rules §7)."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.core.ledger import LedgerSpec, register_ledger
from backend.registry.tables import County, Home
from backend.residents.tables import Resident


class DeathRecord(Table):
    """A death report (死亡报告) or a correction of one. The record in force for a person is their
    latest (highest ``seq``). ``reported_at`` is set by the server at the first report (or taken
    from an imported file); corrections keep it. Hours to report, the deadline and ``late`` are
    computed against the county parameters in force on the day of death."""

    resident = ForeignKey(references=Resident, on_delete=OnDelete.restrict, index=True)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, null=True, default=None)  # home at death
    died_at = Timestamptz()
    died_on = Date(index=True)  # local date of death
    time_known = Boolean(default=True)  # False: only the date was given (counted from 00:00)
    reported_at = Timestamptz()
    place = Varchar(length=200, default="")
    cause = Varchar(length=200, default="")
    certificate_no = Varchar(length=50, default="")
    reporter = Varchar(length=100, default="")
    deadline_hours = Integer()
    minutes_to_report = Integer()
    late = Boolean(default=False, index=True)
    last_entitled_month = Date()
    funeral_arrangements = Varchar(length=500, default="")
    funeral_subsidy = Integer(default=0)  # fen, the county amount in force on the day of death
    source = Varchar(length=10, default="form")  # form / import
    corrects = Integer(null=True, default=None)  # id of the record this one corrects
    reason = Varchar(length=300, default="")  # why a correction was made
    recorded_at = Timestamptz()
    recorded_by = Varchar(length=150)
    seq = Integer(unique=True)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class LateNotice(Table):
    """An in-app notice to the county: a death was reported after the deadline. Each user who may
    view deaths reads it for themselves (``DeathNoticeRead``); ``seen_at`` / ``seen_by`` keep the
    first reader (before notices were read per user, the one who marked it for everyone)."""

    death_record = Integer(index=True)
    resident = ForeignKey(references=Resident, on_delete=OnDelete.restrict, index=True)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    created_at = Timestamptz()
    seen_at = Timestamptz(null=True, default=None)
    seen_by = Varchar(length=150, default="")


class DeathNoticeRead(Table):
    """A user has read a late-report notice: it no longer shows as unread for them (and only for
    them: the county's finance officer still sees it when an inspector has read it). One row per
    notice and user: a unique index (notice, user_id), made by a migration (Piccolo's composite
    constraints need ALTER TABLE ... ADD CONSTRAINT, which SQLite lacks)."""

    notice = ForeignKey(references=LateNotice, on_delete=OnDelete.restrict)  # indexed by the unique index
    user_id = Integer(index=True)  # accounts' user id (deaths never reads the accounts tables)
    read_at = Timestamptz()


class FuneralSubsidy(Table):
    """The county's funeral subsidy (丧葬补助) from ``effective_from`` on, in fen. A change is a new
    row; the amount for a death is the row in force on the day of death (the shipped default when
    the county set none)."""

    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    effective_from = Date()
    amount = Integer()
    created_at = Timestamptz()
    created_by = Varchar(length=150)


DEATH_LEDGER = register_ledger(
    LedgerSpec(
        "death_record",
        DeathRecord,
        (
            "resident",
            "county",
            "home",
            "died_at",
            "died_on",
            "time_known",
            "reported_at",
            "place",
            "cause",
            "certificate_no",
            "reporter",
            "deadline_hours",
            "minutes_to_report",
            "late",
            "last_entitled_month",
            "funeral_arrangements",
            "funeral_subsidy",
            "source",
            "corrects",
            "reason",
            "recorded_at",
            "recorded_by",
        ),
    )
)
