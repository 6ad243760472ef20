"""Routines with data of their own (food samples, morning checks): a registry of handlers, so an
entry is checked and written whole in one transaction whatever its routine.

A handler's ``check(home, details, performed_at)`` parses ``details`` (a dict of raw JSON values)
and raises ``Invalid`` naming the field (``details.samples[0].grams``); ``write(entry_id, home,
parsed)`` stores the rows in the caller's transaction; ``canonical(parsed)`` is what the entry's
hashed ``details`` column holds. A routine without a handler takes no details."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class DetailHandler:
    check: Callable[[dict[str, Any], dict[str, Any], datetime], Awaitable[Any]]
    write: Callable[[int, dict[str, Any], Any], Awaitable[None]]
    canonical: Callable[[Any], Any]
    required: bool = True  # the entry must carry details


HANDLERS: dict[str, DetailHandler] = {}


def register_details(routine: str, handler: DetailHandler) -> None:
    HANDLERS[routine] = handler
