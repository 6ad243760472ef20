"""Creating the notices that are due: one insert per batch, the natural key refusing a second copy,
the e-mail deliveries of the new ones in the same transaction, one audit record per run that
created anything."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from backend.core.db import transaction
from backend.core.ledger import Change, append_audit
from backend.notices import rules
from backend.notices.rules import Due
from backend.notices.tables import Notice, NoticeDelivery, NoticeSetting

BATCH = 200


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def existing_keys(kind: str, period: str) -> set[tuple[int, str, str, str]]:
    rows = await Notice.select(Notice.user_id, Notice.subject).where((Notice.kind == kind) & (Notice.period == period))
    return {(row["user_id"], kind, row["subject"], period) for row in rows}


async def _addresses(user_ids: set[int], smtp_on: bool) -> dict[int, list[str]]:
    if not smtp_on or not user_ids:
        return {}
    rows = await NoticeSetting.select().where(NoticeSetting.user_id.is_in(sorted(user_ids)))
    return {row["user_id"]: rules.recipients(row["email"], row["email_enabled"], smtp_on) for row in rows}


async def create_notices(due: list[Due], now: datetime, smtp_on: bool) -> int:
    """Insert the notices not yet there (and their e-mails); returns how many were new."""
    if not due:
        return 0
    created: list[tuple[int, int]] = []
    kinds: Counter[str] = Counter()
    async with transaction():
        for chunk in _chunks(due):
            rows = [
                Notice(
                    user_id=item.user_id,
                    kind=item.kind,
                    subject=item.subject,
                    period=item.period,
                    facts=json.dumps(item.facts, ensure_ascii=False, sort_keys=True),
                    href=item.href,
                    created_at=now,
                )
                for item in chunk
            ]
            inserted = (
                await Notice.insert(*rows)
                .on_conflict(target=(Notice.user_id, Notice.kind, Notice.subject, Notice.period), action="DO NOTHING")
                .returning(Notice.id, Notice.user_id, Notice.kind)
            )
            created.extend((row["id"], row["user_id"]) for row in inserted)
            kinds.update(row["kind"] for row in inserted)
        if not created:
            return 0
        addresses = await _addresses({user for _id, user in created}, smtp_on)
        deliveries = [
            NoticeDelivery(notice=notice_id, address=address, created_at=now)
            for notice_id, user in created
            for address in addresses.get(user, [])
        ]
        for chunk in _chunks(deliveries):
            await NoticeDelivery.insert(*chunk).on_conflict(
                target=(NoticeDelivery.notice, NoticeDelivery.address), action="DO NOTHING"
            )
        await append_audit(
            None,
            "scheduler",
            [
                Change(
                    "notice.create",
                    "notice",
                    dates_key(now),
                    None,
                    {"created": len(created), "kinds": dict(sorted(kinds.items())), "emails": len(deliveries)},
                )
            ],
        )
    return len(created)


def dates_key(now: datetime) -> str:
    return now.isoformat(timespec="minutes")
