"""The benchmark generator (benchmarks/generate.py) makes valid, deterministic files: at a tiny
scale they parse without an error, in CSV and XLSX, and import into the register."""

from datetime import date

from backend.core import citizen_id
from backend.core.exchange import parse_sheet, read_sheet
from backend.importers import KINDS, run_import
from benchmarks.generate import REFERENCE_DAY, SCALES, generate, write_csv, write_xlsx


def test_the_same_seed_gives_the_same_register():
    assert generate(SCALES["tiny"], seed=3) == generate(SCALES["tiny"], seed=3)
    assert generate(SCALES["tiny"], seed=3) != generate(SCALES["tiny"], seed=4)


async def test_tiny_files_are_valid_in_both_formats_and_import(tmp_path, system):
    files = generate(SCALES["tiny"], seed=11)
    headers, residents = files["residents"]
    assert len(residents) == 60 and len(files["homes"][1]) == 4
    numbers = [row[0] for row in residents]
    assert len(set(numbers)) == len(numbers)
    assert all(
        citizen_id.id_problem(row[0], "M" if row[2] == "男" else "F") is None and row[0][:6] == row[3] for row in residents
    )
    assessments = files["assessments"][1]
    assert 2 <= len(assessments) / len(residents) <= 4
    assert all(cell <= REFERENCE_DAY for row in residents + assessments for cell in row if isinstance(cell, date))
    for stem, (headers, rows) in files.items():
        for suffix, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
            path = tmp_path / f"{stem}.{suffix}"
            writer(path, headers, rows)
            parsed, errors = parse_sheet(read_sheet(path.name, path.read_bytes()), KINDS[stem].columns, KINDS[stem].refused)
            assert errors == [] and len(parsed) == len(rows), (stem, suffix, errors[:3])
    for stem in ("counties", "homes", "residents", "assessments"):
        suffix = "xlsx" if stem in ("residents", "assessments") else "csv"
        result = await run_import(system, stem, f"{stem}.{suffix}", (tmp_path / f"{stem}.{suffix}").read_bytes())
        assert result.created == len(files[stem][1]), stem
