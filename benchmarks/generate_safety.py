"""A year of safety-ledger entries for N homes (issue 12, "Figures to reach"), written set-based
into the database of ``TEKUN_DATABASE_URL`` (after ``tekun db upgrade``):

    .venv/bin/python -m benchmarks.generate_safety --homes 1000      # ≈ 3 million entries
    .venv/bin/python -m benchmarks.generate_safety --homes 50 --days 60

The counties (40 homes each) and homes are made through ``registry.services`` (as an
administrator would); the entries with ``backend/core/bulk.py`` (COPY on PostgreSQL, executemany
on SQLite), hash-chained per home by ``core.ledger.chain_tuples`` exactly as ``record_entry``
chains them (``tekun audit verify`` and ``verify_ledger(SAFETY_LEDGER)`` pass), each home's
``ledger_head`` row written after its chain. ``period``, ``slot`` and ``late`` come from
``rules.place`` / ``rules.deadline_of`` / ``rules.is_late``, as the service sets them.

About 8 entries per home-day, against the national default checklists (version 1): the day's
fire patrol (95 % of days), the four night patrols (90 % each), tableware disinfection after each
of the three meals (90 %), the daily disinfection (90 %), and once a month the fire inspection
and the extinguisher check. 4 % are recorded late (补录: after the deadline, up to three days);
1 % have one failed item, which opens a hazard (major when the item is): those older than a month
are closed, the rest open, a few major ones fixed and waiting for the county. Deterministic for a
seed. Food samples and morning checks (entries with details of their own) are not generated.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import REFERENCE_DAY  # noqa: E402

HOMES_PER_COUNTY = 40
ACTOR = "bench.director"
NOTES = ("二楼灭火器压力不足", "后门通道堆放杂物", "应急灯不亮", "厨房燃气未关", "有老人在居室使用电暖器")
MEAL_DONE = ((8, 30), (13, 0), (19, 0))  # when the tableware is done after each default meal window


def _canonical_items(items: list[dict], failed: str | None = None, note: str = "") -> str:
    from backend.core.ledger import canonical

    return canonical(
        [
            {
                "key": item["key"],
                "result": "fail" if item["key"] == failed else "pass",
                "note": note if item["key"] == failed else "",
            }
            for item in items
        ]
    )


class _Home:
    """One home's year of entries, as tuples in ``SAFETY_LEDGER.fields`` order."""

    def __init__(self, home_id: int, templates: dict, first: date, days: int, rng: random.Random):
        self.home_id, self.templates, self.first, self.days, self.rng = home_id, templates, first, days, rng
        self.rows: list[tuple] = []
        self.deadlines: dict[tuple[str, str, str], datetime | None] = {}

    def add(self, routine: str, local: datetime) -> None:
        from backend.safety import rules
        from backend.safety.services import zone

        template = self.templates[routine]
        frequency, tz = template["frequency"], zone()
        performed = local.astimezone(UTC)
        placed = rules.place(frequency, performed, tz)
        if placed is None:
            return
        key = (routine, placed.period, placed.slot)
        if key not in self.deadlines:
            self.deadlines[key] = rules.deadline_of(frequency, placed, tz)
        deadline = self.deadlines[key]
        rng = self.rng
        if rng.random() < 0.04 and deadline is not None:
            recorded = deadline + timedelta(seconds=rng.randint(3600, 3 * 86400))
        else:
            recorded = performed + timedelta(seconds=rng.randint(60, 1200))
        items = template["parsed"]
        failed = rng.choice(items)["key"] if rng.random() < 0.01 else None
        text = template["all_pass"] if failed is None else _canonical_items(items, failed, rng.choice(NOTES))
        self.rows.append(
            (
                self.home_id,
                template["id"],
                routine,
                placed.period,
                placed.slot,
                performed,
                recorded,
                rules.is_late(recorded, deadline),
                None,
                ACTOR,
                f"gen-{self.home_id}-{len(self.rows)}",
                text,
                1 if failed else 0,
                "",
                "",
                None,
                "",
            )
        )

    def build(self) -> list[tuple]:
        from backend.safety.services import zone

        tz, rng = zone(), self.rng
        months_done: set[tuple[int, int]] = set()
        for offset in range(self.days):
            day = self.first + timedelta(days=offset)

            def at(hour: int, minute: int = 0, on: date = day, spread: int = 0) -> datetime:
                return datetime.combine(on, clock(hour, minute), tzinfo=tz) + timedelta(seconds=rng.randint(0, spread))

            if rng.random() < 0.95:
                self.add("fire_patrol", at(9, spread=7200))
            for hour in (22, 0, 2, 4):
                if rng.random() < 0.9:
                    self.add("night_patrol", at(hour, 5, day if hour >= 12 else day + timedelta(days=1), spread=3000))
            for hour, minute in MEAL_DONE:
                if rng.random() < 0.9:
                    self.add("tableware_disinfection", at(hour, minute, spread=1500))
            if rng.random() < 0.9:
                self.add("disinfection", at(15, spread=7200))
            month = (day.year, day.month)
            if month not in months_done and (day.day >= 20 or rng.random() < 0.08):
                months_done.add(month)
                if rng.random() < 0.9:
                    self.add("fire_inspection", at(10, spread=7200))
                if rng.random() < 0.9:
                    self.add("extinguisher_check", at(11, spread=3600))
        return self.rows


async def _make_homes(homes: int, county_codes: list[str] | None, prefix: str) -> list[dict]:
    """Counties of 40 homes and the homes, through the registry's services."""
    from backend.core.security import Scope
    from backend.registry import services as registry
    from backend.registry.schemas import CountyIn, HomeIn

    system = Scope.system("bench")
    counties = county_codes or [f"{910000 + index:06d}" for index in range((homes + HOMES_PER_COUNTY - 1) // HOMES_PER_COUNTY)]
    for index, code in enumerate(counties):
        await registry.create_county(system, CountyIn(code=code, name=f"安全测试县{index + 1}", province="甘肃省"))
    codes = []
    for index in range(homes):
        county = counties[index // HOMES_PER_COUNTY % len(counties)]
        code = f"{prefix}{county}-{index + 1:04d}"
        await registry.create_home(system, HomeIn(code=code, name=f"第{index + 1}敬老院", county_code=county, beds=40))
        codes.append(code)
    found = await registry.homes_by_code(codes)
    return [found[code] for code in codes]


async def _hazards(home_ids: list[int], templates: dict, end: date) -> int:
    """A hazard per failed item, set-based: closed when older than a month, else open (a few
    major ones fixed and waiting for the county)."""
    from backend.core import dates
    from backend.core.bulk import fetch_tuples, insert_rows
    from backend.registry import rules as registry_rules
    from backend.safety import rules

    defaults = registry_rules.default_parameters()  # the generated counties set no days of their own
    days_major, days_ordinary = defaults.hazard_days_major, defaults.hazard_days_ordinary

    rows = []
    cutoff = end - timedelta(days=30)
    labels = {routine: {item["key"]: item for item in t["parsed"]} for routine, t in templates.items()}
    for start in range(0, len(home_ids), 500):
        part = home_ids[start : start + 500]
        marks = ", ".join("{}" for _ in part)
        found = await fetch_tuples(
            f"SELECT id, home, routine, items, recorded_at FROM safety_entry WHERE failed > 0 AND home IN ({marks})", *part
        )
        for entry_id, home_id, routine, items, recorded_at in found:
            if isinstance(recorded_at, str):
                recorded_at = datetime.fromisoformat(recorded_at)
            answer = next(answer for answer in json.loads(items) if answer["result"] == "fail")
            item = labels[routine][answer["key"]]
            opened_on = dates.local(recorded_at).date()
            deadline = rules.hazard_deadline(opened_on, item["major"], days_major, days_ordinary)
            closed = opened_on < cutoff
            fixed_at = recorded_at + timedelta(days=1) if closed or (item["major"] and entry_id % 3 == 0) else None
            status = "closed" if closed else "fixed" if fixed_at else "open"
            rows.append(
                (
                    home_id, "entry", entry_id, routine, answer["key"], item["label"], answer["note"], item["major"],
                    opened_on, recorded_at, ACTOR, deadline, "院长", "立即整改", status,
                    fixed_at, ACTOR if fixed_at else "", "已整改" if fixed_at else "",
                    fixed_at + timedelta(days=1) if closed and item["major"] else None,
                    "bench.inspector" if closed and item["major"] else "", "",
                    (fixed_at + timedelta(days=1 if item["major"] else 0)).date() if closed else None,
                )
            )  # fmt: skip
    await insert_rows(
        "safety_hazard",
        ["home", "source", "entry", "routine", "item_key", "title", "note", "major", "opened_on", "opened_at", "opened_by",
         "deadline", "owner", "plan", "status", "fixed_at", "fixed_by", "fix_note", "verified_at", "verified_by",
         "verify_note", "closed_on"],
        rows,
    )  # fmt: skip
    return len(rows)


async def generate(
    homes: int = 1000,
    days: int = 365,
    seed: int = 42,
    end: date = REFERENCE_DAY,
    county_codes: list[str] | None = None,
    prefix: str = "SF",
    group: int = 50,
) -> dict:
    """Make the homes and write their entries and hazards (the database already started);
    ``end`` is the day after the last one. Returns the counts and the seconds spent."""
    from backend.core import bulk
    from backend.core.db import transaction
    from backend.core.ledger import chain_tuples
    from backend.safety import services
    from backend.safety.tables import SAFETY_LEDGER

    started = time.perf_counter()
    made = await _make_homes(homes, county_codes, prefix)
    homes_seconds = time.perf_counter() - started
    county_id = made[0]["county"]
    templates = {
        routine: {**row, "parsed": json.loads(row["items"])}
        for routine, row in (await services.templates_in_force([county_id]))[county_id].items()
    }
    for template in templates.values():
        template["all_pass"] = _canonical_items(template["parsed"])
    columns = [*SAFETY_LEDGER.fields, "seq", "prev_hash", "hash"]
    first = end - timedelta(days=days)
    entries = 0
    for start in range(0, len(made), group):
        part = made[start : start + group]
        heads: list[tuple] = []

        def batches(part=part, heads=heads):
            for home in part:
                rng = random.Random(f"{seed}-safety-{home['code']}")
                rows = _Home(home["id"], templates, first, days, rng).build()
                chained = chain_tuples(SAFETY_LEDGER, rows, 1, "")
                heads.append((SAFETY_LEDGER.head_name(home["id"]), len(chained), chained[-1][-1] if chained else ""))
                yield chained

        async with transaction():
            await bulk.insert_batches("safety_entry", columns, batches())
            await bulk.insert_rows("ledger_head", ["name", "seq", "last_hash"], heads)
        entries += sum(head[1] for head in heads)
    await _analyse("safety_entry", entries)
    async with transaction():
        hazards = await _hazards([home["id"] for home in made], templates, end)
    return {
        "homes": len(made),
        "days": days,
        "entries": entries,
        "hazards": hazards,
        "home_codes": [home["code"] for home in made],
        "homes_seconds": round(homes_seconds, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }


async def _analyse(tablename: str, count: int) -> None:
    from backend.core import bulk
    from backend.core.db import transaction

    async with transaction():
        await bulk.analyse_after_bulk(tablename, count)


async def hazards_only(end: date, prefix: str = "SF") -> dict:
    """The hazards of entries generated before (a run stopped after its entries): when there are none yet."""
    from backend.core.db import transaction
    from backend.registry.tables import Home
    from backend.safety import services
    from backend.safety.tables import SafetyHazard

    if await SafetyHazard.count():
        raise SystemExit("the hazards are there already")
    homes = await Home.select(Home.id, Home.county).where(Home.code.like(f"{prefix}%")).order_by(Home.id)
    county_id = homes[0]["county"]
    templates = {
        routine: {**row, "parsed": json.loads(row["items"])}
        for routine, row in (await services.templates_in_force([county_id]))[county_id].items()
    }
    started = time.perf_counter()
    async with transaction():
        count = await _hazards([home["id"] for home in homes], templates, end)
    return {"homes": len(homes), "hazards": count, "seconds": round(time.perf_counter() - started, 1)}


async def _main(args: argparse.Namespace) -> dict:
    from backend.core import db

    await db.start()
    try:
        if args.hazards_only:
            return await hazards_only(date.fromisoformat(args.end) if args.end else REFERENCE_DAY)
        result = await generate(args.homes, args.days, args.seed, date.fromisoformat(args.end) if args.end else REFERENCE_DAY)
    finally:
        await db.stop()
    result.pop("home_codes")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end", help="the day after the last one (default REFERENCE_DAY)")
    parser.add_argument("--hazards-only", action="store_true", help="only the hazards of the entries already there")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(_main(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
