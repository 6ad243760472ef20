"""The duty roster (值班表, issue 11 point 3): for each day of a week (named by its Monday) a day
shift and a night shift, each a set of the home's staff in post and not on leave that day. Saving
replaces the week's rows of the home in one transaction with one audit record (``duty.save``).

The gaps (``rules.roster_gaps``): a night with nobody on duty (24-hour duty), and, in a home with a
fire control room, a shift with fewer than two certified fire-facility operators. Only people in
post and not on leave count, so a leave recorded after the roster was saved opens a gap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backend.core import dates, formatting
from backend.core.bulk import fetch_tuples
from backend.core.db import reading, transaction
from backend.core.errors import Invalid
from backend.core.i18n import N_, _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing import rules
from backend.staffing.labels import SHIFT_LABELS
from backend.staffing.roster_schemas import DayLeaveOut, DutyWeekOut, GapOut, OnDutyOut, ShiftIn, ShiftOut
from backend.staffing.services._leave import effective_last, home_for
from backend.staffing.services._ratio import _ints, as_date
from backend.staffing.tables import SHIFTS, RosterShift, StaffLeave, StaffMember

WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week_day(text: str | None) -> date:
    """The day a ``week=YYYY-MM-DD`` names (none: today), any day of the week."""
    if not text:
        return dates.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Invalid({"week": _("Give the week as the date of its Monday (YYYY-MM-DD).")}) from None
    if not dates.FIRST_YEAR <= day.year <= dates.LAST_YEAR:
        raise Invalid(
            {"week": _("The year must be between {first} and {last}.").format(first=dates.FIRST_YEAR, last=dates.LAST_YEAR)}
        )
    return day


def _not_a_monday(day: date) -> Invalid:
    return Invalid(
        {
            "week": _("A week starts on a Monday: the week of {day} starts on {monday}.").format(
                day=formatting.day(day), monday=formatting.day(monday_of(day))
            )
        }
    )


def parse_week(text: str | None) -> date:
    """The Monday a ``week=YYYY-MM-DD`` names (none: this week's); another day is refused, the
    refusal naming the Monday of its week."""
    day = parse_week_day(text)
    if not text:
        return monday_of(day)
    if day.weekday() != 0:
        raise _not_a_monday(day)
    return day


def day_label(day: date) -> str:
    return f"{_(WEEKDAYS[day.weekday()])} {day.month}/{day.day}"


def gap_message(gap: rules.RosterGap) -> str:
    if gap.kind == "empty":
        return _("{day}: nobody is on the night shift.").format(day=day_label(gap.day))
    return _("{day}, {shift}: {certified} certified fire-facility operators on duty, two are needed.").format(
        day=day_label(gap.day), shift=_(SHIFT_LABELS[gap.shift]), certified=gap.certified
    )


@dataclass
class Person:
    """A post of the home in post on some day of the week, with its leave of the week."""

    id: int
    staff_no: str
    name: str
    post: str
    hired_on: date
    left_on: date | None
    fire_operator_cert: bool
    leaves: list[tuple[date, date]] = field(default_factory=list)

    def in_post(self, day: date) -> bool:
        return self.hired_on <= day and (self.left_on is None or self.left_on > day)

    def on_leave(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.leaves)

    def available(self, day: date) -> bool:
        return self.in_post(day) and not self.on_leave(day)

    def out(self) -> OnDutyOut:
        return OnDutyOut(staff_id=self.id, staff_no=self.staff_no, name=self.name, fire_operator_cert=self.fire_operator_cert)


Assignment = dict[tuple[date, str], set[int]]


@dataclass
class RosterWeek:
    """A home's week: its people, who is on each shift (``assigned``), the gaps."""

    home: dict[str, Any]
    monday: date
    people: dict[int, Person]
    assigned: Assignment
    gaps: list[rules.RosterGap] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=offset) for offset in range(7)]

    def available(self, day: date) -> list[Person]:
        return [person for person in self.people.values() if person.available(day)]

    def on_leave(self, day: date) -> list[Person]:
        return [person for person in self.people.values() if person.in_post(day) and person.on_leave(day)]

    def unavailable_assigned(self, day: date, shift: str) -> list[Person]:
        """People saved on the shift who are no longer available that day (left, or on leave)."""
        people = [self.people[i] for i in sorted(self.assigned.get((day, shift), ())) if i in self.people]
        return [person for person in people if not person.available(day)]

    def compute_gaps(self) -> None:
        on_shift = {
            (day, shift): [self.people[i].fire_operator_cert for i in ids if i in self.people and self.people[i].available(day)]
            for (day, shift), ids in self.assigned.items()
        }
        self.gaps = rules.roster_gaps(self.days, on_shift, bool(self.home["has_fire_control_room"]))

    def out(self, saved: bool = False) -> DutyWeekOut:
        shifts = [
            ShiftOut(day=day, shift=shift, staff=[self.people[i].out() for i in sorted(self.assigned.get((day, shift), ()))])
            for day in self.days
            for shift in SHIFTS
        ]
        gaps = [
            GapOut(day=g.day, shift=g.shift, kind=g.kind, on_duty=g.on_duty, certified=g.certified, message=gap_message(g))
            for g in self.gaps
        ]
        leave = [DayLeaveOut(day=day, staff=[p.out() for p in self.on_leave(day)]) for day in self.days]
        return DutyWeekOut(
            home_code=self.home["code"],
            week=self.monday,
            has_fire_control_room=bool(self.home["has_fire_control_room"]),
            shifts=shifts,
            gaps=gaps,
            on_leave=leave,
            saved=saved,
        )


async def _people(home_id: int, first: date, last: date) -> dict[int, Person]:
    rows = await (
        StaffMember.select()
        .where(StaffMember.home == home_id, StaffMember.hired_on <= last)
        .where((StaffMember.left_on.is_null()) | (StaffMember.left_on > first))
        .order_by(StaffMember.name)
        .order_by(StaffMember.staff_no)
    )
    people = {
        row["id"]: Person(
            row["id"], row["staff_no"], row["name"], row["post"], row["hired_on"], row["left_on"], bool(row["fire_operator_cert"])
        )
        for row in rows
    }
    if people:
        leaves = await StaffLeave.select().where(
            StaffLeave.staff.is_in(list(people)),
            StaffLeave.cancelled_at.is_null(),
            StaffLeave.first_day <= last,
            StaffLeave.last_day >= first,
        )
        for row in leaves:
            end = effective_last(row["first_day"], row["last_day"], row["returned_on"])
            if end is not None:
                people[row["staff"]].leaves.append((row["first_day"], end))
    return people


async def _assigned(home_id: int, first: date, last: date) -> Assignment:
    rows = await RosterShift.select(RosterShift.day, RosterShift.shift, RosterShift.staff).where(
        RosterShift.home == home_id, RosterShift.day >= first, RosterShift.day <= last
    )
    assigned: Assignment = defaultdict(set)
    for row in rows:
        assigned[(row["day"], row["shift"])].add(row["staff"])
    return dict(assigned)


async def _week(home: dict[str, Any], monday: date) -> RosterWeek:
    sunday = monday + timedelta(days=6)
    people = await _people(home["id"], monday, sunday)
    assigned = await _assigned(home["id"], monday, sunday)
    # a saved shift may name someone whose post has since been ended before the week: show them too
    missing = {i for ids in assigned.values() for i in ids} - set(people)
    if missing:
        for row in await StaffMember.select().where(StaffMember.id.is_in(sorted(missing))):
            people[row["id"]] = Person(
                row["id"],
                row["staff_no"],
                row["name"],
                row["post"],
                row["hired_on"],
                row["left_on"],
                bool(row["fire_operator_cert"]),
            )
    week = RosterWeek(home, monday, people, assigned)
    week.compute_gaps()
    return week


async def week_roster(scope: Scope, home_code: str, monday: date) -> RosterWeek:
    """The home's roster of the week starting ``monday``, with its gaps and who is on leave."""
    home = await home_for(scope, home_code, "view_staffing")
    if monday.weekday() != 0:
        raise _not_a_monday(monday)
    return await _week(home, monday)


async def copy_previous_week(scope: Scope, home_code: str, monday: date) -> RosterWeek:
    """The week starting ``monday`` pre-filled from the week before (each shift's people seven
    days later, keeping those available that day); nothing is saved."""
    home = await home_for(scope, home_code, "manage_roster")
    week = await week_roster(scope, home_code, monday)
    before = await _week(home, monday - timedelta(days=7))
    week.people.update({i: p for i, p in before.people.items() if i not in week.people})
    week.assigned = {
        (day + timedelta(days=7), shift): {
            i for i in ids if i in week.people and week.people[i].available(day + timedelta(days=7))
        }
        for (day, shift), ids in before.assigned.items()
    }
    week.compute_gaps()
    return week


def _field(day: date, shift: str) -> str:
    return f"{day.isoformat()}.{shift}"


def _proposed(week: RosterWeek, shifts: Iterable[ShiftIn]) -> Assignment:
    """The assignment asked for, checked: each day in the week, each person of the home, in post
    and not on leave that day. Refusals name the shift's field (``2026-12-07.night``)."""
    days = set(week.days)
    assigned: Assignment = {}
    errors: dict[str, str] = {}
    for item in shifts:
        name = _field(item.day, item.shift)
        if item.day not in days:
            errors.setdefault("day", _("{day} is not a day of this week.").format(day=item.day.isoformat()))
            continue
        for staff_id in item.staff_ids:
            person = week.people.get(staff_id)
            if person is None:
                errors.setdefault(name, _("A person on this shift is not on this home's staff."))
            elif not person.in_post(item.day):
                errors.setdefault(name, _("{name} is not in post on this day.").format(name=person.name))
            elif person.on_leave(item.day):
                errors.setdefault(name, _("{name} is on leave on this day.").format(name=person.name))
        assigned.setdefault((item.day, item.shift), set()).update(item.staff_ids)
    if errors:
        raise Invalid(errors)
    return {key: ids for key, ids in assigned.items() if ids}


async def _checked(scope: Scope, home_code: str, monday: date, shifts: Iterable[ShiftIn]) -> RosterWeek:
    home = await home_for(scope, home_code, "manage_roster")
    if monday.weekday() != 0:
        raise _not_a_monday(monday)
    week = await _week(home, monday)
    week.assigned = _proposed(week, shifts)
    week.compute_gaps()
    return week


async def check_week(scope: Scope, home_code: str, monday: date, shifts: Iterable[ShiftIn]) -> RosterWeek:
    """The week as it would be saved (refusals raised, gaps computed); nothing is written."""
    return await _checked(scope, home_code, monday, list(shifts))


def _per_day(week: RosterWeek, assigned: Assignment) -> dict[str, dict[str, list[str]]]:
    """The audit's shifts per day, each person as "工号 姓名" (the audit page reads as words)."""

    def who(staff_id: int) -> str:
        person = week.people.get(staff_id)
        return f"{person.staff_no} {person.name}" if person else f"#{staff_id}"

    return {
        day.isoformat(): {shift: [who(i) for i in sorted(assigned.get((day, shift), ()))] for shift in SHIFTS}
        for day in week.days
        if any(assigned.get((day, shift)) for shift in SHIFTS)
    }


async def save_week(scope: Scope, home_code: str, monday: date, shifts: Iterable[ShiftIn]) -> RosterWeek:
    """Replace the home's roster of the week (one transaction, one ``duty.save`` audit with the
    people per day before and after). Gaps do not block the save: they are in the answer."""
    shifts = list(shifts)
    async with transaction():
        week = await _checked(scope, home_code, monday, shifts)
        home_id, sunday = week.home["id"], monday + timedelta(days=6)
        before = await _assigned(home_id, monday, sunday)
        await RosterShift.delete().where(RosterShift.home == home_id, RosterShift.day >= monday, RosterShift.day <= sunday)
        now = dates.now_utc()
        rows = [
            RosterShift(home=home_id, day=day, shift=shift, staff=staff_id, recorded_at=now, recorded_by=scope.username)
            for (day, shift), ids in sorted(week.assigned.items())
            for staff_id in sorted(ids)
        ]
        if rows:
            await RosterShift.insert(*rows)
        key = f"{week.home['code']}:{monday.isoformat()}"
        change = Change("duty.save", "roster_week", key, _per_day(week, before), _per_day(week, week.assigned))
        await append_audit(scope.user_id, scope.username, [change])
    return week


async def uncovered_nights(home_ids: Iterable[int], first: date, last: date) -> dict[int, list[date]]:
    """Home id → the nights from ``first`` to ``last`` with nobody on duty (nobody rostered, or
    only people no longer in post or on leave that day). Set-based: one query for all homes; the
    caller has checked its scope."""
    wanted = sorted(set(home_ids))
    if not wanted or last < first:
        return {}
    async with reading():
        rows = await fetch_tuples(
            "SELECT DISTINCT r.home, r.day FROM roster_shift r JOIN staff_member s ON s.id = r.staff"
            f" WHERE r.home IN ({_ints(wanted)}) AND r.shift = 'night' AND r.day >= {{}} AND r.day <= {{}}"
            " AND s.hired_on <= r.day AND (s.left_on IS NULL OR s.left_on > r.day)"
            " AND NOT EXISTS (SELECT 1 FROM staff_leave l WHERE l.staff = s.id AND l.cancelled_at IS NULL"
            " AND l.first_day <= r.day AND l.last_day >= r.day AND (l.returned_on IS NULL OR l.returned_on > r.day))",
            first,
            last,
        )
    covered = {(home_id, as_date(day)) for home_id, day in rows}
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    return {home_id: [day for day in days if (home_id, day) not in covered] for home_id in wanted}


async def own_uncovered_nights(scope: Scope, first: date, last: date) -> list[tuple[str, date]]:
    """A director's home: (home code, night) for each night from ``first`` to ``last`` with nobody
    on duty (the "今日待办" item). Other scopes: none (the county sees them on its own pages)."""
    if scope.kind != "home" or scope.home_id is None:
        return []
    homes = await registry.homes_by_id([scope.home_id])
    if scope.home_id not in homes:
        return []
    nights = await uncovered_nights([scope.home_id], first, last)
    return [(homes[scope.home_id]["code"], night) for night in nights.get(scope.home_id, [])]


async def posts_between(scope: Scope, home_code: str, first: date, last: date) -> list[Person]:
    """The home's posts in post on some day from ``first`` to ``last`` (the leave form's choices),
    by name."""
    home = await home_for(scope, home_code, "view_staffing")
    return list((await _people(home["id"], first, last)).values())
