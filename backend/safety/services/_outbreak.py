"""Outbreak reports (疑似聚集性疫情, issue 12 point 4; domain rules §5b): the home reports a
suspected outbreak (the symptom, how many residents, the onset), the county sees it at once and
acknowledges it. Timeliness like a death report's: on time (及时) when reported within 24 h of the
onset, else late (迟报), with the hours between them.

Writers: ``report_outbreak`` (the home's director), ``acknowledge_outbreak`` (the county's
inspector); readers: ``view_safety``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import rules
from backend.safety.services._common import home_for
from backend.safety.tables import OutbreakReport

MAX_CASES = 10_000


class OutbreakIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    symptom: str
    cases: int = rules.OUTBREAK_MIN_CASES
    onset_at: datetime | None = None  # None: now
    note: str = ""


class OutbreakOut(msgspec.Struct, kw_only=True):
    id: int
    home: str
    home_name: str
    symptom: str
    cases: int
    onset_at: datetime
    reported_at: datetime
    reported_by: str
    late: bool
    hours: int  # whole hours from the onset to the report
    note: str
    acknowledged: bool
    acknowledged_at: datetime | None = None
    acknowledged_by: str = ""


def _out(row: dict[str, Any], home: dict[str, Any]) -> OutbreakOut:
    return OutbreakOut(
        id=row["id"],
        home=home["code"],
        home_name=home["name"],
        symptom=row["symptom"],
        cases=row["cases"],
        onset_at=row["onset_at"],
        reported_at=row["reported_at"],
        reported_by=row["reported_by"],
        late=bool(row["late"]),
        hours=max(0, int((row["reported_at"] - row["onset_at"]).total_seconds() // 3600)),
        note=row["note"],
        acknowledged=row["acknowledged_at"] is not None,
        acknowledged_at=row["acknowledged_at"],
        acknowledged_by=row["acknowledged_by"],
    )


def _order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unacknowledged first, then the latest reported first."""
    rows = sorted(rows, key=lambda row: (row["reported_at"], row["id"]), reverse=True)
    return sorted(rows, key=lambda row: row["acknowledged_at"] is not None)


# A second report of the same symptom from the same home within this time, not yet acknowledged
# by the county, is the same report sent again (a double tap, a retry): nothing more is stored.
REPEAT_WINDOW = timedelta(minutes=10)


async def report_outbreak(scope: Scope, home_code: str, data: OutbreakIn, now: datetime | None = None) -> OutbreakOut:
    home = await home_for(scope, home_code, "report_outbreak")
    now = now or dates.now_utc()
    errors: dict[str, str] = {}
    if data.symptom not in rules.OUTBREAK_SYMPTOMS:
        errors["symptom"] = _("Choose the residents' symptom.")
    if not 1 <= data.cases <= MAX_CASES:
        errors["cases"] = _("How many residents have the symptom (at least 1)?")
    onset_at = now
    if data.onset_at is not None:
        try:
            onset_at = dates.instant(data.onset_at)
        except ValueError:
            errors["onset_at"] = _("The onset is not a plausible time.")
        else:
            if onset_at > now + rules.FUTURE_TOLERANCE:
                errors["onset_at"] = _("The onset lies in the future.")
    note = data.note.strip()
    if len(note) > 500:
        errors["note"] = _("The note: at most 500 characters.")
    if errors:
        raise Invalid(errors)
    onset_at = min(onset_at, now)
    late = rules.outbreak_late(onset_at, now)
    async with transaction():
        await registry.lock_home(home["id"])  # two sends at once: the second waits, then finds the first
        repeated = (
            await OutbreakReport.select()
            .where(
                (OutbreakReport.home == home["id"])
                & (OutbreakReport.symptom == data.symptom)
                & OutbreakReport.acknowledged_at.is_null()
                & (OutbreakReport.reported_at >= now - REPEAT_WINDOW)
            )
            .order_by(OutbreakReport.id, ascending=False)
            .first()
        )
        if repeated is not None:  # a double tap or a retry on a weak connection: the same report
            return _out(repeated, home)
        await OutbreakReport.insert(
            OutbreakReport(
                home=home["id"],
                symptom=data.symptom,
                cases=data.cases,
                onset_at=onset_at,
                reported_at=now,
                reported_by=scope.username,
                late=late,
                note=note,
                acknowledged_at=None,
                acknowledged_by="",
            )
        )
        row = (
            await OutbreakReport.select()
            .where(OutbreakReport.home == home["id"])
            .order_by(OutbreakReport.id, ascending=False)
            .first()
        )
        assert row is not None
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "safety.outbreak_reported",
                    "outbreak_report",
                    str(row["id"]),
                    None,
                    {"home": home["code"], "symptom": data.symptom, "cases": data.cases, "late": late},
                )
            ],
        )
    return _out(row, home)


async def home_outbreaks(scope: Scope, home_code: str) -> list[OutbreakOut]:
    home = await home_for(scope, home_code, "view_safety")
    rows = await OutbreakReport.select().where(OutbreakReport.home == home["id"])
    return [_out(row, home) for row in _order(rows)]


async def _county_homes(scope: Scope, county_code: str) -> dict[int, dict[str, Any]]:
    require(scope, "view_safety")
    county = await registry.find_county(scope, county_code)
    if scope.kind == "home":
        raise NotFound(_("No such county."))
    codes = [home.code for home in await registry.list_homes(scope, county["code"])]
    return {home["id"]: home for home in (await registry.homes_by_code(codes)).values()}


async def county_outbreaks(scope: Scope, county_code: str) -> list[OutbreakOut]:
    """The county's reports, unacknowledged first (a director: NotFound)."""
    homes = await _county_homes(scope, county_code)
    if not homes:
        return []
    rows = await OutbreakReport.select().where(OutbreakReport.home.is_in(sorted(homes)))
    return [_out(row, homes[row["home"]]) for row in _order(rows)]


async def acknowledge_outbreak(scope: Scope, report_id: int, now: datetime | None = None) -> OutbreakOut:
    """The county's inspector acknowledges a report (once; again is a no-op answer)."""
    require(scope, "acknowledge_outbreak")
    now = now or dates.now_utc()
    row = await OutbreakReport.select().where(OutbreakReport.id == report_id).first()
    homes = await registry.homes_by_id([row["home"]]) if row is not None else {}
    home = homes.get(row["home"]) if row is not None else None
    if row is None or home is None or (not scope.is_admin and (scope.kind != "county" or home["county"] != scope.county_id)):
        raise NotFound(_("No such outbreak report."))
    if row["acknowledged_at"] is not None:
        return _out(row, home)
    async with transaction():
        # only a report not yet acknowledged changes (two at once: the second changes nothing)
        changed = (
            await OutbreakReport.update({OutbreakReport.acknowledged_at: now, OutbreakReport.acknowledged_by: scope.username})
            .where((OutbreakReport.id == report_id) & OutbreakReport.acknowledged_at.is_null())
            .returning(OutbreakReport.id)
        )
        if changed:
            await append_audit(
                scope.user_id,
                scope.username,
                [Change("safety.outbreak_acknowledged", "outbreak_report", str(report_id), None, {"home": home["code"]})],
            )
    updated = await OutbreakReport.select().where(OutbreakReport.id == report_id).first()
    assert updated is not None
    return _out(updated, home)


async def unacknowledged_outbreaks(scope: Scope) -> list[tuple[str, int]]:
    """For the to-do list: (county or home code, how many reports await the county's
    acknowledgement) in the scope — a county's staff: their county; a director: their home."""
    if scope.kind == "county" and scope.county_id is not None:
        county_rows = await registry.counties_by_id([scope.county_id])
        county = county_rows.get(scope.county_id)
        if county is None:
            return []
        homes = await _county_homes(scope, county["code"])
        if not homes:
            return []
        count = await OutbreakReport.count().where(
            OutbreakReport.home.is_in(sorted(homes)) & OutbreakReport.acknowledged_at.is_null()
        )
        return [(county["code"], count)] if count else []
    if scope.kind == "home" and scope.home_id is not None:
        homes = await registry.homes_by_id([scope.home_id])
        count = await OutbreakReport.count().where(
            (OutbreakReport.home == scope.home_id) & OutbreakReport.acknowledged_at.is_null()
        )
        return [(homes[scope.home_id]["code"], count)] if count and scope.home_id in homes else []
    return []
