"""Building hand-made months for reconciliation tests: standards, persons, payment files."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, time
from html import unescape

from backend.core import dates
from backend.core.security import Scope
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.importers import run_import
from backend.residents import services as residents
from backend.residents.schemas import AssessmentIn, PlacementIn, ResidentIn
from backend.residents.tables import Resident
from backend.stipends import workflow
from tests.residents.helpers import new_id, register_person

SYSTEM = Scope.system("test")

# Monthly amounts in yuan: basic by mode; care by mode × tier.
STANDARD = {
    "basic_concentrated": "600.00",
    "basic_dispersed": "450.00",
    "care_concentrated_self_care": "100.00",
    "care_concentrated_partial": "300.00",
    "care_concentrated_full_loss": "500.00",
    "care_dispersed_self_care": "80.00",
    "care_dispersed_partial": "200.00",
    "care_dispersed_full_loss": "350.00",
}
STANDARD_HEADER = ["county_code", "effective_from", *STANDARD]

ALL_CAN = dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True)
PARTIAL = {**ALL_CAN, "walk": False}  # one cannot: partial
FULL_LOSS = dict(eat=False, dress=False, transfer=False, toilet=False, walk=True, bathe=True)

LINE_HEADER = ["payment_ref", "id_number", "name", "county_code", "month", "basic_amount", "care_amount"]


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return out.getvalue().encode("utf-8")


async def import_standard(county: str, month: str = "2025-01", **overrides) -> object:
    values = {**STANDARD, **overrides}
    header = ["county_code", "effective_from", *values]
    return await run_import(SYSTEM, "standards", "standards.csv", csv_bytes(header, [[county, month, *values.values()]]))


async def import_lines(rows: list[list], kind: str = "payments", header: list[str] | None = None) -> object:
    return await run_import(SYSTEM, kind, f"{kind}.csv", csv_bytes(header or LINE_HEADER, rows))


async def person(
    county: str,
    home: str | None = None,
    approved_on: date = date(2025, 1, 10),
    admitted_on: date = date(2025, 2, 1),
    assessed: dict | None = PARTIAL,
    assessed_on: date = date(2025, 3, 1),
    name: str = "张三",
    died_on: date | None = None,
):
    """A registered person (concentrated when ``home``), optionally assessed and dead."""
    created = await register_person(
        SYSTEM,
        ResidentIn(
            id_number=new_id(),
            name=name,
            county_code=county,
            approved_on=approved_on,
            home_code=home,
            admitted_on=admitted_on if home else None,
        ),
    )
    if assessed is not None:
        await residents.record_assessment(SYSTEM, created.id, AssessmentIn(assessed_on=assessed_on, **assessed))
    if died_on is not None:
        await record_death(created.id, died_on)
    row = await Resident.select(Resident.id, Resident.id_number, Resident.name).where(Resident.id == created.id).first()
    return row


async def place(resident_id: int, kind: str, on: date, home: str | None = None):
    """A placement event. An admission is recorded as an emergency one (紧急收住): these tests
    are about the money, and an admission needs a county assessment at most 90 days old
    (domain rules §2) that their persons, assessed once long before, do not have; the task it
    opens changes no entitlement (tests/residents/test_admission.py tests the rule)."""
    emergency = {"emergency": True, "emergency_reason": "测试：入住前未重新评估"} if kind == "admit" else {}
    return await residents.record_placement(
        SYSTEM, resident_id, PlacementIn(kind=kind, event_date=on, home_code=home, **emergency)
    )


async def assess(resident_id: int, on: date, answers: dict):
    return await residents.record_assessment(SYSTEM, resident_id, AssessmentIn(assessed_on=on, **answers))


async def record_death(resident_id: int, died_on: date) -> None:
    """The death reported through the deaths services, as the application records it: died_on
    set, the bed released on that day, open tasks cancelled. At noon (or now, for today)."""
    died_at = min(dates.combine_local(died_on, time(12)), dates.now_utc())
    await deaths.report_death(SYSTEM, resident_id, DeathIn(died_at=died_at, reporter="测试"))


async def end_support(resident_id: int, ended_on: date) -> None:
    await residents.end_support(SYSTEM, resident_id, ended_on, "测试：终止供养")


async def review(report, status: str, note: str = "", *, code: str | None = None, payment_ref: str | None = None) -> None:
    """Review, through the review workflow, every finding of ``report`` with this code or line."""
    chosen = [
        position
        for position, finding in enumerate(report.findings)  # the run's finding positions
        if (code is None or finding.code == code) and (payment_ref is None or finding.payment_ref == payment_ref)
    ]
    assert chosen, (code, payment_ref)
    for position in chosen:
        await workflow.review_finding(SYSTEM, report.run_id, position, status, note)


_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def visible_text(html: str) -> str:
    """The text a reader sees (what page_check reads): tags and their attributes, scripts,
    styles and comments left out; option texts and table cells kept."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    html = re.sub(r"(?s)<[^>]*>", " ", html)
    return unescape(html)


def visible_codes(html: str) -> list[str]:
    """The UPPER_SNAKE words (finding codes such as AMOUNT_MISMATCH) in the visible text."""
    return _CODE.findall(visible_text(html))
