"""The morning check (晨检, issue 12 point 3; domain rules §5): the details of a ``morning_check``
entry, one ``morning_check`` row per kitchen worker.

Details: ``{"checks": [{"staff_id": 12, "fit": true}, {"staff_id": 13, "fit": false, "symptom":
"fever", "note": ""}]}``. Who must be checked comes from ``staffing.services.kitchen_staff_on_duty``
for the entry's day (the roster's cooks, or the cooks in post when no roster is saved); a cook on
leave may be left out. A staff id that is not a cook of this home in post that day is refused; a
worker whose health certificate has expired (or none is recorded) cannot be marked fit; off duty
needs a symptom (``rules.SYMPTOMS``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.safety import rules
from backend.safety.services._details import DetailHandler, register_details
from backend.safety.services._samples import raw_value
from backend.safety.tables import MorningCheck
from backend.staffing import services as staffing


@dataclass(frozen=True)
class Check:
    staff_id: int
    fit: bool
    symptom: str
    note: str


@dataclass(frozen=True)
class Checks:
    day: date
    checks: tuple[Check, ...]


def _person(person: dict[str, Any]) -> str:
    return f"{person['staff_no']} {person['name']}"


def _one(index: int, raw: Any, errors: dict[str, str]) -> tuple[int, bool, str, str] | None:
    field = f"details.checks[{index}]"
    if not isinstance(raw, dict) or set(raw) - {"staff_id", "fit", "symptom", "note"}:
        errors[field] = _("Each check names a staff member, fit or not, and the symptom.")
        return None
    staff_id, fit = raw.get("staff_id"), raw.get("fit")
    symptom, note = raw.get("symptom") or "", raw.get("note") or ""
    if not isinstance(staff_id, int) or isinstance(staff_id, bool) or not 0 < staff_id < 2**31:
        errors[f"{field}.staff_id"] = _("Name the staff member checked.")
        return None
    if not isinstance(fit, bool):
        errors[f"{field}.fit"] = _("Fit for work, or sent off duty?")
        return None
    if not isinstance(note, str) or len(note.strip()) > 200:
        errors[f"{field}.note"] = _("The note: at most 200 characters.")
        return None
    if fit:
        symptom = ""
    elif symptom and symptom not in rules.SYMPTOMS:  # none: the certificate's, or refused below
        errors[f"{field}.symptom"] = _("Choose the symptom that sends the worker off duty.")
        return None
    return staff_id, fit, str(symptom), note.strip()


async def check_morning(home: dict[str, Any], details: dict[str, Any], performed_at: datetime) -> Checks:
    """The checks of a ``morning_check`` entry; Invalid names each refused field (and the person)."""
    errors: dict[str, str] = {}
    if set(details) - {"checks"}:
        errors["details"] = _("Unknown details: {names}.").format(names=", ".join(sorted(set(details) - {"checks"})))
    raw_checks = raw_value(details.get("checks"))
    if not isinstance(raw_checks, list):
        raise Invalid(errors | {"details.checks": _("Check every kitchen worker on duty.")})
    day = dates.local(performed_at).date()
    parsed = [(index, _one(index, raw, errors)) for index, raw in enumerate(raw_checks)]
    ids = [one[0] for _index, one in parsed if one is not None]
    kitchen = await staffing.kitchen_staff_of(home["id"], ids, day)
    checks: list[Check] = []
    seen: set[int] = set()
    for index, one in parsed:
        if one is None:
            continue
        staff_id, fit, symptom, note = one
        person = kitchen.get(staff_id)
        if person is None:
            errors[f"details.checks[{index}].staff_id"] = _("This is not a kitchen worker of this home.")
        elif staff_id in seen:
            errors[f"details.checks[{index}].staff_id"] = _("{person} is checked twice.").format(person=_person(person))
        elif fit and not rules.certificate_valid(person["health_cert_expires"], day):
            errors[f"details.checks[{index}].fit"] = _(
                "The health certificate of {person} has expired or is not recorded: not fit for kitchen work."
            ).format(person=_person(person))
        elif not fit and not symptom:
            if rules.certificate_valid(person["health_cert_expires"], day):
                errors[f"details.checks[{index}].symptom"] = _("Choose the symptom that sends the worker off duty.")
            else:  # off duty for want of a valid health certificate: that is the reason
                symptom = "health_certificate"
        seen.add(staff_id)
        checks.append(Check(staff_id, fit, symptom, note))
    on_duty = await staffing.kitchen_staff_on_duty(home["id"], day)
    missing = [_person(person) for person in on_duty if not person["on_leave"] and person["id"] not in seen]
    if missing:
        errors["details.checks"] = _("Check every kitchen worker on duty; missing: {names}.").format(names="、".join(missing))
    if errors:
        raise Invalid(errors)
    return Checks(day, tuple(checks))


def canonical_morning(parsed: Checks) -> dict[str, Any]:
    return {
        "checks": [
            {"staff_id": check.staff_id, "fit": check.fit, "symptom": check.symptom, "note": check.note}
            for check in parsed.checks
        ]
    }


async def write_morning(entry_id: int, home: dict[str, Any], parsed: Checks) -> None:
    if parsed.checks:
        await MorningCheck.insert(
            *(
                MorningCheck(entry=entry_id, staff=check.staff_id, fit=check.fit, symptom=check.symptom, note=check.note)
                for check in parsed.checks
            )
        )


register_details("morning_check", DetailHandler(check_morning, write_morning, canonical_morning))


async def morning_people(home: dict[str, Any], day: date) -> list[dict[str, Any]]:
    """The morning check's form: the kitchen staff on duty, each with ``cert_valid``."""
    people = await staffing.kitchen_staff_on_duty(home["id"], day)
    return [person | {"cert_valid": rules.certificate_valid(person["health_cert_expires"], day)} for person in people]


async def morning_results(entry_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """entry id → the persons its morning check names: staff_no, name, fit, symptom (the reason
    off duty), note; in staff-number order (one query)."""
    if not entry_ids:
        return {}
    rows = await MorningCheck.select(
        MorningCheck.entry,
        MorningCheck.staff.staff_no.as_alias("staff_no"),
        MorningCheck.staff.name.as_alias("name"),
        MorningCheck.fit,
        MorningCheck.symptom,
        MorningCheck.note,
    ).where(MorningCheck.entry.is_in(entry_ids))
    out: dict[int, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda row: row["staff_no"]):
        out.setdefault(row["entry"], []).append({**row, "fit": bool(row["fit"])})
    return out
