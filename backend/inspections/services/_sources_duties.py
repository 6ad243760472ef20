"""Task sources with one due day each (issue 13, point 2): hazard deadlines, staff health
certificates' expiries, residents' re-assessments and annual reviews. A duty is generated when
its period (from the day it arises to its due day) overlaps the window; it is done when the fact
is recorded, on time when recorded by the due day (no grace: the due day is itself the limit).
A duty whose subject died, left or was discharged before its due day is cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from backend.inspections import rules
from backend.inspections.services._sources import Want, Window
from backend.residents import rules as residents_rules

REVIEW_NOTICE = timedelta(days=30)  # an annual review's task appears 30 days before it is due
CERTIFICATE_NOTICE = timedelta(days=30)  # a certificate's renewal task, 30 days before it expires


def _day_start(day: date, window: Window) -> datetime:
    return datetime.combine(day, time(0), tzinfo=window.zone).astimezone(UTC)


def _overlaps(window: Window, home_id: int, first: date, last: date) -> bool:
    start = window.start.get(home_id)
    return start is not None and last >= start and first <= window.through


def _duty(window: Window, home: dict, source: str, routine: str, subject: str, first: date, due: date, fact) -> Want:
    """``fact``: None (not done) or (the day or moment it was done, whether on time)."""
    due_at = rules.end_of_day(due, window.zone)
    done_at = None
    if fact is not None:
        done_at = fact[0] if isinstance(fact[0], datetime) else _day_start(fact[0], window)
        done_at = done_at.astimezone(UTC)
    return Want(
        home["id"], home["county"], source, routine, subject, due.isoformat(), min(first, due), due,
        due_at, due_at, 1, int(fact is not None), int(fact is not None and fact[1]), done_at,
    )  # fmt: skip


def _existing_of(window: Window, routine: str) -> list[tuple]:
    return [row for key, row in window.existing.items() if key[1] == routine]


async def hazard_wants(window: Window) -> list[Want]:
    """``hazard_fix``: each hazard (subject its id), from the day it was opened to its deadline;
    done when closed, on time when closed by the deadline."""
    from backend.safety import services as safety

    homes = {home["id"]: home for home in window.homes}
    out = []
    for row in await safety.hazard_deadlines(list(homes), window.first):
        home = homes[row["home"]]
        if not _overlaps(window, home["id"], row["opened_on"], row["deadline"]):
            continue
        fact = None
        if row["status"] == "closed" and row["closed_on"] is not None:
            fact = (row["closed_at"] or row["closed_on"], row["closed_on"] <= row["deadline"])
        out.append(_duty(window, home, "hazard", "hazard_fix", str(row["id"]), row["opened_on"], row["deadline"], fact))
    return out


async def certificate_wants(window: Window) -> list[Want]:
    """``certificate_renewal``: each staff member's health certificate expiry (subject the staff
    id), from 30 days before to the expiry day; done when a later expiry is recorded (on time when
    recorded by the expiry day); cancelled when the person left before it."""
    from backend.staffing import services as staffing

    homes = {home["id"]: home for home in window.homes}
    staff = {row["id"]: row for row in await staffing.health_certificates(list(homes))}
    out = []
    seen = set()
    for row in staff.values():
        home = homes[row["home"]]
        if _overlaps(window, home["id"], row["expires"] - CERTIFICATE_NOTICE, row["expires"]):
            want = _duty(window, home, "certificate", "certificate_renewal", str(row["id"]),
                         row["expires"] - CERTIFICATE_NOTICE, row["expires"], None)  # fmt: skip
            want.cancelled = row["left_on"] is not None and row["left_on"] <= row["expires"]
            out.append(want)
            seen.add(want.key)
    for task in _existing_of(window, "certificate_renewal"):
        key = (task[1], task[2], task[3], task[4])
        person = staff.get(int(task[4])) if task[4].isdigit() else None
        if key in seen or person is None or task[1] not in homes:
            continue
        expired = date.fromisoformat(task[3])
        fact = None
        if person["expires"] > expired:
            fact = (person["updated_at"], person["updated_at"] <= rules.end_of_day(expired, window.zone))
        want = _duty(window, homes[task[1]], "certificate", "certificate_renewal", task[4], task[5], expired, fact)
        want.cancelled = fact is None and person["left_on"] is not None and person["left_on"] <= expired
        out.append(want)
    return out


def _gone_on(person: dict[str, Any]) -> date | None:
    days = [day for day in (person["died_on"], person["ended_on"]) if day is not None]
    return min(days) if days else None


async def resident_wants(window: Window) -> list[Want]:
    """``reassessment`` (a condition change or an emergency admission: due within 10 working days)
    and ``annual_review`` (a year after the last assessment; its task appears 30 days before), for
    the residents of the homes (subject the resident id). A review is done by the first
    assessment after the one it follows; a re-assessment when the register records it done."""
    from backend.residents import services as residents

    homes = {home["id"]: home for home in window.homes}
    earlier = {
        (key[1], key[3], key[2]): row for key, row in window.existing.items() if key[1] in ("reassessment", "annual_review")
    }
    subject_ids = [int(key[1]) for key in earlier if key[1].isdigit()]
    found = await residents.review_duties(list(homes), subject_ids, window.first)
    people = {row["id"]: row for row in found["residents"]}
    assessed: dict[int, list[tuple[date, datetime]]] = {}
    for row in found["assessments"]:
        assessed.setdefault(row["resident"], []).append((row["assessed_on"], row["recorded_at"]))

    def home_of(routine: str, person_id: int, period: str) -> dict | None:
        task = earlier.get((routine, str(person_id), period))
        home_id = task[1] if task is not None else people[person_id]["home"]
        return homes.get(home_id)

    out = []
    for row in found["reassessments"]:
        home = home_of("reassessment", row["resident"], row["due_on"].isoformat())
        if home is None or not _overlaps(window, home["id"], row["reported_on"], row["due_on"]):
            continue
        fact = None if row["done_on"] is None else (row["done_on"], row["done_on"] <= row["due_on"])
        want = _duty(window, home, "assessment", "reassessment", str(row["resident"]), row["reported_on"], row["due_on"], fact)
        want.cancelled = fact is None and row["cancelled_on"] is not None
        out.append(want)
    reviews: set[tuple[int, date]] = set()
    for person in people.values():
        if person["last_assessed_on"] is not None and person["home"] in homes:
            reviews.add((person["id"], residents_rules.annual_review_due(person["last_assessed_on"])))
    for routine, subject, period in earlier:
        if routine == "annual_review" and subject.isdigit() and int(subject) in people:
            reviews.add((int(subject), date.fromisoformat(period)))
    for person_id, due in sorted(reviews):
        home = home_of("annual_review", person_id, due.isoformat())
        if home is None or not _overlaps(window, home["id"], due - REVIEW_NOTICE, due):
            continue
        follows = residents_rules.annual_review_due(due, years=-1)
        after = sorted(item for item in assessed.get(person_id, []) if item[0] > follows)
        fact = None if not after else (after[0][1], after[0][0] <= due)
        want = _duty(window, home, "review", "annual_review", str(person_id), due - REVIEW_NOTICE, due, fact)
        gone = _gone_on(people[person_id])
        want.cancelled = fact is None and gone is not None and gone < due
        out.append(want)
    return out
