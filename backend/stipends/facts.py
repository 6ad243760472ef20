"""What a finding rests on, as data (``Facts``), and the same facts as a line of English for
programs (``detail_text``, the ``detail`` of the JSON report). Pure: no clock, no database; the
reader's words are ``details.describe``'s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from backend.core.dates import month_text

_DATE_FACTS = ("died_on", "last_entitled_month", "approved_on", "entitled_from", "ended_on", "assessed_before")


@dataclass(frozen=True)
class Facts:
    """What a finding rests on, as data: stored as JSON with the finding, rendered in the user's
    language at the edge (``backend/stipends/details.py``), written as English text for programs
    by ``detail_text``. Amounts in fen; modes, tiers, reasons and ID problems are keys; months
    are their first day. Only the facts that matter for the finding's code are set.
    """

    id_problem: str | None = None  # INVALID_ID: the failed check (citizen_id.IdProblem.code)
    other_payment_ref: str | None = None  # DUPLICATE_PAYMENT: the line that pays the person first
    died_on: date | None = None  # PAID_AFTER_DEATH
    last_entitled_month: date | None = None  # PAID_AFTER_DEATH: the last month still owed
    reason: str | None = None  # NOT_ENTITLED: not_approved, ended, other_county
    approved_on: date | None = None  # NOT_ENTITLED (not_approved)
    entitled_from: date | None = None  # NOT_ENTITLED (not_approved): the first month owed
    ended_on: date | None = None  # NOT_ENTITLED (ended)
    registered_county: str | None = None  # NOT_ENTITLED (other_county): its code
    registered_county_name: str | None = None
    register_name: str | None = None  # NAME_MISMATCH
    register_mode: str | None = None  # what the register says for the month: mode and tier
    register_tier: str | None = None
    paid_mode: str | None = None  # MODE_MISMATCH: the mode the line pays
    mode_evidence: str | None = None  # MODE_MISMATCH: named, home_code, basic or care (rules.MODE_EVIDENCE)
    register_area: str | None = None  # the person's area for the month: urban, rural
    paid_tier: str | None = None  # TIER_MISMATCH: the tier whose care amount the line pays
    assessed_before: date | None = None  # UNASSESSED: no assessment dated before this day
    expected_basic: int | None = None
    expected_care: int | None = None
    paid_basic: int | None = None
    paid_care: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The set facts, dates as ISO text (what the ``finding.facts`` column holds)."""
        out = {}
        for name in FACT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value.isoformat() if isinstance(value, date) else value
        return out

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> Facts:
        """From ``as_json``'s form (unknown keys ignored)."""
        values = {}
        for name in FACT_FIELDS:
            value = (data or {}).get(name)
            if value is not None and name in _DATE_FACTS:
                value = date.fromisoformat(value) if isinstance(value, str) else value
            values[name] = value
        return cls(**values)


FACT_FIELDS = tuple(item.name for item in fields(Facts))


def _yuan(fen: int | None) -> str:
    fen = fen or 0
    return f"{fen // 100}.{fen % 100:02d}" if fen >= 0 else "-" + _yuan(-fen)


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _not_entitled_text(facts: Facts) -> str:
    if facts.reason == "not_approved":
        entitled_from = month_text(facts.entitled_from) if facts.entitled_from else ""
        return f"approved {_iso(facts.approved_on)}: entitled from {entitled_from}"
    if facts.reason == "ended":
        return f"support ended {_iso(facts.ended_on)}"
    if facts.reason == "other_county":
        return f"registered in county {facts.registered_county}"
    return ""


_EVIDENCE_TEXT = {
    "named": " (mode named)",
    "home_code": " (home code given)",
    "basic": " (other mode's basic)",
    "care": " (other mode's care)",
}

_DETAIL_TEXT = {
    "INVALID_ID": lambda f: f"ID check failed: {f.id_problem}",
    "UNKNOWN_PERSON": lambda f: "not in the register",
    "DUPLICATE_PAYMENT": lambda f: f"also paid by {f.other_payment_ref}",
    "PAID_AFTER_DEATH": lambda f: f"died {_iso(f.died_on)}",
    "NOT_ENTITLED": _not_entitled_text,
    "MODE_MISMATCH": lambda f: (
        f"paid as {f.paid_mode}{_EVIDENCE_TEXT.get(f.mode_evidence or '', '')}; register: {f.register_mode}"
    ),
    "UNASSESSED": lambda f: f"care paid but no assessment before {_iso(f.assessed_before)}",
    "TIER_MISMATCH": lambda f: f"care paid for {f.paid_tier}; assessed {f.register_tier}",
    "AMOUNT_MISMATCH": lambda f: (
        f"basic expected {_yuan(f.expected_basic)} paid {_yuan(f.paid_basic)}; "
        f"care expected {_yuan(f.expected_care)} paid {_yuan(f.paid_care)}"
    ),
    "MISSING_PAYMENT": lambda f: f"entitled: {f.register_mode}, {f.register_tier}",
    "NAME_MISMATCH": lambda f: f"register name: {f.register_name}",
}


def detail_text(code: str, facts: Facts) -> str:
    """The facts as one line of English for programs and logs (the ``detail`` of the JSON report,
    interfaces §4): never shown on a page."""
    return _DETAIL_TEXT[code](facts)
