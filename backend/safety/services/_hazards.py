"""Hazards (隐患) and the rectification ledger (整治台账, domain rules §6): a failed item opens one,
with a deadline by severity; ordinary hazards close when the home records the fix, major ones
only when the county verifies it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from backend.core import dates
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import rules
from backend.safety.schemas import HazardOut
from backend.safety.tables import SafetyEntry, SafetyHazard

OPEN_STATUSES = ("open", "fixed")  # fixed: a major hazard waiting for the county's verification


async def deadline_days(county_id: int, day: date) -> tuple[int, int]:
    """The county's days to rectify a major and an ordinary hazard, in force on ``day``."""
    params = await registry.parameters_in_force(county_id, day)
    return params.hazard_days_major, params.hazard_days_ordinary


def hazard_out(row: dict[str, Any], home_code: str, today: date) -> HazardOut:
    return HazardOut(
        id=row["id"],
        home=home_code,
        source=row["source"],
        routine=row["routine"],
        item_key=row["item_key"],
        title=row["title"],
        note=row["note"],
        major=bool(row["major"]),
        status=row["status"],
        opened_on=row["opened_on"],
        deadline=row["deadline"],
        overdue=rules.hazard_overdue(row["deadline"], row["status"], today),
        owner=row["owner"],
        plan=row["plan"],
        entry_id=row["entry"],
        closed_on=row["closed_on"],
    )


async def open_entry_hazards(
    scope: Scope,
    home: dict[str, Any],
    entry: dict[str, Any],
    template_items: list[dict[str, Any]],
    answers: list[dict[str, Any]],
    now: datetime,
) -> list[dict[str, Any]]:
    """One hazard per failed item of a new entry (in the caller's transaction). A correction opens
    none for an item that already has a hazard not closed from the entries it corrects (the same
    failure recorded again is not a second hazard; a hazard of an item the correction now passes
    stays open until the home records its fix)."""
    labels = {item["key"]: item for item in template_items}
    opened_on = dates.local(now).date()
    failed = rules.failed_items(answers)
    if entry.get("corrects") and failed:
        already = await _open_keys_of_corrected(entry["corrects"])
        failed = [answer for answer in failed if answer["key"] not in already]
    if not failed:
        return []
    days_major, days_ordinary = await deadline_days(home["county_id"], opened_on)
    rows = []
    for answer in failed:
        item = labels[answer["key"]]
        major = bool(item["major"])
        rows.append(
            SafetyHazard(
                home=home["id"],
                source="entry",
                entry=entry["id"],
                routine=entry["routine"],
                item_key=answer["key"],
                title=item["label"],
                note=answer["note"],
                major=major,
                opened_on=opened_on,
                opened_at=now,
                opened_by=scope.username,
                deadline=rules.hazard_deadline(opened_on, major, days_major, days_ordinary),
                owner="",
                status="open",
            )
        )
    if not rows:
        return []
    await SafetyHazard.insert(*rows)
    return await SafetyHazard.select().where(SafetyHazard.entry == entry["id"]).order_by(SafetyHazard.id)


async def _open_keys_of_corrected(entry_id: int, depth: int = 50) -> set[str]:
    """The item keys with a hazard not closed opened by ``entry_id`` or by the entries it corrects."""
    chain = []
    current: int | None = entry_id
    while current is not None and len(chain) < depth:
        chain.append(current)
        row = await SafetyEntry.select(SafetyEntry.corrects).where(SafetyEntry.id == current).first()
        current = row["corrects"] if row else None
    rows = await SafetyHazard.select(SafetyHazard.item_key).where(
        SafetyHazard.entry.is_in(chain) & SafetyHazard.status.is_in(list(OPEN_STATUSES))
    )
    return {row["item_key"] for row in rows}


async def hazards_of_entries(entry_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    if not entry_ids:
        return out
    for row in await SafetyHazard.select().where(SafetyHazard.entry.is_in(entry_ids)).order_by(SafetyHazard.id):
        out.setdefault(row["entry"], []).append(row)
    return out


async def open_hazards(home_ids: list[int]) -> list[dict[str, Any]]:
    """The hazards not closed of these homes, major first, then by deadline (one query)."""
    if not home_ids:
        return []
    return (
        await SafetyHazard.select()
        .where(SafetyHazard.home.is_in(home_ids) & SafetyHazard.status.is_in(list(OPEN_STATUSES)))
        .order_by(SafetyHazard.major, ascending=False)
        .order_by(SafetyHazard.deadline)
        .order_by(SafetyHazard.id)
    )
