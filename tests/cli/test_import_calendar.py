"""``tekun import calendar``: holidays and make-up days move re-assessment deadlines."""

from datetime import date

from backend.residents.services import calendar_sets
from tests.cli.helpers import as_json, tekun


async def test_calendar_import_is_idempotent_and_feeds_the_working_days(tmp_path):
    path = tmp_path / "cal.csv"
    path.write_text("日期,类型,名称\n2031-10-01,休,国庆节\n2031-10-02,休,国庆节\n2031-10-11,班,国庆节调休\n", encoding="utf-8")
    first = tekun("import", "calendar", str(path), "--json")
    assert first.returncode == 0, first.stderr
    assert as_json(first)["created"] == 3
    assert as_json(tekun("import", "calendar", str(path), "--json"))["unchanged"] == 3
    holidays, make_up = await calendar_sets()
    assert {date(2031, 10, 1), date(2031, 10, 2)} <= holidays
    assert date(2031, 10, 11) in make_up


def test_a_bad_kind_is_refused(tmp_path):
    path = tmp_path / "cal.csv"
    path.write_text("date,kind\n2031-05-01,maybe\n", encoding="utf-8")
    result = tekun("import", "calendar", str(path), "--json")
    assert result.returncode == 2
    assert as_json(result)["errors"][0]["row"] == 2
