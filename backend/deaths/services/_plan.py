"""What reporting a death will do, said before it is done (the confirmation step of the form).

``report_death(..., dry_run=True)`` makes the same checks as the report itself, then answers a
``DeathPlan`` instead of writing: the values are the ones the report would fix (the county's
deadline, last entitled month and funeral subsidy in force on the day of death).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backend.core import dates
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.deaths import rules
from backend.deaths.services._subsidy import subsidy_on
from backend.registry import services as registry
from backend.residents import rules as residents_rules


@dataclass(frozen=True)
class DeathPlan:
    """The consequences of a death report about to be recorded (nothing is written yet)."""

    resident_id: int
    name: str
    died_at: datetime
    died_on: date
    died_time_known: bool  # False: only the date is known (the deadline runs from its end)
    home_name: str | None  # the home whose bed is freed (None: not placed)
    last_entitled_month: date  # the stipend is paid up to this month, included
    stops_from: date  # ... and stops from this month on
    deadline_hours: int
    hours_to_report: float  # if the report is recorded now
    late: bool  # if recorded now: the county is notified
    funeral_subsidy: str  # yuan text


async def plan_report(scope: Scope, person: dict[str, Any], died_at: datetime, time_known: bool, now: datetime) -> DeathPlan:
    """The plan for ``person`` (a row of the residents' register, already checked for the write)."""
    died_on = dates.local(died_at).date()
    params = await registry.parameters_on(scope, person["county_code"], died_on)
    last = residents_rules.last_entitled_month(died_on, params.extra_months_after_death)
    subsidy = await subsidy_on(scope, person["county_code"], died_on)
    counted = rules.report_timing(died_at, time_known, now, params.death_report_deadline_hours, get_settings().tz)
    return DeathPlan(
        resident_id=person["id"],
        name=person["name"],
        died_at=died_at,
        died_on=died_on,
        died_time_known=time_known,
        home_name=person["home_name"] if person["home_id"] is not None else None,
        last_entitled_month=last,
        stops_from=dates.add_months(last, 1),
        deadline_hours=params.death_report_deadline_hours,
        hours_to_report=counted.hours,
        late=counted.late,
        funeral_subsidy=subsidy.amount,
    )
