"""Reconciliation benchmark (issue 4, "Figures to reach").

    .venv/bin/python -m benchmarks.generate --scale province            # register, standards, payments
    .venv/bin/python -m benchmarks.bench_reconcile --scale province [--db sqlite,postgres] [--months 12]

For each database: a fresh database loaded with the generated register through ``tekun import``
(counties, homes, residents, assessments from CSV, as ``bench_import`` does) and the standards;
then the payment lists: the last month from CSV and the month before from XLSX, each timed with
its peak RSS (one ``tekun import`` process each), and the other months of the year from CSV.
Then, in one process (``--worker``), for the last month and then for every month of the year:
every county reconciled in one pass (``services.reconcile_counties``, what ``tekun reconcile
--county all`` runs: runs stored, findings written, ledger appended), timed per month; the last
month once more county by county (``services.reconcile`` per county, as ``tekun reconcile --county
C`` would, a hundred times); and the floor: one SQL query alone joining that month's lines to the
register, each person's placement and assessment in force (the rows the reconciliation needs),
fetched by the bare driver, timed on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_import import CPU, DATA, drop, fresh_env, run, summary_of  # noqa: E402
from benchmarks.generate import PAYMENT_LAST_MONTH, payment_months  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"month": 3.0, "year": 40.0, "import csv": 30.0, "import xlsx": 60.0}

# The floor: what the database alone needs to produce the rows a month's reconciliation reads.
FLOOR_SQL = """
SELECT l.payment_ref, l.id_number, l.name, l.county, l.basic_amount, l.care_amount, l.support_mode, l.home_code,
       r.id, r.name, r.county, r.approved_on, r.ended_on, r.died_on, r.area,
       (SELECT p.home FROM placement p WHERE p.resident = r.id AND p.event_date < {m}
         ORDER BY p.event_date DESC, p.seq DESC LIMIT 1) AS home,
       (SELECT a.tier FROM assessment a WHERE a.resident = r.id AND a.authority = 'county' AND a.assessed_on < {m}
         ORDER BY a.assessed_on DESC, a.seq DESC LIMIT 1) AS tier
FROM stipend_line l LEFT JOIN resident r ON r.id_number = l.id_key
WHERE l.source = 'payments' AND l.month = {m}
"""


async def _floor(url: str, month: date) -> tuple[float, int]:
    from backend.core import db

    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(db.sqlite_path(url))
        try:
            started = time.perf_counter()
            rows = connection.execute(FLOOR_SQL.format(m=":m"), {"m": month.isoformat()}).fetchall()
            return time.perf_counter() - started, len(rows)
        finally:
            connection.close()
    import asyncpg

    connection = await asyncpg.connect(**db.pg_config(url))
    try:
        await connection.execute("SET jit = off")  # as the reconciliation's own transaction (db.without_jit)
        started = time.perf_counter()
        rows = await connection.fetch(FLOOR_SQL.format(m="$1"), month)
        return time.perf_counter() - started, len(rows)
    finally:
        await connection.close()


async def _worker(url: str, months: list[date], profile: bool) -> dict:
    """Reconcile every county for each month in one pass (``tekun reconcile --county all``; the
    first month twice: cold, then as part of the year), and the last month once more county by
    county (``tekun reconcile --county C`` a hundred times)."""
    from backend.core import db
    from backend.core.security import Scope
    from backend.registry.tables import County
    from backend.stipends import services

    await db.start()
    try:
        scope = Scope.system("bench")
        counties = [row["code"] for row in await County.select(County.code).order_by(County.code)]
        out: dict = {"counties": len(counties), "months": []}
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
        for month in months:
            if profiler:
                profiler.enable()
            started, cpu = time.perf_counter(), time.process_time()
            reports = await services.reconcile_counties(scope, counties, month, "payments")
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            if profiler:
                profiler.disable()
            lines = sum(report.summary.lines for report in reports)
            findings = sum(len(report.findings) for report in reports)
            floor, floor_rows = await _floor(url, month)
            out["months"].append(
                {
                    "month": f"{month:%Y-%m}",
                    "lines": lines,
                    "findings": findings,
                    "seconds": round(seconds, 2),
                    "cpu_seconds": round(cpu, 2),
                    "floor_seconds": round(floor, 3),
                    "floor_rows": floor_rows,
                }
            )
            print(
                f"  {month:%Y-%m}: {lines:>7} lines, {findings:>5} findings, {len(counties)} counties in {seconds:6.2f} s ({cpu:5.2f} s CPU)"
                f" (floor query {floor:5.2f} s, {floor_rows} rows)",
                file=sys.stderr,
            )
        month = months[-1]
        started, cpu = time.perf_counter(), time.process_time()
        findings = 0
        for county in counties:
            findings += len((await services.reconcile(scope, county, month, "payments")).findings)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        out["by_county"] = {
            "month": f"{month:%Y-%m}",
            "findings": findings,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
        }
        print(
            f"  {month:%Y-%m} county by county: {findings:>5} findings, {len(counties)} runs in {seconds:6.2f} s ({cpu:5.2f} s CPU)",
            file=sys.stderr,
        )
        if profiler:
            import pstats

            pstats.Stats(profiler, stream=sys.stderr).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(35)
        return out
    finally:
        await db.stop()


def bench(database: str, data: Path, months: list[date], profile: bool) -> dict:
    result: dict = {"database": database, "imports": []}
    with tempfile.TemporaryDirectory(prefix="tekun-bench-") as workdir:
        env, url = fresh_env(database, Path(workdir))
        try:
            run(env, "db", "upgrade")
            started = time.monotonic()
            for kind in ("counties", "homes", "residents", "assessments", "standards"):
                run(env, "import", kind, str(data / f"{kind}.csv"))
            print(f"{database}: register and standards loaded in {time.monotonic() - started:.0f} s", file=sys.stderr)
            last = months[-1]
            plan = [(last, "csv")]
            if len(months) > 1 and (data / f"payments-{months[-2]:%Y-%m}.xlsx").is_file():
                plan.append((months[-2], "xlsx"))
            plan += [(month, "csv") for month in months[: -2 if len(plan) > 1 else -1]]
            for month, fmt in plan:
                path = data / f"payments-{month:%Y-%m}.{fmt}"
                seconds, rss, output = run(env, "import", "payments", str(path))
                summary = summary_of(output)
                cpu = CPU[f"import payments {path}"]
                result["imports"].append(
                    {
                        "month": f"{month:%Y-%m}",
                        "format": fmt,
                        "rows": summary["created"],
                        "seconds": round(seconds, 2),
                        "cpu_seconds": round(cpu, 2),
                        "peak_rss_mib": round(rss),
                    }
                )
                print(
                    f"{database:<9} import payments {month:%Y-%m} {fmt:<4} {summary['created']:>7} lines "
                    f"{seconds:6.2f} s wall {cpu:6.2f} s CPU peak {rss:5.0f} MiB",
                    file=sys.stderr,
                )
            # The worker: the last month, then the year in order (the last month again, warm).
            order = [last, *months]
            worker_env = {**env, "BENCH_URL": url}
            args = ["-m", "benchmarks.bench_reconcile", "--worker", ",".join(f"{m:%Y-%m}" for m in order)]
            if profile:
                args.append("--profile")
            import subprocess

            started = time.monotonic()
            done = subprocess.run([sys.executable, *args], cwd=ROOT, env=worker_env, capture_output=True, text=True)
            sys.stderr.write(done.stderr)
            if done.returncode != 0:
                raise SystemExit(f"worker failed ({done.returncode})")
            worker = json.loads(done.stdout)
            result["first_month"] = worker["months"][0]
            result["year"] = worker["months"][1:]
            result["counties"] = worker["counties"]
            result["by_county"] = worker["by_county"]
            print(f"{database}: worker {time.monotonic() - started:.0f} s", file=sys.stderr)
        finally:
            drop(url)
    return result


def report(results: list[dict]) -> None:
    print("", file=sys.stderr)
    for result in results:
        database = result["database"]
        for item in result["imports"][:2]:
            target = TARGETS[f"import {item['format']}"]
            verdict = "ok" if item["seconds"] <= target else "OVER TARGET"
            print(
                f"{database:<9} import {item['format']:<4} {item['rows']} lines: {item['seconds']:.1f} s wall, "
                f"{item['cpu_seconds']:.1f} s CPU, peak {item['peak_rss_mib']} MiB (target {target:.0f} s) {verdict}",
                file=sys.stderr,
            )
        first = result["first_month"]
        warm = result["year"][-1]
        print(
            f"{database:<9} one month, {result['counties']} counties, {first['lines']} lines: {first['seconds']:.2f} s first, "
            f"{warm['seconds']:.2f} s again ({warm.get('cpu_seconds', 0):.2f} s CPU) (target {TARGETS['month']:.0f} s); floor query {warm['floor_seconds']:.2f} s",
            file=sys.stderr,
        )
        by_county = result["by_county"]
        print(
            f"{database:<9} the same month county by county ({result['counties']} runs): {by_county['seconds']:.2f} s "
            f"({by_county['cpu_seconds']:.2f} s CPU)",
            file=sys.stderr,
        )
        year = sum(item["seconds"] for item in result["year"])
        lines = sum(item["lines"] for item in result["year"])
        floor = sum(item["floor_seconds"] for item in result["year"])
        verdict = "ok" if year <= TARGETS["year"] else "OVER TARGET"
        print(
            f"{database:<9} year, {len(result['year'])} months, {lines} lines: {year:.1f} s (target {TARGETS['year']:.0f} s) {verdict}; "
            f"floor queries {floor:.1f} s",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="province", help="a folder of benchmarks/data (made by benchmarks.generate)")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres, or sqlite,postgres")
    parser.add_argument("--months", type=int, default=12, help="months of the year to import and reconcile (≤ generated)")
    parser.add_argument("--profile", action="store_true", help="cProfile the reconciliations (stderr)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        months = [date.fromisoformat(text + "-01") for text in args.worker.split(",")]
        print(json.dumps(asyncio.run(_worker(os.environ["BENCH_URL"], months, args.profile))))
        return 0
    data = DATA / args.scale
    months = payment_months(args.months)
    if not (data / f"payments-{PAYMENT_LAST_MONTH:%Y-%m}.csv").is_file() or not (data / "standards.csv").is_file():
        raise SystemExit(f"no payments in {data}: run python -m benchmarks.generate --scale {args.scale} first")
    load = os.getloadavg()
    print(
        f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, data {data}",
        file=sys.stderr,
    )
    results = [bench(database, data, months, args.profile) for database in args.db.split(",")]
    report(results)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
