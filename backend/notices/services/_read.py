"""A user's own notices: the list (newest first), the unread count of the navigation, marking them
read. A notice belongs to one user: another's is "not found"."""

from __future__ import annotations

import json
from datetime import datetime

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Forbidden
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.notices import texts
from backend.notices.schemas import NoticeOut
from backend.notices.tables import Notice

LIST_LIMIT = 200


def _out(row: dict) -> NoticeOut:
    facts = json.loads(row["facts"] or "{}")
    return NoticeOut(
        id=row["id"],
        kind=row["kind"],
        title=texts.title(row["kind"]),
        text=texts.text(row["kind"], facts),
        href=row["href"],
        created_at=row["created_at"],
        read=row["read_at"] is not None,
        read_at=row["read_at"],
    )


async def list_notices(scope: Scope, *, unread_only: bool = False, limit: int = LIST_LIMIT) -> list[NoticeOut]:
    """The signed-in user's notices, newest first (a scope without a user has none)."""
    if scope.user_id is None:
        return []
    query = Notice.select().where(Notice.user_id == scope.user_id)
    if unread_only:
        query = query.where(Notice.read_at.is_null())
    rows = await query.order_by(Notice.created_at, ascending=False).order_by(Notice.id, ascending=False).limit(limit)
    return [_out(row) for row in rows]


async def unread_count(scope: Scope) -> int:
    if scope.user_id is None:
        return 0
    return await Notice.count().where((Notice.user_id == scope.user_id) & Notice.read_at.is_null())


async def mark_all_read(scope: Scope, now: datetime | None = None) -> int:
    """Mark every unread notice of the user read; returns how many (one audit record when any)."""
    if scope.user_id is None:
        raise Forbidden(_("Notices are marked as read by a signed-in user."))
    now = now or dates.now_utc()
    async with transaction():
        changed = (
            await Notice.update({Notice.read_at: now})
            .where((Notice.user_id == scope.user_id) & Notice.read_at.is_null())
            .returning(Notice.id)
        )
        if changed:
            await append_audit(
                scope.user_id,
                scope.username,
                [Change("notice.read_all", "notice", str(scope.user_id), None, {"read": len(changed)})],
            )
    return len(changed)
