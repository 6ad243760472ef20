"""The assessments import (interfaces.md §3 assessments): all or nothing, every error with its
row and column, idempotent, set-based at province scale; a director's rows are checked against
the person's stay in the home (the write scope, ``_common.find_resident_for_write``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from operator import itemgetter
from typing import Any

from backend.core import bulk, citizen_id, dates
from backend.core.db import is_sqlite, transaction
from backend.core.exchange import (
    ExchangeError,
    ImportResult,
    ImportRowOut,
    ParsedRow,
    RowError,
    import_result,
)
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.residents import rules
from backend.residents.services._bulk import append_ledger, existing_residents, select_in
from backend.residents.tables import (
    ASSESSMENT_LEDGER,
    Assessment,
    Placement,
    ReassessmentTask,
)

# The order of ASSESSMENT_LEDGER.fields, in which the import builds its rows directly.
_ASSESSMENT_ROW = (
    "resident",
    "assessed_on",
    *rules.ITEMS,
    "tier",
    "assessor",
    "reason",
    "corrects",
    "recorded_at",
    "recorded_by",
)
assert ASSESSMENT_LEDGER.fields == _ASSESSMENT_ROW, "import_assessments builds rows in this order"


async def _people_in_scope(scope: Scope, rows: list[ParsedRow]) -> tuple[dict[str, dict], dict[int, list[rules.PlacementEvent]]]:
    """The persons the rows name that the scope may read, by ID number, and (for a director)
    their placements, by person id."""
    numbers = sorted({row.values["id_number"] for row in rows if row.values.get("id_number")})
    people = await existing_residents(numbers)
    stays: dict[int, list[rules.PlacementEvent]] = defaultdict(list)  # a director's persons' placements
    if scope.is_admin:
        return people, stays
    people = {key: value for key, value in people.items() if value["county"] == scope.county_id}
    if scope.kind == "home":
        # Read scope: persons ever placed in the home (others are "not in the register");
        # write scope, per row: placed in the home on the day of the assessment.
        placed = await select_in(
            Placement, ("resident",), "resident", [p["id"] for p in people.values()], '"home" = {}', scope.home_id
        )
        allowed = {r["resident"] for r in placed}
        people = {key: value for key, value in people.items() if value["id"] in allowed}
        for event in await select_in(Placement, ("resident", "event_date", "seq", "kind", "home"), "resident", sorted(allowed)):
            stays[event["resident"]].append(rules.PlacementEvent(event["event_date"], event["seq"], event["kind"], event["home"]))
    return people, stays


def _refusal(scope: Scope, person: dict, day: date, today: date, stays: dict[int, list[rules.PlacementEvent]]) -> str | None:
    """Why an assessment of the person dated ``day`` cannot be recorded (None: it can)."""
    if day > today:
        return _("The date cannot be in the future.")
    if day < person["birth_date"] or (person["ended_on"] and day > person["ended_on"]):
        return _("The date is outside the person's support.")
    if scope.kind == "home" and scope.home_id not in rules.homes_during(stays[person["id"]], day):
        return _("On this date the person was not placed in your home.")
    if person["died_on"] and day > person["died_on"]:  # the record is locked after a death
        return _("This person died on {day}: nothing dated after the day of death can be recorded.").format(
            day=person["died_on"].isoformat()
        )
    return None


class _Labels:
    """The plan's label of a row, "masked ID date", with each mask and date written once (a
    person is assessed about three times; many rows share a date)."""

    def __init__(self) -> None:
        self.masks: dict[str, str] = {}
        self.days: dict[date, str] = {}

    def __call__(self, number: str, day: date) -> str:
        mask = self.masks.get(number)
        if mask is None:
            mask = self.masks[number] = citizen_id.mask(number)
        day_text = self.days.get(day)
        if day_text is None:
            day_text = self.days[day] = day.isoformat()
        return f"{mask} {day_text}"


class _Tiers:
    """``rules.care_tier`` once per combination of the six answers."""

    def __init__(self) -> None:
        self.known: dict[tuple, str] = {}

    def __call__(self, answers: tuple) -> str:
        tier = self.known.get(answers)
        if tier is None:
            tier = self.known[answers] = rules.care_tier(dict(zip(rules.ITEMS, answers, strict=True)))
        return tier


def _same_answers(stored: list[dict], answers: tuple) -> bool:
    return any(all(bool(record[item]) == answer for item, answer in zip(rules.ITEMS, answers, strict=True)) for record in stored)


def _plan(
    scope: Scope,
    rows: list[ParsedRow],
    people: dict[str, dict],
    stays: dict[int, list],
    existing: dict[tuple[int, date], list[dict]],
) -> tuple[list[ImportRowOut], list[tuple], list[RowError]]:
    """(the plan, the new ledger rows in ASSESSMENT_LEDGER.fields order, the errors)."""
    today = dates.today()
    errors: list[RowError] = []
    seen: dict[tuple[str, date], int] = {}
    plan: list[ImportRowOut] = []
    new_rows: list[tuple] = []  # compact: 360,000 at province scale
    now = dates.now_utc()
    answers_of = itemgetter(*rules.ITEMS)
    label_of, tier_of = _Labels(), _Tiers()
    for row in rows:
        values = row.values
        number, day = values.get("id_number"), values.get("assessed_on")
        if not number or not day:
            continue
        person = people.get(number)
        if person is None:
            errors.append(RowError(row.row, row.label("id_number"), _("This person is not in the register.")))
            continue
        if (number, day) in seen:
            errors.append(
                RowError(
                    row.row, row.label("assessed_on"), _("Same person and date as row {row}.").format(row=seen[(number, day)])
                )
            )
            continue
        seen[(number, day)] = row.row
        refusal = _refusal(scope, person, day, today, stays)
        if refusal is not None:
            errors.append(RowError(row.row, row.label("assessed_on"), refusal))
            continue
        answers = answers_of(values)  # values[item] for each of the six, as a tuple
        stored = existing.get((person["id"], day))
        if stored and _same_answers(stored, answers):
            plan.append(ImportRowOut(row.row, label_of(number, day), "unchanged"))
        elif stored:
            errors.append(
                RowError(
                    row.row,
                    row.label("assessed_on"),
                    _("An assessment of this date is recorded with other answers; record a correction in the application."),
                )
            )
        else:
            plan.append(ImportRowOut(row.row, label_of(number, day), "create"))
            new_rows.append(
                (person["id"], day, *answers, tier_of(answers), values.get("assessor") or "", "import", None, now, scope.username)
            )
    return plan, new_rows, errors


async def import_assessments(scope: Scope, rows: list[ParsedRow], dry_run: bool = False) -> ImportResult:
    require(scope, "record_assessment", _("You may not record assessments."))
    people, stays = await _people_in_scope(scope, rows)
    existing: dict[tuple[int, date], list[dict]] = defaultdict(list)
    for record in await select_in(
        Assessment, ("resident", "assessed_on", *rules.ITEMS), "resident", [person["id"] for person in people.values()]
    ):
        existing[(record["resident"], record["assessed_on"])].append(record)
    plan, new_rows, errors = _plan(scope, rows, people, stays, existing)
    if errors:
        raise ExchangeError(sorted(errors, key=lambda error: (error.row, error.column)))
    if dry_run or not new_rows:  # nothing to write: a re-import changes nothing
        return import_result("assessments", plan, dry_run)
    new_rows.sort(key=itemgetter(1, 0))  # by date, then person (the order of the ledger)
    affected = sorted({item[0] for item in new_rows})
    async with transaction():
        # The assessments already recorded for these persons, read under the write lock (SQLite)
        # / in the transaction (PostgreSQL), before the new ones are added.
        before = await select_in(Assessment, ("resident", "assessed_on", "seq", "tier"), "resident", affected)
        first_seq = await append_ledger(ASSESSMENT_LEDGER, new_rows)
        await _refresh_tiers(before, new_rows, first_seq)
        await _close_tasks(affected)
        result = import_result("assessments", plan, False)
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "assessment.import", "import", "assessments", None, {"created": result.created, "unchanged": result.unchanged}
                )
            ],
        )
    return result


async def _refresh_tiers(before: list[dict[str, Any]], new_rows: list[tuple], first_seq: int) -> None:
    """The cached tier and last assessment date of every person with a new assessment, as
    ``_common.refresh_state`` computes them: from the latest assessment by (date, seq), over the
    ones recorded before (``before``) and the new rows, which are in ledger order (by date, then
    person: a person's last row is their latest new one) with sequence numbers from
    ``first_seq``. Computed here from rows already in memory instead of one correlated sub-query
    per person; written with one statement (PostgreSQL: UPDATE … FROM unnest; SQLite:
    executemany by primary key)."""
    latest: dict[int, tuple[date, int, str]] = {}
    for record in before:
        candidate = (record["assessed_on"], int(record["seq"]), record["tier"])
        current = latest.get(record["resident"])
        if current is None or candidate[:2] > current[:2]:
            latest[record["resident"]] = candidate
    tier_at = _ASSESSMENT_ROW.index("tier")
    last = {item[0]: index for index, item in enumerate(new_rows)}
    for person, index in last.items():
        item = new_rows[index]
        candidate = (item[1], first_seq + index, item[tier_at])
        current = latest.get(person)
        if current is None or candidate[:2] > current[:2]:
            latest[person] = candidate
    ids = sorted(latest)
    connection = bulk.connection()
    if is_sqlite():
        updates = [(latest[person][2], latest[person][0], person) for person in ids]
        await connection.executemany(
            'UPDATE "resident" SET "tier" = ?, "last_assessed_on" = ? WHERE "id" = ?', bulk.as_bound(updates)
        )
    else:
        await connection.execute(
            'UPDATE "resident" SET "tier" = v.tier, "last_assessed_on" = v.day '
            "FROM unnest($1::bigint[], $2::text[], $3::date[]) AS v(id, tier, day) "
            'WHERE "resident"."id" = v.id',
            ids,
            [latest[person][2] for person in ids],
            [latest[person][0] for person in ids],
        )


async def _close_tasks(resident_ids: list[int]) -> None:
    tasks = await select_in(
        ReassessmentTask,
        ("id", "resident", "reported_on"),
        "resident",
        resident_ids,
        '"done_on" IS NULL AND "cancelled_on" IS NULL',
    )
    for task in sorted(tasks, key=itemgetter("id")):
        done = (
            await Assessment.select(Assessment.id, Assessment.assessed_on)
            .where((Assessment.resident == task["resident"]) & (Assessment.assessed_on >= task["reported_on"]))
            .order_by(Assessment.assessed_on)
            .first()
        )
        if done:
            await ReassessmentTask.update(
                {ReassessmentTask.done_on: done["assessed_on"], ReassessmentTask.assessment: done["id"]}
            ).where(ReassessmentTask.id == task["id"])
