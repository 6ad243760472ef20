"""Notices of late death reports: listed for the county, read by each of its users for themselves.

A notice opens when a death is reported after the county's deadline. Everyone who may view deaths
(``view_deaths``: the county's inspectors and finance officers, administrators) sees it as unread
until *they* mark it read: an inspector reading it does not hide it from the finance officer, who
must still stop the money. Each read is one row of ``DeathNoticeRead`` (unique per notice and
user) and one audit record.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from backend.core import citizen_id, dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import can, require
from backend.core.security import Scope
from backend.deaths.schemas import DeathOut, NoticeOut
from backend.deaths.services._common import _columns, _out, timing
from backend.deaths.tables import DeathNoticeRead, DeathRecord, LateNotice
from backend.registry import services as registry


def _county_filter(query, scope: Scope):
    return query if scope.is_admin else query.where(LateNotice.county == scope.county_id)


def _unread_by(user_id: int | None):
    """Notices this user has not read (a scope without a user, the command line: every notice)."""
    return LateNotice.id.not_in(DeathNoticeRead.select(DeathNoticeRead.notice).where(DeathNoticeRead.user_id == (user_id or 0)))


async def late_notices(scope: Scope, county_code: str | None = None, include_seen: bool = False) -> list[NoticeOut]:
    """Notices of late death reports in the user's county (every county for an administrator),
    those the user has not read yet unless ``include_seen``. ``seen_at`` / ``seen_by`` say when
    *this user* read it (empty when they have not)."""
    require(scope, "view_deaths", _("You may not open the death register."))
    query = _county_filter(
        LateNotice.select(
            LateNotice.id,
            LateNotice.death_record,
            LateNotice.resident,
            LateNotice.created_at,
            LateNotice.resident.name.as_alias("name"),
            LateNotice.resident.id_number.as_alias("id_number"),
            LateNotice.county.code.as_alias("county_code"),
        ),
        scope,
    )
    if county_code:
        county = await registry.find_county(scope, county_code)
        query = query.where(LateNotice.county == county["id"])
    if not include_seen:
        query = query.where(_unread_by(scope.user_id))
    notices = await query.order_by(LateNotice.id, ascending=False)
    if not notices:
        return []
    ids = [notice["id"] for notice in notices]
    reads: dict[int, Any] = {}
    if include_seen and scope.user_id is not None:
        rows = await DeathNoticeRead.select(DeathNoticeRead.notice, DeathNoticeRead.read_at).where(
            DeathNoticeRead.notice.is_in(ids) & (DeathNoticeRead.user_id == scope.user_id)
        )
        reads = {row["notice"]: row["read_at"] for row in rows}
    records = {
        row["id"]: row
        for row in await DeathRecord.select(*_columns()).where(DeathRecord.id.is_in([n["death_record"] for n in notices]))
    }
    result = []
    for notice in notices:
        record = records[notice["death_record"]]
        counted = timing(record)
        if not counted.late:
            # Opened before issue 10 for a death known by its date, counted then from 00:00: from
            # the end of the day the report was on time, so there is nothing to notify.
            continue
        read_at = reads.get(notice["id"])
        result.append(
            NoticeOut(
                id=notice["id"],
                death_record=notice["death_record"],
                resident_id=notice["resident"],
                name=notice["name"],
                id_number_masked=citizen_id.mask(notice["id_number"]),
                county_code=notice["county_code"],
                home_code=record["home_code"],
                died_at=record["died_at"],
                died_on=record["died_on"],
                died_time_known=bool(record["time_known"]),
                reported_at=record["reported_at"],
                hours_to_report=counted.hours,
                deadline_hours=record["deadline_hours"],
                created_at=notice["created_at"],
                seen_at=read_at,
                seen_by=scope.username if read_at else "",
            )
        )
    return result


async def open_notice_count(scope: Scope) -> int:
    """How many late-report notices of the user's county this user has not read (0 for a role
    that may not view deaths)."""
    if not can(scope.role, "view_deaths"):
        return 0
    unread = await _county_filter(LateNotice.select(LateNotice.death_record), scope).where(_unread_by(scope.user_id))
    if not unread:
        return 0
    wanted = [notice["death_record"] for notice in unread]
    # A notice whose record is on time by the rule (a date-only death counted from 00:00 before
    # issue 10: see late_notices) is not counted; the records are read only when there are unread notices.
    on_time = {
        row["id"]
        for row in await DeathRecord.select(
            DeathRecord.id, DeathRecord.died_at, DeathRecord.time_known, DeathRecord.reported_at, DeathRecord.deadline_hours
        ).where(DeathRecord.id.is_in(wanted) & (DeathRecord.time_known == False))  # noqa: E712 - a SQL comparison
        if not timing(row).late
    }
    return sum(1 for record_id in wanted if record_id not in on_time)


async def mark_notice_seen(scope: Scope, county_code: str, notice_id: int) -> bool:
    """The acting user has read the notice (for themselves only). True when this read is new;
    reading it again changes nothing. Audited."""
    require(scope, "view_deaths", _("You may not open the death register."))
    if scope.user_id is None:
        raise Forbidden(_("A notice is marked as read by a signed-in user."))
    async with transaction():
        county = await registry.find_county(scope, county_code)
        notice = await LateNotice.select().where((LateNotice.id == notice_id) & (LateNotice.county == county["id"])).first()
        if notice is None:
            raise NotFound(_("No such notice."))
        now = dates.now_utc()
        added = (
            await DeathNoticeRead.insert(DeathNoticeRead(notice=notice_id, user_id=scope.user_id, read_at=now))
            .on_conflict(
                target=(DeathNoticeRead.notice, DeathNoticeRead.user_id),
                action="DO NOTHING",
            )
            .returning(DeathNoticeRead.id)
        )
        if not added:
            return False
        if notice["seen_at"] is None:  # the first reader, kept on the notice
            await LateNotice.update({LateNotice.seen_at: now, LateNotice.seen_by: scope.username}).where(
                LateNotice.id == notice_id
            )
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "death.notice_read",
                    "late_notice",
                    str(notice_id),
                    None,
                    {"death_record": notice["death_record"]},
                )
            ],
        )
    return True


async def home_late_reports(scope: Scope, since: date) -> list[DeathOut]:
    """A director's home: its death reports recorded late (the record in force) reported on or
    after ``since``, newest first; empty for every other scope."""
    if scope.kind != "home" or scope.home_id is None:
        return []
    rows = (
        await DeathRecord.select(*_columns())
        .where((DeathRecord.home == scope.home_id) & (DeathRecord.reported_at >= dates.combine_local(since, time.min)))
        .order_by(DeathRecord.seq)
    )
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        latest[row["resident"]] = row  # a correction replaces the record it corrects
    records = [_out(row) for row in sorted(latest.values(), key=lambda row: row["reported_at"], reverse=True)]
    return [record for record in records if record.late]
