"""Registering tekun persons and their placements: admission, transfer, discharge, end."""

from __future__ import annotations

from datetime import date

from backend.core import advisories, citizen_id, dates
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit, append_rows
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.residents import rules
from backend.residents.schemas import PlacementIn, ResidentIn, ResidentOut
from backend.residents.services._admission import admission_problem, check_admission, open_admission_task
from backend.residents.services._common import (
    find_resident,
    find_resident_for_write,
    placement_events,
    refresh_state,
    resident_out,
)
from backend.residents.tables import COUNTY, PLACEMENT_LEDGER, Assessment, Resident

EMERGENCY_ACTION = "resident.emergency_admit"  # an admission without a recent county assessment


async def _home_of_county(home_code: str | None, county_id: int, field: str) -> dict:
    """The home (id, code, name, county, beds) of this code in the person's county."""
    home = (await registry.homes_by_code([home_code or ""])).get(home_code or "")
    if home is None or home["county"] != county_id:
        raise Invalid({field: _("No home with this code in the person's county.")})
    return home


async def _home_in_county(scope: Scope, home_code: str | None, county_id: int, field: str) -> dict:
    home = await _home_of_county(home_code, county_id, field)
    if scope.kind == "home" and field == "home_code" and home["id"] != scope.home_id:
        raise Invalid({field: _("A director records admissions to their own home only.")})
    return home


async def _check_capacity(home: dict, field: str) -> None:
    """A home cannot hold more residents than its beds (the home row is locked first)."""
    await registry.lock_home(home["id"])
    present = await Resident.count().where(Resident.home == home["id"])
    if present >= home["beds"]:
        raise Invalid(
            {field: _("The home is full: it has {beds} beds and {present} residents.").format(beds=home["beds"], present=present)}
        )


async def _tier_on(resident_id: int, on: date) -> str:
    """The self-care tier in force on ``on``: the latest county assessment on or before it."""
    row = (
        await Assessment.select(Assessment.tier)
        .where((Assessment.resident == resident_id) & (Assessment.authority == COUNTY) & (Assessment.assessed_on <= on))
        .order_by(Assessment.assessed_on, Assessment.seq, ascending=False)
        .first()
    )
    return row["tier"] if row else "unassessed"


async def check_advisories(
    name: str, resident_id: int | None, home_id: int, on: date, confirmed: bool
) -> list[advisories.Advisory]:
    """The warnings the higher domains give about placing the person in the home from ``on``
    (the staff ratio: ``staffing.advisories``, through the core registry). Unconfirmed, they
    refuse the write, naming ``confirm_breach``; confirmed, they are returned for
    ``advisories.confirm`` once the placement is written. Call it last, inside the transaction
    with the home locked, so the warning is the only thing left to settle."""
    tier = await _tier_on(resident_id, on) if resident_id is not None else rules.UNASSESSED
    event = advisories.Event(advisories.ADMISSION, home_id, on, name, (("tier", tier),))
    found = await advisories.warnings(event)
    if found and not confirmed:
        raise Invalid({"confirm_breach": advisories.message(found)})
    return found


def check_event_date(on: date, field: str) -> None:
    if on > dates.today():
        raise Invalid({field: _("The date cannot be in the future.")})


async def check_not_after_death(resident_id: int, day: date | None, field: str) -> None:
    """A dead person's record is locked (domain-rules §7): nothing dated after the day of death
    can be recorded; with ``day`` None, nothing at all (placements, reports, end of support)."""
    row = await Resident.select(Resident.died_on).where(Resident.id == resident_id).first()
    died_on = row["died_on"] if row else None
    if died_on is None:
        return
    if day is None:
        raise Invalid({field: _("This person died on {day}: the record is locked.").format(day=died_on.isoformat())})
    if day > died_on:
        raise Invalid(
            {
                field: _("This person died on {day}: nothing dated after the day of death can be recorded.").format(
                    day=died_on.isoformat()
                )
            }
        )


async def register_resident(scope: Scope, data: ResidentIn) -> ResidentOut:
    """Record a confirmed (认定) tekun person; with a home and date, also their admission (with
    the warnings of ``check_advisories``, like any admission)."""
    require(scope, "register_residents", _("Only the county bureau registers tekun persons."))
    id_number = citizen_id.normalise(data.id_number)
    errors: dict[str, str] = {}
    problem = citizen_id.id_problem(id_number, data.gender, dates.today())
    if problem:
        errors["gender" if problem.code == "gender" else "id_number"] = _(problem.message)
    if not data.name.strip() or len(data.name) > 50:
        errors["name"] = _("Enter a name of at most 50 characters.")
    if data.approved_on > dates.today():
        errors["approved_on"] = _("The date cannot be in the future.")
    county_id = (await registry.county_ids(scope, [data.county_code])).get(data.county_code)
    if county_id is None:
        errors["county_code"] = _("No county has this code.")
    if data.admitted_on and data.admitted_on < data.approved_on:
        errors["admitted_on"] = _("The date is before the approval date.")
    if bool(data.home_code) != bool(data.admitted_on):
        errors["home_code" if not data.home_code else "admitted_on"] = _(
            "A concentrated person needs both a home and an admission date."
        )
    elif data.home_code and data.admitted_on and not data.emergency_reason.strip():
        # A person not yet registered has no county assessment: register them dispersed, assess,
        # then admit; or record the admission as an emergency one, with its reason.
        errors.setdefault("admitted_on", admission_problem(None, data.admitted_on, 0))
    if errors:
        raise Invalid(errors)
    now = dates.now_utc()
    async with transaction():
        if await Resident.exists().where(Resident.id_number == id_number):
            raise Invalid({"id_number": _("This person is already in the register.")})
        home = None
        found: list[advisories.Advisory] = []
        if data.home_code:
            check_event_date(data.admitted_on, "admitted_on")
            home = await _home_in_county(scope, data.home_code, county_id, "home_code")
            await _check_capacity(home, "home_code")
            found = await check_advisories(data.name.strip(), None, home["id"], data.admitted_on, data.confirm_breach)
        values = {
            "id_number": id_number,
            "name": data.name.strip(),
            "gender": citizen_id.gender_of(id_number),
            "birth_date": citizen_id.birth_date(id_number),
            "county": county_id,
            "approved_on": data.approved_on,
            "area": data.area or "",  # "": the county's default area
        }
        inserted = await Resident.insert(Resident(**values, created_at=now)).returning(Resident.id)
        resident_id = inserted[0]["id"]
        if home is not None:
            reason = data.emergency_reason.strip()
            await append_rows(
                PLACEMENT_LEDGER,
                [_event(resident_id, "admit", home["id"], data.admitted_on, "", now, scope, reason)],
            )
            await open_admission_task(scope, resident_id, data.admitted_on, reason)
            await refresh_state(resident_id)
            await advisories.confirm(scope, found)  # the confirmed breach, with who confirmed it
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "resident.register",
                    "resident",
                    citizen_id.mask(id_number),
                    None,
                    {
                        "name": values["name"],
                        "county": data.county_code,
                        "approved_on": data.approved_on.isoformat(),
                        "home": data.home_code,
                        "admitted_on": data.admitted_on.isoformat() if data.admitted_on else None,
                        **({"emergency_reason": data.emergency_reason.strip()} if data.home_code else {}),
                    },
                )
            ],
        )
    return resident_out(await find_resident(scope, resident_id))


def _event(
    resident_id: int, kind: str, home_id: int | None, on: date, note: str, now, scope: Scope, emergency_reason: str = ""
) -> dict:
    return {
        "resident": resident_id,
        "kind": kind,
        "home": home_id,
        "event_date": on,
        "note": note,
        "emergency": bool(emergency_reason),
        "emergency_reason": emergency_reason,
        "recorded_at": now,
        "recorded_by": scope.username,
    }


async def record_placement(scope: Scope, resident_id: int, data: PlacementIn) -> ResidentOut:
    """Admission, transfer or discharge, dated; kept as history. Refused when it contradicts
    the history (admitting someone already placed, discharging someone who is not), when dated
    before the last recorded event or in the future, when the target home is full, or when an
    admission has no recent county assessment and is not an emergency one (``_admission``).
    An admission or a transfer in that a higher domain warns about (the staff ratio) is refused
    naming ``confirm_breach`` unless ``data.confirm_breach``; confirmed, the warning is recorded
    with who confirmed it, in the same transaction."""
    require(scope, "record_placement", _("You may not record placements."))
    now = dates.now_utc()
    async with transaction():
        person = await find_resident_for_write(scope, resident_id, data.event_date)
        check_event_date(data.event_date, "event_date")
        await check_not_after_death(resident_id, None, "event_date")
        if data.event_date < person["approved_on"]:
            raise Invalid({"event_date": _("The date is before the approval date.")})
        if person["ended_on"] is not None and data.event_date > person["ended_on"]:
            raise Invalid({"event_date": _("Support for this person ended on {day}.").format(day=person["ended_on"].isoformat())})
        events = await placement_events(resident_id)
        if events and data.event_date < max(event.on for event in events):
            raise Invalid({"event_date": _("The date is before the last recorded placement; history is not rewritten.")})
        placed_in = rules.home_on(events, data.event_date)
        home = None
        emergency = False
        if data.kind == "admit":
            if placed_in is not None:
                raise Invalid({"kind": _("The person already lives in a home: record a transfer or a discharge.")})
            home = await _home_in_county(scope, data.home_code, person["county_id"], "home_code")
            emergency = await check_admission(scope, person, data.event_date, data.emergency, data.emergency_reason)
        elif data.kind == "transfer":
            if placed_in is None:
                raise Invalid({"kind": _("The person lives in no home: record an admission.")})
            if scope.kind == "home" and placed_in != scope.home_id:
                raise NotFound(_("No such person."))
            home = await _home_of_county(data.home_code, person["county_id"], "home_code")
            if home["id"] == placed_in:
                raise Invalid({"home_code": _("The person already lives in this home.")})
        else:
            if placed_in is None:
                raise Invalid({"kind": _("The person lives in no home, so cannot be discharged.")})
            if scope.kind == "home" and placed_in != scope.home_id:
                raise NotFound(_("No such person."))
        found: list[advisories.Advisory] = []
        if home is not None:
            await _check_capacity(home, "home_code")
            found = await check_advisories(person["name"], resident_id, home["id"], data.event_date, data.confirm_breach)
        reason = data.emergency_reason.strip() if emergency else ""
        await append_rows(
            PLACEMENT_LEDGER,
            [
                _event(
                    resident_id, data.kind, home["id"] if home else None, data.event_date, data.note.strip(), now, scope, reason
                )
            ],
        )
        if emergency:
            await open_admission_task(scope, resident_id, data.event_date, reason)
        await refresh_state(resident_id)
        await advisories.confirm(scope, found)  # the confirmed breach, with who confirmed it
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    f"resident.{data.kind}" if not emergency else EMERGENCY_ACTION,
                    "resident",
                    citizen_id.mask(person["id_number"]),
                    None,
                    {
                        "date": data.event_date.isoformat(),
                        "home": home["code"] if home else None,
                        "note": data.note.strip(),
                        **({"emergency_reason": reason} if emergency else {}),
                    },
                )
            ],
        )
    return resident_out(await find_resident(scope, resident_id))


async def end_support(scope: Scope, resident_id: int, ended_on: date, reason: str) -> ResidentOut:
    """Support ends for a reason other than death (the county's decision); a placed person is
    discharged on the same day."""
    require(scope, "register_residents", _("Only the county bureau ends support."))
    reason = (reason or "").strip()
    now = dates.now_utc()
    async with transaction():
        person = await find_resident_for_write(scope, resident_id, ended_on)
        if not reason or len(reason) > 200:
            raise Invalid({"reason": _("Give the reason (at most 200 characters).")})
        check_event_date(ended_on, "ended_on")
        await check_not_after_death(resident_id, None, "ended_on")
        if ended_on < person["approved_on"]:
            raise Invalid({"ended_on": _("The date is before the approval date.")})
        if person["ended_on"] is not None:
            raise Invalid({"ended_on": _("Support for this person ended on {day}.").format(day=person["ended_on"].isoformat())})
        events = await placement_events(resident_id)
        if events and ended_on < max(event.on for event in events):
            raise Invalid({"ended_on": _("The date is before the last recorded placement; history is not rewritten.")})
        if rules.home_on(events, ended_on) is not None:
            await append_rows(PLACEMENT_LEDGER, [_event(resident_id, "discharge", None, ended_on, reason, now, scope)])
        await Resident.update({Resident.ended_on: ended_on, Resident.end_reason: reason}).where(Resident.id == resident_id)
        await refresh_state(resident_id)
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "resident.end",
                    "resident",
                    citizen_id.mask(person["id_number"]),
                    {"ended_on": None},
                    {"ended_on": ended_on.isoformat(), "reason": reason},
                )
            ],
        )
    return resident_out(await find_resident(scope, resident_id))
