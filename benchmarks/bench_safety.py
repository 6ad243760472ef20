"""Safety-ledger benchmark (issue 12, "Figures to reach").

    .venv/bin/python -m benchmarks.bench_safety [--db sqlite,postgres] [--homes 1000] [--days 365]
    .venv/bin/python -m benchmarks.bench_safety --homes 50 --days 365      # a quick run

For each database: a fresh database (``tekun db upgrade``), then in one worker process a year of
entries for ``--homes`` homes (``benchmarks/generate_safety.py``: about 8 a home-day, 3 million
for 1,000 homes) and the figures, each printed with its **floor** beside it:

- (a) ``tekun safety status`` for a home (``services.safety_status``, the day before the data
  ends), ``--calls`` calls over random homes: median and p95 (target < 100 ms). Floor: the same
  counts (done and on time per routine and period, the open hazards) by one SQL query through
  the bare driver (sqlite3 / asyncpg); its counts are compared with the service's.
- (b) saving a 12-item fire patrol (one item failed, so a hazard opens) through
  ``services.record_entry`` from ``--users`` concurrent tasks (each the director of its own
  home), ``--saves`` each: p50 and p95 (target < 200 ms at p95 with 20 users, **with one photo**:
  the photo is not in this figure yet, see ``measure_photo_upload``). Floor: a bare INSERT of
  the same row (and its commit) through the driver from as many concurrent connections.
- (c) ``measure_photo_upload``: the same patrol **and its photo** (``record_entry`` then
  ``add_photo``, a phone JPEG of ~400 KB) from ``--users`` tasks; floor: the photo check alone.
- (d) ``measure_county_hazards``: ``services.county_hazards`` for the first county (40 homes),
  target < 300 ms; floor: one bare-driver query of its open hazards.

``--reuse URL --data-dir DIR`` measures a database generated before (``generate_safety``, once)
instead of a fresh one. The same figures over HTTP, as a user meets them, with 20 signed-in
directors: ``benchmarks/bench_safety_http.py``.

At the end the ledger is verified (``verify_ledger(SAFETY_LEDGER)``): the generated chains and the
entries saved by (b) must be intact.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_import import drop, fresh_env, run  # noqa: E402
from benchmarks.generate import REFERENCE_DAY  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"status_ms": 100.0, "save_p95_ms": 200.0, "county_hazards_ms": 300.0}


def _ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


# --- (a) the status of a home -------------------------------------------------------------------

_STATUS_FLOOR = """
SELECT routine, period, COUNT(DISTINCT slot), COUNT(DISTINCT CASE WHEN late THEN NULL ELSE slot END)
FROM safety_entry WHERE home = {home} AND period IN ({periods}) GROUP BY routine, period
UNION ALL
SELECT '', '', COUNT(*), 0 FROM safety_hazard WHERE home = {home} AND status IN ('open', 'fixed')
"""


class _Floor:
    """A bare-driver connection for the floors (sqlite3 or asyncpg), outside the application."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite = url.startswith("sqlite")

    async def __aenter__(self):
        from backend.core import db

        if self.sqlite:
            import sqlite3

            self.connection = sqlite3.connect(db.sqlite_path(self.url), timeout=60, isolation_level=None)
        else:
            import asyncpg

            self.connection = await asyncpg.connect(**db.pg_config(self.url))
            await self.connection.execute("SET jit = off")
        return self

    async def __aexit__(self, *exc):
        if self.sqlite:
            self.connection.close()
        else:
            await self.connection.close()

    async def status(self, home_id: int, periods: list[str]) -> list:
        if self.sqlite:
            sql = _STATUS_FLOOR.format(home="?", periods=", ".join("?" for _ in periods))
            return self.connection.execute(sql, [home_id, *periods, home_id]).fetchall()
        sql = _STATUS_FLOOR.format(home="$1", periods=", ".join(f"${index + 2}" for index in range(len(periods))))
        return await self.connection.fetch(sql, home_id, *periods)


async def measure_status(url: str, homes: list[dict], calls: int, seed: int) -> dict:
    from backend.core.security import Scope
    from backend.safety import rules, services

    day = REFERENCE_DAY - timedelta(days=1)
    now = datetime.combine(REFERENCE_DAY, datetime.min.time(), tzinfo=UTC)
    periods = sorted({rules.period_key(frequency, day) for frequency in rules.FREQUENCIES})
    rng = random.Random(seed)
    chosen = [rng.choice(homes) for _ in range(calls)]

    def scope(home):
        return Scope(user_id=None, username="bench.director", role="director", county_id=home["county"], home_id=home["id"])

    for home in chosen[:5]:  # warm up
        await services.safety_status(scope(home), home["code"], day, now=now)
    timings, results = [], {}
    for home in chosen:
        started = time.perf_counter()
        status = await services.safety_status(scope(home), home["code"], day, now=now)
        timings.append(time.perf_counter() - started)
        results[home["id"]] = status
    floors, mismatches = [], 0
    async with _Floor(url) as floor:
        for home in chosen[:5]:
            await floor.status(home["id"], periods)
        for home in chosen:
            started = time.perf_counter()
            rows = await floor.status(home["id"], periods)
            floors.append(time.perf_counter() - started)
            counts = {(row[0], row[1]): (row[2], row[3]) for row in rows}
            status = results[home["id"]]
            for routine in status.routines:
                done, on_time = counts.get((routine.routine, routine.period), (0, 0))
                mismatches += (done, on_time) != (routine.done, routine.on_time) and routine.due > 0
            mismatches += counts.get(("", ""), (0, 0))[0] != len(status.open_hazards)
    sample = results[chosen[0]["id"]]
    return {
        "day": day.isoformat(),
        "service": _ms(timings),
        "floor": _ms(floors),
        "mismatches": mismatches,
        "routines": len(sample.routines),
        "open_hazards": len(sample.open_hazards),
    }


# --- (b) saving a patrol ------------------------------------------------------------------------


async def measure_saves(url: str, homes: list[dict], users: int, saves: int) -> dict:
    import uuid

    from backend.core import dates
    from backend.core.security import Scope
    from backend.safety import services
    from backend.safety.schemas import AnswerIn, EntryIn

    county = homes[0]["county"]
    template = (await services.templates_in_force([county]))[county]["fire_patrol"]
    items = json.loads(template["items"])
    assert len(items) == 12, len(items)

    def entry() -> EntryIn:
        answers = [AnswerIn(key=item["key"], result="pass") for item in items]
        answers[3] = AnswerIn(key=items[3]["key"], result="fail", note="二楼灭火器压力不足")
        return EntryIn(client_id=uuid.uuid4().hex, routine="fire_patrol", performed_at=dates.now_utc(), items=answers)

    async def user(home: dict) -> list[float]:
        scope = Scope(user_id=None, username="bench.director", role="director", county_id=home["county"], home_id=home["id"])
        timings = []
        for _ in range(saves):
            data = entry()
            started = time.perf_counter()
            _entry, created = await services.record_entry(scope, home["code"], data)
            timings.append(time.perf_counter() - started)
            assert created
        return timings

    chosen = homes[:users]
    await user(chosen[0])  # warm up (also writes a row to copy for the floor)
    started = time.perf_counter()
    per_user = await asyncio.gather(*(user(home) for home in chosen))
    wall = time.perf_counter() - started
    timings = [value for values in per_user for value in values]
    floor = await _insert_floor(url, chosen, users, saves)
    return {
        "users": len(chosen),
        "saves": len(timings),
        "service": _ms(timings),
        "per_second": round(len(timings) / wall, 1),
        "floor": floor,
    }


async def _insert_floor(url: str, homes: list[dict], users: int, saves: int) -> dict:
    """A bare INSERT (and commit) of a saved patrol's row, from ``users`` concurrent connections;
    the rows (negative ``seq``, ``client_id`` ``floor-…``, outside any chain) are deleted after."""
    from backend.core import db
    from backend.core.bulk import as_bound, fetch_tuples
    from backend.safety.tables import SAFETY_LEDGER

    columns = [*SAFETY_LEDGER.fields, "seq", "prev_hash", "hash"]
    names = ", ".join(f'"{column}"' for column in columns)
    async with db.reading():
        template = list(
            (
                await fetch_tuples(
                    f"SELECT {names} FROM safety_entry WHERE home = {{}} AND routine = 'fire_patrol' ORDER BY id DESC LIMIT 1",
                    homes[0]["id"],
                )
            )[0]
        )
    seq_at, client_at = columns.index("seq"), columns.index("client_id")
    counter = iter(range(1, 10**9))

    def row(home_id: int) -> tuple:
        number = next(counter)
        values = list(template)
        values[0], values[seq_at], values[client_at] = home_id, -number, f"floor-{number}"
        return tuple(values)

    timings: list[float] = []
    if url.startswith("sqlite"):
        import sqlite3

        sql = f"INSERT INTO safety_entry ({names}) VALUES ({', '.join('?' for _ in columns)})"

        def worker(home_id: int) -> list[float]:
            connection = sqlite3.connect(db.sqlite_path(url), timeout=60, isolation_level=None)
            connection.execute("PRAGMA busy_timeout = 60000")
            out = []
            try:
                for _ in range(saves):
                    values = as_bound([row(home_id)])[0]
                    started = time.perf_counter()
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute(sql, values)
                    connection.execute("COMMIT")
                    out.append(time.perf_counter() - started)
            finally:
                connection.close()
            return out

        for values in await asyncio.gather(*(asyncio.to_thread(worker, home["id"]) for home in homes)):
            timings += values
        connection = sqlite3.connect(db.sqlite_path(url), timeout=60)
        connection.execute("DELETE FROM safety_entry WHERE client_id LIKE 'floor-%'")
        connection.commit()
        connection.close()
    else:
        import asyncpg

        sql = f"INSERT INTO safety_entry ({names}) VALUES ({', '.join(f'${index + 1}' for index in range(len(columns)))})"

        async def worker(home_id: int) -> list[float]:
            connection = await asyncpg.connect(**db.pg_config(url))
            out = []
            try:
                for _ in range(saves):
                    values = row(home_id)
                    started = time.perf_counter()
                    await connection.execute(sql, *values)  # autocommit: the INSERT and its commit
                    out.append(time.perf_counter() - started)
            finally:
                await connection.close()
            return out

        for values in await asyncio.gather(*(worker(home["id"]) for home in homes)):
            timings += values
        connection = await asyncpg.connect(**db.pg_config(url))
        await connection.execute("DELETE FROM safety_entry WHERE client_id LIKE 'floor-%'")
        await connection.close()
    return _ms(timings)


# --- hooks for the figures other parts build ----------------------------------------------------


async def measure_photo_upload(url: str, homes: list[dict], users: int, saves: int = 5) -> dict:
    """The patrol entry **with its photo**, in process: ``record_entry`` then ``add_photo`` (a
    phone JPEG of 1600×1200, ~400 KB, checked in the photo worker) in one timed call, from
    ``users`` concurrent tasks, ``saves`` each. Floor: the photo check alone (the worker, warm).
    Over HTTP (as a user meets it): ``benchmarks.bench_safety_http``."""
    import uuid

    from backend.core import dates
    from backend.core.security import Scope
    from backend.safety import photo_worker, services
    from backend.safety.schemas import AnswerIn, EntryIn
    from benchmarks.bench_safety_http import FAILED_ITEM, phone_jpeg

    photo = phone_jpeg()
    county = homes[0]["county"]
    items = json.loads((await services.templates_in_force([county]))[county]["fire_patrol"]["items"])

    def entry() -> EntryIn:
        answers = [
            AnswerIn(key=item["key"], result="fail", note="二楼灭火器压力不足")
            if item["key"] == FAILED_ITEM
            else AnswerIn(key=item["key"], result="pass")
            for item in items
        ]
        return EntryIn(client_id=uuid.uuid4().hex, routine="fire_patrol", performed_at=dates.now_utc(), items=answers)

    async def user(home: dict, count: int) -> list[float]:
        scope = Scope(user_id=None, username="bench.director", role="director", county_id=home["county"], home_id=home["id"])
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            saved, _created = await services.record_entry(scope, home["code"], entry())
            await services.add_photo(scope, saved.id, photo, "IMG_0001.jpg", "image/jpeg", FAILED_ITEM)
            timings.append(time.perf_counter() - started)
        return timings

    await user(homes[0], 1)  # warm up (the photo workers start)
    floor = []
    for _ in range(20):
        started = time.perf_counter()
        await photo_worker.inspect_photo(photo)
        floor.append(time.perf_counter() - started)
    per_user = await asyncio.gather(*(user(home, saves) for home in homes[:users]))
    timings = [value for values in per_user for value in values]
    return {
        "built": True,
        "users": min(users, len(homes)),
        "service": _ms(timings),
        "floor": _ms(floor),
        "photo_bytes": len(photo),
    }


_COUNTY_FLOOR = """
SELECT h.home, h.major, h.status, h.deadline FROM safety_hazard h
WHERE h.home IN (SELECT id FROM home WHERE county = {county}) AND h.status IN ('open', 'fixed')
ORDER BY h.major DESC, h.deadline
"""


async def measure_county_hazards(url: str, homes: list[dict], calls: int = 50) -> dict:
    """The county hazard view of a county of 40 homes (``services.county_hazards``), ``calls``
    calls, as the county's inspector; floor: one bare-driver query of the open hazards of its
    homes, major first. The page over HTTP: ``benchmarks.bench_safety_http``."""
    from backend.core.security import Scope
    from backend.registry import services as registry
    from backend.safety import services

    county_id = homes[0]["county"]
    county = next(iter((await registry.counties_by_id([county_id])).values()))
    scope = Scope(user_id=None, username="bench.inspector", role="inspector", county_id=county_id, home_id=None)
    for _ in range(3):
        out = await services.county_hazards(scope, county["code"])
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        out = await services.county_hazards(scope, county["code"])
        timings.append(time.perf_counter() - started)
    floors = []
    async with _Floor(url) as floor:
        for index in range(calls + 3):
            started = time.perf_counter()
            if floor.sqlite:
                floor.connection.execute(_COUNTY_FLOOR.format(county="?"), [county_id]).fetchall()
            else:
                await floor.connection.fetch(_COUNTY_FLOOR.format(county="$1"), county_id)
            if index >= 3:
                floors.append(time.perf_counter() - started)
    return {
        "built": True,
        "homes": len(out.homes),
        "open": sum(home.open for home in out.homes),
        "major": len(out.major),
        "service": _ms(timings),
        "floor": _ms(floors),
    }


# --- the worker and the driver ------------------------------------------------------------------


async def _worker(url: str, args: argparse.Namespace) -> dict:
    from backend.core import db
    from backend.core.ledger import verify_ledger
    from backend.registry import services as registry
    from backend.safety.tables import SAFETY_LEDGER
    from benchmarks import generate_safety

    await db.start()
    try:
        if args.reuse:  # a database generated before (generate_safety): its homes, first county first
            from backend.registry.tables import Home
            from backend.safety.tables import SafetyEntry, SafetyHazard

            codes = [row["code"] for row in await Home.select(Home.code).order_by(Home.id)]
            generated = {
                "homes": len(codes),
                "days": args.days,
                "entries": await SafetyEntry.count(),
                "hazards": await SafetyHazard.count(),
                "seconds": "(reused)",
                "homes_seconds": "-",
            }
        else:
            generated = await generate_safety.generate(args.homes, args.days, args.seed)
            codes = generated.pop("home_codes")
        print(
            f"  {generated['entries']} entries, {generated['hazards']} hazards (generated in {generated['seconds']} s)",
            file=sys.stderr,
        )
        found = await registry.homes_by_code(codes)
        homes = sorted(found.values(), key=lambda home: home["id"])
        load = [os.getloadavg()[0]]
        status = await measure_status(url, homes, args.calls, args.seed)
        load.append(os.getloadavg()[0])
        saves = await measure_saves(url, homes, args.users, args.saves)
        load.append(os.getloadavg()[0])
        photo = await measure_photo_upload(url, homes, args.users)
        load.append(os.getloadavg()[0])
        county = await measure_county_hazards(url, homes)
        started = time.perf_counter()
        broken = None if args.no_verify else await verify_ledger(SAFETY_LEDGER)
        verified = time.perf_counter() - started
        return {
            "generated": generated,
            "status": status,
            "saves": saves,
            "photo": photo,
            "county_hazards": county,
            "ledger_intact": broken is None,
            "verify_seconds": round(verified, 1),
            "load_average": [round(value, 2) for value in load],
        }
    finally:
        await db.stop()


def bench(database: str, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="tekun-safety-") as workdir:
        env, url = fresh_env(database, Path(workdir))
        try:
            run(env, "db", "upgrade")
            command = [sys.executable, "-m", "benchmarks.bench_safety", "--worker"]
            for name in ("homes", "days", "seed", "calls", "users", "saves"):
                command += [f"--{name}", str(getattr(args, name))]
            done = subprocess.run(command, cwd=ROOT, env={**env, "BENCH_URL": url}, capture_output=True, text=True)
            sys.stderr.write(done.stderr)
            if done.returncode != 0:
                raise SystemExit(f"worker failed ({done.returncode})")
            return {"database": database, **json.loads(done.stdout)}
        finally:
            drop(url)


def _verdict(value: float, target: float) -> str:
    return "met" if value < target else "NOT MET"


def report(result: dict) -> None:
    db, generated, status, saves = result["database"], result["generated"], result["status"], result["saves"]
    out = sys.stderr
    print(
        f"{db}: {generated['homes']} homes x {generated['days']} days: {generated['entries']} entries,"
        f" {generated['hazards']} hazards, generated in {generated['seconds']} s (homes {generated['homes_seconds']} s);"
        f" ledger {'not verified' if result['verify_seconds'] < 0.01 else 'intact' if result['ledger_intact'] else 'BROKEN'} (verified in {result['verify_seconds']} s);"
        f" load {result['load_average']}",
        file=out,
    )
    service, floor = status["service"], status["floor"]
    print(
        f"{db}: (a) safety status of a home ({status['routines']} routines, {status['day']}), {service['n']} calls:"
        f" median {service['median_ms']} ms, p95 {service['p95_ms']} ms, max {service['max_ms']} ms"
        f" (target < {TARGETS['status_ms']:.0f} ms: {_verdict(service['p95_ms'], TARGETS['status_ms'])});"
        f" floor (one bare-driver query) median {floor['median_ms']} ms, p95 {floor['p95_ms']} ms;"
        f" {service['median_ms'] / max(floor['median_ms'], 1e-3):.1f}x the floor; {status['mismatches']} counts differ",
        file=out,
    )
    service, floor = saves["service"], saves["floor"]
    print(
        f"{db}: (b) saving a 12-item fire patrol (one failed item, no photo), {saves['users']} concurrent users,"
        f" {saves['saves']} saves: p50 {service['median_ms']} ms, p95 {service['p95_ms']} ms, max {service['max_ms']} ms,"
        f" {saves['per_second']}/s (target p95 < {TARGETS['save_p95_ms']:.0f} ms with a photo:"
        f" {_verdict(service['p95_ms'], TARGETS['save_p95_ms'])} without it);"
        f" floor (bare INSERT + commit, {saves['users']} connections) p50 {floor['median_ms']} ms, p95 {floor['p95_ms']} ms",
        file=out,
    )
    photo = result["photo"]
    print(
        f"{db}: (c) a 12-item fire patrol and its photo ({photo['photo_bytes'] // 1024} KB JPEG), in process,"
        f" {photo['users']} concurrent users, {photo['service']['n']} saves: p50 {photo['service']['median_ms']} ms,"
        f" p95 {photo['service']['p95_ms']} ms (target p95 < {TARGETS['save_p95_ms']:.0f} ms:"
        f" {_verdict(photo['service']['p95_ms'], TARGETS['save_p95_ms'])}); floor (the photo check alone, warm worker)"
        f" p50 {photo['floor']['median_ms']} ms, p95 {photo['floor']['p95_ms']} ms",
        file=out,
    )
    county = result["county_hazards"]
    print(
        f"{db}: (d) the county hazard view ({county['homes']} homes, {county['open']} open hazards, {county['major']} major),"
        f" {county['service']['n']} calls: median {county['service']['median_ms']} ms, p95 {county['service']['p95_ms']} ms"
        f" (target < {TARGETS['county_hazards_ms']:.0f} ms: {_verdict(county['service']['p95_ms'], TARGETS['county_hazards_ms'])});"
        f" floor (one bare-driver query) median {county['floor']['median_ms']} ms, p95 {county['floor']['p95_ms']} ms",
        file=out,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both (comma-separated)")
    parser.add_argument("--homes", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--calls", type=int, default=200, help="safety status calls")
    parser.add_argument("--users", type=int, default=20, help="concurrent users saving patrols")
    parser.add_argument("--saves", type=int, default=10, help="patrols saved by each user")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--reuse", metavar="URL", help="measure this database (generated before) instead of a fresh one")
    parser.add_argument("--data-dir", help="TEKUN_DATA_DIR with --reuse")
    parser.add_argument("--no-verify", action="store_true", help="skip verify_ledger at the end (2 min at 3 M entries)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(asyncio.run(_worker(os.environ["BENCH_URL"], args))))
        return 0
    if args.reuse:  # no fresh database: the one named, generated before; runs in this process
        if not args.data_dir:
            parser.error("--reuse needs --data-dir (where the photos go)")
        from benchmarks.bench_safety_http import reexec

        reexec(args.reuse, args.data_dir, "benchmarks.bench_safety", argv)
        print(f"{platform.node()} {platform.python_version()} load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        result = {
            "database": "sqlite" if args.reuse.startswith("sqlite") else "postgres",
            **asyncio.run(_worker(args.reuse, args)),
        }
        report(result)
        if args.json:
            print(json.dumps([result]))
        return 0
    print(f"{platform.node()} {platform.python_version()} load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results = []
    for database in args.db.split(","):
        results.append(bench(database, args))
        report(results[-1])
    print("", file=sys.stderr)
    for result in results:
        report(result)
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
