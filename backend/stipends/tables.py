"""Stipend tables: standards per county and month, payment and claim lines, reconciliation runs
and their findings. Money is integer fen."""

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.registry.tables import County, Home


class Standard(Table):
    """The county's monthly stipend standard from ``effective_from`` (a month's first day) on.

    The standard in force for month M is the row with the latest effective_from <= M
    (domain-rules §8). Natural key: county + effective_from (kept unique by the service).
    ``basic_floor``: legacy, the single floor of before issue 10 (still imported from old files,
    no longer checked); the floors are ``StipendFloor`` rows now (a migration turned the entered
    ones into absolute minima)."""

    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    effective_from = Date()
    basic_concentrated = Integer()
    basic_dispersed = Integer()
    care_concentrated_self_care = Integer()
    care_concentrated_partial = Integer()
    care_concentrated_full_loss = Integer()
    care_dispersed_self_care = Integer()
    care_dispersed_partial = Integer()
    care_dispersed_full_loss = Integer()
    basic_floor = Integer(null=True, default=None)
    area = Varchar(length=8, default="both")
    created_at = Timestamptz()
    created_by = Varchar(length=150)


class StipendFloor(Table):
    """A floor of the basic living amount the county entered (domain-rules §8, ``floor_rules``),
    in force from ``effective_from`` (a month's first day) until the next row of the same
    (county, kind, area, mode). ``kind``: ``dibao`` (``amount`` = the area's monthly 低保
    standard, ``ratio`` = the multiple), ``consumption`` (``amount`` = last year's annual
    per-capita consumption spending, ``ratio`` = the share) or ``minimum`` (``amount`` = an
    absolute annual minimum, per ``mode``). ``ratio`` per mille (1300 = 1.3); fen. ``source``:
    the document the county took the figure from (e.g. 甘民发〔2025〕12号). Natural key: county,
    kind, area, mode, effective_from (a second entry for it corrects the first, audited)."""

    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=12)
    area = Varchar(length=8)
    mode = Varchar(length=12, default="")
    amount = Integer()
    ratio = Integer(default=0)
    effective_from = Date()
    source = Varchar(length=200)
    created_at = Timestamptz()
    created_by = Varchar(length=150)


class StipendLine(Table):
    """One line of a disbursement list (``source`` = payments) or of a claim (claims).

    ``id_number`` and ``name`` are kept exactly as given (an invalid or unknown ID is a finding);
    ``id_key`` is the same number trimmed and upper-cased, used for matching. ``payment_ref`` is
    unique per source across all imports (unique index in a raw-SQL migration)."""

    source = Varchar(length=10, index=True)
    payment_ref = Varchar(length=64, index=True)
    id_number = Varchar(length=64)
    id_key = Varchar(length=64, index=True)
    name = Varchar(length=50)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    month = Date(index=True)
    basic_amount = Integer()
    care_amount = Integer()
    support_mode = Varchar(length=12, default="")
    home_code = Varchar(length=32, default="")
    imported_at = Timestamptz()
    imported_by = Varchar(length=150)


class ReconciliationRun(Table):
    """A stored reconciliation of one county, month and source, with its inputs' fingerprint
    (a later change of those inputs makes the run stale) and ``inputs_seq``, the audit ledger's
    last sequence number when the inputs were read (staleness.py: no write since, not stale;
    None for runs made before it was kept)."""

    run_id = Varchar(length=36, unique=True, index=True)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    month = Date(index=True)
    source = Varchar(length=10)
    fingerprint = Varchar(length=64)
    inputs_seq = BigInt(null=True, default=None)
    summary = Text()  # canonical JSON of the summary (interfaces §4)
    created_at = Timestamptz()
    created_by = Varchar(length=150)
    # Review: ``open`` while findings are reviewed; ``approved`` by a second finance user (not one
    # who imported the lines) makes the run and its findings read-only.
    state = Varchar(length=12, default="open", index=True)
    approved_at = Timestamptz(null=True, default=None)
    approved_by = Varchar(length=150, default="")


class Finding(Table):
    """One finding of a run (interfaces §4), in report order (``position``).

    ``facts``: what the finding rests on, as data (``rules.Facts.as_json``: amounts in fen, dates
    ISO, modes and tiers as keys), rendered in the reader's language by ``details.describe``.
    ``detail``: the English text runs stored before the facts were kept (empty for newer rows;
    a migration turned the old texts into facts)."""

    run = ForeignKey(references=ReconciliationRun, on_delete=OnDelete.cascade, index=True)
    position = Integer()
    code = Varchar(length=20, index=True)
    id_number = Varchar(length=64)
    name = Varchar(length=50)
    payment_ref = Varchar(length=64, null=True, default=None)
    expected = Integer()
    paid = Integer()
    difference = Integer()
    detail = Varchar(length=300, default="")
    facts = JSON(default="{}")
    # Review by finance: ``open``, ``confirmed`` (an overpayment to recover), ``explained`` (with a
    # note) or ``dismissed`` (with a reason).
    review_status = Varchar(length=12, default="open", index=True)
    review_note = Varchar(length=500, default="")
    reviewed_at = Timestamptz(null=True, default=None)
    reviewed_by = Varchar(length=150, default="")


class Claim(Table):
    """A home's monthly claim (申领), one version of it.

    Generated from the register for the director (``draft``), who checks and ``submitted`` it;
    submitting copies its lines into ``StipendLine`` (source ``claims``) so finance reconciles
    them with the same engine, then ``approved`` by finance (frozen). A correction is a new
    version; submitting it marks the previous one ``superseded`` and replaces its claim lines."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    month = Date(index=True)
    version = Integer(default=1)
    state = Varchar(length=12, default="draft", index=True)
    created_at = Timestamptz()
    created_by = Varchar(length=150)
    submitted_at = Timestamptz(null=True, default=None)
    submitted_by = Varchar(length=150, default="")
    approved_at = Timestamptz(null=True, default=None)
    approved_by = Varchar(length=150, default="")
    run_id = Varchar(length=36, default="")  # the reconciliation run finance checked it with
    superseded_at = Timestamptz(null=True, default=None)


class ClaimLine(Table):
    """A line of a claim: a stored copy of what the register said when it was generated (later
    register edits do not change it). ``payment_ref`` is the claim line's number."""

    claim = ForeignKey(references=Claim, on_delete=OnDelete.cascade, index=True)
    position = Integer()
    payment_ref = Varchar(length=64)
    resident_id = Integer()
    id_number = Varchar(length=64)
    name = Varchar(length=50)
    support_mode = Varchar(length=12)
    tier = Varchar(length=12)
    basic_amount = Integer()
    care_amount = Integer()
