"""`tekun reconcile --json` shape, payment files refused with row and column, idempotent
re-import, stored runs and their stale check."""

import re
from datetime import date

import pytest

from backend.core.exchange import ExchangeError
from backend.stipends import services
from backend.stipends.tables import ReconciliationRun, StipendLine
from tests.cli.helpers import as_json, tekun
from tests.residents.helpers import new_id
from tests.stipends.helpers import (
    LINE_HEADER,
    SYSTEM,
    csv_bytes,
    import_lines,
    import_standard,
    person,
    record_death,
)

MONEY = re.compile(r"^-?\d+\.\d{2}$")
CODES = {
    "INVALID_ID",
    "UNKNOWN_PERSON",
    "DUPLICATE_PAYMENT",
    "PAID_AFTER_DEATH",
    "NOT_ENTITLED",
    "MODE_MISMATCH",
    "UNASSESSED",
    "TIER_MISMATCH",
    "AMOUNT_MISMATCH",
    "MISSING_PAYMENT",
    "NAME_MISMATCH",
}


async def test_reconcile_json_has_the_shape_of_interfaces_4(world, tmp_path):
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    paid = await person(county, home, name="张三")
    await person(county, home, name="李四")  # no line: MISSING_PAYMENT
    path = tmp_path / "payments.csv"
    path.write_bytes(csv_bytes(LINE_HEADER, [["J-1", paid["id_number"], "张山", county, "2026年6月", "600", "500.00"]]))
    imported = tekun("import", "payments", str(path), "--json")
    assert imported.returncode == 0, imported.stderr
    result = tekun("reconcile", "--county", county, "--month", "2026-06", "--json")
    assert result.returncode == 0, result.stderr
    doc = as_json(result)
    assert list(doc) == ["county", "month", "run_id", "summary", "findings"]
    assert (doc["county"], doc["month"]) == (county, "2026-06") and isinstance(doc["run_id"], str) and doc["run_id"]
    summary = doc["summary"]
    assert list(summary) == ["lines", "paid", "expected", "overpaid", "underpaid", "findings"]
    assert isinstance(summary["lines"], int) and summary["lines"] == 1
    for key in ("paid", "expected", "overpaid", "underpaid"):
        assert isinstance(summary[key], str) and MONEY.match(summary[key])
    assert (summary["paid"], summary["expected"], summary["overpaid"], summary["underpaid"]) == (
        "1100.00",
        "1800.00",
        "200.00",
        "900.00",
    )
    assert set(summary["findings"]) == CODES and all(isinstance(n, int) for n in summary["findings"].values())
    assert {code: n for code, n in summary["findings"].items() if n} == {
        "TIER_MISMATCH": 1,
        "NAME_MISMATCH": 1,
        "MISSING_PAYMENT": 1,
    }
    # The keys of interfaces §4 in their order, then (added) the finding's facts as data.
    keys = ["code", "id_number", "name", "month", "payment_ref", "expected", "paid", "difference", "detail"]
    for finding in doc["findings"]:
        assert list(finding) == [*keys, "facts"] and isinstance(finding["facts"], dict)
        assert all(isinstance(finding[key], str) for key in keys if key != "payment_ref")
        assert all(MONEY.match(finding[key]) for key in ("expected", "paid", "difference"))
        assert finding["month"] == "2026-06"
    missing = [f for f in doc["findings"] if f["code"] == "MISSING_PAYMENT"]
    assert len(missing) == 1 and missing[0]["payment_ref"] is None and missing[0]["difference"] == "-900.00"
    tier = [f for f in doc["findings"] if f["code"] == "TIER_MISMATCH"][0]
    assert (tier["payment_ref"], tier["expected"], tier["paid"], tier["difference"]) == ("J-1", "900.00", "1100.00", "200.00")
    assert tier["facts"] == {
        "register_mode": "concentrated",
        "register_tier": "partial",
        "paid_tier": "full_loss",
        "expected_basic": "600.00",
        "expected_care": "300.00",
        "paid_basic": "600.00",
        "paid_care": "500.00",
        "register_area": "rural",
    }
    assert tier["detail"] == "care paid for full_loss; assessed partial"  # the English line for programs, as before
    name = [f for f in doc["findings"] if f["code"] == "NAME_MISMATCH"][0]
    assert name["facts"] == {"register_name": "张三"}
    assert await ReconciliationRun.exists().where(ReconciliationRun.run_id == doc["run_id"])
    stored = await services.get_report(SYSTEM, doc["run_id"])
    assert stored.findings[0].code == doc["findings"][0]["code"] and len(stored.findings) == len(doc["findings"])


def test_reconcile_refuses_bad_arguments():
    assert tekun("reconcile", "--county", "620102", "--month", "2026-13x").returncode == 2
    assert tekun("reconcile", "--county", "999999", "--month", "2026-06").returncode == 2
    assert tekun("reconcile", "--county", "620102", "--month", "2026-06", "--source", "bank").returncode == 2


async def test_several_counties_in_one_pass_each_get_their_run(world):
    counties = [await world.county(), await world.county()]
    rows = []
    for number, county in enumerate(counties):
        home = await world.home(county=county, beds=100)
        await import_standard(county)
        paid = await person(county, home, name="张三")
        await person(county, home, name="李四")  # no line: MISSING_PAYMENT
        rows.append([f"K-{number}", paid["id_number"], "张三", county, "2026-06", "600", "300"])
    await import_lines(rows)
    result = tekun("reconcile", "--county", ",".join(counties), "--month", "2026-06", "--json")
    assert result.returncode == 0, result.stderr
    docs = as_json(result)
    assert [doc["county"] for doc in docs] == counties
    for doc in docs:
        assert list(doc) == ["county", "month", "run_id", "summary", "findings"]
        assert doc["summary"]["lines"] == 1 and [f["code"] for f in doc["findings"]] == ["MISSING_PAYMENT"]
        assert await ReconciliationRun.exists().where(ReconciliationRun.run_id == doc["run_id"])
    # One county of the list without a standard: refused, named, no run stored for any.
    bare = await world.county()
    before = await ReconciliationRun.count()
    result = tekun("reconcile", "--county", f"{counties[0]},{bare}", "--month", "2026-06")
    assert result.returncode == 2 and bare in result.stderr and "救助供养标准" in result.stderr
    assert await ReconciliationRun.count() == before


async def test_a_month_without_standard_exits_2(world):
    county = await world.county()
    result = tekun("reconcile", "--county", county, "--month", "2026-06", "--json")
    assert result.returncode == 2 and "救助供养标准" in result.stderr


async def test_bad_payment_cells_are_refused_with_row_and_column_and_nothing_written(world, tmp_path):
    county = await world.county()
    rows = [
        ["BAD-1", new_id(), "甲", county, "2026-13", "600", "0"],  # row 2: bad month
        ["BAD-2", new_id(), "乙", county, "2026-06", "-1.00", "0"],  # row 3: negative amount
        ["", new_id(), "丙", county, "2026-06", "600", "0"],  # row 4: missing payment_ref
        ["BAD-4", "not-an-id", "丁", county, "2026-06", "600", "0"],  # fine: an invalid ID is a finding
    ]
    path = tmp_path / "payments.csv"
    path.write_bytes(csv_bytes(LINE_HEADER, rows))
    result = tekun("import", "payments", str(path), "--json")
    assert result.returncode == 2
    errors = {(e["row"], e["column"]) for e in as_json(result)["errors"]}
    assert errors == {(2, "month"), (3, "basic_amount"), (4, "payment_ref")}
    assert "row 3, column basic_amount" in result.stderr
    assert not await StipendLine.exists().where(StipendLine.payment_ref.is_in(["BAD-1", "BAD-2", "BAD-4"]))


async def test_repeated_ref_and_unknown_county_are_refused_and_nothing_written(world):
    county = await world.county()
    header = ["流水号", "身份证号", "姓名", "区划代码", "发放月份", "基本生活费", "照料护理费"]
    rows = [
        ["R-1", new_id(), "甲", county, "2026-06", "600", "0"],
        ["R-2", new_id(), "乙", "000001", "2026-06", "600", "0"],  # unknown county
        ["R-1", new_id(), "丙", county, "2026-06", "600", "0"],  # repeated inside the file
    ]
    with pytest.raises(ExchangeError) as refused:
        await import_lines(rows, header=header)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "区划代码"), (4, "流水号")]
    assert "2" in refused.value.errors[1].message
    assert not await StipendLine.exists().where(StipendLine.payment_ref.is_in(["R-1", "R-2"]))


async def test_reimport_is_idempotent_and_keeps_invalid_ids_as_given(world):
    county = await world.county()
    rows = [["I-1", " 12345x ", "某", county, "2026-06", "1,234.50", "¥10"], ["I-2", "", "", county, "2026/06", "0", "0"]]
    first = await import_lines(rows)
    second = await import_lines(rows)
    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    line = await StipendLine.select().where(StipendLine.payment_ref == "I-1").first()
    assert (line["id_number"], line["basic_amount"], line["care_amount"]) == ("12345x", 123450, 1000)
    corrected = await import_lines([["I-1", "12345x", "某", county, "2026-06", "1234.51", "10"]])
    assert (corrected.updated, corrected.rows[0].changes) == (1, {"basic_amount": ["123450", "123451"]})


async def test_a_run_goes_stale_after_a_later_import_of_its_month(world):
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    p = await person(county, home)
    rows = [["S-1", p["id_number"], p["name"], county, "2026-06", "600", "300"]]
    await import_lines(rows)
    run = await services.reconcile(SYSTEM, county, date(2026, 6, 1))
    assert (await services.get_run(SYSTEM, run.run_id)).stale is False
    await import_lines(rows)  # the same file again: nothing changed
    await import_lines([["S-0", new_id(), "某", county, "2026-05", "600", "0"]])  # another month
    assert await services.is_stale(SYSTEM, run.run_id) is False
    await import_lines([["S-2", new_id(), "某", county, "2026-06", "450", "0"]])
    assert await services.is_stale(SYSTEM, run.run_id) is True
    fresh = await services.reconcile(SYSTEM, county, date(2026, 6, 1))
    assert await services.is_stale(SYSTEM, fresh.run_id) is False
    await record_death(p["id"], date(2026, 5, 20))
    assert await services.is_stale(SYSTEM, fresh.run_id) is True
    newer = await services.reconcile(SYSTEM, county, date(2026, 6, 1))
    await import_standard(county, "2026-06", basic_dispersed="460.00")
    assert await services.is_stale(SYSTEM, newer.run_id) is True


async def test_cli_reconciles_claims(world):
    county = await world.county()
    home = await world.home(county=county, beds=100)
    await import_standard(county)
    p = await person(county, home)
    await import_lines(
        [["CL-1", p["id_number"], p["name"], county, "2026-06", "600", "250", "集中"]],
        kind="claims",
        header=[*LINE_HEADER, "support_mode"],
    )
    for flags in (["--claims"], ["--source", "claims"]):
        result = tekun("reconcile", "--county", county, "--month", "2026-06", *flags, "--json")
        assert result.returncode == 0, result.stderr
        assert [(f["code"], f["payment_ref"]) for f in as_json(result)["findings"]] == [("AMOUNT_MISMATCH", "CL-1")]
    payments = as_json(tekun("reconcile", "--county", county, "--month", "2026-06", "--json"))
    assert [f["code"] for f in payments["findings"]] == ["MISSING_PAYMENT"]
    runs = await services.list_runs(SYSTEM, county)
    assert [run.source for run in runs] == ["payments", "claims", "claims"]


async def test_finance_imports_for_its_own_county_only(world):
    from backend.core.errors import Forbidden
    from backend.core.security import Scope
    from backend.importers import run_import
    from backend.registry.tables import County

    own, other = await world.county(), await world.county()
    county_id = (await County.select(County.id).where(County.code == own).first())["id"]
    finance = Scope(user_id=None, username="fin", role="finance", county_id=county_id)
    rows = [["F-1", new_id(), "甲", own, "2026-06", "600", "0"], ["F-2", new_id(), "乙", other, "2026-06", "600", "0"]]
    with pytest.raises(ExchangeError) as refused:
        await run_import(finance, "payments", "p.csv", csv_bytes(LINE_HEADER, rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "county_code")]
    assert (await run_import(finance, "payments", "p.csv", csv_bytes(LINE_HEADER, rows[:1]))).created == 1
    director = Scope(user_id=None, username="dir", role="director", county_id=county_id, home_id=1)
    with pytest.raises(Forbidden):
        await run_import(director, "claims", "c.csv", csv_bytes(LINE_HEADER, rows[:1]))
