"""The audit log in words: every action the code records, the records and fields it names, and
their values, in the reader's language.

Data and pure functions only. An audit row stores its action (``user.login``), the record
(``user`` + key) and the record's fields before and after as JSON; the page shows "Signed in",
the user's name, and "Role: Inspector → Finance". Names of users, homes and counties are looked
up by the caller and passed in (``Names``). ``tests/accounts/test_audit_words.py`` checks that
every action written anywhere in ``backend/`` has a label here.

A key without a label is shown in a readable form (``by_version`` → "by version"), a value that
is not plain as a list of its parts: never as raw JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from backend.core import dates, formatting, money
from backend.core.i18n import N_, _

ACTIONS: dict[str, str] = {
    # accounts
    "user.login": N_("Signed in"),
    "user.create": N_("User created"),
    "user.update": N_("User changed"),
    "user.role": N_("Role changed"),
    "user.disable": N_("User disabled"),
    "user.enable": N_("User enabled again"),
    "user.password": N_("Own password changed"),
    "user.password_reset": N_("Password reset by an administrator"),
    "token.create": N_("API token created"),
    # registry and the calendar
    "county.create": N_("County created"),
    "county.update": N_("County changed"),
    "home.create": N_("Home created"),
    "home.update": N_("Home changed"),
    "parameters.set": N_("County parameters set"),
    "parameters.replace": N_("County parameters replaced"),
    "parameters.funeral_subsidy": N_("Funeral subsidy set"),
    "calendar.import": N_("Working-day calendar imported"),
    # residents
    "resident.register": N_("Person registered"),
    "resident.admit": N_("Admitted to a home"),
    "resident.transfer": N_("Transferred to another home"),
    "resident.discharge": N_("Discharged from the home"),
    "resident.end": N_("Support ended"),
    "resident.assess": N_("Self-care assessment recorded"),
    "resident.capability": N_("GB/T 42195 assessment recorded"),
    "resident.condition_change": N_("Condition change reported"),
    "resident.import": N_("Register imported"),
    "resident.import_fill": N_("Register record completed by an import"),
    "resident.view_id": N_("Full ID number shown"),
    "assessment.import": N_("Assessments imported"),
    # deaths
    "death.report": N_("Death reported"),
    "death.correct": N_("Death report corrected"),
    "death.import": N_("Deaths imported"),
    "death.export": N_("Death register exported"),
    "death.notice_seen": N_("Late-report notice marked as read"),
    # stipends
    "standard.create": N_("Stipend standard set"),
    "standard.update": N_("Stipend standard changed"),
    "payments.import": N_("Payment list imported"),
    "payments.update": N_("Payment line changed by an import"),
    "claims.import": N_("Claim lines imported"),
    "claims.update": N_("Claim line changed by an import"),
    "reconcile.run": N_("Month reconciled"),
    "reconcile.view": N_("Findings shown with full ID numbers"),
    "reconcile.approve": N_("Reconciliation approved"),
    "finding.review": N_("Finding reviewed"),
    "claim.generate": N_("Monthly claim prepared"),
    "claim.regenerate": N_("Monthly claim prepared again"),
    "claim.submit": N_("Monthly claim submitted"),
    "claim.supersede": N_("Monthly claim replaced by a newer version"),
    "claim.check": N_("Monthly claim checked"),
    "claim.approve": N_("Monthly claim approved"),
    "stipends.recovery_export": N_("Recovery list exported"),
}

ENTITIES: dict[str, str] = {
    "user": N_("User"),
    "api_token": N_("API token"),
    "county": N_("County"),
    "home": N_("Home"),
    "county_parameter": N_("County parameters"),
    "import": N_("Import"),
    "resident": N_("Person"),
    "late_notice": N_("Late-report notice"),
    "standard": N_("Stipend standard"),
    "stipend_line": N_("Stipend line"),
    "reconciliation_run": N_("Reconciliation run"),
    "finding": N_("Finding"),
    "claim": N_("Monthly claim"),
}

# The kinds of import (the key of an ``import`` record, the source of stipend lines).
IMPORTS: dict[str, str] = {
    "residents": N_("Register of tekun persons"),
    "assessments": N_("Self-care assessments"),
    "deaths": N_("Deaths"),
    "calendar": N_("Working-day calendar"),
    "payments": N_("Payments"),
    "claims": N_("Claims"),
    "counties": N_("Counties"),
    "homes": N_("Homes"),
    "standards": N_("Stipend standards"),
}

FIELDS: dict[str, str] = {
    # users and tokens
    "role": N_("Role"),
    "home": N_("Home"),
    "county": N_("County"),
    "display_name": N_("Display name"),
    "active": N_("May sign in"),
    "user": N_("User"),
    # registry
    "code": N_("Code"),
    "name": N_("Name"),
    "province": N_("Province"),
    "county_code": N_("County"),
    "home_code": N_("Home"),
    "beds": N_("Beds"),
    "address": N_("Address"),
    "has_fire_control_room": N_("Fire control room"),
    "residents_per_staff": N_("Staff ratio"),
    "dependents_per_carer": N_("Carer ratio"),
    "death_report_deadline_hours": N_("Death report deadline (hours)"),
    "extra_months_after_death": N_("Months paid after the month of death"),
    "inspections_per_year": N_("On-site inspections per home per year"),
    "funeral_subsidy": N_("Funeral subsidy"),
    "effective_from": N_("Effective from"),
    # imports
    "created": N_("Created"),
    "updated": N_("Updated"),
    "unchanged": N_("Unchanged"),
    "months": N_("Months"),
    "month": N_("Month"),
    "rows": N_("Rows"),
    "filled": N_("Completed"),
    # residents
    "approved_on": N_("Approved on"),
    "admitted_on": N_("Admitted on"),
    "admission": N_("Admission"),
    "date": N_("Date"),
    "note": N_("Note"),
    "ended_on": N_("Ended on"),
    "reason": N_("Reason"),
    "assessed_on": N_("Assessed on"),
    "tier": N_("Tier"),
    "answers": N_("Answers"),
    "assessor": N_("Assessor"),
    "total": N_("Total amount"),
    "resident.total": N_("Total score"),
    "level": N_("Capability level"),
    "reported_on": N_("Reported on"),
    "due_on": N_("Due on"),
    "by": N_("Reported by"),
    "ids_shown": N_("Full ID numbers shown"),
    "id_digests": N_("Whose (digests of the ID numbers)"),
    "id_digest": N_("Digest of the ID number"),
    "residents": N_("Records of the register"),
    "id_number": N_("ID number"),
    # deaths
    "died_at": N_("Time of death"),
    "reported_at": N_("Reported at"),
    "late": N_("Reported late"),
    "deadline_hours": N_("Deadline (hours)"),
    "last_entitled_month": N_("Last month paid"),
    "place": N_("Place of death"),
    "cause": N_("Cause of death"),
    "certificate_no": N_("Death certificate number"),
    "reporter": N_("Reported by"),
    "source": N_("Source"),
    "record": N_("Earlier record"),
    "death_record": N_("Death record"),
    # stipends
    "basic_concentrated": N_("Basic living allowance, concentrated"),
    "basic_dispersed": N_("Basic living allowance, dispersed"),
    "care_concentrated_self_care": N_("Care, concentrated, able to care for themselves"),
    "care_concentrated_partial": N_("Care, concentrated, partly unable"),
    "care_concentrated_full_loss": N_("Care, concentrated, fully unable"),
    "care_dispersed_self_care": N_("Care, dispersed, able to care for themselves"),
    "care_dispersed_partial": N_("Care, dispersed, partly unable"),
    "care_dispersed_full_loss": N_("Care, dispersed, fully unable"),
    "basic_floor": N_("Floor for the basic allowance (optional)"),
    "basic_amount": N_("Basic living allowance"),
    "care_amount": N_("Care allowance"),
    "support_mode": N_("Support mode"),
    "findings": N_("Findings"),
    "lines": N_("Lines"),
    "state": N_("State"),
    "by_version": N_("Replaced by version"),
    "run_id": N_("Reconciliation run"),
    "review_status": N_("Review"),
    "review_note": N_("Review note"),
}

_ROLES = {"director": N_("Director"), "inspector": N_("Inspector"), "finance": N_("Finance"), "admin": N_("Administrator")}
_TIERS = {
    "self_care": N_("Able to care for themselves"),
    "partial": N_("Partly unable to care for themselves"),
    "full_loss": N_("Fully unable to care for themselves"),
    "unassessed": N_("Not assessed"),
}
_ITEMS = {
    "eat": N_("Eat"), "dress": N_("Dress"), "transfer": N_("Get in and out of bed"),
    "toilet": N_("Use the toilet"), "walk": N_("Walk indoors"), "bathe": N_("Bathe"),
}
_CODES = {
    "INVALID_ID": N_("Invalid ID number"),
    "UNKNOWN_PERSON": N_("Not in the register"),
    "DUPLICATE_PAYMENT": N_("Paid twice"),
    "PAID_AFTER_DEATH": N_("Paid after death"),
    "NOT_ENTITLED": N_("Not entitled"),
    "MODE_MISMATCH": N_("Wrong support mode"),
    "UNASSESSED": N_("Care paid without assessment"),
    "TIER_MISMATCH": N_("Wrong care tier"),
    "AMOUNT_MISMATCH": N_("Wrong amount"),
    "MISSING_PAYMENT": N_("Not paid"),
    "NAME_MISMATCH": N_("Name differs from the register"),
}
# Values of a field, by field (and, where one word means two things, by record and field).
VALUES: dict[str, dict[str, str]] = {
    "role": _ROLES,
    "tier": _TIERS,
    "code": _CODES,
    "support_mode": {"concentrated": N_("Concentrated support"), "dispersed": N_("Dispersed support")},
    "review_status": {
        "open": N_("Not reviewed"),
        "confirmed": N_("Confirmed: overpayment to recover"),
        "explained": N_("Explained"),
        "dismissed": N_("Dismissed"),
    },
    "source": {"payments": N_("Payments"), "claims": N_("Claims"), "form": N_("Form"), "import": N_("Import"), "api": N_("JSON API")},
    "state": {"draft": N_("Draft"), "submitted": N_("Submitted"), "approved": N_("Approved"), "superseded": N_("Superseded")},
    "reconciliation_run.state": {"open": N_("Under review"), "approved": N_("Approved")},
    "month": {"all": N_("All months")},
    "filled": {"admission": N_("Admission"), "ended_on": N_("End of support")},
}
_MONEY_FEN = {
    "basic_concentrated", "basic_dispersed", "care_concentrated_self_care", "care_concentrated_partial",
    "care_concentrated_full_loss", "care_dispersed_self_care", "care_dispersed_partial", "care_dispersed_full_loss",
    "basic_floor", "basic_amount", "care_amount",
}
_MONEY_YUAN = {"funeral_subsidy", "total"}  # yuan text, "1010.00"
_PLACES = {"home", "home_code", "county", "county_code", "user"}  # codes shown by name
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
_MOMENT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_SHOWN_PARTS = 6


@dataclass(frozen=True)
class Names:
    """Display names of the users, homes and counties the rows of a page mention."""

    users: dict[str, str] = field(default_factory=dict)
    homes: dict[str, str] = field(default_factory=dict)
    counties: dict[str, str] = field(default_factory=dict)

    def of(self, kind: str, code: str) -> str:
        table = {"user": self.users, "home": self.homes, "home_code": self.homes}.get(kind, self.counties)
        return table.get(code, code)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str | None  # None: the record had no such field before (a creation)
    after: str | None


def readable(key: str) -> str:
    """A key without a label, readable: ``by_version`` → "by version"."""
    return re.sub(r"[_.]+", " ", key).strip() or "—"


def action_label(action: str) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else readable(action)


def entity_label(entity: str) -> str:
    return _(ENTITIES[entity]) if entity in ENTITIES else readable(entity)


def field_label(key: str, entity: str = "") -> str:
    label = FIELDS.get(f"{entity}.{key}") or FIELDS.get(key)
    return _(label) if label else readable(key)


def _when(text: str) -> str:
    """An ISO date, month or date-time written by the services, in the reader's form."""
    try:
        if _DATE_RE.match(text):
            return formatting.day(date.fromisoformat(text))
        if _MONTH_RE.match(text):
            return formatting.month(dates.parse_month(text))
        if _MOMENT_RE.match(text):
            return formatting.moment(datetime.fromisoformat(text))
    except ValueError:
        pass
    return text


def value_text(key: str, value: Any, names: Names, entity: str = "") -> str:
    """One field's value in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        parts = [value_text(key, item, names, entity) for item in value[:_SHOWN_PARTS]]
        if len(value) > _SHOWN_PARTS:
            parts.append(_("{count} more").format(count=len(value) - _SHOWN_PARTS))
        return "、".join(parts) or "—"
    if isinstance(value, dict):
        if key == "answers":
            return "；".join(f"{_(_ITEMS[k]) if k in _ITEMS else readable(k)}：{value_text('', v, names)}" for k, v in value.items())
        return "；".join(f"{field_label(k, entity)}：{value_text(k, v, names, entity)}" for k, v in value.items())
    labels = VALUES.get(f"{entity}.{key}") or VALUES.get(key) or {}
    if str(value) in labels:
        return _(labels[str(value)])
    if key in _MONEY_FEN and isinstance(value, int):
        return formatting.cny(value)
    if key in _MONEY_YUAN and isinstance(value, str):
        try:
            return formatting.cny(money.parse_yuan(value))
        except ValueError:
            return value
    if key in _PLACES and isinstance(value, str):
        return names.of(key, value)
    if key in ("id_digests", "id_digest") and isinstance(value, str):
        return value[:12] + "…"
    if key in ("residents", "record", "death_record") and isinstance(value, int):
        return f"#{value}"
    if isinstance(value, int | float):
        return formatting.number(value)
    return _when(str(value))


def loads(text: str | None) -> dict[str, Any] | None:
    """A stored before/after: None when empty; a non-object or unreadable text as one value."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


_POSITION = {key: position for position, key in enumerate(FIELDS)}


def _order(key: str) -> tuple[int, str]:
    return (_POSITION.get(key, len(_POSITION)), key)


def changes(entity: str, before: str | None, after: str | None, names: Names) -> list[FieldChange]:
    """The fields a row changed, in the order of ``FIELDS``: label, old and new value in words."""
    old, new = loads(before), loads(after)
    keys = sorted(set(old or {}) | set(new or {}), key=_order)
    result = []
    for key in keys:
        label = field_label(key, entity) if key else _("Value")
        was = value_text(key, old[key], names, entity) if old is not None and key in old else None
        now = value_text(key, new[key], names, entity) if new is not None and key in new else None
        result.append(FieldChange(label, was, now))
    return result


def record_text(entity: str, key: str, names: Names) -> str:
    """The record a row names, in words: a user's or a home's name, a county's name and a month…"""
    if entity in ("user", "home", "county"):
        return names.of(entity, key)
    if entity == "import":
        return _(IMPORTS[key]) if key in IMPORTS else readable(key)
    if entity == "stipend_line":
        source, _sep, ref = key.partition(":")
        label = _(IMPORTS[source]) if source in IMPORTS else source
        return f"{label} {ref}".strip()
    if entity in ("county_parameter", "standard", "claim") and "@" in key:
        code, _sep, rest = key.partition("@")
        version = ""
        if "v" in rest:
            rest, _v, number = rest.partition("v")
            version = " " + _("version {number}").format(number=number)
        place = names.of("home" if entity == "claim" else "county", code)
        return f"{place} · {_when(rest)}{version}"
    if entity == "reconciliation_run":
        return key[:8]
    if entity == "finding":
        run, _sep, position = key.partition("#")
        return f"{run[:8]} #{position}" if position else run[:8]
    if entity == "late_notice":
        return f"#{key}"
    return key


def codes_named(entity: str, key: str, before: str | None, after: str | None) -> dict[str, set[str]]:
    """The user, home and county codes a row mentions (to look their names up)."""
    found: dict[str, set[str]] = {"user": set(), "home": set(), "county": set()}
    if entity in found:
        found[entity].add(key)
    if entity in ("county_parameter", "standard", "claim") and "@" in key:
        found["home" if entity == "claim" else "county"].add(key.partition("@")[0])
    for values in (loads(before), loads(after)):
        for name, value in (values or {}).items():
            kind = {"home_code": "home", "county_code": "county"}.get(name, name)
            if kind in found and isinstance(value, str) and value:
                found[kind].add(value)
    return found


# --- a broken chain (``tekun audit verify``, the page's "verify") ------------------------------

LEDGERS: dict[str, str] = {
    "audit": N_("Audit log"),
    "placement": N_("Placements"),
    "assessment": N_("Self-care assessments"),
    "capability_assessment": N_("GB/T 42195 assessments"),
    "death_record": N_("Death records"),
}
_BREAKS = [
    (re.compile(r"row with seq (\d+) is missing"), N_("record {seq} is missing")),
    (re.compile(r"prev_hash does not match the previous row"), N_("it does not point at the record before it")),
    (re.compile(r"content does not match its hash"), N_("its content was changed after it was written")),
    (re.compile(r"rows after seq (\d+) are missing"), N_("the records after {seq} are missing")),
    (re.compile(r"the ledger head does not match the last row"), N_("the last record does not match the ledger's head")),
]


def break_text(ledger: str, reason: str) -> tuple[str, str]:
    """(the ledger, why its chain is broken) in words, from ``core.ledger.Break``."""
    name = _(LEDGERS[ledger]) if ledger in LEDGERS else readable(ledger)
    for pattern, message in _BREAKS:
        if match := pattern.fullmatch(reason):
            return name, _(message).format(seq=match.group(1) if match.groups() else "")
    return name, _("the stored hashes do not match")
