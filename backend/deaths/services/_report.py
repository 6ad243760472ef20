"""Reporting a death and correcting it: one transaction with all its consequences (see the package docstring)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from backend.core import citizen_id, dates, money
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit, append_rows
from backend.core.permissions import require
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.deaths import rules
from backend.deaths.schemas import DeathIn, DeathOut
from backend.deaths.services._common import (
    _aware,
    _record_in_force,
    local_iso,
)
from backend.deaths.services._plan import DeathPlan, plan_report
from backend.deaths.services._register import death_of
from backend.deaths.services._subsidy import _subsidy_rows
from backend.deaths.tables import DEATH_LEDGER, DeathRecord, LateNotice
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.residents import rules as residents_rules
from backend.residents import services as residents


def _clean(data: DeathIn) -> dict[str, str]:
    return {
        name: (getattr(data, name) or "").strip()
        for name in ("place", "cause", "certificate_no", "reporter", "funeral_arrangements", "reason")
    }


def _check_moment(
    person: dict[str, Any], died_at: datetime | None, reported_at: datetime, errors: dict[str, str], field: str = "died_at"
) -> None:
    if died_at is None:
        errors[field] = _("A value is required.")
        return
    died_on = dates.local(died_at).date()
    if died_at > reported_at:
        errors[field] = _("The time of death cannot be after the time of the report.")
    elif died_on < person["birth_date"]:
        errors[field] = _("The date is before the person was born.")
    elif died_on < person["approved_on"]:
        errors[field] = _("The date is before the approval date.")


async def _apply(
    scope: Scope,
    person: dict[str, Any],
    died_at: datetime,
    reported_at: datetime,
    texts: dict[str, str],
    *,
    time_known: bool,
    source: str,
    previous: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    """Write one death record and its consequences (inside the caller's transaction)."""
    resident_id = person["id"]
    county_id = person["county_id"]
    died_on = dates.local(died_at).date()
    params = await registry.parameters_in_force(county_id, died_on)
    subsidy = rules.subsidy_in_force(await _subsidy_rows(county_id), died_on, registry_rules.default_funeral_subsidy_fen())
    home_at_death = residents_rules.home_on(await residents.placement_events(resident_id), died_on)
    if home_at_death is None and previous is not None:
        home_at_death = previous["home"]
    counted = rules.report_timing(died_at, time_known, reported_at, params.death_report_deadline_hours, get_settings().tz)
    late = counted.late
    record = {
        "resident": resident_id,
        "county": county_id,
        "home": home_at_death,
        "died_at": died_at,
        "died_on": died_on,
        "time_known": time_known,
        "reported_at": reported_at,
        "place": texts["place"],
        "cause": texts["cause"],
        "certificate_no": texts["certificate_no"],
        "reporter": texts["reporter"],
        "deadline_hours": params.death_report_deadline_hours,
        "minutes_to_report": counted.minutes,
        "late": late,
        "last_entitled_month": residents_rules.last_entitled_month(died_on, params.extra_months_after_death),
        "funeral_arrangements": texts["funeral_arrangements"],
        "funeral_subsidy": subsidy,
        "source": source,
        "corrects": previous["id"] if previous else None,
        "reason": texts["reason"] if previous else "",
        "recorded_at": now,
        "recorded_by": scope.username,
    }
    rows = await append_rows(DEATH_LEDGER, [record])
    saved = await DeathRecord.select(DeathRecord.id).where(DeathRecord.seq == rows[0]["seq"]).first()
    record["id"] = saved["id"]
    # The register's side, in this transaction: the record is locked from the day of death on,
    # open re-assessment tasks are cancelled, the bed is released.
    await residents.record_death_effects(scope, resident_id, died_on, now=now)
    if late:
        await LateNotice.insert(LateNotice(death_record=record["id"], resident=resident_id, county=county_id, created_at=now))
    after = {
        # A date alone (no time of day) when only the date of death is known.
        "died_at": local_iso(died_at) if time_known else died_on.isoformat(),
        "reported_at": local_iso(reported_at),
        "late": late,
        "deadline_hours": params.death_report_deadline_hours,
        "last_entitled_month": dates.month_text(record["last_entitled_month"]),
        "funeral_subsidy": money.yuan_text(subsidy),
        "place": texts["place"],
        "cause": texts["cause"],
        "certificate_no": texts["certificate_no"],
        "reporter": texts["reporter"],
        "source": source,
    }
    before = None
    if previous is not None:
        after["reason"] = texts["reason"]
        before = {
            "record": previous["id"],
            "died_at": local_iso(previous["died_at"]) if previous["time_known"] else previous["died_on"].isoformat(),
            "place": previous["place"],
            "cause": previous["cause"],
            "certificate_no": previous["certificate_no"],
            "reporter": previous["reporter"],
        }
    action = "death.correct" if previous else "death.report"
    await append_audit(
        scope.user_id, scope.username, [Change(action, "resident", citizen_id.mask(person["id_number"]), before, after)]
    )
    return record


def _died_at(data: DeathIn) -> datetime | None:
    """The time of death as aware UTC; when only the date is known, 00:00 of its local date (as
    the import stores a date alone: ``died_on`` is that date, the deadline runs from its end)."""
    died_at = _aware(data.died_at)
    if died_at is None or data.died_time_known:
        return died_at
    return dates.combine_local(dates.local(died_at).date(), time.min)


def _day_of(moment: datetime | None) -> date | None:
    """The local date of a time of death as given (None: none given, or not a usable time)."""
    try:
        aware = _aware(moment)
    except Invalid:
        return None
    return dates.local(aware).date() if aware is not None else None


async def report_death(scope: Scope, resident_id: int, data: DeathIn, dry_run: bool = False) -> DeathOut | DeathPlan:
    """The home's death report; ``reported_at`` is now (the server's clock). ``dry_run``: the
    same checks, then what the report would do (a ``DeathPlan``), nothing written."""
    require(scope, "report_death", _("You may not report deaths."))
    now = dates.now_utc()
    async with transaction():
        # The write scope of the day of death (a director: a person placed in the home that day).
        person = await residents.find_resident_for_write(scope, resident_id, _day_of(data.died_at))
        if await DeathRecord.exists().where(DeathRecord.resident == resident_id):
            raise Invalid({"died_at": _("A death is already recorded for this person; record a correction instead.")})
        texts = _clean(data)
        errors: dict[str, str] = {}
        died_at = _died_at(data)
        _check_moment(person, died_at, now, errors)
        if errors:
            raise Invalid(errors)
        if dry_run:
            return await plan_report(scope, person, died_at, data.died_time_known, now)
        await _apply(scope, person, died_at, now, texts, time_known=data.died_time_known, source="form", previous=None, now=now)
    return await death_of(scope, resident_id)


async def correct_death(scope: Scope, resident_id: int, data: DeathIn) -> DeathOut:
    """A correction: a new record naming the record in force; ``reported_at`` is the original
    report's. A reason is required."""
    require(scope, "report_death", _("You may not report deaths."))
    now = dates.now_utc()
    async with transaction():
        previous = await _record_in_force(resident_id)
        # The event corrected is the death in force: the write scope of its day (a director: the
        # home the person died in).
        person = await residents.find_resident_for_write(scope, resident_id, previous["died_on"] if previous else None)
        if previous is None:
            raise Invalid({"died_at": _("No death is recorded for this person.")})
        texts = _clean(data)
        errors: dict[str, str] = {}
        if not texts["reason"]:
            errors["reason"] = _("Give the reason for the correction.")
        died_at = _died_at(data)
        _check_moment(person, died_at, previous["reported_at"], errors)
        if errors:
            raise Invalid(errors)
        await _apply(
            scope,
            person,
            died_at,
            previous["reported_at"],
            texts,
            time_known=data.died_time_known,
            source="form",
            previous=previous,
            now=now,
        )
    return await death_of(scope, resident_id)
