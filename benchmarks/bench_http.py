"""HTTP load benchmark (issue 8, "Figures to reach"): pages and API reads under 50 connections.

    .venv/bin/python -m benchmarks.bench_http                       # SQLite, 60 s per phase
    .venv/bin/python -m benchmarks.bench_http --db postgres
    .venv/bin/python -m benchmarks.bench_http --db sqlite,postgres --duration 30 --json

One command: a fresh database loaded with the generated county (``benchmarks.generate --scale
county``, written first if missing) through ``tekun import`` (counties, homes, residents,
assessments, standards, twelve months of payments), every month reconciled (``tekun reconcile``),
a director of the first home, an inspector of the county and an API token; then ``tekun serve
--workers 2`` on a free port, the users signed in over HTTP, and three phases of ``--duration``
seconds with ``--connections`` connections each:

1. **mixed**: the home page, the register list, a resident, the county stipends page, a roster
   and an API list, each with its share of the connections (one ``wrk`` process per URL, so
   every URL has its own figures);
2. **stipends**: the county stipends page alone;
3. **health**: ``/health`` alone, the floor of server and client, so the ratio is visible.

The client is ``wrk`` (C, epoll; ``apt-get install wrk``), with a Lua script that counts every
answer other than 200 as an error (a redirect to the sign-in page is an error, not a fast page)
and prints the latency at every 0.1 % of the requests (the overall percentiles over all URLs are
merged from them, each URL weighted by its number of requests). Targets: 0 errors, p95 under 500 ms and at least 150 req/s
mixed; the stipends page alone at least 200 req/s. The load average before and after each phase
is printed: the machine is often shared, and the figures mean little without it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_import import DATA, drop, fresh_env, run  # noqa: E402
from benchmarks.bench_roster import free_port  # noqa: E402
from benchmarks.generate import payment_months  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2026"
TARGETS = {"mixed_rps": 150, "mixed_p95_ms": 500, "stipends_rps": 200}

# Counts answers other than the expected status per thread; done() prints one JSON line with the
# totals and the latency (microseconds) at every 0.1 % of the requests, from which the figures of
# several wrk processes are merged.
WRK_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; expected = tonumber(args[1] or "200") end
function response(status, headers, body) if status ~= expected then bad = bad + 1 end end
function done(summary, latency, requests)
  local wrong = 0
  for _, t in ipairs(threads) do wrong = wrong + t:get("bad") end
  local buckets = {}
  for step = 1, 1000 do  -- the latency at each 0.1 % of the requests
    buckets[#buckets + 1] = string.format("%d", latency:percentile(step / 10))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"wrong_status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"latency":[%s]}\n',
    summary.requests, summary.duration, wrong, e.connect, e.read, e.write, e.timeout, table.concat(buckets, ",")))
end
"""


def tekun(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"tekun {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def first_data_row(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig") as handle:
        handle.readline()
        return handle.readline().strip().split(",")


def load(env: dict, data: Path, months: int) -> dict[str, str]:
    """The county's register, standards and payments, the months reconciled, the users."""
    started = time.monotonic()
    run(env, "db", "upgrade")
    for kind in ("counties", "homes", "residents", "assessments", "standards"):
        run(env, "import", kind, str(data / f"{kind}.csv"))
    chosen = payment_months(12)[-months:]
    for month in chosen:
        run(env, "import", "payments", str(data / f"payments-{month:%Y-%m}.csv"))
    county = first_data_row(data / "counties.csv")[0]
    home = first_data_row(data / "homes.csv")[0]
    for month in chosen:
        tekun(env, "reconcile", "--county", county, "--month", f"{month:%Y-%m}")
    tekun(
        env, "user", "create", "bench.director", "--role", "director", "--home", home, "--password-stdin", stdin=PASSWORD + "\n"
    )
    tekun(
        env,
        "user",
        "create",
        "bench.inspector",
        "--role",
        "inspector",
        "--county",
        county,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    token = tekun(env, "token", "create", "bench.inspector", "--name", "bench").strip().splitlines()[-1]
    print(
        f"  loaded the county {county} ({len(chosen)} months of payments, reconciled) in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    return {"county": county, "home": home, "token": token}


def sign_in(base: str, username: str) -> str:
    """The session cookie of ``username``, signed in through the login form."""
    import httpx

    with httpx.Client(base_url=base, timeout=30) as client:
        form = client.get("/login")
        match = re.search(r'name="_csrf_token"\s+value="([^"]+)"', form.text)
        csrf = match.group(1) if match else client.cookies.get("tekun_csrf", "")
        answer = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/", "_csrf_token": csrf})
        cookie = client.cookies.get("tekun_session")
        if answer.status_code not in (200, 303) or not cookie:
            raise SystemExit(f"sign-in of {username} failed: {answer.status_code} {answer.text[:300]}")
        return cookie


def targets(base: str, facts: dict[str, str]) -> dict[str, tuple[str, dict[str, str]]]:
    """URL name → (path, headers), every one checked to answer 200 before the load."""
    import httpx

    director = {"Cookie": f"tekun_session={sign_in(base, 'bench.director')}"}
    inspector = {"Cookie": f"tekun_session={sign_in(base, 'bench.inspector')}"}
    api = {"Authorization": f"Bearer {facts['token']}"}
    listing = httpx.get(f"{base}/api/v1/residents/", params={"home": facts["home"], "per_page": 1}, headers=api, timeout=30)
    listing.raise_for_status()
    resident = listing.json()["items"][0]["id"]
    chosen = {
        "home page": ("/", director),
        "register list": ("/residents", inspector),
        "resident": (f"/residents/{resident}", director),
        "county stipends": (f"/counties/{facts['county']}/stipends", inspector),
        "roster": (f"/homes/{facts['home']}/roster", director),
        "API list": (f"/api/v1/residents/?county={facts['county']}&per_page=50", api),
    }
    for name, (path, headers) in chosen.items():
        for _ in range(3):  # warm-up: templates compiled, connections opened in both workers
            answer = httpx.get(base + path, headers=headers, timeout=30, follow_redirects=False)
            if answer.status_code != 200:
                raise SystemExit(f"{name} {path}: {answer.status_code} {answer.text[:300]}")
    return chosen


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wrk(base: str, plan: list[tuple[str, str, dict[str, str], int]], duration: int, script: Path) -> dict:
    """Run one wrk per (name, path, headers, connections) at once; their figures and the total."""
    processes = []
    for name, path, headers, connections in plan:
        command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s", str(script)]
        for key, value in headers.items():
            command += ["-H", f"{key}: {value}"]
        command += [base + path, "--", "200"]
        processes.append((name, path, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    results = {}
    merged: list[tuple[int, float]] = []  # (microseconds, weight)
    for name, path, process in processes:
        out, err = process.communicate(timeout=duration + 120)
        line = next((text for text in out.splitlines() if text.startswith("BENCH_JSON ")), None)
        if process.returncode != 0 or line is None:
            raise SystemExit(f"wrk {path} failed ({process.returncode}): {err or out}")
        raw = json.loads(line.removeprefix("BENCH_JSON "))
        points = [(value, raw["requests"] / len(raw["latency"])) for value in raw["latency"]]
        merged += points
        errors = raw["wrong_status"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
        results[name] = {
            "path": path,
            "rps": raw["requests"] / (raw["duration_us"] / 1e6),
            "requests": raw["requests"],
            "errors": errors,
            **percentiles(points),
        }
    if len(results) > 1:
        results["overall"] = {
            "path": "",
            "rps": sum(r["rps"] for r in results.values()),
            "requests": sum(r["requests"] for r in results.values()),
            "errors": sum(r["errors"] for r in results.values()),
            **percentiles(merged),
        }
    return results


def percentiles(points: list[tuple[int, float]]) -> dict[str, float]:
    """p50, p95, p99 in ms of weighted latencies (µs, weight)."""
    ordered = sorted(points)
    total = sum(weight for _, weight in ordered)
    out = {}
    for label, share in (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        seen, found = 0.0, 0
        for found, weight in ordered:  # noqa: B007 - the latency where the share is reached
            seen += weight
            if seen >= share * total - 1e-9:
                break
        out[label] = found / 1000
    return out


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def print_phase(database: str, phase: str, results: dict, before: str, after: str) -> None:
    print(f"\n{database} · {phase} (load average {before} → {after})", file=sys.stderr)
    print(f"  {'URL':<16} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}  path", file=sys.stderr)
    for name, r in results.items():
        print(
            f"  {name:<16} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['errors']:>7}  {r['path']}",
            file=sys.stderr,
        )


def prepared(database: str, workdir: Path, data: Path, args: argparse.Namespace) -> tuple[dict, str, dict]:
    """(environment, database URL, facts): loaded afresh, or the database kept by an earlier
    ``--keep DIR`` run of the same database (DIR/<database>.json says where it is)."""
    saved = Path(args.keep) / f"{database}.json" if args.keep else None
    if saved is not None and saved.is_file():
        kept = json.loads(saved.read_text())
        return kept["env"], kept["url"], kept["facts"]
    env, url = fresh_env(database, workdir)
    env["TEKUN_SECRET_KEY"] = "bench-secret-" + secrets.token_hex(16)
    facts = load(env, data, args.months)
    if saved is not None:
        saved.write_text(
            json.dumps({"env": {key: env[key] for key in env if key.startswith("TEKUN_")}, "url": url, "facts": facts})
        )
    return env, url, facts


def bench(database: str, data: Path, args: argparse.Namespace, script: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="tekun-http-") as scratch:
        workdir = Path(args.keep) / database if args.keep else Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        env, url, facts = prepared(database, workdir, data, args)
        env = {**os.environ, **env}
        server = None
        try:
            port = free_port()
            log = open(workdir / "server.log", "w")  # noqa: SIM115
            server = subprocess.Popen(
                [sys.executable, "-m", "backend.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            wait_for(base, workdir / "server.log")
            chosen = targets(base, facts)
            out: dict = {
                "database": database,
                "workers": args.workers,
                "connections": args.connections,
                "duration_s": args.duration,
                "phases": {},
            }
            shares = split(args.connections, len(chosen))
            phases = {
                "mixed": [(name, path, headers, n) for (name, (path, headers)), n in zip(chosen.items(), shares, strict=True)],
                "stipends": [("county stipends", *chosen["county stipends"], args.connections)],
                "health": [("health", "/health", {}, args.connections)],
            }
            for phase, plan in phases.items():
                before = load_average()
                results = wrk(base, plan, args.duration, script)
                after = load_average()
                print_phase(database, phase, results, before, after)
                out["phases"][phase] = {"load_before": before, "load_after": after, "urls": results}
            return out
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
            if not args.keep:
                drop(url)


def wait_for(base: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(log.read_text())
        time.sleep(0.3)


def verdict(result: dict) -> list[str]:
    mixed = result["phases"]["mixed"]["urls"]["overall"]
    stipends = result["phases"]["stipends"]["urls"]["county stipends"]
    health = result["phases"]["health"]["urls"]["health"]
    errors = sum(r["errors"] for phase in result["phases"].values() for r in phase["urls"].values() if r["path"])
    checks = [
        (f"errors {errors} (target 0)", errors == 0),
        (f"mixed {mixed['rps']:.0f} req/s (target ≥ {TARGETS['mixed_rps']})", mixed["rps"] >= TARGETS["mixed_rps"]),
        (f"mixed p95 {mixed['p95_ms']:.0f} ms (target < {TARGETS['mixed_p95_ms']})", mixed["p95_ms"] < TARGETS["mixed_p95_ms"]),
        (
            f"stipends alone {stipends['rps']:.0f} req/s (target ≥ {TARGETS['stipends_rps']})",
            stipends["rps"] >= TARGETS["stipends_rps"],
        ),
    ]
    lines = [f"{text}: {'met' if ok else 'NOT MET'}" for text, ok in checks]
    lines.append(
        f"/health alone {health['rps']:.0f} req/s: mixed is {mixed['rps'] / health['rps']:.0%} of it, "
        f"the stipends page {stipends['rps'] / health['rps']:.0%}"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both: sqlite,postgres")
    parser.add_argument("--duration", type=int, default=60, help="seconds per phase")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--months", type=int, default=12, choices=range(1, 13), metavar="1-12", help="months of payments imported and reconciled"
    )
    parser.add_argument("--keep", metavar="DIR", help="keep the loaded databases in DIR and reuse them on the next run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    databases = [name.strip() for name in args.db.split(",")]
    if any(name not in ("sqlite", "postgres") for name in databases):
        parser.error("--db: sqlite, postgres or sqlite,postgres")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    data = DATA / "county"
    if not (data / f"payments-{payment_months(1)[0]:%Y-%m}.csv").is_file():
        subprocess.run(
            [sys.executable, "-m", "benchmarks.generate", "--scale", "county", "--formats", "csv"], cwd=ROOT, check=True
        )
    results = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_LUA)
        script = Path(handle.name)
    try:
        for database in databases:
            print(f"{database}: loading (load average {load_average()}, {os.cpu_count()} CPUs)", file=sys.stderr)
            result = bench(database, data, args, script)
            result["verdict"] = verdict(result)
            print(f"\n{database}: " + "; ".join(result["verdict"]), file=sys.stderr)
            results.append(result)
    finally:
        script.unlink(missing_ok=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
