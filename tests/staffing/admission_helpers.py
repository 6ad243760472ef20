"""Homes at the staff ratio for the admission-warning tests: residents placed by the residents
import (one file, not checked against the ratio), staff posts inserted as ``StaffMember`` rows,
and persons with a county assessment, ready for an ordinary admission."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core import dates
from backend.importers import run_import
from backend.registry import services as registry
from backend.residents import services as residents
from backend.residents.schemas import AssessmentIn, ResidentIn
from backend.staffing.tables import StaffMember
from tests.residents.helpers import new_id

SELF_CARE = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True)
FULL_LOSS = dict(eat=False, dress=False, transfer=False, toilet=False, walk=True, bathe=False)
HEADER = ["身份证号", "姓名", "区划代码", "认定日期", "供养方式", "机构编码", "入住日期"]


async def home_id(system, home_code: str) -> int:
    return (await registry.find_home(system, home_code))["id"]


async def fill(system, county: str, home: str, count: int, admitted_on: date | None = None) -> None:
    """Place ``count`` residents in the home since ``admitted_on`` (200 days ago), by import."""
    admitted_on = admitted_on or dates.today() - timedelta(days=200)
    approved = (admitted_on - timedelta(days=30)).isoformat()
    rows = [HEADER] + [
        [new_id(), f"住养{number}", county, approved, "集中", home, admitted_on.isoformat()] for number in range(count)
    ]
    text = "\n".join(",".join(cells) for cells in rows) + "\n"
    await run_import(system, "residents", "residents.csv", text.encode("utf-8"))


async def add_staff(home: int, count: int, post: str = "manager", hired_on: date | None = None) -> list[int]:
    """``count`` staff posts in the home (by id), in post since ``hired_on`` (a year ago)."""
    hired_on = hired_on or dates.today() - timedelta(days=365)
    now = dates.now_utc()
    ids = []
    for _number in range(count):
        row = StaffMember(
            home=home, staff_no=new_id()[-8:], name="员工", post=post, hired_on=hired_on, created_at=now, updated_at=now
        )
        await row.save()
        ids.append(row.id)
    return ids


async def assessed(system, county: str, name: str = "王秀英", answers: dict | None = None, assessed_on: date | None = None):
    """A dispersed person with a county assessment (self-care unless ``answers`` say otherwise)
    a few days ago, so an ordinary admission today is allowed."""
    person = await residents.register_resident(
        system, ResidentIn(id_number=new_id("F"), name=name, county_code=county, approved_on=date(2025, 1, 6))
    )
    on = assessed_on or dates.today() - timedelta(days=3)
    await residents.record_assessment(system, person.id, AssessmentIn(assessed_on=on, **(answers or SELF_CARE)))
    return person
