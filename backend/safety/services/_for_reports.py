"""What the compliance reports (issue 13, point 5) read of the safety ledgers, set-based: one
query per indicator for any number of homes (the caller has checked its scope)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from backend.safety.tables import SafetyEntry, SafetyHazard, SafetyTemplate

_CHUNK = 900


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    wanted = sorted(set(ids))
    return [wanted[start : start + _CHUNK] for start in range(0, len(wanted), _CHUNK)]


async def hazards_between(home_ids: Iterable[int], first: date, last: date) -> list[dict[str, Any]]:
    """The hazards of these homes that were open at some time from ``first`` to ``last``
    (opened on or before ``last``, not closed before ``first``), oldest first: id, home, title,
    routine, major, opened_on, deadline, status, fixed_at, closed_on."""
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(home_ids):
        rows += await SafetyHazard.select(
            SafetyHazard.id,
            SafetyHazard.home,
            SafetyHazard.title,
            SafetyHazard.routine,
            SafetyHazard.major,
            SafetyHazard.opened_on,
            SafetyHazard.deadline,
            SafetyHazard.status,
            SafetyHazard.fixed_at,
            SafetyHazard.closed_on,
        ).where(
            SafetyHazard.home.is_in(chunk)
            & (SafetyHazard.opened_on <= last)
            & (SafetyHazard.closed_on.is_null() | (SafetyHazard.closed_on >= first))
        )
    return sorted(rows, key=lambda row: (row["opened_on"], row["id"]))


async def failed_entries(home_ids: Iterable[int], start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The ledger entries of these homes performed in [``start``, ``end``) with failed items,
    the entries a later correction replaced left out: id, home, template (its id), routine, performed_at, failed,
    ``title`` (the checklist's, as recorded) and ``labels`` (the words of the items answered
    "fail", from the template version the entry was recorded with)."""
    rows: list[dict[str, Any]] = []
    corrected: set[int] = set()
    for chunk in _chunks(home_ids):
        in_range = SafetyEntry.home.is_in(chunk) & (SafetyEntry.performed_at >= start) & (SafetyEntry.performed_at < end)
        rows += await SafetyEntry.select(
            SafetyEntry.id,
            SafetyEntry.home,
            SafetyEntry.template,
            SafetyEntry.routine,
            SafetyEntry.performed_at,
            SafetyEntry.failed,
            SafetyEntry.items,
        ).where(in_range & (SafetyEntry.failed > 0))
        corrected |= {
            row["corrects"]
            for row in await SafetyEntry.select(SafetyEntry.corrects).where(in_range & SafetyEntry.corrects.is_not_null())
        }
    rows = [row for row in rows if row["id"] not in corrected]
    template_ids = sorted({row["template"] for row in rows})
    templates = {}
    for chunk in _chunks(template_ids):
        for template in await SafetyTemplate.select(SafetyTemplate.id, SafetyTemplate.title, SafetyTemplate.items).where(
            SafetyTemplate.id.is_in(chunk)
        ):
            templates[template["id"]] = (
                template["title"],
                {item["key"]: item["label"] for item in json.loads(template["items"])},
            )
    out = []
    for row in sorted(rows, key=lambda row: (row["performed_at"], row["id"])):
        title, labels = templates.get(row["template"], ("", {}))
        answers = json.loads(row.pop("items"))
        row["title"] = title
        row["labels"] = [labels.get(answer["key"], "") for answer in answers if answer.get("result") == "fail"]
        out.append(row)
    return out
