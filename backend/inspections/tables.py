"""Inspection tables (issue 13; domain rules §6, §6b).

- ``task``: one thing a home is expected to do in one period (a routine of its safety templates, a
  resident's re-assessment or annual review, a hazard's deadline, a staff certificate's renewal, the
  county's on-site inspection). The natural key is (home, routine, period, subject): generating the
  same range twice creates nothing new. ``expected`` counts the occurrences due in the period (3 for
  a meal routine's day, 4 for a night of patrol slots, 1 otherwise); ``done`` and ``on_time`` count
  those done and done on time (domain rules §6b). A task whose period ended short of ``expected`` is
  ``overdue``; one for a closed home or a dead person is ``cancelled`` (never deleted).
- ``inspection_visit``: an on-site inspection (现场检查) of a home by the county bureau (domain rules
  §6: at least yearly by law, quarterly by default). It is what makes the county's
  ``onsite_inspection`` task of the period done. Append-only: a correction is a new visit pointing
  at the one it corrects.
"""

from piccolo.columns import BigInt, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.registry.tables import County, Home

# Task statuses (interfaces §2 ``tekun tasks list --status``; ``cancelled`` is never listed as open).
OPEN = "open"
DONE = "done"
OVERDUE = "overdue"
CANCELLED = "cancelled"
STATUSES = (OPEN, DONE, OVERDUE, CANCELLED)

# Task sources (what the task was generated from).
SOURCES = ("safety", "assessment", "review", "hazard", "certificate", "inspection")


class Task(Table, tablename="task"):
    """One scheduled duty of a home in one period (see the module docstring).

    ``period`` is the period key (``2026-12-01``, ``2026-12``, ``2026-Q4``, ``2026-H2``, ``2026``);
    ``period_start``/``period_end`` are its first and last business days (TEKUN_TIMEZONE);
    ``due_at`` is the instant it is due by (the period's end); ``deadline`` is ``due_at`` plus the
    grace of domain rules §6b (recorded later: done, but late, 补录). ``month`` is the month of
    ``period_end`` (``YYYY-MM``): the month whose on-time rate the task counts in.
    ``subject`` names the one the task is about (a resident, a hazard, a staff member; "" for a
    routine of the home)."""

    # The single-column indexes these declare were dropped by the migration 2026-12-02T03:50 (each
    # column leads a composite index: the natural key, (county, month)); left declared so that the
    # auto migrations' snapshot does not try to drop them again.
    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    source = Varchar(length=16)
    routine = Varchar(length=40)
    subject = Varchar(length=64, default="")
    period = Varchar(length=16)
    period_start = Date()
    period_end = Date()
    month = Varchar(length=7)
    due_at = Timestamptz()
    deadline = Timestamptz()
    expected = Integer(default=1)
    done = Integer(default=0)
    on_time = Integer(default=0)
    status = Varchar(length=12, default=OPEN)
    done_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class InspectionVisit(Table, tablename="inspection_visit"):
    """An on-site inspection of a home by the county bureau (see the module docstring).

    ``visited_on`` is the business day of the visit; ``recorded_at`` when it was entered (the
    server's clock: a visit entered after its period's deadline is done but late, 补录).
    ``inspector`` is the username of the one who recorded it; ``findings`` the summary in words;
    ``hazards_opened`` how many hazards the visit opened (through the safety services)."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    visited_on = Date()
    recorded_at = Timestamptz()
    inspector = Varchar(length=150)
    inspector_id = Integer(null=True, default=None)
    findings = Text(default="")
    hazards_opened = Integer(default=0)
    corrects = Integer(null=True, default=None)
    reason = Text(default="")


class TaskWatermark(Table, tablename="task_watermark"):
    """How far task generation has counted a ledger (issue 13): ``name`` ``safety_entry`` holds
    the highest safety-entry id every task had been counted against at the last full generation
    (an entry recorded within its margin before that run is counted again by the next one). A
    generation counts again only the periods of the entries recorded after it."""

    name = Varchar(length=40, unique=True)
    value = BigInt(default=0)
