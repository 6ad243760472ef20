"""The period keys of the scheduled jobs (pure), and the plan of what is due (pure)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler import periods
from scheduler.runs import Job, current_period, plan

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """A wall-clock time in Shanghai as an aware UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(UTC)


def test_period_of_counts_in_the_deployment_time_zone():
    # 2026-11-30 16:30 UTC is already 2026-12-01 00:30 in Shanghai.
    moment = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    assert periods.period_of("hourly", moment, SHANGHAI) == "2026-12-01T00"
    assert periods.period_of("daily", moment, SHANGHAI) == "2026-12-01"
    assert periods.period_of("monthly", moment, SHANGHAI) == "2026-12"
    assert periods.period_of("quarterly", moment, SHANGHAI) == "2026-Q4"
    assert periods.period_of("daily", moment, UTC) == "2026-11-30"


@pytest.mark.parametrize(
    ("month", "quarter"), [(1, "Q1"), (3, "Q1"), (4, "Q2"), (6, "Q2"), (7, "Q3"), (9, "Q3"), (10, "Q4"), (12, "Q4")]
)
def test_quarters_hold_three_months(month, quarter):
    assert periods.period_of("quarterly", at(f"2026-{month:02d}-15T12:00"), SHANGHAI) == f"2026-{quarter}"


def test_next_and_previous_cross_day_month_quarter_and_year_ends():
    assert periods.next_period("hourly", "2026-12-31T23") == "2027-01-01T00"
    assert periods.previous_period("hourly", "2027-01-01T00") == "2026-12-31T23"
    assert periods.next_period("daily", "2028-02-28") == "2028-02-29"  # leap year
    assert periods.next_period("daily", "2027-02-28") == "2027-03-01"
    assert periods.previous_period("daily", "2027-01-01") == "2026-12-31"
    assert periods.next_period("monthly", "2026-12") == "2027-01"
    assert periods.previous_period("monthly", "2027-01") == "2026-12"
    assert periods.next_period("quarterly", "2026-Q4") == "2027-Q1"
    assert periods.previous_period("quarterly", "2027-Q1") == "2026-Q4"
    assert periods.step("monthly", "2026-11", -12) == "2025-11"


def test_start_of_a_period_is_its_first_instant_in_the_time_zone():
    assert periods.start_of("daily", "2026-12-01", SHANGHAI) == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert periods.start_of("quarterly", "2026-Q4", SHANGHAI) == at("2026-10-01T00:00")
    assert periods.start_of("hourly", "2026-12-01T09", SHANGHAI) == at("2026-12-01T09:00")
    assert periods.day_of("2026-12-02").isoformat() == "2026-12-02"
    assert periods.first_month("quarterly", "2026-Q3").isoformat() == "2026-07-01"


@pytest.mark.parametrize(
    ("kind", "key"),
    [("daily", "2026-13-01"), ("daily", "2026-02-30"), ("monthly", "2026-1"), ("quarterly", "2026-Q5"), ("hourly", "2026-12-01")],
)
def test_bad_keys_are_refused(kind, key):
    with pytest.raises(ValueError, match=kind):
        periods.start_of(kind, key, SHANGHAI)


def test_unknown_kind_and_naive_instants_are_refused():
    with pytest.raises(ValueError, match="weekly"):
        periods.period_of("weekly", at("2026-12-01T00:00"), SHANGHAI)
    with pytest.raises(ValueError, match="time zone"):
        periods.period_of("daily", datetime(2026, 12, 1), SHANGHAI)


def test_periods_between_two_instants_oldest_first_both_ends_included():
    assert periods.periods_between("daily", at("2026-11-29T23:59"), at("2026-12-02T00:00"), SHANGHAI) == [
        "2026-11-29",
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
    ]
    assert periods.periods_between("quarterly", at("2026-05-01T00:00"), at("2027-01-01T00:00"), SHANGHAI) == [
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
        "2027-Q1",
    ]
    assert periods.periods_between("monthly", at("2026-12-01T00:00"), at("2026-11-01T00:00"), SHANGHAI) == []
    assert len(periods.periods_between("hourly", at("2026-12-01T00:00"), at("2026-12-01T23:59"), SHANGHAI)) == 24


# --- plan: which periods are due ------------------------------------------------------------------


async def _noop(period, now):
    return None


DAILY = Job("d", "daily", {"hour": 0, "minute": 5}, _noop)
MONTHLY = Job("m", "monthly", {"day": 1, "hour": 2}, _noop, closed=True)
QUARTERLY = Job("q", "quarterly", {"month": "1,4,7,10", "day": 1, "hour": 3}, _noop, closed=True)
HOURLY = Job("h", "hourly", {"minute": 0}, _noop, catch_up="latest")
NOW = at("2026-12-02T10:00")


def test_first_start_runs_only_the_current_period_and_for_reports_the_one_just_closed():
    assert plan(DAILY, NOW, SHANGHAI, last_done=None).run == ["2026-12-02"]
    assert plan(MONTHLY, NOW, SHANGHAI, last_done=None).run == ["2026-11"]
    assert plan(QUARTERLY, NOW, SHANGHAI, last_done=None).run == ["2026-Q3"]
    assert plan(HOURLY, NOW, SHANGHAI, last_done=None).run == ["2026-12-02T10"]


def test_after_downtime_every_missed_period_oldest_first_and_nothing_when_up_to_date():
    assert plan(DAILY, NOW, SHANGHAI, last_done="2026-11-27").run == [
        "2026-11-28",
        "2026-11-29",
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
    ]
    assert plan(DAILY, NOW, SHANGHAI, last_done="2026-12-02").run == []
    assert plan(MONTHLY, NOW, SHANGHAI, last_done="2026-09").run == ["2026-10", "2026-11"]
    assert plan(MONTHLY, NOW, SHANGHAI, last_done="2026-11").run == []


def test_the_catch_up_is_capped_and_says_what_it_skipped():
    due = plan(DAILY, NOW, SHANGHAI, last_done="2026-01-01")
    assert len(due.run) == 92 and due.run[-1] == "2026-12-02"
    assert due.run[0] == (NOW - timedelta(days=91)).astimezone(SHANGHAI).date().isoformat()
    assert due.skipped[0] == "2026-01-02" and due.skipped[-1] == periods.previous_period("daily", due.run[0])
    assert len(due.skipped) + len(due.run) == len(periods.keys_from("daily", "2026-01-02", "2026-12-02"))
    small = Job("s", "daily", {"hour": 0}, _noop, max_catch_up=3)
    assert plan(small, NOW, SHANGHAI, last_done="2026-11-20").run == ["2026-11-30", "2026-12-01", "2026-12-02"]


def test_a_state_job_runs_only_the_latest_period():
    due = plan(HOURLY, NOW, SHANGHAI, last_done="2026-11-27T10")
    assert due.run == ["2026-12-02T10"]
    assert len(due.skipped) == 5 * 24 - 1


def test_failed_periods_inside_the_window_are_run_again_oldest_first():
    due = plan(DAILY, NOW, SHANGHAI, last_done="2026-12-01", retry=["2026-11-25", "2026-01-01", "2026-12-02"])
    assert due.run == ["2026-11-25", "2026-12-02"]  # 2026-01-01 is older than the 92-day window


def test_the_period_given_at_each_cron_fire():
    from apscheduler.triggers.cron import CronTrigger

    from scheduler.jobs import JOBS

    expected = {
        "generate_tasks": (at("2026-12-02T00:05"), "2026-12-02"),
        "refresh_tasks": (at("2026-12-02T01:00"), "2026-12-02T01"),
        "open_licence_hazards": (at("2026-12-02T00:20"), "2026-12-02"),
        "send_notices": (at("2026-12-02T00:10"), "2026-12-02T00"),
        "monthly_reports": (at("2027-01-01T02:00"), "2026-12"),
        "quarterly_reports": (at("2027-01-01T03:00"), "2026-Q4"),
    }
    assert [job.id for job in JOBS] == list(expected)
    for job in JOBS:
        fire = CronTrigger(timezone=SHANGHAI, **job.cron).get_next_fire_time(None, at("2026-12-02T00:00:01"))
        wanted_fire, wanted_period = expected[job.id]
        assert fire == wanted_fire, job.id
        assert current_period(job, fire, SHANGHAI) == wanted_period, job.id
