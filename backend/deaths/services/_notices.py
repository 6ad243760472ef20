"""Notices of late death reports: listed for the county, marked seen by its inspectors."""

from __future__ import annotations

from backend.core import citizen_id, dates
from backend.core.db import transaction
from backend.core.errors import NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import can, require
from backend.core.security import Scope
from backend.deaths import rules
from backend.deaths.schemas import NoticeOut
from backend.deaths.services._common import (
    _columns,
)
from backend.deaths.tables import DeathRecord, LateNotice
from backend.registry import services as registry


async def late_notices(scope: Scope, county_code: str | None = None, include_seen: bool = False) -> list[NoticeOut]:
    """Notices of late death reports for the county (an inspector's, finance officer's or any
    for an administrator); open ones only unless ``include_seen``."""
    require(scope, "view_deaths", _("You may not open the death register."))
    query = LateNotice.select(
        LateNotice.all_columns(),
        LateNotice.resident.name.as_alias("name"),
        LateNotice.resident.id_number.as_alias("id_number"),
        LateNotice.county.code.as_alias("county_code"),
    )
    if not scope.is_admin:
        query = query.where(LateNotice.county == scope.county_id)
    if county_code:
        county = await registry.find_county(scope, county_code)
        query = query.where(LateNotice.county == county["id"])
    if not include_seen:
        query = query.where(LateNotice.seen_at.is_null())
    notices = await query.order_by(LateNotice.id, ascending=False)
    if not notices:
        return []
    records = {
        row["id"]: row
        for row in await DeathRecord.select(*_columns()).where(DeathRecord.id.is_in([n["death_record"] for n in notices]))
    }
    result = []
    for notice in notices:
        record = records[notice["death_record"]]
        result.append(NoticeOut(
            id=notice["id"], death_record=notice["death_record"], resident_id=notice["resident"], name=notice["name"],
            id_number_masked=citizen_id.mask(notice["id_number"]), county_code=notice["county_code"],
            home_code=record["home_code"], died_at=record["died_at"], reported_at=record["reported_at"],
            hours_to_report=rules.hours_text(record["minutes_to_report"]), deadline_hours=record["deadline_hours"],
            created_at=notice["created_at"], seen_at=notice["seen_at"], seen_by=notice["seen_by"],
        ))
    return result


async def open_notice_count(scope: Scope) -> int:
    """How many late-report notices the user's county has not yet seen (0 for a director)."""
    if not can(scope.role, "view_deaths"):
        return 0
    query = LateNotice.count().where(LateNotice.seen_at.is_null())
    if not scope.is_admin:
        query = query.where(LateNotice.county == scope.county_id)
    return await query


async def mark_notice_seen(scope: Scope, county_code: str, notice_id: int) -> None:
    """An inspector (or administrator) of the county has seen the late report."""
    require(scope, "view_deaths", _("Only the county's staff mark notices as seen."))
    async with transaction():
        county = await registry.find_county(scope, county_code)
        notice = await LateNotice.select().where((LateNotice.id == notice_id) & (LateNotice.county == county["id"])).first()
        if notice is None:
            raise NotFound(_("No such notice."))
        if notice["seen_at"] is None:
            await LateNotice.update({LateNotice.seen_at: dates.now_utc(), LateNotice.seen_by: scope.username}).where(LateNotice.id == notice_id)
            await append_audit(scope.user_id, scope.username, [Change("death.notice_seen", "late_notice", str(notice_id), None, {"death_record": notice["death_record"]})])
