"""The benchmark generator (benchmarks/generate.py) makes valid, deterministic files: at a tiny
scale they parse without an error, in CSV and XLSX, and import into the register."""

from datetime import date, timedelta
from itertools import pairwise

from backend.core import citizen_id
from backend.core.exchange import parse_sheet, read_sheet
from backend.importers import KINDS, run_import
from benchmarks.generate import REFERENCE_DAY, SCALES, generate, write_csv, write_xlsx
from benchmarks.generate_staff import POST_ZH, present_by_home, staff_files


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
    staff = staff_files(files, REFERENCE_DAY, seed=11)
    assert generate(SCALES["tiny"], seed=11) == files  # the staff draw from their own stream
    for stem, (headers, rows) in {**files, **staff}.items():
        if stem not in KINDS:
            continue  # staff_leave has no import; staff and training once their imports exist
        for suffix, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
            path = tmp_path / f"{stem}.{suffix}"
            writer(path, headers, rows)
            parsed, errors = parse_sheet(read_sheet(path.name, path.read_bytes()), KINDS[stem].columns, KINDS[stem].refused)
            assert errors == [] and len(parsed) == len(rows), (stem, suffix, errors[:3])
    for stem in ("counties", "homes", "residents", "assessments"):
        suffix = "xlsx" if stem in ("residents", "assessments") else "csv"
        result = await run_import(system, stem, f"{stem}.{suffix}", (tmp_path / f"{stem}.{suffix}").read_bytes())
        assert result.created == len(files[stem][1]), stem


def _in_post(row: list, day: date) -> bool:
    return row[4] <= day and not (row[5] and row[5] <= day)


def test_the_generated_staff_are_a_believable_mix():
    files = generate(SCALES["county"], seed=5)
    staff = staff_files(files, REFERENCE_DAY, seed=5)
    assert staff == staff_files(files, REFERENCE_DAY, seed=5)
    posts, training, leave = staff["staff"][1], staff["training"][1], staff["staff_leave"][1]
    homes = [row[0] for row in files["homes"][1]]
    present = present_by_home(files["residents"][1], REFERENCE_DAY)
    # about one staff member per 8-14 residents in every home, so some meet 1:10 and some do not
    in_post = {home: [row for row in posts if row[0] == home and _in_post(row, REFERENCE_DAY)] for home in homes}
    for home in homes:
        assert 8 * 0.8 <= present[home] / len(in_post[home]) <= 14 * 1.25, (home, present[home], len(in_post[home]))
    compliant = [len(in_post[home]) * 10 >= present[home] for home in homes]
    assert any(compliant) and not all(compliant)
    # carers among them; every home has a manager, cooks hold a health certificate
    assert all(any(row[3] == POST_ZH["carer"] for row in rows) for rows in in_post.values())
    assert all(rows[0][3] == POST_ZH["manager"] for rows in in_post.values())
    assert all(isinstance(row[6], date) for row in posts if row[3] == POST_ZH["cook"])
    assert {row[3] for row in posts} <= set(POST_ZH.values())
    # unique natural keys and ID numbers; a few posts ended within the year; nothing after the day
    assert len({(row[0], row[1]) for row in posts}) == len(posts)
    assert len({row[10] for row in posts}) == len(posts)
    assert all(citizen_id.id_problem(row[10]) is None for row in posts)
    year_ago = REFERENCE_DAY - timedelta(days=365)
    ended = [row for row in posts if row[5]]
    assert 0 < len(ended) <= 0.1 * len(posts) and all(year_ago < row[5] <= REFERENCE_DAY for row in ended)
    assert all(row[4] <= REFERENCE_DAY for row in posts)
    # leave of whole days inside the post, never overlapping for one person
    by_person: dict = {}
    for home, number, first, last, *_rest in leave:
        post = next(row for row in posts if (row[0], row[1]) == (home, number))
        assert post[4] <= first <= last < (post[5] or REFERENCE_DAY)
        by_person.setdefault((home, number), []).append((first, last))
    assert all(a[1] < b[0] for spans in by_person.values() for a, b in pairwise(sorted(spans)))
    assert 0.15 < len(by_person) / len(posts) < 0.5
    # training: some carers have care training and some do not; natural keys unique
    carers = {(row[0], row[1]) for row in posts if row[3] == POST_ZH["carer"]}
    trained = {(row[0], row[1]) for row in training if row[2] == "护理技能"} & carers
    assert 0 < len(trained) < len(carers)
    assert len({(row[0], row[1], row[2], row[3]) for row in training}) == len(training)


async def test_the_safety_generator_writes_valid_per_home_chains():
    """benchmarks/generate_safety.py at a tiny scale: every home's chain verifies, about 8
    entries a home-day, period, slot and late as the rules place them, and a hazard per failed
    entry."""
    from backend.core.ledger import verify_ledger
    from backend.registry import services as registry
    from backend.safety import rules
    from backend.safety.services import zone as safety_zone
    from backend.safety.tables import SAFETY_LEDGER, SafetyEntry, SafetyHazard
    from benchmarks import generate_safety
    from tests.conftest import unique_county_code

    result = await generate_safety.generate(homes=3, days=40, seed=7, county_codes=[unique_county_code()], prefix="GS")
    assert result["homes"] == 3 and 6 * 3 * 40 <= result["entries"] <= 10 * 3 * 40
    assert await verify_ledger(SAFETY_LEDGER) is None
    homes = await registry.homes_by_code(result["home_codes"])
    ids = [home["id"] for home in homes.values()]
    rows = await SafetyEntry.select().where(SafetyEntry.home.is_in(ids))
    assert len(rows) == result["entries"]
    zone = safety_zone()
    frequencies = {"fire_patrol": "daily", "night_patrol": "nightly", "tableware_disinfection": "meal", "disinfection": "daily"}
    for row in rows[:400]:
        frequency = frequencies.get(row["routine"], "monthly")
        placed = rules.place(frequency, row["performed_at"], zone)
        assert (placed.period, placed.slot) == (row["period"], row["slot"])
        assert row["late"] == rules.is_late(row["recorded_at"], rules.deadline_of(frequency, placed, zone))
    assert any(row["late"] for row in rows) and not all(row["late"] for row in rows)
    assert await SafetyHazard.count().where(SafetyHazard.home.is_in(ids)) == sum(row["failed"] for row in rows)
