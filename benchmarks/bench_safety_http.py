"""Saving a patrol with its photo over HTTP, as a director meets it (issue 12, "Figures to reach").

    .venv/bin/python -m benchmarks.bench_safety_http --url sqlite:////path/perf.sqlite3 --data-dir DIR
    .venv/bin/python -m benchmarks.bench_safety_http --url postgresql://postgres@127.0.0.1:5432/NAME --data-dir DIR \\
        --users 20 --rounds 10 --think 0 --think 3-5

Against a database that already holds the ledger (``benchmarks.generate_safety --homes 1000``
after ``tekun db upgrade``; generated once and reused), ``tekun serve --workers N`` on a free
port, then:

- **users**: the first ``--users`` homes of the first county, each with its own director
  (``perf.director.<n>``, made here if missing) and its own API token: ``--users`` simulated
  directors, each its own connection (an ``httpx.AsyncClient`` each), all in this one process.
- **a save**: ``POST /api/v1/homes/{home}/safety-entries`` with a 12-item fire patrol, one item
  failed (``extinguishers``: a hazard opens), then ``POST /api/v1/safety-entries/{id}/photos``
  with one phone photo of that item (a JPEG of 1600×1200, ~400 KB, with an EXIF time; made
  once). Timed: the entry POST, the photo POST, and both together (the user's wait).
- **concurrency**, per ``--think`` value: ``0`` = closed loop, each user sends the next save as
  soon as the last one answered (the worst case: ``--users`` requests always in flight);
  ``A-B`` = each user waits a random A..B seconds between saves (a director on a phone at best
  saves a patrol every few seconds). ``--rounds`` saves per user.
- **floors**: ``GET /health`` from the same users in a closed loop (the server and this client,
  no application work); the photo check alone (``photo_worker.inspect_photo``, in this process,
  warm); a bare INSERT + commit of a patrol's row from ``--users`` connections
  (``bench_safety --reuse``, in process, prints it).
- **the county hazard view** of the county of 40 homes: ``GET /counties/{code}/hazards`` with an
  inspector's session (signed in through the form), ``--page-calls`` calls one after the other;
  the service alone is measured by ``benchmarks.bench_safety`` (in process).

The entries, hazards and photos the run saves stay in the database (like a real day's work); the
ledger is verified at the end by ``bench_safety --reuse``. The load average is printed with each
phase: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_roster import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "perf-password-2026"
FAILED_ITEM = "extinguishers"
TARGETS = {"save_p95_ms": 200.0, "county_hazards_ms": 300.0}


def _ms(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {"n": 0}
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def phone_jpeg(seed: int = 1) -> bytes:
    """A photo as a phone sends it: 1600×1200, detail everywhere (noise over a gradient, like a
    corridor's wall and floor), quality 85, an EXIF DateTimeOriginal: ~400 KB."""
    from PIL import Image, ImageFilter

    random.seed(seed)
    noise = Image.effect_noise((1600, 1200), 40).convert("RGB")
    base = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    image = Image.blend(base, noise, 0.35).filter(ImageFilter.GaussianBlur(0.6))
    exif = Image.Exif()
    exif[0x8769] = {36867: "2026:11:30 09:30:00"}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


# --- setup (in this process, before the server starts) ------------------------------------------


async def prepare(users: int) -> dict:
    """The first county's homes, a director with an API token for each of the first ``users``,
    an inspector of the county; the fire patrol's items."""
    from backend.accounts import services as accounts
    from backend.core import db
    from backend.core.errors import DomainError
    from backend.core.security import Scope
    from backend.registry.tables import County, Home
    from backend.safety import services

    await db.start()
    try:
        county = await County.select(County.id, County.code).order_by(County.id).first()
        homes = await Home.select(Home.id, Home.code).where(Home.county == county["id"]).order_by(Home.id)
        system = Scope.system("bench")
        directors = []
        for index, home in enumerate(homes[:users]):
            username = f"perf.director.{index}"
            try:
                await accounts.create_user(system, username, "director", PASSWORD, home["code"])
            except DomainError:
                pass  # made by an earlier run
            directors.append(
                {"home": home["code"], "username": username, "token": await accounts.create_api_token(system, username, "perf")}
            )
        try:
            await accounts.create_user(system, "perf.inspector", "inspector", PASSWORD, None, county["code"])
        except DomainError:
            pass
        template = (await services.templates_in_force([county["id"]]))[county["id"]]["fire_patrol"]
        items = [item["key"] for item in json.loads(template["items"])]
        assert len(items) == 12 and FAILED_ITEM in items, items
        return {"county": county["code"], "homes": len(homes), "directors": directors, "items": items}
    finally:
        await db.stop()


async def entry_count() -> int:
    from backend.core import db
    from backend.safety.tables import SafetyEntry

    await db.start()
    try:
        return await SafetyEntry.count()
    finally:
        await db.stop()


# --- the load --------------------------------------------------------------------------------


def patrol(items: list[str]) -> dict:
    from backend.core import dates

    performed = dates.now_utc() - timedelta(minutes=2)
    return {
        "client_id": uuid.uuid4().hex,
        "routine": "fire_patrol",
        "performed_at": performed.isoformat(),
        "items": [
            {"key": key, "result": "fail", "note": "二楼灭火器压力不足"} if key == FAILED_ITEM else {"key": key, "result": "pass"}
            for key in items
        ],
    }


async def director(base: str, who: dict, items: list[str], photo: bytes, rounds: int, think: tuple[float, float], rng) -> dict:
    import httpx

    headers = {"Authorization": f"Bearer {who['token']}"}
    out: dict[str, list[float]] = {"entry": [], "photo": [], "both": []}
    errors: list[str] = []
    retries: list[str] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as client:
        await client.get("/health")  # the connection opened before the clock starts
        if think[1]:
            await asyncio.sleep(rng.uniform(0, think[1]))  # users do not start in step

        async def send(method: str, url: str, **kwargs) -> httpx.Response:
            # A connection the server closed while it was idle (uvicorn's keep-alive is 5 s, a
            # user thinks 3-5 s): sent again on a new one, like a phone; the wait counts. The
            # entry is safe to resend (its client_id); a photo resent after a lost answer would
            # be stored twice, which this benchmark accepts.
            try:
                return await client.request(method, url, **kwargs)
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
                retries.append(url)
                return await client.request(method, url, **kwargs)

        for _ in range(rounds):
            started = time.perf_counter()
            answer = await send("POST", f"/api/v1/homes/{who['home']}/safety-entries", json=patrol(items))
            saved = time.perf_counter()
            if answer.status_code != 201:
                errors.append(f"entry {answer.status_code} {answer.text[:200]}")
                continue
            entry = answer.json()
            assert entry["hazards"], "the failed item opened no hazard"
            answer = await send(
                "POST",
                f"/api/v1/safety-entries/{entry['id']}/photos",
                files={"file": ("IMG_0001.jpg", photo, "image/jpeg")},
                data={"item_key": FAILED_ITEM},
            )
            done = time.perf_counter()
            if answer.status_code != 201:
                errors.append(f"photo {answer.status_code} {answer.text[:200]}")
                continue
            out["entry"].append(saved - started)
            out["photo"].append(done - saved)
            out["both"].append(done - started)
            if think[1]:
                await asyncio.sleep(rng.uniform(*think))
    return {**out, "errors": errors, "retries": len(retries)}


async def health(base: str, users: int, calls: int) -> dict:
    import httpx

    async def one() -> list[float]:
        timings = []
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            await client.get("/health")
            for _ in range(calls):
                started = time.perf_counter()
                answer = await client.get("/health")
                timings.append(time.perf_counter() - started)
                assert answer.status_code == 200
        return timings

    return _ms([value for values in await asyncio.gather(*(one() for _ in range(users))) for value in values])


async def photo_floor(photo: bytes, calls: int) -> dict:
    from backend.safety import photo_worker

    await photo_worker.inspect_photo(photo)  # warm
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        await photo_worker.inspect_photo(photo)
        timings.append(time.perf_counter() - started)
    return _ms(timings)


async def phase(base: str, facts: dict, photo: bytes, rounds: int, think: tuple[float, float], seed: int) -> dict:
    rng = random.Random(seed)
    before = load_average()
    started = time.perf_counter()
    results = await asyncio.gather(
        *(director(base, who, facts["items"], photo, rounds, think, random.Random(rng.random())) for who in facts["directors"])
    )
    wall = time.perf_counter() - started
    merged = {name: [value for result in results for value in result[name]] for name in ("entry", "photo", "both")}
    errors = [error for result in results for error in result["errors"]]
    return {
        "think_s": list(think),
        "users": len(facts["directors"]),
        "saves": len(merged["both"]),
        "errors": errors[:5],
        "error_count": len(errors),
        "resent_on_a_new_connection": sum(result["retries"] for result in results),
        "per_second": round(len(merged["both"]) / wall, 2),
        **{name: _ms(values) for name, values in merged.items()},
        "load_before": before,
        "load_after": load_average(),
    }


def sign_in(base: str, username: str) -> str:
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


def county_page(base: str, county: str, calls: int) -> dict:
    import httpx

    cookie = sign_in(base, "perf.inspector")
    timings = []
    with httpx.Client(base_url=base, cookies={"tekun_session": cookie}, timeout=60) as client:
        for index in range(calls + 3):
            started = time.perf_counter()
            answer = client.get(f"/counties/{county}/hazards")
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                raise SystemExit(f"county hazards: {answer.status_code} {answer.text[:300]}")
            if index >= 3:  # the first calls warm the templates
                timings.append(elapsed)
        floor = []
        for _ in range(calls):
            started = time.perf_counter()
            client.get("/health")
            floor.append(time.perf_counter() - started)
    return {"page": _ms(timings), "floor_health": _ms(floor), "bytes": len(answer.content)}


def wait_for(base: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(log.read_text())
        time.sleep(0.3)


def reexec(url: str, data_dir: str, module: str, argv: list[str] | None) -> None:
    """Run this command again with the database's environment, unless it has it: the engine is
    built from ``TEKUN_DATABASE_URL`` when ``backend.core.db`` is first imported."""
    wanted = {"TEKUN_DATABASE_URL": url, "TEKUN_DATA_DIR": data_dir}
    if all(os.environ.get(name) == value for name, value in wanted.items()):
        return
    env = {**os.environ, **wanted}
    env.setdefault("TEKUN_TIMEZONE", "Asia/Shanghai")
    env.setdefault("TEKUN_SECRET_KEY", "perf-secret-key-0123456789abcdef0123456789")
    env["PYTHONPATH"] = str(ROOT)
    arguments = sys.argv[1:] if argv is None else argv
    os.execve(sys.executable, [sys.executable, "-m", module, *arguments], env)


def _think(value: str) -> tuple[float, float]:
    if value in ("0", ""):
        return (0.0, 0.0)
    low, _, high = value.partition("-")
    return (float(low), float(high or low))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="TEKUN_DATABASE_URL of a database holding the ledger")
    parser.add_argument("--data-dir", required=True, help="TEKUN_DATA_DIR (the photos go there)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="saves per user and phase")
    parser.add_argument("--think", action="append", help="0 (closed loop) or A-B seconds; repeatable (default 0 and 3-5)")
    parser.add_argument("--workers", type=int, default=2, help="tekun serve --workers")
    parser.add_argument("--page-calls", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    thinks = [_think(value) for value in (args.think or ["0", "3-5"])]
    reexec(args.url, args.data_dir, "benchmarks.bench_safety_http", argv)
    facts = asyncio.run(prepare(args.users))
    facts["entries"] = asyncio.run(entry_count())
    photo = phone_jpeg()
    database = "sqlite" if args.url.startswith("sqlite") else "postgres"
    print(
        f"{database}: {facts['entries']} entries; county {facts['county']} ({facts['homes']} homes), {len(facts['directors'])} directors;"
        f" photo {len(photo) // 1024} KB; {os.cpu_count()} cores; load {load_average()}",
        file=sys.stderr,
    )
    port = free_port()
    log_path = Path(args.data_dir) / "serve.log"
    log = open(log_path, "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    result: dict = {"database": database, "entries": facts["entries"], "workers": args.workers, "photo_bytes": len(photo)}
    try:
        wait_for(base, log_path)
        result["photo_floor"] = asyncio.run(photo_floor(photo, 20))
        result["health_floor"] = asyncio.run(health(base, args.users, args.rounds))
        print(
            f"{database}: floors: photo check {result['photo_floor']}, GET /health x{args.users} {result['health_floor']}",
            file=sys.stderr,
        )
        result["phases"] = []
        for think in thinks:
            done = asyncio.run(phase(base, facts, photo, args.rounds, think, args.seed))
            result["phases"].append(done)
            print(f"{database}: {json.dumps(done)}", file=sys.stderr)
        result["county"] = county_page(base, facts["county"], args.page_calls)
        print(f"{database}: county hazards page {json.dumps(result['county'])}", file=sys.stderr)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    report(result)
    if args.json:
        print(json.dumps(result))
    return 0


def report(result: dict) -> None:
    db = result["database"]
    for done in result["phases"]:
        think = (
            "closed loop, no think time" if not done["think_s"][1] else f"think {done['think_s'][0]:g}-{done['think_s'][1]:g} s"
        )
        verdict = "met" if done["both"].get("p95_ms", 1e9) < TARGETS["save_p95_ms"] else "NOT MET"
        print(
            f"{db}: {done['users']} users, {think}: {done['saves']} saves ({done['error_count']} errors,"
            f" {done['resent_on_a_new_connection']} resent), {done['per_second']}/s;"
            f" entry p50 {done['entry'].get('median_ms')} p95 {done['entry'].get('p95_ms')};"
            f" photo p50 {done['photo'].get('median_ms')} p95 {done['photo'].get('p95_ms')};"
            f" both p50 {done['both'].get('median_ms')} p95 {done['both'].get('p95_ms')} ms"
            f" (target p95 < {TARGETS['save_p95_ms']:.0f}: {verdict}); load {done['load_before']} -> {done['load_after']}",
            file=sys.stderr,
        )
    page = result["county"]["page"]
    print(
        f"{db}: county hazards page: median {page['median_ms']} p95 {page['p95_ms']} ms"
        f" (target < {TARGETS['county_hazards_ms']:.0f}); floor GET /health median {result['county']['floor_health']['median_ms']} ms",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
