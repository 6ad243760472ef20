"""The audit log in words: every action the code records, the records and fields it names, and
their values, in the reader's language (the labels are in ``audit_labels``).

Pure functions only. An audit row stores its action (``user.login``), the record
(``user`` + key) and the record's fields before and after as JSON; the page shows "Signed in",
the user's name, and "Role: Inspector → Finance". Names of users, homes and counties are looked
up by the caller and passed in (``Names``). ``tests/accounts/test_audit_page.py`` checks that
every action written anywhere in ``backend/`` has a label.

A key without a label is shown in a readable form (``by_version`` → "by version"), a value that
is not plain as a list of its parts: never as raw JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from backend.accounts.audit_labels import (
    ACTIONS,
    ENTITIES,
    FIELDS,
    IMPORTS,
    ITEMS,
    LEDGERS,
    MONEY_FEN,
    MONEY_YUAN,
    PLACES,
    VALUES,
)
from backend.core import dates, formatting, money
from backend.core.i18n import N_, _

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
_MOMENT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_SHOWN_PARTS = 6


@dataclass(frozen=True)
class Names:
    """Display names of the users, homes and counties the rows of a page mention."""

    users: dict[str, str] = field(default_factory=dict)
    homes: dict[str, str] = field(default_factory=dict)
    counties: dict[str, str] = field(default_factory=dict)

    def of(self, kind: str, code: str) -> str:
        table = {"user": self.users, "home": self.homes, "home_code": self.homes, "preferred_home": self.homes}.get(
            kind, self.counties
        )
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


def _dict_text(key: str, value: dict, names: Names, entity: str) -> str:
    """A value made of named parts: each part's label and value."""
    key_labels = (VALUES.get(f"{entity}.{key}") if entity else None) or (ITEMS if key == "answers" else None)
    if key_labels:  # the checklist's answers, a count per kind ("kinds" of notices): the keys in words
        return "；".join(
            f"{_(key_labels[k]) if k in key_labels else readable(k)}：{value_text('', v, names)}" for k, v in value.items()
        )
    return "；".join(f"{field_label(k, entity)}：{value_text(k, v, names, entity)}" for k, v in value.items())


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
        return _dict_text(key, value, names, entity)
    labels = VALUES.get(f"{entity}.{key}") or VALUES.get(key) or {}
    if str(value) in labels:
        return _(labels[str(value)])
    if key in MONEY_FEN and isinstance(value, int):
        return formatting.cny(value)
    if key in MONEY_YUAN and isinstance(value, str):
        try:
            return formatting.cny(money.parse_yuan(value))
        except ValueError:
            return value
    if key in PLACES and isinstance(value, str):
        return names.of(key, value)
    if key in ("id_digests", "id_digest") and isinstance(value, str):
        return value[:12] + "…"
    if key in ("residents", "record", "death_record", "entry", "corrects") and isinstance(value, int):
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
    if entity == "report_file":
        return _report_text(key, names)
    if entity == "notice":  # a run of the notices: its time
        return _when(key)
    return key


def _report_key(key: str) -> tuple[str, str, str, str]:
    """``county-monthly/2026-11/620121/2`` → (kind, period, unit, version); the version may be absent."""
    kind, period, unit, version = ([*key.split("/"), "", "", ""])[:4]
    return kind, period, unit, version


def _report_text(key: str, names: Names) -> str:
    """An issued report in words: 县级月度报表 · 2026年11月 · 永登县 · 第2版."""
    kind, period, unit, version = _report_key(key)
    labels = VALUES.get("report_file.kind", {})
    parts = [_(labels[kind]) if kind in labels else readable(kind)]
    if match := _QUARTER_RE.match(period):
        parts.append(_("Q{quarter} {year}").format(quarter=match.group(2), year=match.group(1)))
    elif period:
        parts.append(_when(period))
    if unit:
        parts.append(names.of("home" if kind == "home-monthly" else "county", unit))
    if version:
        parts.append(_("version {number}").format(number=version))
    return " · ".join(parts)


def codes_named(entity: str, key: str, before: str | None, after: str | None) -> dict[str, set[str]]:
    """The user, home and county codes a row mentions (to look their names up)."""
    found: dict[str, set[str]] = {"user": set(), "home": set(), "county": set()}
    if entity in found:
        found[entity].add(key)
    if entity in ("county_parameter", "standard", "claim") and "@" in key:
        found["home" if entity == "claim" else "county"].add(key.partition("@")[0])
    if entity == "report_file":
        kind, _period, unit, _version = _report_key(key)
        if unit:
            found["home" if kind == "home-monthly" else "county"].add(unit)
    for values in (loads(before), loads(after)):
        for name, value in (values or {}).items():
            kind = {"home_code": "home", "preferred_home": "home", "county_code": "county"}.get(name, name)
            if kind in found and isinstance(value, str) and value:
                found[kind].add(value)
    return found


# --- a broken chain (``tekun audit verify``, the page's "verify") ------------------------------

_BREAKS = [
    (re.compile(r"row with seq (\d+) is missing"), N_("record {seq} is missing")),
    (re.compile(r"prev_hash does not match the previous row"), N_("it does not point at the record before it")),
    (re.compile(r"content does not match its hash"), N_("its content was changed after it was written")),
    (re.compile(r"rows after seq (\d+) are missing"), N_("the records after {seq} are missing")),
    (re.compile(r"the ledger head does not match the last row"), N_("the last record does not match the ledger's head")),
]


def break_text(ledger: str, reason: str) -> tuple[str, str]:
    """(the ledger, why its chain is broken) in words, from ``core.ledger.Break``."""
    base, _sep, part = ledger.partition(":")  # a chain of a partitioned ledger: "safety_entry:12" (home id 12)
    name = _(LEDGERS[base]) if base in LEDGERS else readable(base)
    if part:
        name = _("{ledger} (chain {part})").format(ledger=name, part=part)
    for pattern, message in _BREAKS:
        if match := pattern.fullmatch(reason):
            return name, _(message).format(seq=match.group(1) if match.groups() else "")
    return name, _("the stored hashes do not match")
