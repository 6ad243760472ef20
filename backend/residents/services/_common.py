"""Shared pieces of the residents services: scope filters, look-ups, the histories, the state cache."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from backend.core import citizen_id, dates
from backend.core.errors import NotFound
from backend.core.i18n import _
from backend.core.security import Scope
from backend.residents import rules
from backend.residents.schemas import ResidentOut
from backend.residents.tables import COUNTY, Assessment, Placement, Resident

FAR_FUTURE = date(9999, 12, 31)

# Keys per look-up query of the set-based readers below.
CHUNK = 900


def resident_where(scope: Scope):
    """Rows of the register this scope may see. A director sees everyone ever placed in the home."""
    if scope.is_admin:
        return None
    if scope.kind == "home":
        return Resident.id.is_in(Placement.select(Placement.resident).where(Placement.home == scope.home_id))
    return Resident.county == scope.county_id


def resident_columns():
    return (
        Resident.id,
        Resident.id_number,
        Resident.name,
        Resident.gender,
        Resident.birth_date,
        Resident.county.code.as_alias("county_code"),
        Resident.county.id.as_alias("county_id"),
        Resident.approved_on,
        Resident.ended_on,
        Resident.died_on,
        Resident.home.id.as_alias("home_id"),
        Resident.home.code.as_alias("home_code"),
        Resident.home.name.as_alias("home_name"),
        Resident.admitted_on,
        Resident.tier,
        Resident.last_assessed_on,
        Resident.area,
    )


def status_of(row: dict[str, Any]) -> str:
    if row.get("died_on") is not None:
        return "died"
    if row["ended_on"] is not None:
        return "ended"
    return "in_home" if row["home_id"] is not None else "dispersed"


def resident_out(row: dict[str, Any], today: date | None = None) -> ResidentOut:
    today = today or dates.today()
    return ResidentOut(
        id=row["id"],
        id_number_masked=citizen_id.mask(row["id_number"]),
        name=row["name"],
        gender=row["gender"],
        birth_date=row["birth_date"],
        age=rules.age_on(row["birth_date"], today),
        county_code=row["county_code"],
        approved_on=row["approved_on"],
        ended_on=row["ended_on"],
        # The dead are neither concentrated nor dispersed (domain-rules §7): no mode.
        mode=None if row.get("died_on") is not None else "concentrated" if row["home_id"] is not None else "dispersed",
        home_code=row["home_code"],
        home_name=row["home_name"],
        admitted_on=row["admitted_on"],
        tier=row["tier"],
        last_assessed_on=row["last_assessed_on"],
        status=status_of(row),
        died_on=row.get("died_on"),
        area=row.get("area") or "",
    )


async def find_resident(scope: Scope, resident_id: int) -> dict[str, Any]:
    query = Resident.select(*resident_columns()).where(Resident.id == resident_id)
    if (condition := resident_where(scope)) is not None:
        query = query.where(condition)
    row = await query.first()
    if row is None:
        raise NotFound(_("No such person."))
    return row


async def find_resident_for_write(scope: Scope, resident_id: int, on: date | None) -> dict[str, Any]:
    """The person, when ``scope`` may record something dated ``on`` for them; NotFound otherwise.

    The scope filter of every write on a person (docs/architecture.md, "Scope for writes"):
    reading reaches everyone ever placed in a director's home, writing only a person placed in
    the home at some moment of the day of the event (``rules.homes_during``): a person who has
    been transferred out or discharged is "not found" for a write dated after they left. County
    roles are bounded by the person's county, which has no history (a person never changes
    county: transfers stay inside it, imports refuse a different county). ``on`` None (the date
    given could not be read) stands for today. Call it inside the write's transaction, before
    any validation, so that nothing about an out-of-scope person is revealed.
    """
    person = await find_resident(scope, resident_id)
    if not await _writes_on(scope, person, on):
        raise NotFound(_("No such person placed in your home on that date."))
    return person


async def _writes_on(scope: Scope, person: dict[str, Any], on: date | None) -> bool:
    """The write rule for a person already in the read scope (see ``find_resident_for_write``)."""
    if scope.kind != "home":
        return True
    return scope.home_id in rules.homes_during(await placement_events(person["id"]), on or dates.today())


async def may_record(scope: Scope, resident_id: int) -> bool:
    """Whether ``scope`` may record something dated today for the person (for a dead person:
    dated on the day of death), so that pages offer only the writes the services accept."""
    try:
        person = await find_resident(scope, resident_id)
    except NotFound:
        return False
    return await _writes_on(scope, person, person["died_on"])


async def find_by_id_number(scope: Scope, id_number: str) -> dict[str, Any]:
    query = Resident.select(*resident_columns()).where(Resident.id_number == citizen_id.normalise(id_number))
    if (condition := resident_where(scope)) is not None:
        query = query.where(condition)
    row = await query.first()
    if row is None:
        raise NotFound(_("No such person."))
    return row


async def find_by_id_numbers(scope: Scope, id_numbers: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The persons in scope with these ID numbers (normalised), by ID number, as ``find_resident``
    gives them: one query per 900 numbers. Numbers not in the register (or out of scope) are absent."""
    wanted = sorted({citizen_id.normalise(number) for number in id_numbers if number})
    found: dict[str, dict[str, Any]] = {}
    condition = resident_where(scope)
    for start in range(0, len(wanted), CHUNK):
        query = Resident.select(*resident_columns()).where(Resident.id_number.is_in(wanted[start : start + CHUNK]))
        if condition is not None:
            query = query.where(condition)
        found.update({row["id_number"]: row for row in await query})
    return found


async def resident_ids(id_numbers: Iterable[str], county_id: int | None = None) -> dict[str, int]:
    """ID number → person id for the numbers (normalised) in the register, of one county if
    ``county_id`` is given; no scope filter (the caller has checked the county is in its scope)."""
    wanted = sorted({citizen_id.normalise(number) for number in id_numbers if number})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        query = Resident.select(Resident.id, Resident.id_number).where(Resident.id_number.is_in(wanted[start : start + CHUNK]))
        if county_id is not None:
            query = query.where(Resident.county == county_id)
        found.update({row["id_number"]: row["id"] for row in await query})
    return found


async def placement_histories(resident_ids: Iterable[int], before: date | None = None) -> dict[int, list[rules.PlacementEvent]]:
    """Each person's placement events (dated before ``before``, when given), by person id: one
    query per 900 persons; a person with none maps to []."""
    wanted = sorted(set(resident_ids))
    result: dict[int, list[rules.PlacementEvent]] = defaultdict(list)
    for start in range(0, len(wanted), CHUNK):
        query = Placement.select(Placement.resident, Placement.event_date, Placement.seq, Placement.kind, Placement.home).where(
            Placement.resident.is_in(wanted[start : start + CHUNK])
        )
        if before is not None:
            query = query.where(Placement.event_date < before)
        for row in await query:
            result[row["resident"]].append(rules.PlacementEvent(row["event_date"], row["seq"], row["kind"], row["home"]))
    return {resident_id: result.get(resident_id, []) for resident_id in wanted}


async def assessment_histories(
    resident_ids: Iterable[int], before: date | None = None
) -> dict[int, list[rules.AssessmentRecord]]:
    """Each person's self-care assessments by the county (dated before ``before``, when given),
    by person id: one query per 900 persons; a person with none maps to []. A home's care
    observations are not among them (they never set the tier)."""
    wanted = sorted(set(resident_ids))
    result: dict[int, list[rules.AssessmentRecord]] = defaultdict(list)
    for start in range(0, len(wanted), CHUNK):
        query = Assessment.select(Assessment.resident, Assessment.assessed_on, Assessment.seq, Assessment.tier).where(
            Assessment.resident.is_in(wanted[start : start + CHUNK]) & (Assessment.authority == COUNTY)
        )
        if before is not None:
            query = query.where(Assessment.assessed_on < before)
        for row in await query:
            result[row["resident"]].append(rules.AssessmentRecord(row["assessed_on"], row["seq"], row["tier"]))
    return {resident_id: result.get(resident_id, []) for resident_id in wanted}


async def placement_events(resident_id: int) -> list[rules.PlacementEvent]:
    rows = await Placement.select(Placement.event_date, Placement.seq, Placement.kind, Placement.home).where(
        Placement.resident == resident_id
    )
    return [rules.PlacementEvent(row["event_date"], row["seq"], row["kind"], row["home"]) for row in rows]


async def assessment_records(resident_id: int) -> list[rules.AssessmentRecord]:
    """The person's self-care assessments by the county (the ones that set the tier)."""
    rows = await Assessment.select(Assessment.assessed_on, Assessment.seq, Assessment.tier).where(
        (Assessment.resident == resident_id) & (Assessment.authority == COUNTY)
    )
    return [rules.AssessmentRecord(row["assessed_on"], row["seq"], row["tier"]) for row in rows]


def current_stay_start(events: list[rules.PlacementEvent]) -> date | None:
    """The date the person came into the home they are in now (admission or transfer)."""
    start = None
    for event in sorted(events, key=lambda e: (e.on, e.seq)):
        start = event.on if event.kind in ("admit", "transfer") else None
    return start


async def refresh_state(resident_id: int) -> None:
    """Recompute the cached current home, stay start and tier from the ledgers (the tier and the
    last assessment from the county's assessments only)."""
    events = await placement_events(resident_id)
    records = await assessment_records(resident_id)
    latest = max(records, key=lambda r: (r.assessed_on, r.seq), default=None)
    await Resident.update(
        {
            Resident.home: rules.home_on(events, FAR_FUTURE),
            Resident.admitted_on: current_stay_start(events),
            Resident.tier: rules.tier_on(records, FAR_FUTURE),
            Resident.last_assessed_on: latest.assessed_on if latest else None,
        }
    ).where(Resident.id == resident_id)
