"""The data of the task-generation benchmark (issue 13, "Figures to reach"): N homes with a
month of safety-ledger entries and their hazards, reusing ``benchmarks/generate_safety.py``
(counties of 40 homes made through ``registry.services``; about 8 entries a home-day, 4 % late,
1 % failed), the homes registered on the first day of the month so that task generation covers
exactly that month:

    .venv/bin/python -m benchmarks.generate_tasks --homes 1000      # ≈ 240,000 entries

The month is the one before ``benchmarks.generate.REFERENCE_DAY`` (2026-10). Written into the
database of ``TEKUN_DATABASE_URL`` (after ``tekun db upgrade``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import REFERENCE_DAY  # noqa: E402

MONTH_END = REFERENCE_DAY - timedelta(days=1)  # 2026-10-31
MONTH_START = MONTH_END.replace(day=1)


def morning_after() -> datetime:
    """08:00 in Asia/Shanghai of the day after the month: when the daily job runs."""
    return datetime(REFERENCE_DAY.year, REFERENCE_DAY.month, REFERENCE_DAY.day, 0, tzinfo=UTC)


async def generate(homes: int = 1000, seed: int = 42, prefix: str = "TK") -> dict:
    """Make the homes, their month of entries and hazards, and date the homes' registration to
    the first day of the month (the database already started)."""
    from backend.registry.tables import Home
    from benchmarks import generate_safety

    days = (REFERENCE_DAY - MONTH_START).days
    result = await generate_safety.generate(homes, days, seed, REFERENCE_DAY, prefix=prefix)
    opened = datetime(MONTH_START.year, MONTH_START.month, MONTH_START.day, tzinfo=UTC) - timedelta(hours=8) + timedelta(hours=9)
    await Home.update({Home.created_at: opened}).where(Home.code.like(f"{prefix}%"))
    return result


async def _main(args: argparse.Namespace) -> dict:
    from backend.core import db

    await db.start()
    try:
        result = await generate(args.homes, args.seed)
    finally:
        await db.stop()
    result.pop("home_codes")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(_main(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["MONTH_END", "MONTH_START", "date", "generate", "morning_after"]
