"""Helpers of the notice tests: tasks inserted as the task generation would write them, a
morning instant of the business day, a real SMTP server (aiosmtpd) on a free port."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy

from backend.core import dates
from backend.core.security import Scope
from backend.inspections.tables import Task
from backend.registry import services as registry


def morning(day: date | None = None, hour: int = 10) -> datetime:
    """``hour`` o'clock of the business day (today by default), as an aware UTC instant."""
    return dates.combine_local(day or dates.today(), time(hour))


async def add_task(
    home_code: str, routine: str, period_end: date, status: str = "open", subject: str = "", period: str | None = None
):
    home = await registry.find_home(Scope.system("test"), home_code)
    now = dates.now_utc()
    due = dates.combine_local(period_end, time(23, 59))
    await Task.insert(
        Task(
            home=home["id"],
            county=home["county_id"],
            source="safety",
            routine=routine,
            subject=subject,
            period=period or period_end.isoformat(),
            period_start=period_end,
            period_end=period_end,
            month=period_end.strftime("%Y-%m"),
            due_at=due,
            deadline=due + timedelta(days=1),
            expected=1,
            status=status,
            created_at=now,
            updated_at=now,
        )
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server received: (envelope recipients, parsed message)."""

    received: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [message for rcpts, message in self.received if address in rcpts]
