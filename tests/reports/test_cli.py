"""``tekun report KIND … --output`` writes the archived file; ``tekun report verify FILE.pdf``:
exit 0 "issued by … on …, unchanged", exit 3 when changed (naming the report) or foreign."""

from __future__ import annotations

from backend.reports.tables import ReportFile
from tests.cli.helpers import tekun
from tests.conftest import unique_county_code
from tests.stipends.test_reports import MONTH_TEXT, a_month


async def test_report_writes_the_archived_file_and_verify_checks_it(world, tmp_path):
    county, _people, _report = await a_month(world)
    output = tmp_path / "对账.pdf"
    done = tekun("report", "reconciliation", "--county", county, "--month", MONTH_TEXT, "--output", str(output))
    assert done.returncode == 0, done.stderr
    (row,) = await ReportFile.select().where(ReportFile.unit == county)
    assert row["code"] in done.stderr and row["sha256"] in done.stderr
    again = tekun("report", "reconciliation", "--county", county, "--month", MONTH_TEXT, "--output", str(tmp_path / "2.pdf"))
    assert again.returncode == 0 and (tmp_path / "2.pdf").read_bytes() == output.read_bytes()  # the same archived file
    assert await ReportFile.count().where(ReportFile.unit == county) == 1

    ok = tekun("report", "verify", str(output))
    assert ok.returncode == 0, ok.stderr
    assert "issued by cli on " in ok.stderr and "unchanged" in ok.stderr and row["code"] in ok.stderr

    body = output.read_bytes()
    middle = len(body) // 2
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1 :])
    refused = tekun("report", "verify", str(flipped))
    assert refused.returncode == 3 and "NOT VERIFIED" in refused.stderr

    appended = tmp_path / "appended.pdf"
    appended.write_bytes(body + b"\n% added\n")
    changed = tekun("report", "verify", str(appended))
    assert changed.returncode == 3 and f"this is report {row['code']}" in changed.stderr and "has been changed" in changed.stderr

    foreign = tmp_path / "foreign.pdf"
    foreign.write_bytes(b"%PDF-1.4\n%%EOF\n")
    unknown = tekun("report", "verify", str(foreign))
    assert unknown.returncode == 3 and "not a report this system issued" in unknown.stderr
    assert tekun("report", "verify", str(tmp_path / "missing.pdf")).returncode == 2

    new = tekun("report", "reconciliation", "--county", county, "--month", MONTH_TEXT, "--output", str(output), "--regenerate")
    assert new.returncode == 0 and "version 2" in new.stderr
    superseded = tekun("report", "verify", str(tmp_path / "2.pdf"))
    assert superseded.returncode == 0 and "superseded" in superseded.stderr  # still genuine, and says so


def test_report_arguments_are_checked():
    assert (
        tekun("report", "county-quarterly", "--county", "900001", "--quarter", "2026-11", "--output", "/tmp/x.pdf").returncode
        == 2
    )
    assert (
        tekun("report", "county-quarterly", "--county", "900001", "--month", "2026-11", "--output", "/tmp/x.pdf").returncode == 2
    )
    assert tekun("report", "home-monthly", "--month", "2026-11", "--output", "/tmp/x.pdf").returncode == 2  # no unit
    nowhere = unique_county_code()  # never created (another test may well have made a county 000000)
    unknown = tekun("report", "county-monthly", "--county", nowhere, "--month", "2026-11", "--output", "/tmp/x.pdf")
    assert unknown.returncode == 2
