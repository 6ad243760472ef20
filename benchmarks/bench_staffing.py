"""Staffing benchmark (issue 11, "Figures to reach").

    .venv/bin/python -m benchmarks.generate --scale staffing --formats csv --months 0   # 1,000 homes, 40 a county
    .venv/bin/python -m benchmarks.bench_staffing [--db sqlite,postgres] [--runs 5] [--profile]

For each database: a fresh database loaded with the generated register through ``tekun import``
(counties, homes, residents, assessments) and the generated staff: ``tekun import staff`` and
``training`` when those imports exist, else set-based through ``backend.core.bulk`` (as the
imports write), and the leave set-based (no file of interfaces §3 carries leave). Then, in one
worker process:

- the daily ratio of every home (1,000) over the 365 days up to REFERENCE_DAY (365,000
  home-days) through ``staffing.services.ratio_series_for``, best of ``--runs`` (target 2 s);
- beside it the **floor**: the same counts (residents present, staff and carers in post, per
  home-day) by one SQL query through the bare driver (sqlite3 / asyncpg), fetched in full, best
  of ``--runs``; its counts are compared with the service's, home-day by home-day;
- ``ratio_series_for`` of the 40 homes of one county for this month (what the county staffing
  page computes).

Then the county staffing page itself (``GET /counties/<code>/staffing``, target 200 ms) through
``tekun serve`` and a signed-in inspector, when the route exists ("not built yet" otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_import import DATA, drop, fresh_env, run  # noqa: E402
from benchmarks.staffing_data import FIRST, LAST, floor, load_staff, rows_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"year": 2.0, "page_ms": 200.0}
PASSWORD = "bench-password-2026"

# --- the worker: the figures, in one process ---------------------------------------------------


def _compare(series: dict, rows: list) -> int:
    """Home-days where the floor's counts differ from the service's."""
    floor_counts = {(row[0], row[1] if isinstance(row[1], date) else date.fromisoformat(row[1])): tuple(row[2:5]) for row in rows}
    wrong = 0
    for home_id, days in series.items():
        for ratio in days:
            if floor_counts.get((home_id, ratio.day)) != (ratio.residents, ratio.staff, ratio.carers):
                wrong += 1
    return wrong + abs(len(floor_counts) - sum(len(days) for days in series.values()))


async def _worker(url: str, data: Path, runs: int, with_posts: bool, profile: bool) -> dict:
    from backend.core import dates, db
    from backend.core.bulk import fetch_tuples
    from backend.staffing import services

    await db.start()
    try:
        started = time.perf_counter()
        loaded = await load_staff(data, with_posts)
        print(f"  staff loaded set-based in {time.perf_counter() - started:.1f} s: {loaded}", file=sys.stderr)
        async with db.reading():
            homes = [row[0] for row in await fetch_tuples("SELECT id FROM home ORDER BY id")]
            county_id = (await fetch_tuples("SELECT MIN(county) FROM home"))[0][0]
            county_homes = [row[0] for row in await fetch_tuples("SELECT id FROM home WHERE county = {} ORDER BY id", county_id)]
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
        timings, cpu, loads = [], [], []
        for _ in range(runs):
            if profiler:
                profiler.enable()
            loads.append(os.getloadavg()[0])
            started, started_cpu = time.perf_counter(), time.process_time()
            series = await services.ratio_series_for(homes, FIRST, LAST)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            if profiler:
                profiler.disable()
        floors, floors_cpu = [], []
        for _ in range(runs):
            started_cpu = time.process_time()
            seconds, rows = await floor(url)
            floors.append(seconds)
            floors_cpu.append(time.process_time() - started_cpu)
        home_days = sum(len(days) for days in series.values())
        compliant = sum(ratio.compliant for days in series.values() for ratio in days)
        wrong = _compare(series, rows)
        today = dates.today()
        month_first = today.replace(day=1)
        month_last = (month_first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        month = []
        for _ in range(max(runs, 10)):
            started = time.perf_counter()
            await services.ratio_series_for(county_homes, month_first, month_last)
            month.append(time.perf_counter() - started)
        if profiler:
            import pstats

            pstats.Stats(profiler, stream=sys.stderr).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(30)
        return {
            "homes": len(series),
            "home_days": home_days,
            "compliant_share": round(compliant / max(home_days, 1), 3),
            "seconds": [round(value, 3) for value in timings],
            "best_seconds": round(min(timings), 3),
            "best_cpu_seconds": round(min(cpu), 3),
            "floor_seconds": [round(value, 3) for value in floors],
            "floor_best_seconds": round(min(floors), 3),
            "floor_best_cpu_seconds": round(min(floors_cpu), 3),  # SQLite: the engine's work; PostgreSQL: the client's only
            "load_average": [round(value, 2) for value in loads],
            "floor_rows": len(rows),
            "floor_mismatches": wrong,
            "county_homes": len(county_homes),
            "month": f"{month_first:%Y-%m}",
            "month_best_ms": round(min(month) * 1000, 1),
            "month_median_ms": round(statistics.median(month) * 1000, 1),
            "loaded": loaded,
        }
    finally:
        await db.stop()


# --- the county page, through the server -------------------------------------------------------


def measure_page(env: dict, workdir: Path, county: str, requests: int) -> dict:
    """The county staffing page through ``tekun serve`` and a signed-in inspector."""
    import httpx

    from benchmarks.bench_roster import free_port

    created = subprocess.run(
        [sys.executable, "-m", "backend.cli", "user", "create", "bench.inspector", "--role", "inspector", "--county", county,
         "--password-stdin"],
        cwd=ROOT, env=env, input=PASSWORD + "\n", capture_output=True, text=True,
    )  # fmt: skip
    if created.returncode != 0:
        raise SystemExit(created.stderr)
    port = free_port()
    log = open(workdir / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit((workdir / "server.log").read_text())
            time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=30) as client:
            token = re.search(r'name="_csrf_token" value="([^"]*)"', client.get("/login").text).group(1)
            signed = client.post(
                "/login", data={"username": "bench.inspector", "password": PASSWORD, "next": "/", "_csrf_token": token}
            )
            if signed.status_code not in (200, 303):
                raise SystemExit(f"sign-in failed: {signed.status_code}")
            url = f"/counties/{county}/staffing"
            first = client.get(url)
            if first.status_code == 404:
                return {"url": url, "built": False}
            if first.status_code != 200:
                raise SystemExit(f"GET {url}: {first.status_code}")
            for _ in range(4):
                client.get(url)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                page = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert page.status_code == 200
            ordered = sorted(timings)
            return {
                "url": url,
                "built": True,
                "kib": len(page.content) // 1024,
                "median_ms": round(statistics.median(ordered), 1),
                "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
                "max_ms": round(ordered[-1], 1),
            }
    finally:
        server.terminate()
        server.wait(timeout=10)


def bench(database: str, data: Path, runs: int, requests: int, profile: bool) -> dict:
    from backend.importers import KINDS

    with tempfile.TemporaryDirectory(prefix="tekun-staffing-") as workdir:
        env, url = fresh_env(database, Path(workdir))
        try:
            run(env, "db", "upgrade")
            started = time.monotonic()
            imports = ["counties", "homes", "residents", "assessments"]
            with_imports = "staff" in KINDS and "training" in KINDS
            if with_imports:
                imports += ["staff", "training"]
            for kind in imports:
                run(env, "import", kind, str(data / f"{kind}.csv"))
            print(f"{database}: {', '.join(imports)} imported in {time.monotonic() - started:.0f} s", file=sys.stderr)
            args = [sys.executable, "-m", "benchmarks.bench_staffing", "--worker", str(data), "--runs", str(runs)]
            if with_imports:
                args.append("--posts-imported")
            if profile:
                args.append("--profile")
            done = subprocess.run(args, cwd=ROOT, env={**env, "BENCH_URL": url}, capture_output=True, text=True)
            sys.stderr.write(done.stderr)
            if done.returncode != 0:
                raise SystemExit(f"worker failed ({done.returncode})")
            result = {"database": database, **json.loads(done.stdout)}
            county = rows_of(data / "counties.csv")[0][0]
            result["page"] = measure_page(env, Path(workdir), county, requests)
        finally:
            drop(url)
    return result


def report(result: dict) -> None:
    db = result["database"]
    verdict = "met" if result["best_seconds"] <= TARGETS["year"] else "NOT MET"
    print(
        f"{db}: {result['homes']} homes x 365 days = {result['home_days']} home-days: ratio_series_for best "
        f"{result['best_seconds']:.2f} s ({result['best_cpu_seconds']:.2f} s CPU) of {len(result['seconds'])} {result['seconds']}"
        f" (target {TARGETS['year']:.0f} s: {verdict}; load {result['load_average']});"
        f" floor query best {result['floor_best_seconds']:.2f} s ({result['floor_best_cpu_seconds']:.2f} s CPU here)"
        f" ({result['floor_rows']} rows,"
        f" {result['floor_mismatches']} home-days with other counts); ratio to the floor"
        f" {result['best_seconds'] / max(result['floor_best_seconds'], 1e-6):.1f}x; compliant home-days {result['compliant_share']:.0%}",
        file=sys.stderr,
    )
    print(
        f"{db}: ratio_series_for of the {result['county_homes']} homes of one county for {result['month']}:"
        f" best {result['month_best_ms']} ms, median {result['month_median_ms']} ms",
        file=sys.stderr,
    )
    page = result["page"]
    if not page["built"]:
        print(f"{db}: {page['url']}: not built yet (404)", file=sys.stderr)
    else:
        verdict = "met" if page["median_ms"] < TARGETS["page_ms"] else "NOT MET"
        print(
            f"{db}: {page['url']} ({page['kib']} KiB): median {page['median_ms']} ms, p90 {page['p90_ms']} ms,"
            f" max {page['max_ms']} ms (target < {TARGETS['page_ms']:.0f} ms: {verdict})",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both (comma-separated)")
    parser.add_argument("--scale", default="staffing")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile of the year runs (stderr)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--posts-imported", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = asyncio.run(_worker(os.environ["BENCH_URL"], args.worker, args.runs, not args.posts_imported, args.profile))
        print(json.dumps(result))
        return 0
    data = DATA / args.scale
    if not (data / "staff_leave.csv").is_file():
        subprocess.run(
            [sys.executable, "-m", "benchmarks.generate", "--scale", args.scale, "--formats", "csv", "--months", "0"],
            cwd=ROOT, check=True,
        )  # fmt: skip
    print(f"{platform.node()} {platform.python_version()} load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results = []
    for database in args.db.split(","):
        results.append(bench(database, data, args.runs, args.requests, args.profile))
        report(results[-1])
    print("", file=sys.stderr)
    for result in results:
        report(result)
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
