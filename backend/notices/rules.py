"""Notice rules (issue 13, point 4): who is told what, when a notice is due, which e-mails to send.
Pure functions: no clock, no database; "today" and "now" come in as arguments.

[default] choices of this deployment (the issue names the events, not the thresholds):

- a director gets one summary a day for their home ("今日到期任务 5 项，逾期任务 2 项": the counts
  of ``inspections.services.task_counts``, the same as the tasks page and the 今日待办 items) when at
  least one task is due today or overdue; none on a day with nothing to do; not before ``SUMMARY_HOUR`` (the tasks of the day exist by then);
- an inspector gets one notice per event of their county: a major hazard not closed, an outbreak
  report not yet acknowledged, a home whose evacuation drill of a period is overdue, a death
  reported after the deadline (in the last ``EVENT_WINDOW_DAYS``);
- an e-mail that failed is retried by each following run, at most ``MAX_ATTEMPTS`` times (a day of
  hourly runs), then left with its error for the administrator to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIRECTOR_DAILY = "tasks_today"
MAJOR_HAZARD = "major_hazard"
OUTBREAK = "outbreak"
DRILL_OVERDUE = "drill_overdue"
LATE_DEATH = "late_death"
KINDS = (DIRECTOR_DAILY, MAJOR_HAZARD, OUTBREAK, DRILL_OVERDUE, LATE_DEATH)

DRILL_ROUTINE = "evacuation_drill"
SUMMARY_HOUR = 7  # the directors' summary from 07:00 (after the night's task generation)
EVENT_WINDOW_DAYS = 30  # a late death report older than this is not notified any more
DRILL_WINDOW_DAYS = 366  # overdue drills of the last year (drills are half-yearly)
MAX_ATTEMPTS = 24
EMAIL_MAX = 254
# One address, no display name: local part @ domain with a dot (what a form can check).
EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)


@dataclass(frozen=True)
class Due:
    """A notice to create: for ``user_id``, natural key (kind, subject, period)."""

    user_id: int
    kind: str
    subject: str
    period: str
    facts: dict
    href: str


def summary_time(local_hour: int) -> bool:
    """Is it late enough in the (business) day to send the directors' daily summary?"""
    return local_hour >= SUMMARY_HOUR


def director_summary(due_today: int, overdue: int) -> dict | None:
    """The facts of a director's daily summary, or None when there is nothing to do."""
    if due_today <= 0 and overdue <= 0:
        return None
    return {"due_today": due_today, "overdue": overdue}


def overdue_drills(tasks) -> list[tuple[str, str]]:
    """(home code, period) of every overdue evacuation drill, once each, in order (``tasks``:
    inspections' TaskOut, with ``home`` the home's code)."""
    found = {(task.home, task.period) for task in tasks if task.routine == DRILL_ROUTINE and task.status == "overdue"}
    return sorted(found)


def email_problem(address: str) -> str | None:
    """Why an e-mail address cannot be used ("" is fine: no address), in English (to translate)."""
    if not address:
        return None
    if len(address) > EMAIL_MAX:
        return "too_long"
    if not EMAIL_PATTERN.fullmatch(address):
        return "malformed"
    return None


def should_retry(attempts: int) -> bool:
    """May a delivery that failed ``attempts`` times be tried again?"""
    return attempts < MAX_ATTEMPTS


def recipients(email: str, enabled: bool, smtp_on: bool) -> list[str]:
    """The addresses a user's notice goes to by e-mail: theirs when e-mail is on for the
    deployment and they opted in with an address."""
    return [email] if smtp_on and enabled and email else []
