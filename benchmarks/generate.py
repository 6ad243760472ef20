"""Deterministic generator of a register to benchmark the imports (issue 3, "Figures to reach").

    .venv/bin/python -m benchmarks.generate --scale province   # 120,000 persons, 600 homes
    .venv/bin/python -m benchmarks.generate --scale county     # 1,200 persons, 6 homes

Writes counties.csv, homes.csv, residents.{csv,xlsx} and assessments.{csv,xlsx} (about three
assessments per person) into benchmarks/data/<scale>/ (git-ignored). The same seed gives the same
files, byte for byte for CSV. Every row is valid: the files import without an error into a fresh
database, so the benchmark measures the happy path of interfaces.md §3.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.demo import ASSESSMENT_HEADERS, ASSESSORS, ITEMS, RESIDENT_HEADERS, People

ROOT = Path(__file__).resolve().parent
# Everything is dated on or before this day, whatever the day the generator runs.
REFERENCE_DAY = date(2026, 11, 1)


@dataclass(frozen=True)
class Scale:
    counties: int
    homes_per_county: int
    persons: int
    concentrated_share: float = 0.4


SCALES = {
    "province": Scale(counties=100, homes_per_county=6, persons=120_000),
    "county": Scale(counties=1, homes_per_county=6, persons=1_200),
    "tiny": Scale(counties=2, homes_per_county=2, persons=60),
}


def county_codes(count: int) -> list[str]:
    """Gansu-like area codes: 62 + prefecture (01–14) + county (01–…)."""
    codes = [f"62{city:02d}{county:02d}" for county in range(1, 100) for city in range(1, 15)]
    return sorted(codes[:count])


def generate(scale: Scale, seed: int = 42) -> dict[str, tuple[list[str], list[list]]]:
    """{file stem: (headers, rows)}; cells are str or date (dates stay dates for XLSX)."""
    people = People(seed)
    rng = people.rng
    counties = county_codes(scale.counties)
    homes: list[list] = []
    residents: list[list] = []
    assessments: list[list] = []
    per_county = scale.persons // scale.counties
    for county_index, county in enumerate(counties):
        home_codes = [f"H{county}-{number:02d}" for number in range(1, scale.homes_per_county + 1)]
        occupants = dict.fromkeys(home_codes, 0)
        count = per_county + (scale.persons - per_county * scale.counties if county_index == 0 else 0)
        for _ in range(count):
            younger = rng.random() < 0.06
            gender = "M" if rng.random() < 0.55 else "F"
            born = people.birth_date(REFERENCE_DAY, younger)
            number = people.id_number(county, born, gender)
            grown = date(born.year + 18, born.month, min(born.day, 28))
            approved = people.day_between(max(date(2008, 1, 1), grown), REFERENCE_DAY - timedelta(days=60))
            home = admitted = left = ended = None
            if rng.random() < scale.concentrated_share:
                home = rng.choice(home_codes)
                admitted = people.day_between(approved, min(approved + timedelta(days=500), REFERENCE_DAY - timedelta(days=30)))
                if rng.random() < 0.05:
                    latest = REFERENCE_DAY - timedelta(days=1)
                    left = people.day_between(min(latest, admitted + timedelta(days=30)), latest)
                else:
                    occupants[home] += 1
            if rng.random() < 0.02:
                latest = REFERENCE_DAY - timedelta(days=1)
                ended = people.day_between(min(latest, (left or admitted or approved) + timedelta(days=30)), latest)
                if home and not left:
                    occupants[home] -= 1
            residents.append([
                number, people.name(gender), "男" if gender == "M" else "女", county, approved,
                "集中" if home else "分散", home or "", admitted or "", left or "", ended or "",
            ])
            first = admitted or approved
            last = ended or REFERENCE_DAY
            span = (last - first).days
            wanted = rng.choices((1, 2, 3, 4, 5), (10, 20, 40, 20, 10))[0]
            offsets = sorted(rng.sample(range(span + 1), min(wanted, span + 1)))
            tiers = people.history(people.tier(younger), len(offsets))
            for offset, tier in zip(offsets, tiers, strict=True):
                answers = people.answers(tier)
                assessments.append([
                    number, first + timedelta(days=offset), *("能" if answers[item] else "不能" for item in ITEMS),
                    rng.choice(ASSESSORS),
                ])
        for position, code in enumerate(home_codes, start=1):
            beds = occupants[code] + rng.randint(5, 40)
            homes.append([code, f"{county}第{position}敬老院", county, beds, "", "是" if position == 1 else "否"])
    return {
        "counties": (["区划代码", "名称", "省份"], [[code, f"县{code}", "甘肃省"] for code in counties]),
        "homes": (["机构编码", "机构名称", "区划代码", "床位数", "地址", "消防控制室"], homes),
        "residents": (RESIDENT_HEADERS, residents),
        "assessments": (ASSESSMENT_HEADERS, assessments),
    }


def _text(cell) -> str:
    return cell.isoformat() if isinstance(cell, date) else str(cell)


def write_csv(path: Path, headers: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([_text(cell) for cell in row] for row in rows)


def write_xlsx(path: Path, headers: list[str], rows: list[list]) -> None:
    """Write-only workbook: dates as real Excel date cells, ID numbers as text (as Excel users
    must keep them, or the 18 digits lose precision)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(value if value != "" else None)
        sheet.append(cells)
    book.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=None, help="default: benchmarks/data/<scale>")
    parser.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both (default)")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "data" / args.scale
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    files = generate(SCALES[args.scale], args.seed)
    formats = args.formats.split(",")
    for stem, (headers, rows) in files.items():
        write_csv(out / f"{stem}.csv", headers, rows)
        if "xlsx" in formats and stem in ("residents", "assessments"):
            write_xlsx(out / f"{stem}.xlsx", headers, rows)
        print(f"{stem:<12} {len(rows):>8} rows", file=sys.stderr)
    print(f"written to {out} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
