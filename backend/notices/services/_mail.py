"""Sending the e-mails not yet sent: claim the deliveries (a second run at the same moment leaves
them alone), send them with the standard library's smtplib in a thread (never on the event loop),
record each one's result. A failure is kept with its error and retried by the next run."""

from __future__ import annotations

import asyncio
import json
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from backend.core.db import transaction
from backend.core.settings import SmtpSettings
from backend.notices import rules, texts
from backend.notices.tables import NoticeDelivery

CLAIM_STALE = timedelta(minutes=15)  # a claim older than this was a run that died mid-way
TIMEOUT_SECONDS = 30
BATCH = 200


async def _claim(now: datetime) -> list[dict]:
    stale = now - CLAIM_STALE
    async with transaction():
        candidates = (
            await NoticeDelivery.select(NoticeDelivery.id)
            .where(
                NoticeDelivery.sent_at.is_null()
                & (NoticeDelivery.attempts < rules.MAX_ATTEMPTS)
                & (NoticeDelivery.claimed_at.is_null() | (NoticeDelivery.claimed_at < stale))
            )
            .order_by(NoticeDelivery.id)
            .limit(BATCH)
        )
        if not candidates:
            return []
        ids = [row["id"] for row in candidates]
        claimed = (
            await NoticeDelivery.update({NoticeDelivery.claimed_at: now})
            .where(
                NoticeDelivery.id.is_in(ids)
                & NoticeDelivery.sent_at.is_null()
                & (NoticeDelivery.claimed_at.is_null() | (NoticeDelivery.claimed_at < stale))
            )
            .returning(NoticeDelivery.id)
        )
    mine = [row["id"] for row in claimed]
    if not mine:
        return []
    return await NoticeDelivery.select(
        NoticeDelivery.id,
        NoticeDelivery.address,
        NoticeDelivery.notice.kind.as_alias("kind"),
        NoticeDelivery.notice.facts.as_alias("facts"),
        NoticeDelivery.notice.href.as_alias("href"),
    ).where(NoticeDelivery.id.is_in(mine))


def _message(smtp: SmtpSettings, row: dict) -> EmailMessage:
    link = f"{smtp.public_url}{row['href']}" if smtp.public_url else row["href"]
    subject, body = texts.email(row["kind"], json.loads(row["facts"] or "{}"), link)
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = row["address"]
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    message.set_content(body, charset="utf-8")
    return message


def _send(smtp: SmtpSettings, messages: list[tuple[int, EmailMessage]]) -> dict[int, str]:
    """Send over one connection; id → error ("" when the server accepted it). Runs in a thread."""
    results: dict[int, str] = {}
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS) as client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password)
            for delivery_id, message in messages:
                try:
                    client.send_message(message)
                    results[delivery_id] = ""
                except (smtplib.SMTPException, OSError) as exc:
                    results[delivery_id] = _error(exc)
    except (smtplib.SMTPException, OSError) as exc:
        for delivery_id, _unsent in messages:
            results.setdefault(delivery_id, _error(exc))
    return results


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


async def send_pending(smtp: SmtpSettings, now: datetime) -> int:
    """Send the e-mails not yet sent; returns how many the server accepted. Nothing while the
    deployment has no SMTP host (the deliveries wait)."""
    if not smtp.enabled:
        return 0
    sent = 0
    while rows := await _claim(now):
        results = await asyncio.to_thread(_send, smtp, [(row["id"], _message(smtp, row)) for row in rows])
        async with transaction():
            ok = [delivery_id for delivery_id, error in results.items() if not error]
            if ok:
                await NoticeDelivery.update(
                    {
                        NoticeDelivery.sent_at: now,
                        NoticeDelivery.error: "",
                        NoticeDelivery.attempts: NoticeDelivery.attempts + 1,
                        NoticeDelivery.claimed_at: None,
                    }
                ).where(NoticeDelivery.id.is_in(ok))
            for delivery_id, error in results.items():
                if error:
                    await NoticeDelivery.update(
                        {
                            NoticeDelivery.error: error,
                            NoticeDelivery.attempts: NoticeDelivery.attempts + 1,
                            NoticeDelivery.claimed_at: None,
                        }
                    ).where(NoticeDelivery.id == delivery_id)
        sent += len(ok)
        if len(ok) < len(results):
            break  # the failures wait for the next run (not retried in a loop now)
    return sent


async def delivery_rows(notice_ids: list[int] | None = None) -> list[dict]:
    """The deliveries (for tests and the administrator): id, notice, address, sent_at, attempts, error."""
    query = NoticeDelivery.select()
    if notice_ids is not None:
        query = query.where(NoticeDelivery.notice.is_in(notice_ids or [0]))
    return await query.order_by(NoticeDelivery.id)


__all__ = ["delivery_rows", "send_pending"]
