"""Notice API bodies and responses."""

from __future__ import annotations

from datetime import datetime

import msgspec


class NoticeOut(msgspec.Struct, kw_only=True):
    """A notice as its reader sees it: the words in the reader's language."""

    id: int
    kind: str
    title: str
    text: str
    href: str
    created_at: datetime
    read: bool
    read_at: datetime | None = None


class NoticeSettingOut(msgspec.Struct, kw_only=True):
    email: str
    email_enabled: bool
    email_available: bool  # the deployment has an SMTP server (TEKUN_SMTP_HOST)
