"""Each finding code on a hand-built month where only that problem exists; precedence; extras.

The county's standard (tests/stipends/helpers.STANDARD): basic 600 concentrated / 450 dispersed;
care concentrated 100/300/500, dispersed 80/200/350 (self-care / partial / full loss).
A concentrated partial person is owed 900.00 a month; a dispersed partial one 650.00.
"""

from datetime import date

import pytest

from backend.core.errors import Invalid
from backend.stipends import services
from tests.residents.helpers import new_id
from tests.stipends.helpers import (
    FULL_LOSS,
    LINE_HEADER,
    SYSTEM,
    assess,
    import_lines,
    import_standard,
    person,
)

JUNE = date(2026, 6, 1)


async def setup_county(world):
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    return county, home


def codes(report):
    return sorted((f.code, f.payment_ref) for f in report.findings)


async def reconcile(county, month=JUNE, source="payments"):
    return await services.reconcile(SYSTEM, county, month, source)


async def test_a_correct_month_has_no_findings(world):
    county, home = await setup_county(world)
    p = await person(county, home)
    await import_lines([["OK-1", p["id_number"], p["name"], county, "2026-06", "600.00", "300.00"]])
    report = await reconcile(county)
    assert report.findings == []
    assert (report.summary.lines, report.summary.paid, report.summary.expected) == (1, "900.00", "900.00")
    assert report.summary.overpaid == report.summary.underpaid == "0.00"


async def test_invalid_id(world):
    county, _ = await setup_county(world)
    good = new_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    await import_lines([["INV-1", bad, "王五", county, "2026-06", "600", "0"]])
    report = await reconcile(county)
    assert codes(report) == [("INVALID_ID", "INV-1")]
    finding = report.findings[0]
    assert (finding.id_number, finding.expected, finding.paid, finding.difference) == (bad, "0.00", "600.00", "600.00")
    assert "checksum" in finding.detail


async def test_unknown_person(world):
    county, _ = await setup_county(world)
    await import_lines([["UNK-1", new_id(), "赵六", county, "2026-06", "450", "0"]])
    assert codes(await reconcile(county)) == [("UNKNOWN_PERSON", "UNK-1")]


async def test_duplicate_payment_keeps_the_earliest_ref(world):
    county, home = await setup_county(world)
    p = await person(county, home)
    await import_lines(
        [
            ["DUP-2", p["id_number"], p["name"], county, "2026-06", "600", "300"],
            ["DUP-1", p["id_number"], p["name"], county, "2026-06", "600", "300"],
        ]
    )
    report = await reconcile(county)
    assert codes(report) == [("DUPLICATE_PAYMENT", "DUP-2")]
    assert (report.findings[0].expected, report.findings[0].difference) == ("0.00", "900.00")
    assert (report.summary.paid, report.summary.expected, report.summary.overpaid) == ("1800.00", "900.00", "900.00")


async def test_duplicate_payment_across_counties(world):
    county, home = await setup_county(world)
    other = await world.county()
    p = await person(county, home)
    await import_lines(
        [
            ["X-1", p["id_number"], p["name"], other, "2026-06", "600", "300"],  # earlier ref, other county
            ["X-2", p["id_number"], p["name"], county, "2026-06", "600", "300"],
        ]
    )
    assert codes(await reconcile(county)) == [("DUPLICATE_PAYMENT", "X-2")]


async def test_paid_after_death(world):
    county, home = await setup_county(world)
    p = await person(county, home, died_on=date(2026, 5, 14))
    await import_lines([["D-1", p["id_number"], p["name"], county, "2026-06", "600", "300"]])
    report = await reconcile(county)
    assert codes(report) == [("PAID_AFTER_DEATH", "D-1")]
    assert report.findings[0].detail == "died 2026-05-14"
    assert (report.findings[0].expected, report.findings[0].difference) == ("0.00", "900.00")


@pytest.mark.parametrize("why", ["not_yet_approved", "ended", "other_county"])
async def test_not_entitled(world, why):
    county, home = await setup_county(world)
    other = await world.county()
    if why == "not_yet_approved":
        p = await person(county, approved_on=date(2026, 6, 3), assessed=None)
    elif why == "ended":
        p = await person(county, assessed=None)
        from backend.residents import services as residents

        await residents.end_support(SYSTEM, p["id"], date(2026, 5, 31), "moved away")
    else:
        p = await person(other, assessed=None)
    await import_lines([["NE-1", p["id_number"], p["name"], county, "2026-06", "450", "0"]])
    report = await reconcile(county)
    assert codes(report) == [("NOT_ENTITLED", "NE-1")]


async def test_mode_mismatch_by_amount_and_by_declared_mode(world):
    county, _ = await setup_county(world)
    dispersed = await person(county)  # dispersed, partial: 450 + 200
    other = await person(county, name="李四")
    await import_lines(
        [
            ["M-1", dispersed["id_number"], dispersed["name"], county, "2026-06", "600", "200", ""],
            ["M-2", other["id_number"], other["name"], county, "2026-06", "450", "200", "集中"],
        ],
        header=[*LINE_HEADER, "support_mode"],
    )
    report = await reconcile(county)
    assert codes(report) == [("MODE_MISMATCH", "M-1"), ("MODE_MISMATCH", "M-2")]
    assert report.findings[0].expected == "650.00" and report.findings[0].difference == "150.00"
    assert report.findings[1].difference == "0.00"


async def test_unassessed(world):
    county, home = await setup_county(world)
    p = await person(county, home, assessed=None)
    await import_lines([["U-1", p["id_number"], p["name"], county, "2026-06", "600", "300"]])
    report = await reconcile(county)
    assert codes(report) == [("UNASSESSED", "U-1")]
    assert (report.findings[0].expected, report.findings[0].difference) == ("600.00", "300.00")


async def test_tier_mismatch(world):
    county, home = await setup_county(world)
    p = await person(county, home)  # partial: care 300
    await import_lines([["T-1", p["id_number"], p["name"], county, "2026-06", "600", "500"]])  # full-loss care
    report = await reconcile(county)
    assert codes(report) == [("TIER_MISMATCH", "T-1")]
    assert report.findings[0].difference == "200.00"


async def test_amount_mismatch_to_the_fen(world):
    county, home = await setup_county(world)
    p = await person(county, home)
    await import_lines([["A-1", p["id_number"], p["name"], county, "2026-06", "600", "299.99"]])
    report = await reconcile(county)
    assert codes(report) == [("AMOUNT_MISMATCH", "A-1")]
    assert (report.findings[0].difference, report.summary.underpaid) == ("-0.01", "0.01")


async def test_missing_payment(world):
    county, home = await setup_county(world)
    p = await person(county, home)
    report = await reconcile(county)
    assert codes(report) == [("MISSING_PAYMENT", None)]
    finding = report.findings[0]
    assert (finding.id_number, finding.expected, finding.paid, finding.difference) == (
        p["id_number"],
        "900.00",
        "0.00",
        "-900.00",
    )
    assert (report.summary.lines, report.summary.expected, report.summary.underpaid) == (0, "900.00", "900.00")


async def test_name_mismatch_alone_and_with_another_code(world):
    county, home = await setup_county(world)
    a = await person(county, home, name="张三")
    b = await person(county, home, name="李四")
    await import_lines(
        [
            ["N-1", a["id_number"], " 张三 ", county, "2026-06", "600", "300"],  # spaces only: no finding
            ["N-2", b["id_number"], "李思", county, "2026-06", "600", "500"],
        ]
    )
    report = await reconcile(county)
    assert codes(report) == [("NAME_MISMATCH", "N-2"), ("TIER_MISMATCH", "N-2")]
    assert report.summary.findings["NAME_MISMATCH"] == 1 and report.summary.findings["TIER_MISMATCH"] == 1


async def test_precedence_when_several_apply(world):
    county, home = await setup_county(world)
    dead = await person(county, assessed=None, died_on=date(2026, 4, 2))  # dispersed, unassessed, dead
    unknown = new_id()
    await import_lines(
        [
            # dead, paid concentrated basic with care while unassessed: PAID_AFTER_DEATH wins
            ["P-1", dead["id_number"], "别名", county, "2026-06", "600", "300"],
            # the same person again: DUPLICATE_PAYMENT comes before PAID_AFTER_DEATH
            ["P-2", dead["id_number"], dead["name"], county, "2026-06", "600", "300"],
            # unknown and repeated: UNKNOWN_PERSON comes before DUPLICATE_PAYMENT
            ["P-3", unknown, "某人", county, "2026-06", "450", "0"],
            ["P-4", unknown, "某人", county, "2026-06", "450", "0"],
        ]
    )
    report = await reconcile(county)
    assert codes(report) == [
        ("DUPLICATE_PAYMENT", "P-2"),
        ("NAME_MISMATCH", "P-1"),
        ("PAID_AFTER_DEATH", "P-1"),
        ("UNKNOWN_PERSON", "P-3"),
        ("UNKNOWN_PERSON", "P-4"),
    ]


async def test_claims_are_reconciled_separately(world):
    county, home = await setup_county(world)
    p = await person(county, home)
    await import_lines([["C-1", p["id_number"], p["name"], county, "2026-06", "600", "500"]], kind="claims")
    await import_lines([["C-1", p["id_number"], p["name"], county, "2026-06", "600", "300"]])  # same ref, other source
    assert codes(await reconcile(county, source="claims")) == [("TIER_MISMATCH", "C-1")]
    assert codes(await reconcile(county)) == []


async def test_a_month_without_a_standard_is_refused(world):
    county = await world.county()
    with pytest.raises(Invalid) as invalid:
        await reconcile(county)
    assert "month" in invalid.value.errors


async def test_floor_warning_does_not_refuse(world):
    county = await world.county()
    floor = {
        "kind": "minimum",
        "area": "rural",
        "mode": "dispersed",
        "effective_from": "2025-01",
        "amount": "6000",
        "source": "测试文件",
    }
    await services.add_floor(SYSTEM, county, floor)  # ¥500.00 a month
    result = await import_standard(county)
    # In words: the mode's name and the amount, no English key (the floor warning said "dispersed").
    assert result.created == 1 and len(result.warnings) == 1 and "分散供养" in result.warnings[0]
    assert "¥450.00" in result.warnings[0] and "¥500.00" in result.warnings[0] and "测试文件" in result.warnings[0]
    assert "集中供养" not in result.warnings[0] and "dispersed" not in result.warnings[0]
    assert "测试" in result.warnings[0] or "县" in result.warnings[0]  # the county by its name
    (standard,) = await services.list_standards(SYSTEM, county)
    assert standard.below_floor == ["dispersed"]
    assert await services.standard_warnings(SYSTEM, county, JUNE) == result.warnings


async def test_full_loss_is_expected_from_the_next_month(world):
    county, home = await setup_county(world)
    p = await person(county, home)
    await assess(p["id"], date(2026, 6, 15), FULL_LOSS)
    june = await reconcile(county)
    july = await reconcile(county, date(2026, 7, 1))
    assert [f.expected for f in june.findings] == ["900.00"]
    assert [f.expected for f in july.findings] == ["1100.00"]


async def test_a_finding_stored_as_english_text_is_migrated_to_facts_and_shown_in_chinese(world, signed_in):
    """A run made before findings kept their facts: the data migration turns its text into facts,
    and its page then says them in Chinese (a text it does not know is left as it was)."""
    import importlib

    from backend.stipends.tables import Finding, ReconciliationRun

    county, home = await setup_county(world)
    a = await person(county, home)
    b = await person(county, home, name="李四")
    await import_lines(
        [
            ["OLD-1", a["id_number"], a["name"], county, "2026-06", "600", "299.99"],
            ["OLD-2", b["id_number"], b["name"], county, "2026-06", "600", "299.98"],
        ]
    )
    report = await reconcile(county)
    run = await ReconciliationRun.select(ReconciliationRun.id).where(ReconciliationRun.run_id == report.run_id).first()
    await Finding.update({"facts": "{}", "detail": "basic expected 600.00 paid 600.00; care expected 300.00 paid 299.99"}).where(
        (Finding.run == run["id"]) & (Finding.payment_ref == "OLD-1")
    )
    await Finding.update({"facts": "{}", "detail": "written by hand"}).where(
        (Finding.run == run["id"]) & (Finding.payment_ref == "OLD-2")
    )
    migration = importlib.import_module("backend.stipends.piccolo_migrations.stipends_2026_12_10t09_01_00_000000")
    manager = await migration.forwards()
    for step in manager.raw:
        await step()
    rows = {row["payment_ref"]: row for row in await Finding.select().where(Finding.run == run["id"])}
    assert services.stored_facts(rows["OLD-1"]).paid_care == 29999 and rows["OLD-1"]["detail"] == ""
    assert rows["OLD-2"]["detail"] == "written by hand" and services.stored_facts(rows["OLD-2"]).paid_care is None
    client, _user = await signed_in("finance", county=county)
    page = await client.get(f"/stipends/runs/{report.run_id}")
    assert "照料护理费 应发 ¥300.00 实发 ¥299.99" in page.text and "written by hand" in page.text
    stored = await services.get_report(SYSTEM, report.run_id)
    assert [f.detail for f in stored.findings] == [
        "basic expected 600.00 paid 600.00; care expected 300.00 paid 299.99",
        "written by hand",
    ]
