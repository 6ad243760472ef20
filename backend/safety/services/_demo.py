"""Demo ledger entries (issue 12 point 8): a month of a home's entries written as the home would
have recorded them, each with its own recorded time (so back-filled ones are 补录 and the rest on
time), chained like every entry, the hazards of their failed items opened when they were recorded,
and the food samples of the ``food_sample`` entries. For the demo only (``backend/demo/_safety.py``):
the application records entries through ``record_entry``, with the server's clock.

Idempotent: a home whose ledger already holds demo entries (``client_id`` starting ``demo-``) is
left as it is."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from backend.core.db import transaction
from backend.core.ledger import Change, append_audit, append_rows, canonical
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import rules
from backend.safety.services._common import clocks_for, zone
from backend.safety.services._hazards import open_entry_hazards
from backend.safety.services._templates import items_of, templates_in_force
from backend.safety.tables import SAFETY_LEDGER, FoodSample, SafetyEntry


@dataclass(frozen=True)
class DemoSample:
    dish: str
    grams: int
    fridge: str
    keeper: str


@dataclass(frozen=True)
class DemoEntry:
    """One entry of the demo: the routine, when it was done and recorded, the failed items
    (key → note), who recorded it, and for ``food_sample`` the meal's samples."""

    key: str  # unique within the home: the client_id is ``demo-<home>-<key>``
    routine: str
    performed_at: datetime
    recorded_at: datetime
    recorded_by: str
    fail: dict[str, str] = field(default_factory=dict)
    na: tuple[str, ...] = ()
    note: str = ""
    samples: tuple[DemoSample, ...] = ()


def _meal(entry: DemoEntry, clock: Any, tz: Any) -> str:
    return rules.place(rules.MEAL, entry.performed_at, tz, clock.meals, clock.slots).slot


def _sample_details(entry: DemoEntry, clock: Any, tz: Any) -> str:
    """What ``record_entry`` stores for a food_sample entry (``_samples.canonical_samples``)."""
    samples = [
        {"dish": s.dish, "grams": s.grams, "taken_at": entry.performed_at, "fridge": s.fridge, "keeper": s.keeper}
        for s in entry.samples
    ]
    return canonical({"meal": _meal(entry, clock, tz), "samples": samples})


async def seed_demo_entries(scope: Scope, home_code: str, plan: list[DemoEntry]) -> int:
    """Write the plan's entries for one home (oldest first); the number written (0 when the home
    already has demo entries)."""
    home = await registry.find_home(scope, home_code)
    prefix = f"demo-{home['code']}-"
    if await SafetyEntry.exists().where((SafetyEntry.home == home["id"]) & (SafetyEntry.client_id.like(prefix + "%"))):
        return 0
    templates = (await templates_in_force([home["county_id"]]))[home["county_id"]]
    clock = (await clocks_for([home["id"]]))[home["id"]]
    tz = zone()
    rows: list[dict[str, Any]] = []
    failures: list[tuple[str, DemoEntry, list[dict[str, Any]]]] = []
    for entry in sorted(plan, key=lambda item: item.performed_at):
        template = templates[entry.routine]
        items = items_of(template)
        answers = [
            {
                "key": item["key"],
                "result": rules.FAIL if item["key"] in entry.fail else rules.NA if item["key"] in entry.na else rules.PASS,
                "note": entry.fail.get(item["key"], ""),
            }
            for item in items
        ]
        placed = rules.place(template["frequency"], entry.performed_at, tz, clock.meals, clock.slots)
        if placed is None:
            raise ValueError(f"demo entry {entry.key}: {entry.routine} at {entry.performed_at} has no slot")
        deadline = rules.deadline_of(template["frequency"], placed, tz, clock.meals, clock.slots)
        client_id = prefix + entry.key
        rows.append(
            {
                "home": home["id"],
                "template": template["id"],
                "routine": entry.routine,
                "period": placed.period,
                "slot": placed.slot,
                "performed_at": entry.performed_at,
                "recorded_at": entry.recorded_at,
                "late": rules.is_late(entry.recorded_at, deadline),
                "actor_id": None,
                "recorded_by": entry.recorded_by,
                "client_id": client_id,
                "items": canonical(answers),
                "failed": len(entry.fail),
                "note": entry.note,
                "details": _sample_details(entry, clock, tz) if entry.samples else "",
                "corrects": None,
                "correction_reason": "",
            }
        )
        if entry.fail:
            failures.append((client_id, entry, items))
    async with transaction():
        await append_rows(SAFETY_LEDGER, rows, batch=500)
        ids = {
            row["client_id"]: row["id"]
            for row in await SafetyEntry.select(SafetyEntry.id, SafetyEntry.client_id).where(
                (SafetyEntry.home == home["id"]) & (SafetyEntry.client_id.like(prefix + "%"))
            )
        }
        hazards = []
        for client_id, entry, items in failures:  # opened as record_entry opens them, when recorded
            row = next(r for r in rows if r["client_id"] == client_id) | {"id": ids[client_id]}
            recorder = replace(scope, user_id=None, username=entry.recorded_by)
            hazards += await open_entry_hazards(recorder, home, row, items, json.loads(row["items"]), entry.recorded_at)
        samples = [
            FoodSample(
                entry=ids[prefix + entry.key],
                home=home["id"],
                meal=_meal(entry, clock, tz),
                dish=sample.dish,
                grams=sample.grams,
                taken_at=entry.performed_at,
                fridge=sample.fridge,
                keeper=sample.keeper,
                discard_after=rules.discard_after(entry.performed_at),
            )
            for entry in plan
            for sample in entry.samples
        ]
        if samples:
            await FoodSample.insert(*samples)
        await append_audit(
            scope.user_id,
            scope.username,
            [Change("safety.demo_loaded", "home", home["code"], None, {"entries": len(rows), "hazards": len(hazards)})],
        )
    return len(rows)
