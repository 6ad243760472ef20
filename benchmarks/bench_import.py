"""Import benchmark: the generated register into a fresh database, through ``tekun import``.

    .venv/bin/python -m benchmarks.generate --scale province
    .venv/bin/python -m benchmarks.bench_import --scale province [--db sqlite,postgres] [--formats csv,xlsx]

For each database and format: a new, empty database (``tekun db upgrade``), then counties and homes,
then residents and assessments, each import a separate ``tekun import`` process whose wall time,
CPU time and peak resident memory (``ru_utime + ru_stime`` and ``ru_maxrss`` of that process, from
``wait4``) are printed; on PostgreSQL also the CPU time of the server processes serving it (its
backends, sampled from /proc every 0.1 s when the server runs on this machine), with the load
average, since on a shared machine the CPU times are steadier than the wall times. PostgreSQL:
a database ``tekun_bench_<random>`` is created beside TEKUN_BENCH_POSTGRES (default
postgresql://postgres@127.0.0.1:5432/test) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
PG_BASE = os.environ.get("TEKUN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
TARGETS = {"csv": 30.0, "xlsx": 60.0}  # seconds, residents + assessments (issue 3)
MEMORY_TARGET_MIB = 1024


CPU: dict[str, float] = {}  # CPU seconds (user + system) of the last run, by its arguments
SERVER_CPU: dict[str, float] = {}  # CPU seconds of the PostgreSQL backends serving the last run


def _postmasters() -> list[int]:
    """The PostgreSQL server processes on this machine that are not children of another one."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    text = handle.read()
            except OSError:
                continue
            found[int(entry)] = (text[text.index("(") + 1 : text.rindex(")")], int(text.rsplit(")", 1)[1].split()[1]))
    return [pid for pid, (name, parent) in found.items() if name == "postgres" and found.get(parent, ("",))[0] != "postgres"]


def _backend_cpu(masters: list[int], database: str) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each backend of these servers connected to
    ``database`` (process title ``postgres: [CLUSTER:] USER DATABASE HOST…``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for master in masters:
        try:
            with open(f"/proc/{master}/task/{master}/children") as handle:
                children = handle.read().split()
        except OSError:
            continue
        for child in children:
            try:
                with open(f"/proc/{child}/cmdline", "rb") as handle:
                    title = handle.read().decode(errors="replace").split()
                if not title or title[0] != "postgres:" or database not in title[1:4]:
                    continue
                with open(f"/proc/{child}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(child)] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return found


def run(env: dict, *args: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``tekun ARGS``; returns (wall seconds, peak RSS MiB, result). The CPU time (user +
    system, all threads) goes to CPU: on a shared machine it is steadier than the wall time."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        url = env.get("TEKUN_DATABASE_URL", "")
        database = url.rpartition("/")[2] if url.startswith("postgres") else None
        backends: dict[int, float] = {}  # the server's work for this run: its backends' CPU
        masters = _postmasters() if database else []
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", *args], cwd=ROOT, env=env, stdout=out, stderr=err, text=True
        )
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all children).
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG if masters else 0)
            if pid:
                break
            backends.update(_backend_cpu(masters, database))  # sampled: a backend's last 0.1 s may be missed
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        CPU[" ".join(args)] = usage.ru_utime + usage.ru_stime
        if database:
            SERVER_CPU[" ".join(args)] = sum(backends.values())
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if result.returncode != 0:
        raise SystemExit(f"tekun {' '.join(args)} failed ({result.returncode}):\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, result


def summary_of(result: subprocess.CompletedProcess) -> dict[str, int]:
    """The counts from the human summary ("N created, M updated, K unchanged"). Not --json: the
    JSON lists every row, and parsing it here would swell this process, whose memory the next
    child inherits as its starting high-water mark (ru_maxrss is copied at fork)."""
    match = re.search(r"(\d+) created, (\d+) updated, (\d+) unchanged", result.stderr)
    if not match:
        raise SystemExit(f"no summary in: {result.stderr[-500:]}")
    return dict(zip(("created", "updated", "unchanged"), map(int, match.groups()), strict=True))


def fresh_env(database: str, workdir: Path) -> tuple[dict, str]:
    if database == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        base, _, _ = PG_BASE.rpartition("/")
        url = f"{base}/tekun_bench_{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "TEKUN_DATABASE_URL": url,
        "TEKUN_DATA_DIR": str(workdir),
        "TEKUN_SECRET_KEY": os.environ.get("TEKUN_SECRET_KEY", "bench-secret-key-" + secrets.token_hex(16)),
        "TEKUN_TIMEZONE": "Asia/Shanghai",
    }
    return env, url


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        return
    os.environ["TEKUN_DATABASE_URL"] = url
    from backend.core import db

    asyncio.run(db.drop_database(url))


def bench(database: str, fmt: str, data: Path) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="tekun-bench-") as workdir:
        env, url = fresh_env(database, Path(workdir))
        try:
            run(env, "db", "upgrade")
            for kind, suffix in (("counties", "csv"), ("homes", "csv"), ("residents", fmt), ("assessments", fmt)):
                path = data / f"{kind}.{suffix}"
                seconds, rss, result = run(env, "import", kind, str(path))
                summary = summary_of(result)
                cpu = CPU[f"import {kind} {path}"]
                server = SERVER_CPU.get(f"import {kind} {path}")
                results.append(
                    {
                        "database": database,
                        "format": suffix,
                        "kind": kind,
                        "rows": summary["created"] + summary["updated"] + summary["unchanged"],
                        "created": summary["created"],
                        "seconds": round(seconds, 2),
                        "cpu_seconds": round(cpu, 2),
                        "peak_rss_mib": round(rss),
                        "server_cpu_seconds": None if server is None else round(server, 2),
                        "load_average": round(os.getloadavg()[0], 2),
                    }
                )
                server_text = "" if server is None else f" + {server:5.2f} s server"
                print(
                    f"{database:<9} {suffix:<5} {kind:<12} {results[-1]['rows']:>8} rows {seconds:7.2f} s wall {cpu:7.2f} s CPU{server_text}  peak {rss:6.0f} MiB  load {os.getloadavg()[0]:.2f}",
                    file=sys.stderr,
                )
            # Idempotence at scale: the same residents file again creates nothing.
            seconds, rss, result = run(env, "import", "residents", str(data / f"residents.{fmt}"))
            summary = summary_of(result)
            results.append(
                {
                    "database": database,
                    "format": fmt,
                    "kind": "residents (again)",
                    "rows": summary["unchanged"],
                    "created": summary["created"],
                    "seconds": round(seconds, 2),
                    "peak_rss_mib": round(rss),
                }
            )
            print(
                f"{database:<9} {fmt:<5} {'again':<12} {summary['unchanged']:>8} unchanged {seconds:7.2f} s  peak {rss:6.0f} MiB",
                file=sys.stderr,
            )
        finally:
            drop(url)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="province", help="a folder of benchmarks/data (made by benchmarks.generate)")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres, or sqlite,postgres")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    args = parser.parse_args(argv)
    data = DATA / args.scale
    if not (data / "residents.csv").is_file():
        raise SystemExit(f"no data in {data}: run python -m benchmarks.generate --scale {args.scale} first")
    print(
        f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}, data {data}",
        file=sys.stderr,
    )
    results = []
    for database in args.db.split(","):
        for fmt in args.formats.split(","):
            results += bench(database, fmt, data)
    print("", file=sys.stderr)
    for database in args.db.split(","):
        for fmt in args.formats.split(","):
            rows = [
                r
                for r in results
                if r["database"] == database and r["format"] == fmt and r["kind"] in ("residents", "assessments")
            ]
            total = sum(r["seconds"] for r in rows)
            cpu = sum(r["cpu_seconds"] for r in rows)
            servers = [r["server_cpu_seconds"] for r in rows if r.get("server_cpu_seconds") is not None]
            server_text = f" + {sum(servers):5.1f} s server" if servers else ""
            peak = max(r["peak_rss_mib"] for r in rows)
            verdict = "ok" if total <= TARGETS[fmt] and peak < MEMORY_TARGET_MIB else "OVER TARGET"
            print(
                f"{database:<9} {fmt:<5} residents + assessments: {total:6.1f} s wall, {cpu:6.1f} s CPU{server_text} (target {TARGETS[fmt]:.0f} s), "
                f"peak {peak} MiB (target < {MEMORY_TARGET_MIB}) {verdict}",
                file=sys.stderr,
            )
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
