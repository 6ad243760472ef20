"""Report benchmark (issue 13, "Figures to reach": a home-monthly PDF ≤ 2 s, a county-monthly PDF
for 40 homes ≤ 5 s, each with the time WeasyPrint alone takes on the same HTML beside it, the
data gathering ≤ 25 % of it).

    .venv/bin/python -m benchmarks.bench_reports [--db sqlite,postgres] [--runs 3]

For each database: a fresh database (``tekun db upgrade``), then in one worker process one county
of 40 homes with two months of safety entries and hazards (``benchmarks/generate_safety.py``,
ending 2026-10-31), 12 residents a home (one residents import), two posts a home (one leaving on
20 October in every fourth home), October's inspection tasks (three routines a home-day), three
deaths in October, and October's stipends (standards, a payment list with a few wrong amounts,
one reconciliation run). Then, best of ``--runs``, for ``2026-10``:

- ``builders.build`` (the data gathering: every read of the report), ``report_html`` (Jinja) and
  ``html_to_pdf`` (WeasyPrint alone, the floor) of the home-monthly report of the first home and
  of the county-monthly report of the county; the total is the three added.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_import import drop, fresh_env, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"home-monthly": 2.0, "county-monthly": 5.0, "gathering_share": 0.25}
MONTH = date(2026, 10, 1)
MONTH_END = date(2026, 11, 1)
PERSONS_PER_HOME = 12


def _id_number(index: int) -> str:
    from backend.core.citizen_id import check_character

    born = date(1940, 1, 1) + timedelta(days=index // 500)
    first17 = f"620102{born:%Y%m%d}{(index % 500) * 2 + 1:03d}"
    return first17 + check_character(first17)


async def _seed(homes: list[dict]) -> dict:
    """The residents, posts, tasks, deaths and stipends of the benchmark county."""
    import random

    from backend.core import dates
    from backend.core.security import Scope
    from backend.deaths import services as deaths
    from backend.deaths.schemas import DeathIn
    from backend.importers import run_import
    from backend.inspections.tables import DONE, OVERDUE, Task
    from backend.registry import services as registry
    from backend.residents import services as residents
    from backend.staffing.tables import StaffMember
    from backend.stipends import services as stipends

    system = Scope.system("bench")
    rng = random.Random(13)
    county = (await registry.counties_by_id([homes[0]["county"]]))[homes[0]["county"]]["code"]
    header = ["身份证号", "姓名", "区划代码", "认定日期", "供养方式", "机构编码", "入住日期"]
    persons = []
    for home_index, home in enumerate(homes):
        for n in range(PERSONS_PER_HOME):
            number = _id_number(home_index * PERSONS_PER_HOME + n)
            persons.append([number, f"测试{home_index}号{n}", county, "2025-12-01", "集中", home["code"], "2026-01-01"])
    text = "\n".join(",".join(row) for row in [header, *persons]) + "\n"
    await run_import(system, "residents", "residents.csv", text.encode("utf-8"))
    now = dates.now_utc()
    staff = []
    for home_index, home in enumerate(homes):
        for n in range(2):
            left = date(2026, 10, 20) if n == 1 and home_index % 4 == 0 else None
            staff.append(
                StaffMember(
                    home=home["id"], staff_no=f"B{home_index:03d}{n}", name=f"员工{home_index}-{n}", post="carer" if n else "manager",
                    hired_on=date(2025, 6, 1), left_on=left, created_at=now, updated_at=now,
                )
            )  # fmt: skip
    await StaffMember.insert(*staff)
    moment = datetime(2026, 10, 1, tzinfo=UTC)
    tasks = []
    for home in homes:
        day = MONTH
        while day < MONTH_END:
            for routine, expected in (("fire_patrol", 1), ("night_patrol", 4), ("food_sample", 3)):
                done = expected if rng.random() > 0.05 else expected - 1
                on_time = done if rng.random() > 0.1 else max(done - 1, 0)
                tasks.append(
                    Task(
                        home=home["id"], county=home["county"], source="safety", routine=routine, period=day.isoformat(),
                        period_start=day, period_end=day, month="2026-10", due_at=moment, deadline=moment, expected=expected,
                        done=done, on_time=on_time, status=DONE if done == expected else OVERDUE, created_at=moment,
                        updated_at=moment,
                    )
                )  # fmt: skip
            day += timedelta(days=1)
    for start in range(0, len(tasks), 500):
        await Task.insert(*tasks[start : start + 500])
    register = await residents.find_by_id_numbers(system, [row[0] for row in persons[:3]])
    for index, row in enumerate(persons[:3]):
        died_at = dates.combine_local(date(2026, 10, 5 + index), clock(8))
        await deaths.report_death(system, register[row[0]]["id"], DeathIn(died_at=died_at, reporter="院长"))
    standard = {
        "basic_concentrated": "600.00", "basic_dispersed": "450.00", "care_concentrated_self_care": "100.00",
        "care_concentrated_partial": "300.00", "care_concentrated_full_loss": "500.00", "care_dispersed_self_care": "80.00",
        "care_dispersed_partial": "200.00", "care_dispersed_full_loss": "350.00",
    }  # fmt: skip
    standards = (
        ",".join(["county_code", "effective_from", *standard]) + "\n" + ",".join([county, "2025-01", *standard.values()]) + "\n"
    )
    await run_import(system, "standards", "standards.csv", standards.encode("utf-8"))
    lines = ["payment_ref,id_number,name,county_code,month,basic_amount,care_amount"]
    for index, row in enumerate(persons[3:]):
        basic = "590" if index % 40 == 0 else "600"
        lines.append(f"B-{index:05d},{row[0]},{row[1]},{county},2026-10,{basic},0")
    await run_import(system, "payments", "payments.csv", ("\n".join(lines) + "\n").encode("utf-8"))
    report = await stipends.reconcile(system, county, MONTH)
    return {"county": county, "persons": len(persons), "staff": len(staff), "tasks": len(tasks), "findings": len(report.findings)}


def _seen(kind: str, context: dict) -> dict:
    """A few figures of the report, to show it was built from the data."""
    if kind == "home-monthly":
        return {
            "residents": context["occupancy"]["residents"],
            "ratio_days": f"{context['ratio']['compliant']}/{context['ratio']['days']}",
            "tasks": [context["routines_total"].expected, context["routines_total"].on_time],
            "failed_entries": len(context["failed"]),
            "open_hazards": len(context["hazards"]),
            "deaths": len(context["deaths"]),
            "findings": len(context["findings"]),
        }
    return {"homes": context["homes"], "attention": context["attention"], "red": context["red_homes"]}


async def _worker(runs: int) -> dict:
    from backend.core import db
    from backend.core.security import Scope
    from backend.registry import services as registry
    from backend.reports import builders
    from backend.reports.render import html_to_pdf, report_html
    from benchmarks import generate_safety

    await db.start()
    try:
        started = time.perf_counter()
        made = await generate_safety.generate(homes=40, days=61, end=MONTH_END, prefix="RP")
        homes = sorted(made_homes := await registry.homes_by_code(None), key=lambda code: code)
        homes = [made_homes[code] for code in homes]
        seeded = await _seed(homes)
        print(f"  data made in {time.perf_counter() - started:.1f} s: {made} {seeded}", file=sys.stderr)
        system = Scope.system("bench")
        results = {}
        for kind, unit in (("home-monthly", homes[0]["code"]), ("county-monthly", seeded["county"])):
            gathering, rendering, weasy, pages = [], [], [], 0
            for _ in range(runs):
                started = time.perf_counter()
                template, context = await builders.build(kind, system, "2026-10", unit)
                gathering.append(time.perf_counter() - started)
                started = time.perf_counter()
                html = report_html(template, context)
                rendering.append(time.perf_counter() - started)
                started = time.perf_counter()
                pdf = html_to_pdf(html)
                weasy.append(time.perf_counter() - started)
            if os.environ.get("BENCH_HTML_DIR"):  # keep the HTML, to profile WeasyPrint on it
                Path(os.environ["BENCH_HTML_DIR"], f"{kind}.html").write_text(html, encoding="utf-8")
            totals = [g + r + w for g, r, w in zip(gathering, rendering, weasy, strict=True)]
            import io

            import pdfplumber

            with pdfplumber.open(io.BytesIO(pdf)) as document:
                pages = len(document.pages)
            results[kind] = {
                "first_run_s": [round(gathering[0], 3), round(rendering[0], 3), round(weasy[0], 3)],
                "seen": _seen(kind, context),
                "gathering_s": round(min(gathering), 3),
                "jinja_s": round(min(rendering), 3),
                "weasyprint_s": round(min(weasy), 3),
                "total_s": round(min(totals), 3),
                "all_totals_s": [round(value, 3) for value in totals],
                "html_kib": len(html) // 1024,
                "pdf_kib": len(pdf) // 1024,
                "pages": pages,
            }
        return {"seeded": seeded, "results": results}
    finally:
        await db.stop()


def bench(database: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="tekun-reports-") as workdir:
        env, url = fresh_env(database, Path(workdir))
        try:
            run(env, "db", "upgrade")
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_reports", "--worker", "--runs", str(runs)],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
            sys.stderr.write(done.stderr[-4000:])
            if done.returncode != 0:
                raise SystemExit(f"worker failed ({done.returncode})")
            return {"database": database, **json.loads(done.stdout)}
        finally:
            drop(url)


def report(result: dict) -> None:
    for kind, figures in result["results"].items():
        share = figures["gathering_s"] / max(figures["weasyprint_s"], 1e-6)
        total_ok = "met" if figures["total_s"] <= TARGETS[kind] else "NOT MET"
        share_ok = "met" if share <= TARGETS["gathering_share"] else "NOT MET"
        print(
            f"{result['database']}: {kind} 2026-10: total {figures['total_s']:.2f} s (target {TARGETS[kind]:.0f} s: {total_ok};"
            f" runs {figures['all_totals_s']}) = data {figures['gathering_s']:.3f} s + Jinja {figures['jinja_s']:.3f} s"
            f" + WeasyPrint alone {figures['weasyprint_s']:.2f} s; data = {share:.0%} of WeasyPrint (target ≤ 25 %: {share_ok});"
            f" {figures['pages']} pages, HTML {figures['html_kib']} KiB, PDF {figures['pdf_kib']} KiB;"
            f" first run (cold: fonts loaded) data/Jinja/WeasyPrint {figures['first_run_s']} s; report shows {figures['seen']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(asyncio.run(_worker(args.runs))))
        return 0
    for database in args.db.split(","):
        result = bench(database.strip(), args.runs)
        print(f"{database}: seeded {result['seeded']}")
        report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
