"""Reading hazards (issue 12 point 6): a home's board (the rectification ledger, 整治台账), one
hazard with its history and evidence, and the county's view across its homes, major first.

Set-based: a home's board is one query, the county view two (its homes, their hazards not
closed), never one per home."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.i18n import _
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import rules
from backend.safety.hazard_schemas import (
    HAZARD_FILTERS,
    CountyHazardsOut,
    CountyHomeHazardsOut,
    HazardDetailOut,
    HazardPhotoOut,
    HazardStepOut,
)
from backend.safety.schemas import HazardOut
from backend.safety.services._common import home_for
from backend.safety.services._hazards import OPEN_STATUSES, hazard_out
from backend.safety.tables import SafetyHazard, SafetyPhoto


def check_filter(status: str | None) -> str:
    """``open`` (the default: not closed), ``fixed``, ``closed`` or ``all``; Invalid otherwise."""
    chosen = (status or "open").strip()
    if chosen not in HAZARD_FILTERS:
        raise Invalid({"status": _("Show one of: {keys}.").format(keys=", ".join(HAZARD_FILTERS))})
    return chosen


def board_order(rows: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Not closed first (overdue, then major, then the nearest deadline); closed ones after,
    the latest closed first."""
    active = [row for row in rows if row["status"] != "closed"]
    closed = [row for row in rows if row["status"] == "closed"]
    active.sort(key=lambda row: rules.hazard_sort_key(bool(row["major"]), row["status"], row["deadline"], today, row["id"]))
    closed.sort(key=lambda row: (row["closed_on"] or date.min, row["id"]), reverse=True)
    return active + closed


async def home_hazard_rows(home_id: int, status: str = "all") -> list[dict[str, Any]]:
    query = SafetyHazard.select().where(SafetyHazard.home == home_id)
    if status == "open":
        query = query.where(SafetyHazard.status.is_in(list(OPEN_STATUSES)))
    elif status in ("fixed", "closed"):
        query = query.where(SafetyHazard.status == status)
    return board_order(await query, dates.today())


async def list_hazards(scope: Scope, home_code: str, status: str | None = None) -> list[HazardOut]:
    """A home's hazards (``status``: see ``check_filter``), in the board's order."""
    home = await home_for(scope, home_code, "view_safety")
    chosen = check_filter(status)
    today = dates.today()
    return [hazard_out(row, home["code"], today) for row in await home_hazard_rows(home["id"], chosen)]


async def hazard_in_scope(scope: Scope, hazard_id: int, action: str, home_code: str | None = None) -> tuple[dict, dict]:
    """(the hazard row, its home) when the scope may see the home and the role may do ``action``;
    NotFound otherwise (also when ``home_code`` is given and is not the hazard's home)."""
    require(scope, action)
    row = await SafetyHazard.select().where(SafetyHazard.id == hazard_id).first()
    if row is None:
        raise NotFound(_("No such hazard."))
    code = (await registry.homes_by_id([row["home"]]))[row["home"]]["code"]
    if home_code is not None and home_code != code:
        raise NotFound(_("No such hazard."))
    try:
        home = await home_for(scope, code, action)
    except NotFound:
        raise NotFound(_("No such hazard.")) from None
    return row, home


def history_of(row: dict[str, Any]) -> list[HazardStepOut]:
    """The steps the row records (the latest of each; every step is also in the audit log)."""
    steps = [HazardStepOut(step="opened", at=row["opened_at"], by=row["opened_by"], note=row["note"])]
    if row["owner"] or row["plan"]:
        steps.append(HazardStepOut(step="plan", at=None, by=row["owner"], note=row["plan"]))
    if row["fixed_at"] is not None:
        steps.append(HazardStepOut(step="fixed", at=row["fixed_at"], by=row["fixed_by"], note=row["fix_note"]))
    if row["verified_at"] is not None:
        step = "verified" if row["status"] == "closed" else "rejected"
        steps.append(HazardStepOut(step=step, at=row["verified_at"], by=row["verified_by"], note=row["verify_note"]))
    return steps


def detail_out(row: dict[str, Any], home_code: str, photos: list[dict[str, Any]]) -> HazardDetailOut:
    return HazardDetailOut(
        hazard=hazard_out(row, home_code, dates.today()),
        opened_at=row["opened_at"],
        opened_by=row["opened_by"],
        fixed_at=row["fixed_at"],
        fixed_by=row["fixed_by"],
        fix_note=row["fix_note"],
        verified_at=row["verified_at"],
        verified_by=row["verified_by"],
        verify_note=row["verify_note"],
        photos=[
            HazardPhotoOut(
                id=photo["id"],
                sha256=photo["sha256"],
                content_type=photo["content_type"],
                size=photo["size"],
                width=photo["width"],
                height=photo["height"],
                uploaded_at=photo["uploaded_at"],
                uploaded_by=photo["uploaded_by"],
            )
            for photo in photos
        ],
        history=history_of(row),
        needs_county=bool(row["major"]),
    )


async def hazard_photos(hazard_id: int) -> list[dict[str, Any]]:
    return await SafetyPhoto.select().where(SafetyPhoto.hazard == hazard_id).order_by(SafetyPhoto.id)


async def get_hazard(scope: Scope, hazard_id: int, home_code: str | None = None) -> HazardDetailOut:
    """One hazard with its evidence photos and its history (NotFound outside the scope)."""
    row, home = await hazard_in_scope(scope, hazard_id, "view_safety", home_code)
    return detail_out(row, home["code"], await hazard_photos(row["id"]))


# --- the county -----------------------------------------------------------------------------

COUNTY_SORTS = {
    "waiting": lambda home: (-home.waiting, -home.major, -home.overdue, -home.open, home.code),
    "major": lambda home: (-home.major, -home.waiting, -home.overdue, -home.open, home.code),
    "overdue": lambda home: (-home.overdue, -home.major, -home.open, home.code),
    "open": lambda home: (-home.open, -home.major, home.code),
    "code": lambda home: (home.code,),
    "name": lambda home: (home.name, home.code),
}


def check_county_sort(sort: str | None) -> str:
    chosen = (sort or "waiting").strip()
    if chosen not in COUNTY_SORTS:
        raise Invalid({"sort": _("Sort by one of: {keys}.").format(keys=", ".join(COUNTY_SORTS))})
    return chosen


async def county_homes(scope: Scope, county_code: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The county (in scope: NotFound otherwise) and its homes as rows, by code. A director has
    the home's own board instead (Forbidden, for the home's own county)."""
    require(scope, "view_safety")
    county = await registry.find_county(scope, county_code)  # the scope first: another county is NotFound
    if scope.kind == "home":
        raise Forbidden(_("The county's hazard view is for the county's staff; your home's hazards are on its board."))
    listed = await registry.list_homes(scope, county_code=county["code"])
    rows = await registry.homes_by_code(home.code for home in listed)
    return county, [rows[home.code] for home in listed if home.code in rows]


async def county_hazards(scope: Scope, county_code: str, sort: str | None = None) -> CountyHazardsOut:
    """Every home of the county with its open, major, waiting and overdue counts (sorted by
    ``sort``: ``waiting`` by default), and the county's major hazards not closed (waiting for
    verification first, then overdue, then by deadline)."""
    chosen = check_county_sort(sort)
    county, homes = await county_homes(scope, county_code)
    today = dates.today()
    codes = {home["id"]: home["code"] for home in homes}
    rows = (
        await SafetyHazard.select()
        .where(SafetyHazard.home.is_in(list(codes)) & SafetyHazard.status.is_in(list(OPEN_STATUSES)))
        .order_by(SafetyHazard.id)
        if codes
        else []
    )
    counts = {home_id: [0, 0, 0, 0] for home_id in codes}
    for row in rows:
        count = counts[row["home"]]
        count[0] += 1
        count[1] += bool(row["major"])
        count[2] += bool(row["major"]) and row["status"] == "fixed"
        count[3] += rules.hazard_overdue(row["deadline"], row["status"], today)
    out = [
        CountyHomeHazardsOut(code=home["code"], name=home["name"], open=c[0], major=c[1], waiting=c[2], overdue=c[3])
        for home in homes
        for c in [counts[home["id"]]]
    ]
    out.sort(key=COUNTY_SORTS[chosen])
    major = [row for row in rows if row["major"]]
    major.sort(
        key=lambda row: (
            row["status"] != "fixed",
            not rules.hazard_overdue(row["deadline"], row["status"], today),
            row["deadline"],
            row["id"],
        )
    )
    return CountyHazardsOut(
        county=county["code"],
        date=today,
        sort=chosen,
        homes=out,
        major=[hazard_out(row, codes[row["home"]], today) for row in major],
        open=len(rows),
        waiting=sum(home.waiting for home in out),
        overdue=sum(home.overdue for home in out),
    )
