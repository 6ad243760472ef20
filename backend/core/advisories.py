"""Warnings a higher domain gives about a write a lower domain makes (issue 11 point 5): a small
registry of checks, like "今日待办" (``core.todo``) and the overview panels.

The residents domain records an admission but the staff ratio belongs to staffing, which sits
above it in the layers (residents must not import staffing). So staffing registers a check for
the event in its own module, imported where its views are mounted::

    @advisories.check(advisories.ADMISSION)
    async def ratio_after_admission(event: advisories.Event) -> list[advisories.Advisory]: ...

and residents asks ``advisories.warnings(event)`` inside the admission's transaction, never
importing staffing. Each ``Advisory`` carries its sentence and the recorder to call when the
user confirmed it (``confirm(scope, found)``), in the same transaction, so the write and the
record of who confirmed the warning are one. A check that fails raises: a warning that cannot be
computed is not silently skipped (and inside a transaction the failure has spoilt it anyway).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

# The events a check can be registered for.
ADMISSION = "admission"  # a person placed into a home from ``on`` (an admission or a transfer in)


@dataclass(frozen=True)
class Event:
    """What is about to be written: ``kind`` (ADMISSION), the ``home_id`` it concerns, the day
    ``on``; ``subject`` names who (the person's name); ``details`` what the check may need (for an
    admission: ``tier``, the person's self-care tier in force that day, or "unassessed")."""

    kind: str
    home_id: int
    on: date
    subject: str = ""
    details: tuple[tuple[str, Any], ...] = ()

    def detail(self, name: str, default: Any = None) -> Any:
        return dict(self.details).get(name, default)


Recorder = Callable[[Any], Awaitable[None]]  # called with the acting scope


@dataclass(frozen=True)
class Advisory:
    """One warning: ``message`` (translated, shown to the user), ``kind`` (a stable key, e.g.
    "staff_ratio") and ``record``, what to write once the user confirmed it."""

    kind: str
    message: str
    record: Recorder


Check = Callable[[Event], Awaitable[list[Advisory]]]
CHECKS: dict[str, list[Check]] = defaultdict(list)


def check(kind: str) -> Callable[[Check], Check]:
    """Register a check for events of ``kind`` (a decorator; registering twice is harmless)."""

    def register(function: Check) -> Check:
        if function not in CHECKS[kind]:
            CHECKS[kind].append(function)
        return function

    return register


def registered(kind: str) -> list[Check]:
    return list(CHECKS.get(kind, ()))


async def warnings(event: Event) -> list[Advisory]:
    """Every registered check's warnings for ``event`` (none: the write may go ahead)."""
    found: list[Advisory] = []
    for function in registered(event.kind):
        found.extend(await function(event))
    return found


def message(found: list[Advisory]) -> str:
    """The warnings as one text, to show before the user confirms."""
    return " ".join(advisory.message for advisory in found)


async def confirm(scope: Any, found: list[Advisory]) -> None:
    """The user saw ``found`` and confirmed: each check records it (call inside the write's
    transaction)."""
    for advisory in found:
        await advisory.record(scope)
