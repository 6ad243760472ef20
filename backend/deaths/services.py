"""Deaths use cases: the only code that reads or writes the deaths tables.

A death report, in ONE transaction: the death record is appended to its ledger; the person's
``died_on`` is set (which locks their record: the residents services refuse anything dated after
it); their open re-assessment tasks are cancelled; a placed person's bed is released by an
end-of-stay event (a ``discharge`` dated on the day of death) and the cached home cleared; the
last entitled month and the funeral subsidy are fixed from the county parameters in force on the
day of death; a late report opens a notice for the county. A correction is a new record naming the
one it corrects; everything is audited.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from backend.core import citizen_id, dates, money
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.exchange import ExchangeError, ParsedRow, RowError
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit, append_rows
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.deaths import rules
from backend.deaths.schemas import DeathIn, DeathOut, NoticeOut, SubsidyOut
from backend.deaths.tables import DEATH_LEDGER, DeathRecord, FuneralSubsidy, LateNotice
from backend.registry import rules as registry_rules
from backend.registry import services as registry
from backend.registry.schemas import ImportResult, ImportRowOut
from backend.residents import rules as residents_rules
from backend.residents.services._common import (
    find_resident,
    placement_events,
    refresh_state,
    resident_where,
)
from backend.residents.tables import PLACEMENT_LEDGER, ReassessmentTask, Resident

REPORT_ROLES = ("director", "inspector", "admin")  # the home reports; the county may too
COUNTY_ROLES = ("inspector", "finance", "admin")  # the death register
SUBSIDY_ROLES = ("admin",)  # like every county parameter
IMPORT_ROLES = ("inspector", "admin")
FAR_FUTURE = date(9999, 12, 31)


def _require(scope: Scope, roles: tuple[str, ...], message: str) -> None:
    if scope.role not in roles:
        raise Forbidden(message)


def _aware(moment: datetime | None, field: str = "died_at") -> datetime | None:
    """A naive date-time is in TEKUN_TIMEZONE; the result is aware UTC (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_settings().tz)
    try:
        result = moment.astimezone(UTC)
        dates.local(result)
    except (OverflowError, ValueError) as exc:
        raise Invalid({field: _("Not a valid date and time (write 2026-11-02 14:30).")}) from exc
    if result.year < 1900:
        raise Invalid({field: _("Not a valid date and time (write 2026-11-02 14:30).")})
    return result


def local_iso(moment: datetime) -> str:
    return dates.local(moment).isoformat(timespec="seconds")


# --- reading -------------------------------------------------------------------------------------


def _columns():
    return (
        DeathRecord.all_columns(),
        DeathRecord.resident.id_number.as_alias("id_number"),
        DeathRecord.resident.name.as_alias("name"),
        DeathRecord.county.code.as_alias("county_code"),
        DeathRecord.home.code.as_alias("home_code"),
        DeathRecord.home.name.as_alias("home_name"),
    )


def _out(row: dict[str, Any]) -> DeathOut:
    return DeathOut(
        id=row["id"], resident_id=row["resident"], id_number_masked=citizen_id.mask(row["id_number"]),
        name=row["name"], county_code=row["county_code"], home_code=row["home_code"], home_name=row["home_name"],
        died_at=row["died_at"], died_on=row["died_on"], time_known=bool(row["time_known"]),
        reported_at=row["reported_at"], hours_to_report=rules.hours_text(row["minutes_to_report"]),
        deadline_hours=row["deadline_hours"], late=bool(row["late"]),
        last_entitled_month=dates.month_text(row["last_entitled_month"]),
        place=row["place"], cause=row["cause"], certificate_no=row["certificate_no"], reporter=row["reporter"],
        funeral_arrangements=row["funeral_arrangements"], funeral_subsidy=money.yuan_text(row["funeral_subsidy"]),
        source=row["source"], corrects=row["corrects"], reason=row["reason"],
        recorded_at=row["recorded_at"], recorded_by=row["recorded_by"],
    )


async def _record_in_force(resident_id: int) -> dict[str, Any] | None:
    return await DeathRecord.select(*_columns()).where(DeathRecord.resident == resident_id).order_by(
        DeathRecord.seq, ascending=False
    ).first()


async def death_of(scope: Scope, resident_id: int) -> DeathOut | None:
    """The death record in force for a person in scope (None: no death recorded)."""
    await find_resident(scope, resident_id)
    row = await _record_in_force(resident_id)
    return _out(row) if row else None


async def death_history(scope: Scope, resident_id: int) -> list[DeathOut]:
    """Every record of the person's death, the first report first, corrections after it."""
    await find_resident(scope, resident_id)
    rows = await DeathRecord.select(*_columns()).where(DeathRecord.resident == resident_id).order_by(DeathRecord.seq)
    return [_out(row) for row in rows]


async def _latest_rows(county_id: int | None, month: date | None, extra=None) -> list[dict[str, Any]]:
    """Records in force (one per person), newest death first, optionally of one month of death."""
    query = DeathRecord.select(*_columns())
    if county_id is not None:
        query = query.where(DeathRecord.county == county_id)
    if month is not None:
        query = query.where((DeathRecord.died_on >= month) & (DeathRecord.died_on < dates.add_months(month, 1)))
    if extra is not None:
        query = query.where(extra)
    rows = await query.order_by(DeathRecord.seq)
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        latest[row["resident"]] = row  # a later seq replaces an earlier one
    # A correction may move the death out of the month: keep only persons whose record in force is in it.
    if month is not None and latest:
        newest = await DeathRecord.select(DeathRecord.resident, DeathRecord.seq).where(
            DeathRecord.resident.is_in(list(latest))
        )
        top: dict[int, int] = {}
        for row in newest:
            top[row["resident"]] = max(top.get(row["resident"], 0), row["seq"])
        latest = {key: row for key, row in latest.items() if row["seq"] == top[key]}
    return sorted(latest.values(), key=lambda row: (row["died_at"], row["id"]), reverse=True)


def parse_month_param(text: str | None) -> date | None:
    if not text:
        return None
    try:
        month = dates.parse_month(text)
        dates.add_months(month, 1)  # the register counts to the next month: 9999-12 has none
    except ValueError as exc:
        raise Invalid({"month": _("Not a valid month (write 2026-11).")}) from exc
    return month


async def county_deaths(scope: Scope, county_code: str, month: date | None = None) -> list[DeathOut]:
    """The county's death register (去世信息备案): the record in force of each person."""
    _require(scope, COUNTY_ROLES, _("You may not open the death register."))
    county = await registry.find_county(scope, county_code)
    return [_out(row) for row in await _latest_rows(county["id"], month)]


async def list_deaths(scope: Scope, county_code: str, month: date | None = None) -> list[dict[str, Any]]:
    """interfaces §6: id_number, name, home_code, died_at, reported_at, hours_to_report (one
    decimal), deadline_hours, late, last_entitled_month. Full ID numbers: the caller is the
    operator's command line (system scope) or a role allowed to see them."""
    county = await registry.find_county(scope, county_code)
    return [
        {
            "id_number": row["id_number"],
            "name": row["name"],
            "home_code": row["home_code"],
            "died_at": local_iso(row["died_at"]),
            "reported_at": local_iso(row["reported_at"]),
            "hours_to_report": rules.hours_text(row["minutes_to_report"]),
            "deadline_hours": row["deadline_hours"],
            "late": bool(row["late"]),
            "last_entitled_month": dates.month_text(row["last_entitled_month"]),
        }
        for row in sorted(await _latest_rows(county["id"], month), key=lambda row: (row["died_at"], row["id"]))
    ]


# --- county parameters: funeral subsidy ------------------------------------------------------


async def _subsidy_rows(county_id: int) -> list[rules.SubsidyRow]:
    rows = await FuneralSubsidy.select(FuneralSubsidy.effective_from, FuneralSubsidy.amount).where(
        FuneralSubsidy.county == county_id
    )
    return [rules.SubsidyRow(row["effective_from"], row["amount"]) for row in rows]


async def subsidy_history(scope: Scope, county_code: str) -> list[SubsidyOut]:
    county = await registry.find_county(scope, county_code)
    rows = sorted(await _subsidy_rows(county["id"]), key=lambda row: row.effective_from)
    return [SubsidyOut(county_code, row.effective_from, money.yuan_text(row.amount)) for row in rows]


async def subsidy_on(scope: Scope, county_code: str, day: date) -> SubsidyOut:
    county = await registry.find_county(scope, county_code)
    rows = await _subsidy_rows(county["id"])
    in_force = [row for row in rows if row.effective_from <= day]
    best = max(in_force, key=lambda row: row.effective_from, default=None)
    if best is None:
        return SubsidyOut(county_code, None, money.yuan_text(registry_rules.default_funeral_subsidy_fen()))
    return SubsidyOut(county_code, best.effective_from, money.yuan_text(best.amount))


async def set_funeral_subsidy(scope: Scope, county_code: str, effective_from: date, amount_text: str) -> SubsidyOut:
    """The county's funeral subsidy from ``effective_from`` on (not in the past: a change never
    rewrites earlier deaths; a second change for the same future date replaces the first)."""
    _require(scope, SUBSIDY_ROLES, _("Only an administrator changes county parameters."))
    errors: dict[str, str] = {}
    try:
        amount = money.parse_yuan(amount_text or "")
        if amount < 0 or amount > registry_rules.FUNERAL_SUBSIDY_MAX_FEN:
            raise ValueError(amount_text)
    except ValueError:
        errors["amount"] = _("Not a valid amount in yuan (write 1234.50).")
    if effective_from < dates.today():
        errors["effective_from"] = _("The effective date cannot be in the past: a change never rewrites earlier days.")
    if errors:
        raise Invalid(errors)
    async with transaction():
        county = await registry.find_county(scope, county_code)
        existing = await FuneralSubsidy.select().where(
            (FuneralSubsidy.county == county["id"]) & (FuneralSubsidy.effective_from == effective_from)
        ).first()
        key = f"{county_code}@{effective_from.isoformat()}"
        if existing and effective_from <= dates.today():
            raise Invalid({"effective_from": _("Parameters from this date are already in force; choose a later effective date.")})
        if existing:
            await FuneralSubsidy.update({FuneralSubsidy.amount: amount, FuneralSubsidy.created_by: scope.username, FuneralSubsidy.created_at: dates.now_utc()}).where(FuneralSubsidy.id == existing["id"])
            before = {"funeral_subsidy": money.yuan_text(existing["amount"])}
        else:
            await FuneralSubsidy.insert(FuneralSubsidy(county=county["id"], effective_from=effective_from, amount=amount, created_at=dates.now_utc(), created_by=scope.username))
            before = None
        await append_audit(scope.user_id, scope.username, [Change("parameters.funeral_subsidy", "county_parameter", key, before, {"funeral_subsidy": money.yuan_text(amount)})])
    return SubsidyOut(county_code, effective_from, money.yuan_text(amount))


# --- reporting --------------------------------------------------------------------------------


def _clean(data: DeathIn) -> dict[str, str]:
    return {
        name: (getattr(data, name) or "").strip()
        for name in ("place", "cause", "certificate_no", "reporter", "funeral_arrangements", "reason")
    }


def _check_moment(person: dict[str, Any], died_at: datetime | None, reported_at: datetime, errors: dict[str, str], field: str = "died_at") -> None:
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
    scope: Scope, person: dict[str, Any], died_at: datetime, reported_at: datetime, texts: dict[str, str],
    *, time_known: bool, source: str, previous: dict[str, Any] | None, now: datetime,
) -> dict[str, Any]:
    """Write one death record and its consequences (inside the caller's transaction)."""
    resident_id = person["id"]
    county_id = person["county_id"]
    died_on = dates.local(died_at).date()
    params = registry_rules.parameters_in_force(
        await registry._parameter_rows(county_id), died_on, registry_rules.default_parameters()
    )
    subsidy = rules.subsidy_in_force(await _subsidy_rows(county_id), died_on, registry_rules.default_funeral_subsidy_fen())
    events = await placement_events(resident_id)
    home_at_death = residents_rules.home_on(events, died_on)
    if home_at_death is None and previous is not None:
        home_at_death = previous["home"]
    late = rules.is_late(died_at, reported_at, params.death_report_deadline_hours)
    record = {
        "resident": resident_id, "county": county_id, "home": home_at_death,
        "died_at": died_at, "died_on": died_on, "time_known": time_known, "reported_at": reported_at,
        "place": texts["place"], "cause": texts["cause"], "certificate_no": texts["certificate_no"],
        "reporter": texts["reporter"], "deadline_hours": params.death_report_deadline_hours,
        "minutes_to_report": rules.minutes_to_report(died_at, reported_at), "late": late,
        "last_entitled_month": residents_rules.last_entitled_month(died_on, params.extra_months_after_death),
        "funeral_arrangements": texts["funeral_arrangements"], "funeral_subsidy": subsidy, "source": source,
        "corrects": previous["id"] if previous else None, "reason": texts["reason"] if previous else "",
        "recorded_at": now, "recorded_by": scope.username,
    }
    rows = await append_rows(DEATH_LEDGER, [record])
    saved = await DeathRecord.select(DeathRecord.id).where(DeathRecord.seq == rows[0]["seq"]).first()
    record["id"] = saved["id"]
    # The record is locked from the day of death on (residents services check died_on).
    await Resident.update({Resident.died_on: died_on}).where(Resident.id == resident_id)
    # Open re-assessment tasks are cancelled.
    await ReassessmentTask.update({ReassessmentTask.cancelled_on: dates.local(now).date()}).where(
        (ReassessmentTask.resident == resident_id)
        & ReassessmentTask.done_on.is_null()
        & ReassessmentTask.cancelled_on.is_null()
    )
    # The bed is released: an end-of-stay event on the day of death (never before the last
    # recorded event, so the history stays in order), then the cached home is recomputed.
    if residents_rules.home_on(events, FAR_FUTURE) is not None:
        on = max([died_on, *(event.on for event in events)])
        await append_rows(PLACEMENT_LEDGER, [{
            "resident": resident_id, "kind": "discharge", "home": None, "event_date": on,
            "note": _("End of stay: died on {day}").format(day=died_on.isoformat()),
            "recorded_at": now, "recorded_by": scope.username,
        }])
        await refresh_state(resident_id)
    if late:
        await LateNotice.insert(LateNotice(death_record=record["id"], resident=resident_id, county=county_id, created_at=now))
    after = {
        "died_at": local_iso(died_at), "reported_at": local_iso(reported_at), "late": late,
        "deadline_hours": params.death_report_deadline_hours,
        "last_entitled_month": dates.month_text(record["last_entitled_month"]),
        "funeral_subsidy": money.yuan_text(subsidy), "place": texts["place"], "cause": texts["cause"],
        "certificate_no": texts["certificate_no"], "reporter": texts["reporter"], "source": source,
    }
    before = None
    if previous is not None:
        after["reason"] = texts["reason"]
        before = {"record": previous["id"], "died_at": local_iso(previous["died_at"]), "place": previous["place"],
                  "cause": previous["cause"], "certificate_no": previous["certificate_no"], "reporter": previous["reporter"]}
    action = "death.correct" if previous else "death.report"
    await append_audit(scope.user_id, scope.username, [Change(action, "resident", citizen_id.mask(person["id_number"]), before, after)])
    return record


async def _person(scope: Scope, resident_id: int) -> dict[str, Any]:
    person = await find_resident(scope, resident_id)  # out of scope: NotFound, before validation
    row = await Resident.select(Resident.died_on).where(Resident.id == resident_id).first()
    person["died_on"] = row["died_on"]
    return person


async def report_death(scope: Scope, resident_id: int, data: DeathIn) -> DeathOut:
    """The home's death report; ``reported_at`` is now (the server's clock)."""
    _require(scope, REPORT_ROLES, _("You may not report deaths."))
    now = dates.now_utc()
    async with transaction():
        person = await _person(scope, resident_id)
        if scope.role == "director" and person["home_id"] != scope.home_id:
            raise Invalid({"died_at": _("A director reports the deaths of their own home's residents only.")})
        if await DeathRecord.exists().where(DeathRecord.resident == resident_id):
            raise Invalid({"died_at": _("A death is already recorded for this person; record a correction instead.")})
        texts = _clean(data)
        errors: dict[str, str] = {}
        died_at = _aware(data.died_at)
        _check_moment(person, died_at, now, errors)
        if errors:
            raise Invalid(errors)
        await _apply(scope, person, died_at, now, texts, time_known=True, source="form", previous=None, now=now)
    return await death_of(scope, resident_id)


async def correct_death(scope: Scope, resident_id: int, data: DeathIn) -> DeathOut:
    """A correction: a new record naming the record in force; ``reported_at`` is the original
    report's. A reason is required."""
    _require(scope, REPORT_ROLES, _("You may not report deaths."))
    now = dates.now_utc()
    async with transaction():
        person = await _person(scope, resident_id)
        previous = await _record_in_force(resident_id)
        if previous is None:
            raise Invalid({"died_at": _("No death is recorded for this person.")})
        if scope.role == "director" and previous["home"] != scope.home_id:
            raise Invalid({"died_at": _("A director corrects the deaths of their own home's residents only.")})
        texts = _clean(data)
        errors: dict[str, str] = {}
        if not texts["reason"]:
            errors["reason"] = _("Give the reason for the correction.")
        died_at = _aware(data.died_at)
        _check_moment(person, died_at, previous["reported_at"], errors)
        if errors:
            raise Invalid(errors)
        await _apply(scope, person, died_at, previous["reported_at"], texts, time_known=True, source="form", previous=previous, now=now)
    return await death_of(scope, resident_id)


# --- notices of late reports -----------------------------------------------------------------


async def late_notices(scope: Scope, county_code: str | None = None, include_seen: bool = False) -> list[NoticeOut]:
    """Notices of late death reports for the county (an inspector's, finance officer's or any
    for an administrator); open ones only unless ``include_seen``."""
    _require(scope, COUNTY_ROLES, _("You may not open the death register."))
    query = LateNotice.select(
        LateNotice.all_columns(),
        LateNotice.resident.name.as_alias("name"),
        LateNotice.resident.id_number.as_alias("id_number"),
        LateNotice.county.code.as_alias("county_code"),
    )
    if not scope.is_admin:
        query = query.where(LateNotice.county == scope.county_id)
    if county_code:
        county = await registry.find_county(scope, county_code)
        query = query.where(LateNotice.county == county["id"])
    if not include_seen:
        query = query.where(LateNotice.seen_at.is_null())
    notices = await query.order_by(LateNotice.id, ascending=False)
    if not notices:
        return []
    records = {
        row["id"]: row
        for row in await DeathRecord.select(*_columns()).where(DeathRecord.id.is_in([n["death_record"] for n in notices]))
    }
    result = []
    for notice in notices:
        record = records[notice["death_record"]]
        result.append(NoticeOut(
            id=notice["id"], death_record=notice["death_record"], resident_id=notice["resident"], name=notice["name"],
            id_number_masked=citizen_id.mask(notice["id_number"]), county_code=notice["county_code"],
            home_code=record["home_code"], died_at=record["died_at"], reported_at=record["reported_at"],
            hours_to_report=rules.hours_text(record["minutes_to_report"]), deadline_hours=record["deadline_hours"],
            created_at=notice["created_at"], seen_at=notice["seen_at"], seen_by=notice["seen_by"],
        ))
    return result


async def open_notice_count(scope: Scope) -> int:
    """How many late-report notices the user's county has not yet seen (0 for a director)."""
    if scope.role not in COUNTY_ROLES:
        return 0
    query = LateNotice.count().where(LateNotice.seen_at.is_null())
    if not scope.is_admin:
        query = query.where(LateNotice.county == scope.county_id)
    return await query


async def mark_notice_seen(scope: Scope, county_code: str, notice_id: int) -> None:
    """An inspector (or administrator) of the county has seen the late report."""
    _require(scope, ("inspector", "admin"), _("Only the county's inspectors mark notices as seen."))
    async with transaction():
        county = await registry.find_county(scope, county_code)
        notice = await LateNotice.select().where((LateNotice.id == notice_id) & (LateNotice.county == county["id"])).first()
        if notice is None:
            raise NotFound(_("No such notice."))
        if notice["seen_at"] is None:
            await LateNotice.update({LateNotice.seen_at: dates.now_utc(), LateNotice.seen_by: scope.username}).where(LateNotice.id == notice_id)
            await append_audit(scope.user_id, scope.username, [Change("death.notice_seen", "late_notice", str(notice_id), None, {"death_record": notice["death_record"]})])


# --- import (interfaces §3 deaths) -------------------------------------------------------------


def _same(previous: dict[str, Any], died_at: datetime, reported_at: datetime, values: dict[str, Any]) -> bool:
    return (
        previous["died_at"] == died_at and previous["reported_at"] == reported_at
        and all((values.get(name) or "") == previous[name] for name in ("place", "cause", "certificate_no"))
    )


async def import_deaths(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    """All or nothing; idempotent on ``id_number``: a row equal to the record in force is
    unchanged, a different one is recorded as a correction (audited), a new person's death is
    reported with all its consequences."""
    _require(scope, IMPORT_ROLES, _("Only the county bureau imports deaths."))
    now = dates.now_utc()
    tz = get_settings().tz
    numbers = sorted({row.values["id_number"] for row in rows if row.values.get("id_number")})
    people: dict[str, dict[str, Any]] = {}
    for start in range(0, len(numbers), 900):
        query = Resident.select(Resident.id, Resident.id_number).where(Resident.id_number.is_in(numbers[start : start + 900]))
        if (condition := resident_where(scope)) is not None:
            query = query.where(condition)
        people.update({row["id_number"]: row for row in await query})
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    plan: list[ImportRowOut] = []
    work: list[tuple[ParsedRow, dict[str, Any], datetime, datetime, bool]] = []
    details: dict[int, dict[str, Any]] = {}
    for row in rows:
        values = row.values
        number = values.get("id_number")
        if not number or values.get("died_at") is None or values.get("reported_at") is None:
            continue
        if number in seen:
            errors.append(RowError(row.row, row.label("id_number"), _("Same person as row {row}: a person may appear in one row only.").format(row=seen[number])))
            continue
        seen[number] = row.row
        found = people.get(number)
        if found is None:
            errors.append(RowError(row.row, row.label("id_number"), _("This person is not in the register.")))
            continue
        raw = values["died_at"]
        time_known = isinstance(raw, datetime)
        died_at = raw.astimezone(UTC) if time_known else datetime.combine(raw, datetime.min.time()).replace(tzinfo=tz).astimezone(UTC)
        reported_at = values["reported_at"]
        if reported_at > now:
            errors.append(RowError(row.row, row.label("reported_at"), _("The date cannot be in the future.")))
            continue
        if reported_at < died_at:
            errors.append(RowError(row.row, row.label("reported_at"), _("The report cannot be before the death.")))
            continue
        if found["id"] not in details:
            details[found["id"]] = await find_resident(scope, found["id"])
        person = details[found["id"]]
        died_on = dates.local(died_at).date()
        if died_on < person["birth_date"]:
            errors.append(RowError(row.row, row.label("died_at"), _("The date is before the person was born.")))
            continue
        if died_on < person["approved_on"]:
            errors.append(RowError(row.row, row.label("died_at"), _("The date is before the approval date.")))
            continue
        work.append((row, person, died_at, reported_at, time_known))
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    actions: list[tuple[str, tuple]] = []
    for item in work:
        row, person, died_at, reported_at, _known = item
        previous = await _record_in_force(person["id"])
        label = f"{citizen_id.mask(person['id_number'])} {dates.local(died_at).date().isoformat()}"
        if previous is None:
            action = "create"
        elif _same(previous, died_at, reported_at, row.values):
            action = "unchanged"
        else:
            action = "update"
        plan.append(ImportRowOut(row.row, label, action))
        actions.append((action, item))
    counts = Counter(item.action for item in plan)
    result = ImportResult(True, "deaths", counts["create"], counts["update"], counts["unchanged"], dry_run, plan)
    if dry_run or not (counts["create"] or counts["update"]):
        return result
    async with transaction():
        for action, (row, person, died_at, reported_at, time_known) in actions:
            if action == "unchanged":
                continue
            previous = await _record_in_force(person["id"]) if action == "update" else None
            texts = {
                "place": row.values.get("place") or "", "cause": row.values.get("cause") or "",
                "certificate_no": row.values.get("certificate_no") or "", "reporter": "",
                "funeral_arrangements": previous["funeral_arrangements"] if previous else "",
                "reason": _("Corrected by an imported file."),
            }
            if previous is not None:
                texts["reporter"] = previous["reporter"]
            await _apply(scope, person, died_at, reported_at, texts, time_known=time_known, source="import", previous=previous, now=now)
        await append_audit(scope.user_id, scope.username, [Change("death.import", "import", "deaths", None, {"created": result.created, "updated": result.updated, "unchanged": result.unchanged})])
    return result


# --- export --------------------------------------------------------------------------------------


async def export_rows(scope: Scope, county_code: str, month: date | None = None) -> list[dict[str, Any]]:
    """The death register for the exported file, with full ID numbers (the county roles may see
    them); the export is recorded in the audit log (domain-rules §9)."""
    _require(scope, COUNTY_ROLES, _("You may not open the death register."))
    county = await registry.find_county(scope, county_code)
    rows = sorted(await _latest_rows(county["id"], month), key=lambda row: (row["died_at"], row["id"]))
    result = [
        {
            "id_number": row["id_number"], "name": row["name"], "home_code": row["home_code"] or "",
            "home_name": row["home_name"] or "",
            "died_at": dates.local(row["died_at"]).strftime("%Y-%m-%d %H:%M" if row["time_known"] else "%Y-%m-%d"),
            "reported_at": dates.local(row["reported_at"]).strftime("%Y-%m-%d %H:%M"),
            "hours_to_report": rules.hours_text(row["minutes_to_report"]), "deadline_hours": row["deadline_hours"],
            "late": bool(row["late"]), "last_entitled_month": dates.month_text(row["last_entitled_month"]),
            "place": row["place"], "cause": row["cause"], "certificate_no": row["certificate_no"],
            "reporter": row["reporter"], "funeral_arrangements": row["funeral_arrangements"],
            "funeral_subsidy": money.yuan_text(row["funeral_subsidy"]), "corrected": row["corrects"] is not None,
        }
        for row in rows
    ]
    async with transaction():
        await append_audit(scope.user_id, scope.username, [Change(
            "death.export", "county", county_code, None,
            {"rows": len(result), "month": dates.month_text(month) if month else None},
        )])
    return result
