"""What an import returns: one line of the plan per data row, and the counts (interfaces.md §3).

Every domain's import service returns an ``ImportResult``; the import page, the command line's
``--json`` and the API show it as it is."""

from __future__ import annotations

from collections import Counter

import msgspec


class ImportRowOut(msgspec.Struct):
    row: int
    key: str
    action: str  # create | update | unchanged
    changes: dict[str, list[str]] = {}


class ImportResult(msgspec.Struct):
    ok: bool
    kind: str
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    rows: list[ImportRowOut] = []


def import_result(kind: str, plan: list[ImportRowOut], dry_run: bool) -> ImportResult:
    """The result of an import whose plan is ``plan`` (the counts are the plan's actions)."""
    counts = Counter(item.action for item in plan)
    return ImportResult(True, kind, counts["create"], counts["update"], counts["unchanged"], dry_run, plan)
