"""Roster benchmark: time to render the roster page of a home with 200 residents, through the
real application (``tekun serve`` in its own process, a signed-in director, HTTP requests).

    .venv/bin/python -m benchmarks.bench_roster [--db sqlite|postgres] [--requests 50] [--residents 200]

A fresh database gets one county, one home, the residents (with about three assessments each)
and 2,000 other persons in the county, all through ``tekun import``; then the page
``/homes/<code>/roster`` is fetched ``--requests`` times after a warm-up; the median, the 90th
percentile and the slowest are printed (target: median under 150 ms).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.demo import ASSESSMENT_HEADERS, ITEMS, RESIDENT_HEADERS, People  # noqa: E402
from benchmarks.bench_import import drop, fresh_env, run  # noqa: E402
from benchmarks.generate import REFERENCE_DAY  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "620199"
HOME = "BENCH-01"
PASSWORD = "bench-password-2026"
TARGET_MS = 150


def write(path: Path, headers: list[str], rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([cell.isoformat() if isinstance(cell, date) else cell for cell in row] for row in rows)
    return path


def files(workdir: Path, residents: int, others: int) -> list[tuple[str, Path]]:
    people = People(7)
    register, assessments = [], []
    for index in range(residents + others):
        placed = index < residents
        gender = "M" if people.rng.random() < 0.6 else "F"
        number = people.id_number(COUNTY, people.birth_date(REFERENCE_DAY), gender)
        approved = people.day_between(date(2012, 1, 1), date(2024, 1, 1))
        admitted = approved + timedelta(days=people.rng.randint(0, 300)) if placed else ""
        register.append(
            [
                number,
                people.name(gender),
                "",
                COUNTY,
                approved,
                "集中" if placed else "分散",
                HOME if placed else "",
                admitted,
                "",
                "",
            ]
        )
        for offset, tier in zip((0, 365, 730), people.history(people.tier(), 3), strict=True):
            answers = people.answers(tier)
            assessments.append(
                [number, (admitted or approved) + timedelta(days=offset), *("能" if answers[i] else "不能" for i in ITEMS), ""]
            )
    return [
        ("counties", write(workdir / "counties.csv", ["区划代码", "名称", "省份"], [[COUNTY, "基准县", "甘肃省"]])),
        (
            "homes",
            write(
                workdir / "homes.csv",
                ["机构编码", "机构名称", "区划代码", "床位数"],
                [[HOME, "基准敬老院", COUNTY, residents + 20]],
            ),
        ),
        ("residents", write(workdir / "residents.csv", RESIDENT_HEADERS, register)),
        ("assessments", write(workdir / "assessments.csv", ASSESSMENT_HEADERS, assessments)),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(base: str, requests: int) -> list[float]:
    import httpx

    with httpx.Client(base_url=base, timeout=30) as client:
        form = client.get("/login").text  # the CSRF token is in the form (bound to this client's cookie)
        token = re.search(r'name="_csrf_token" value="([^"]*)"', form).group(1)
        signed = client.post(
            "/login", data={"username": "bench.director", "password": PASSWORD, "next": "/", "_csrf_token": token}
        )
        if signed.status_code not in (200, 303):
            raise SystemExit(f"sign-in failed: {signed.status_code}")
        url = f"/homes/{HOME}/roster"
        for _ in range(5):  # warm-up: templates compiled, connections open (a redirect: not signed in)
            page = client.get(url)
            if page.status_code != 200:
                raise SystemExit(f"GET {url}: {page.status_code}")
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            page = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert page.status_code == 200
        rows = page.text.count("/residents/")
        print(f"the page is {len(page.content) // 1024} KiB with {rows} links to persons", file=sys.stderr)
        return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--others", type=int, default=2000, help="other persons in the county")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tekun-roster-") as workdir:
        env, url = fresh_env(args.db, Path(workdir))
        env["TEKUN_SECRET_KEY"] = "bench-secret-" + secrets.token_hex(16)
        server = None
        try:
            run(env, "db", "upgrade")
            for kind, path in files(Path(workdir), args.residents, args.others):
                run(env, "import", kind, str(path))
            created = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "backend.cli",
                    "user",
                    "create",
                    "bench.director",
                    "--role",
                    "director",
                    "--home",
                    HOME,
                    "--password-stdin",
                ],
                cwd=ROOT,
                env=env,
                input=PASSWORD + "\n",
                capture_output=True,
                text=True,
            )
            if created.returncode != 0:
                raise SystemExit(created.stderr)
            port = free_port()
            log = open(Path(workdir) / "server.log", "w")  # noqa: SIM115
            server = subprocess.Popen(
                [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            import httpx

            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit((Path(workdir) / "server.log").read_text())
                time.sleep(0.3)
            timings = measure(base, args.requests)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
            drop(url)
    ordered = sorted(timings)
    result = {
        "database": args.db,
        "residents": args.residents,
        "requests": args.requests,
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }
    verdict = "ok" if result["median_ms"] < TARGET_MS else "OVER TARGET"
    print(
        f"{args.db}: roster of {args.residents} residents, {args.requests} requests: median {result['median_ms']} ms, "
        f"p90 {result['p90_ms']} ms, max {result['max_ms']} ms (target < {TARGET_MS} ms) {verdict}",
        file=sys.stderr,
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
