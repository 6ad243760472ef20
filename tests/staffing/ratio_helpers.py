"""Build a home's staffing for the ratio tests by inserting rows directly (the staff register's
pages are another part of issue 11): posts, care training, leave; residents through the
residents import (tests/residents/helpers.register_person); a county's carer ratio through the
registry's parameters service."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from backend.core import dates
from backend.core.security import Scope
from backend.registry import services as registry
from backend.registry.schemas import ParametersIn
from backend.residents import services as residents
from backend.residents.schemas import AssessmentIn, ResidentIn
from backend.staffing.tables import StaffLeave, StaffMember, TrainingRecord
from tests.residents.helpers import new_id, register_person

_numbers = itertools.count(1)
ALL_CAN = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True)
# three of six cannot: partial loss of self-care (a dependent resident)
PARTIAL = dict(ALL_CAN, eat=False, dress=False, bathe=False)


async def home_id(code: str) -> int:
    return (await registry.find_home(Scope.system("test"), code))["id"]


async def post(
    home: str,
    hired_on: date,
    left_on: date | None = None,
    post: str = "manager",
    name: str | None = None,
    health_cert_expires: date | None = None,
    staff_no: str | None = None,
) -> StaffMember:
    now = dates.now_utc()
    number = staff_no or f"S{next(_numbers):04d}"
    row = StaffMember(
        home=await home_id(home),
        staff_no=number,
        name=name or f"员工{number}",
        post=post,
        hired_on=hired_on,
        left_on=left_on,
        health_cert_expires=health_cert_expires,
        created_at=now,
        updated_at=now,
    )
    await row.save()
    return row


async def training(staff: StaffMember, topic: str = "care", trained_on: date | None = None) -> None:
    await TrainingRecord(
        staff=staff.id,
        topic=topic,
        trained_on=trained_on or staff.hired_on,
        hours_tenths=80,
        provider="县民政局",
        created_at=dates.now_utc(),
        created_by="test",
    ).save()


async def leave(staff: StaffMember, first_day: date, last_day: date) -> None:
    await StaffLeave(
        staff=staff.id,
        first_day=first_day,
        last_day=last_day,
        approved_by="院长",
        recorded_at=dates.now_utc(),
        recorded_by="test",
    ).save()


async def resident(county: str, home: str, admitted_on: date, dependent_from: date | None = None):
    """A resident placed since ``admitted_on``; assessed by the county as partly dependent on
    ``dependent_from`` when given (a dependent resident from that day on)."""
    system = Scope.system("test")
    data = ResidentIn(
        id_number=new_id(),
        name="测试对象",
        county_code=county,
        approved_on=admitted_on - timedelta(days=30),
        home_code=home,
        admitted_on=admitted_on,
    )
    person = await register_person(system, data)
    if dependent_from is not None:
        await residents.record_assessment(system, person.id, AssessmentIn(assessed_on=dependent_from, **PARTIAL))
    return person


async def residents_in(county: str, home: str, count: int, admitted_on: date) -> None:
    for _ in range(count):
        await resident(county, home, admitted_on)


async def carer_ratio(county: str, dependents_per_carer: int, effective_from: date | None = None) -> None:
    """Set the county's carer ratio (1 carer per ``dependents_per_carer`` dependent residents)
    from ``effective_from`` (today by default; the past is never rewritten), the rest default."""
    await registry.set_parameters(
        Scope.system("test"),
        county,
        ParametersIn(
            effective_from=effective_from or dates.today(),
            residents_per_staff=10,
            death_report_deadline_hours=24,
            extra_months_after_death=0,
            inspections_per_year=4,
            dependents_per_carer=dependents_per_carer,
        ),
    )


async def county_of(home: str) -> str:
    return (await registry.find_home(Scope.system("test"), home))["county_code"]
