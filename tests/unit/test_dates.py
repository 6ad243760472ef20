"""Date-times entering the application: wall-clock time in TEKUN_TIMEZONE (Asia/Shanghai in the
tests) or an aware instant, in the years dates.FIRST_YEAR..LAST_YEAR; anything else is a
ValueError (a CellError in exchange files), never an OverflowError."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.core import dates, exchange
from backend.deaths.exchange import date_or_datetime_cell

WEST = timezone(timedelta(hours=-5))


def test_wall_clock_time_is_in_the_configured_zone_and_comes_out_utc():
    assert dates.instant(datetime(2026, 11, 2, 14, 30)) == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)
    assert dates.instant(datetime(2026, 11, 2, 14, 30, tzinfo=WEST)) == datetime(2026, 11, 2, 19, 30, tzinfo=UTC)
    assert dates.instant(datetime(2026, 11, 2, 14, 30, tzinfo=WEST)).tzinfo is UTC


@pytest.mark.parametrize("text", ["1900-01-01 00:00", "2200-12-31 23:59:59"])
def test_the_first_and_last_years_are_accepted(text):
    assert dates.parse_datetime(text).tzinfo is UTC


@pytest.mark.parametrize("text", ["0001-01-01 00:00", "1899-12-31 23:59", "2201-01-01 00:00", "9999-12-31 23:59"])
def test_other_years_are_refused(text):
    with pytest.raises(ValueError, match="not between 1900 and 2200"):
        dates.parse_datetime(text)


def test_an_instant_that_cannot_be_placed_in_the_zone_is_a_value_error():
    with pytest.raises(ValueError, match="not between"):
        dates.instant(datetime(1, 1, 1, tzinfo=UTC))  # 08:00 on 1 January of year 1 in Shanghai
    with pytest.raises(ValueError, match="cannot be placed"):
        dates.instant(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))))  # before year 1 there
    with pytest.raises(ValueError, match="cannot be placed"):
        dates.instant(datetime(9999, 12, 31, 20, tzinfo=WEST))


@pytest.mark.parametrize("value", [datetime(1, 1, 1), datetime(1899, 12, 30), datetime(9999, 12, 31, 23), "0001-01-01 00:00"])
def test_exchange_cells_refuse_them_by_name(value):
    with pytest.raises(exchange.CellError):
        exchange.datetime_cell(value)
    if isinstance(value, datetime):
        with pytest.raises(exchange.CellError):
            date_or_datetime_cell(value)


def test_spreadsheet_date_times_in_range_are_read_in_the_configured_zone():
    assert exchange.datetime_cell(datetime(2026, 3, 1, 8, 0)) == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    assert date_or_datetime_cell(datetime(2026, 3, 1, 8, 0)) == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
