"""Deterministic generator of a register to benchmark the imports (issue 3, "Figures to reach").

    .venv/bin/python -m benchmarks.generate --scale province   # 120,000 persons, 600 homes
    .venv/bin/python -m benchmarks.generate --scale county     # 1,200 persons, 6 homes

Writes counties.csv, homes.csv, residents.{csv,xlsx} and assessments.{csv,xlsx} (about three
assessments per person) into benchmarks/data/<scale>/ (git-ignored). The same seed gives the same
files, byte for byte for CSV. Every row is valid: the files import without an error into a fresh
database, so the benchmark measures the happy path of interfaces.md §3.

Areas (issue 10): a quarter of the persons are urban (城市), a fifth rural by the register (农村),
the others left empty (the county's default, rural); every county has a rural and an urban
standard row (the urban basic higher; in every other county one urban basic for both modes).

Stipends (issue 4): standards.csv (a rural and an urban standard per county from 2025-01) and the payment lists
of the 12 months up to PAYMENT_LAST_MONTH, payments-YYYY-MM.csv (one line per entitled person,
≈120,000 a month at province scale, 1.44 M for the year), plus payments-YYYY-MM.xlsx for the last
two months. About 0.5 % of lines carry a planted problem (duplicate, unknown ID, dispersed paid as
concentrated, tier paid higher than assessed, wrong amount) and about 0.2 % of entitled persons are
not paid, so the reconciliation writes findings as it would in real life.

Staff (issue 11, ``generate_staff``): staff.csv, training.csv and staff_leave.csv for the homes.

    .venv/bin/python -m benchmarks.generate --scale province --only payments   # register files kept
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

from backend.core.dates import add_months
from backend.demo import ASSESSMENT_HEADERS, ASSESSORS, ITEMS, RESIDENT_HEADERS, People
from backend.residents import rules as residents_rules
from backend.stipends.rules import AMOUNT_FIELDS
from benchmarks.generate_staff import staff_files

ROOT = Path(__file__).resolve().parent
# Everything is dated on or before this day, whatever the day the generator runs.
REFERENCE_DAY = date(2026, 11, 1)


@dataclass(frozen=True)
class Scale:
    counties: int
    homes_per_county: int
    persons: int
    concentrated_share: float = 0.4
    urban_share: float = 0.25
    rural_given_share: float = 0.2  # rural by the register; the rest is empty (the county's default)


SCALES = {
    "province": Scale(counties=100, homes_per_county=6, persons=120_000),
    "county": Scale(counties=1, homes_per_county=6, persons=1_200),
    "tiny": Scale(counties=2, homes_per_county=2, persons=60),
    "staffing": Scale(counties=25, homes_per_county=40, persons=120_000),  # issue 11: 1,000 homes, 40 a county
}


def county_codes(count: int) -> list[str]:
    """Gansu-like area codes: 62 + prefecture (01–14) + county (01–…)."""
    codes = [f"62{city:02d}{county:02d}" for county in range(1, 100) for city in range(1, 15)]
    return sorted(codes[:count])


def _area(draw: float, scale: Scale) -> str:
    if draw < scale.urban_share:
        return "城市"
    return "农村" if draw < scale.urban_share + scale.rural_given_share else ""


def generate(scale: Scale, seed: int = 42) -> dict[str, tuple[list[str], list[list]]]:
    """{file stem: (headers, rows)}; cells are str or date (dates stay dates for XLSX)."""
    import random

    people = People(seed)
    rng = people.rng
    areas = random.Random(f"{seed}-areas")  # its own draws: the register is the same as before areas
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
            residents.append(
                [
                    number,
                    people.name(gender),
                    "男" if gender == "M" else "女",
                    county,
                    approved,
                    "集中" if home else "分散",
                    home or "",
                    admitted or "",
                    left or "",
                    ended or "",
                    _area(areas.random(), scale),
                ]
            )
            first = admitted or approved
            last = ended or REFERENCE_DAY
            span = (last - first).days
            wanted = rng.choices((1, 2, 3, 4, 5), (10, 20, 40, 20, 10))[0]
            offsets = sorted(rng.sample(range(span + 1), min(wanted, span + 1)))
            tiers = people.history(people.tier(younger), len(offsets))
            for offset, tier in zip(offsets, tiers, strict=True):
                answers = people.answers(tier)
                assessments.append(
                    [
                        number,
                        first + timedelta(days=offset),
                        *("能" if answers[item] else "不能" for item in ITEMS),
                        rng.choice(ASSESSORS),
                    ]
                )
        for position, code in enumerate(home_codes, start=1):
            beds = occupants[code] + rng.randint(5, 40)
            homes.append([code, f"{county}第{position}敬老院", county, beds, "", "是" if position == 1 else "否"])
    return {
        "counties": (["区划代码", "名称", "省份"], [[code, f"县{code}", "甘肃省"] for code in counties]),
        "homes": (["机构编码", "机构名称", "区划代码", "床位数", "地址", "消防控制室"], homes),
        "residents": (RESIDENT_HEADERS, residents),
        "assessments": (ASSESSMENT_HEADERS, assessments),
    }


# --- stipends ---------------------------------------------------------------------------------

PAYMENT_LAST_MONTH = date(2026, 10, 1)
PAYMENT_HEADERS = ["流水号", "身份证号", "姓名", "区划代码", "发放月份", "基本生活费", "照料护理费", "供养方式", "机构编码"]
STANDARD_HEADERS = [
    "区划代码",
    "生效月份",
    "城乡类别",
    "集中基本生活费",
    "分散基本生活费",
    "集中全自理护理费",
    "集中半护理护理费",
    "集中全护理护理费",
    "分散全自理护理费",
    "分散半护理护理费",
    "分散全护理护理费",
]
TIER_ORDER = ("self_care", "partial", "full_loss")


def standard_fen(county_index: int, area: str = "rural") -> dict[str, int]:
    """A Gansu-like 2025–2026 standard in fen (counties differ by up to ¥40 in the basic amount);
    the urban row pays ¥120 more basic, and in every other county one basic for both modes."""
    step = (county_index % 5) * 1000
    if area == "urban":
        urban = 117000 + step
        return {**standard_fen(county_index), "basic_concentrated": urban, "basic_dispersed": urban - 8000 * (county_index % 2)}
    return {
        "basic_concentrated": 105000 + step,
        "basic_dispersed": 93000 + step,
        "care_concentrated_self_care": 12000,
        "care_concentrated_partial": 36000,
        "care_concentrated_full_loss": 96000,
        "care_dispersed_self_care": 6000,
        "care_dispersed_partial": 24000,
        "care_dispersed_full_loss": 60000,
    }


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def standards_rows(counties: list[str]) -> list[list[str]]:
    rows = []
    for index, county in enumerate(counties):
        for area, text in (("rural", "农村"), ("urban", "城市")):
            rows.append(_standard_row(county, text, standard_fen(index, area)))
    return rows


def _standard_row(county: str, area: str, fen: dict[str, int]) -> list[str]:
    return [
        county,
        "2025-01",
        area,
        *(_yuan(fen[key]) for key in AMOUNT_FIELDS),
    ]


def _entitlement(person: dict, month: date) -> tuple[str, str] | None:
    """(mode, tier) of a generated person for ``month`` (interfaces.md §4), None when not entitled."""
    if date(person["approved"].year, person["approved"].month, 1) >= month:
        return None
    if person["ended"] and month > date(person["ended"].year, person["ended"].month, 1):
        return None
    eve = month - timedelta(days=1)
    placed = person["admitted"] is not None and person["admitted"] <= eve and not (person["left"] and person["left"] <= eve)
    tier = residents_rules.UNASSESSED
    for day, value in person["assessments"]:
        if day <= eve:
            tier = value
    return ("concentrated" if placed else "dispersed"), tier


def register_persons(files: dict[str, tuple[list[str], list[list]]]) -> list[dict]:
    """The generated register as dicts, with each person's assessments as (date, tier), in order."""
    assessed: dict[str, list] = {}
    for row in files["assessments"][1]:
        answers = {item: cell == "能" for item, cell in zip(ITEMS, row[2:8], strict=True)}
        assessed.setdefault(row[0], []).append((row[1], residents_rules.care_tier(answers)))
    persons = []
    for row in files["residents"][1]:
        persons.append(
            {
                "id_number": row[0],
                "name": row[1],
                "county": row[3],
                "approved": row[4],
                "home": row[6] or "",
                "admitted": row[7] or None,
                "left": row[8] or None,
                "ended": row[9] or None,
                "area": "urban" if row[10] == "城市" else "rural",
                "assessments": sorted(assessed.get(row[0], [])),
            }
        )
    return persons


def payment_rows(persons: list[dict], counties: list[str], month: date, seed: int) -> list[list[str]]:
    """One month's disbursement list: a line per entitled person, at the right amount, except the
    planted problems (about 0.5 % of lines) and the unpaid (about 0.2 %)."""
    import random

    rng = random.Random(f"{seed}-{month.isoformat()}")
    standards = {
        (county, area): standard_fen(index, area) for index, county in enumerate(counties) for area in ("urban", "rural")
    }
    serial = dict.fromkeys(counties, 0)
    unknown = People(seed + month.year * 100 + month.month)
    rows = []

    def line(county: str, number: str, name: str, basic: int, care: int, mode: str, home: str) -> None:
        serial[county] += 1
        rows.append(
            [
                f"P{month:%Y%m}-{county}-{serial[county]:06d}",
                number,
                name,
                county,
                f"{month:%Y-%m}",
                _yuan(basic),
                _yuan(care),
                "集中" if mode == "concentrated" else "分散",
                home,
            ]
        )

    for person in persons:
        state = _entitlement(person, month)
        if state is None:
            continue
        mode, tier = state
        standard = standards[person["county"], person["area"]]
        basic = standard[f"basic_{mode}"]
        care = 0 if tier == residents_rules.UNASSESSED else standard[f"care_{mode}_{tier}"]
        county, name, home = person["county"], person["name"], person["home"] if mode == "concentrated" else ""
        draw = rng.random()
        if draw < 0.002:
            continue  # not paid: MISSING_PAYMENT
        if draw < 0.003:
            line(county, person["id_number"], name, basic, care, mode, home)  # paid twice: DUPLICATE_PAYMENT
        elif draw < 0.004 and mode == "dispersed":
            basic, mode = standard["basic_concentrated"], "concentrated"  # MODE_MISMATCH
        elif draw < 0.005 and tier in TIER_ORDER[:2]:
            care = standard[f"care_{mode}_{TIER_ORDER[TIER_ORDER.index(tier) + 1]}"]  # TIER_MISMATCH
        elif draw < 0.006:
            basic += 5000  # AMOUNT_MISMATCH
        elif draw < 0.007:
            name = name[:-1] + ("华" if name[-1] != "华" else "明")  # NAME_MISMATCH
        line(county, person["id_number"], name, basic, care, mode, home)
        if draw > 0.9995:  # an ID the register does not know: UNKNOWN_PERSON
            born = unknown.birth_date(month)
            line(county, unknown.id_number(county, born, "M"), unknown.name("M"), standard["basic_dispersed"], 0, "dispersed", "")
    return rows


def payment_months(count: int) -> list[date]:
    return [add_months(PAYMENT_LAST_MONTH, -offset) for offset in range(count - 1, -1, -1)]


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
    parser.add_argument("--months", type=int, default=12, help="months of payment lists up to 2026-10 (0: none)")
    parser.add_argument(
        "--only",
        choices=["register", "payments"],
        default=None,
        help="write only the register files, or only standards and payments (default: both)",
    )
    args = parser.parse_args(argv)
    out = args.out or ROOT / "data" / args.scale
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    files = generate(SCALES[args.scale], args.seed)
    formats = args.formats.split(",")
    if args.only != "payments":
        for stem, (headers, rows) in files.items():
            write_csv(out / f"{stem}.csv", headers, rows)
            if "xlsx" in formats and stem in ("residents", "assessments"):
                write_xlsx(out / f"{stem}.xlsx", headers, rows)
            print(f"{stem:<12} {len(rows):>8} rows", file=sys.stderr)
        for stem, (headers, rows) in staff_files(files, REFERENCE_DAY, args.seed).items():
            write_csv(out / f"{stem}.csv", headers, rows)
            print(f"{stem:<12} {len(rows):>8} rows", file=sys.stderr)
    if args.only != "register" and args.months > 0:
        counties = [row[0] for row in files["counties"][1]]
        write_csv(out / "standards.csv", STANDARD_HEADERS, standards_rows(counties))
        persons = register_persons(files)
        months = payment_months(args.months)
        for month in months:
            rows = payment_rows(persons, counties, month, args.seed)
            write_csv(out / f"payments-{month:%Y-%m}.csv", PAYMENT_HEADERS, rows)
            if "xlsx" in formats and month >= months[-2]:
                write_xlsx(out / f"payments-{month:%Y-%m}.xlsx", PAYMENT_HEADERS, rows)
            print(f"payments {month:%Y-%m} {len(rows):>8} rows", file=sys.stderr)
    print(f"written to {out} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
