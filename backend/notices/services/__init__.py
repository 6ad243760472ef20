"""Notice use cases (issue 13): the only code that reads or writes the notice tables.

``send_notices(now)`` is the scheduler's hourly job: it creates the notices due now for the people
concerned (each once: natural key user, kind, subject, period) and sends the e-mails not yet sent.
Pages and the API read a user's own notices and their e-mail setting."""

from __future__ import annotations

from datetime import datetime

from backend.core.settings import SmtpSettings, get_settings
from backend.notices import rules
from backend.notices.services._due import directors_due, inspectors_due
from backend.notices.services._mail import delivery_rows, send_pending
from backend.notices.services._read import list_notices, mark_all_read, unread_count
from backend.notices.services._setting import check_setting, notice_setting, save_notice_setting
from backend.notices.services._store import create_notices, existing_keys


async def send_notices(now: datetime, *, smtp: SmtpSettings | None = None) -> int:
    """Create the notices due at ``now`` and send the e-mails not yet sent; returns how many
    notices were created (0 on a second run). ``smtp`` defaults to the TEKUN_SMTP_* settings."""
    from backend.core import dates

    smtp = smtp if smtp is not None else get_settings().smtp
    today = dates.local(now).date().isoformat()
    skip = await existing_keys(rules.DIRECTOR_DAILY, today)
    due = [*await directors_due(now, skip), *await inspectors_due(now)]
    created = await create_notices(due, now, smtp.enabled)
    await send_pending(smtp, now)
    return created


__all__ = [
    "check_setting",
    "delivery_rows",
    "list_notices",
    "mark_all_read",
    "notice_setting",
    "save_notice_setting",
    "send_notices",
    "unread_count",
]
