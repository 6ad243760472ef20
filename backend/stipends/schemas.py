"""Stipend schemas (msgspec). ``ReconcileReport`` is the JSON document of interfaces.md §4:
its keys, their order and types are a promise to county IT; money is yuan text with two decimals."""

from __future__ import annotations

from datetime import date

import msgspec

from backend.registry.schemas import ImportResult


class StipendImportResult(ImportResult):
    """An import result with warnings that do not refuse the file (e.g. a basic standard below
    the county's floor)."""

    warnings: list[str] = []


class FloorKeyOut(msgspec.Struct):
    """A floor by its key: ``kind`` (dibao, consumption, minimum), ``area`` (urban, rural) and
    ``mode`` (concentrated, dispersed; "" except for minimum), with its name in words."""

    kind: str
    area: str
    mode: str
    name: str


class FloorIn(msgspec.Struct):
    """A floor of the basic living amount (domain-rules §8). ``amount`` in yuan: the monthly 低保
    standard (dibao), last year's annual per-capita consumption spending (consumption) or the
    annual minimum (minimum); ``ratio`` the multiple (dibao, e.g. "1.3") or the share
    (consumption, e.g. "0.6"), ignored for minimum; ``mode`` only for minimum; ``effective_from``
    ``YYYY-MM``; ``source`` the document the figure is taken from (required)."""

    kind: str
    area: str
    effective_from: str
    amount: str
    source: str
    mode: str = ""
    ratio: str = ""


class FloorOut(msgspec.Struct):
    """A floor as entered, with ``required_basic``: the lowest monthly basic amount (yuan) that
    meets it, and ``in_force`` today."""

    county_code: str
    kind: str
    area: str
    mode: str
    name: str
    effective_from: str  # YYYY-MM
    amount: str
    ratio: str | None
    source: str
    required_basic: str
    in_force: bool
    created_by: str


class FloorWarningOut(msgspec.Struct):
    """A basic amount below a floor (a warning, never a refusal): which floor, its source, the
    mode whose basic is short, from which month, the required and actual monthly basic and the
    gap (yuan a month), and the same in words (``message``)."""

    floor: FloorKeyOut
    source: str
    floor_from: str  # YYYY-MM: the floor's effective_from
    applies_from: str  # YYYY-MM: the first month the standard is below it
    mode: str
    basic: str
    required: str
    gap: str
    message: str


class StandardOut(msgspec.Struct):
    county_code: str
    effective_from: str  # YYYY-MM
    basic_concentrated: str
    basic_dispersed: str
    care_concentrated_self_care: str
    care_concentrated_partial: str
    care_concentrated_full_loss: str
    care_dispersed_self_care: str
    care_dispersed_partial: str
    care_dispersed_full_loss: str
    basic_floor: str | None = None  # legacy (the single floor of before issue 10), not checked
    below_floor: list[str] = []  # the modes whose basic is below a floor (floor_warnings)
    floor_warnings: list[FloorWarningOut] = []
    floors_not_checked: list[FloorKeyOut] = []  # not entered, so not checked
    area: str = "both"  # urban, rural or both (城市 / 农村 / 全部)


class SummaryOut(msgspec.Struct):
    lines: int
    paid: str
    expected: str
    overpaid: str
    underpaid: str
    findings: dict[str, int]


class FindingFacts(msgspec.Struct, omit_defaults=True):
    """What a finding rests on, as data (only the facts that matter for its code are present).
    Money in yuan with two decimals, dates ``YYYY-MM-DD``, months ``YYYY-MM``; modes
    (``concentrated``, ``dispersed``), tiers (``self_care``, ``partial``, ``full_loss``,
    ``unassessed``) and reasons are keys."""

    id_problem: str | None = None  # INVALID_ID: length, characters, birth_date, checksum
    other_payment_ref: str | None = None  # DUPLICATE_PAYMENT: the line that pays the person first
    died_on: str | None = None  # PAID_AFTER_DEATH: the date of death
    last_entitled_month: str | None = None  # PAID_AFTER_DEATH: the last month still owed
    reason: str | None = None  # NOT_ENTITLED: not_approved, ended or other_county
    approved_on: str | None = None  # NOT_ENTITLED (not_approved): the date of approval
    entitled_from: str | None = None  # NOT_ENTITLED (not_approved): the first month owed
    ended_on: str | None = None  # NOT_ENTITLED (ended): the day support ended
    registered_county: str | None = None  # NOT_ENTITLED (other_county): the county's code
    registered_county_name: str | None = None
    register_name: str | None = None  # NAME_MISMATCH: the name in the register
    register_mode: str | None = None  # the support mode the register says for the month
    register_tier: str | None = None  # the care tier the register says for the month
    paid_mode: str | None = None  # MODE_MISMATCH: the mode the line pays
    mode_evidence: str | None = None  # MODE_MISMATCH: named, home_code, basic or care
    register_area: str | None = None  # urban or rural: the person's area for the month
    paid_tier: str | None = None  # TIER_MISMATCH: the tier whose care amount the line pays
    assessed_before: str | None = None  # UNASSESSED: no assessment dated before this day
    expected_basic: str | None = None  # expected and paid, basic living and care, yuan
    expected_care: str | None = None
    paid_basic: str | None = None
    paid_care: str | None = None


class FindingOut(msgspec.Struct):
    code: str
    id_number: str
    name: str
    month: str
    payment_ref: str | None
    expected: str
    paid: str
    difference: str
    detail: str  # the facts as one line of English, for programs and logs
    facts: FindingFacts = msgspec.field(default_factory=FindingFacts)


class ReconcileReport(msgspec.Struct):
    county: str
    month: str
    run_id: str
    summary: SummaryOut
    findings: list[FindingOut]


class RunOut(msgspec.Struct):
    run_id: str
    county: str
    month: str
    source: str
    created_at: str
    created_by: str
    stale: bool | None  # None: not checked (listings)
    summary: SummaryOut


class ReconcileIn(msgspec.Struct):
    month: str = ""  # YYYY-MM (checked by the service, after the county's scope)
    source: str = "payments"


def month_first(value: date) -> date:
    return value.replace(day=1)


# --- review workflow and claims (appended) ----------------------------------------------------


class ReviewIn(msgspec.Struct):
    position: int = -1  # the finding's position in the run's report (0-based)
    status: str = ""  # confirmed, explained or dismissed
    note: str = ""  # required for explained and dismissed


class FindingReviewOut(msgspec.Struct):
    """A finding with its review (the review state and the run page): ID number masked, as
    everywhere but the run's report (``ReconcileReport``, audited)."""

    position: int
    code: str
    id_number_masked: str
    name: str
    payment_ref: str | None
    expected: str
    paid: str
    difference: str
    detail: str
    review_status: str
    review_note: str
    reviewed_at: str | None
    reviewed_by: str
    facts: FindingFacts = msgspec.field(default_factory=FindingFacts)


class RunReviewOut(msgspec.Struct):
    run_id: str
    county: str
    month: str
    source: str
    state: str  # open or approved
    approved_at: str | None
    approved_by: str
    stale: bool
    importers: list[str]
    findings: list[FindingReviewOut]


class ClaimLineOut(msgspec.Struct):
    position: int
    payment_ref: str
    resident_id: int
    id_number: str
    name: str
    support_mode: str
    tier: str
    basic_amount: str
    care_amount: str
    total: str


class ClaimOut(msgspec.Struct):
    id: int
    home_code: str
    home_name: str
    county_code: str
    month: str
    version: int
    state: str  # draft, submitted, approved, superseded
    created_at: str
    created_by: str
    submitted_at: str | None
    submitted_by: str
    approved_at: str | None
    approved_by: str
    run_id: str
    lines: int
    basic_total: str
    care_total: str
    total: str
    items: list[ClaimLineOut] = []
