"""The safety ledgers' rules (backend/safety/rules.py; domain rules §4, §5, §5b, §6, §6b), pure:
periods and their bounds, where a moment is placed, deadlines and their grace, a period's
counts, the limits on a performed time, samples, certificates, outbreaks, licences, hazards.

Each threshold is tested on both sides of its edge (the edge itself and one unit beyond), so a
rule off by one unit fails a test."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.safety import rules
from backend.safety.rules import Occurrence, Placed

SH = ZoneInfo("Asia/Shanghai")
US = timedelta(microseconds=1)


def at(day: str, clock: str = "00:00", zone=SH) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=zone)


# --- periods and bounds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "day", "key", "first", "last"),
    [
        ("daily", "2026-11-10", "2026-11-10", "2026-11-10", "2026-11-10"),
        ("meal", "2026-12-31", "2026-12-31", "2026-12-31", "2026-12-31"),
        ("nightly", "2026-01-01", "2026-01-01", "2026-01-01", "2026-01-01"),
        ("event", "2026-03-05", "2026-03-05", "2026-03-05", "2026-03-05"),
        ("monthly", "2026-01-31", "2026-01", "2026-01-01", "2026-01-31"),
        ("monthly", "2026-02-01", "2026-02", "2026-02-01", "2026-02-28"),
        ("monthly", "2028-02-29", "2028-02", "2028-02-01", "2028-02-29"),  # leap year
        ("monthly", "2100-02-10", "2100-02", "2100-02-01", "2100-02-28"),  # not a leap year
        ("monthly", "2026-04-30", "2026-04", "2026-04-01", "2026-04-30"),
        ("monthly", "2026-12-01", "2026-12", "2026-12-01", "2026-12-31"),  # December → January
        ("monthly", "2026-12-31", "2026-12", "2026-12-01", "2026-12-31"),
        ("monthly", "2027-01-01", "2027-01", "2027-01-01", "2027-01-31"),
        ("half_yearly", "2026-06-30", "2026-H1", "2026-01-01", "2026-06-30"),
        ("half_yearly", "2026-07-01", "2026-H2", "2026-07-01", "2026-12-31"),
        ("half_yearly", "2026-01-01", "2026-H1", "2026-01-01", "2026-06-30"),
        ("half_yearly", "2026-12-31", "2026-H2", "2026-07-01", "2026-12-31"),
        ("yearly", "2028-02-29", "2028", "2028-01-01", "2028-12-31"),
        ("yearly", "2026-12-31", "2026", "2026-01-01", "2026-12-31"),
    ],
)
def test_period_key_and_bounds(frequency, day, key, first, last):
    assert rules.period_key(frequency, date.fromisoformat(day)) == key
    assert rules.period_bounds(frequency, date.fromisoformat(day)) == (date.fromisoformat(first), date.fromisoformat(last))


def test_an_unknown_frequency_is_an_error():
    for function in (rules.period_key, rules.period_bounds):
        with pytest.raises(ValueError):
            function("weekly", date(2026, 1, 1))


# --- place ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at("2026-11-10", "21:59"), None),  # before the night's first slot
        (at("2026-11-10", "21:59:59.999999"), None),
        (at("2026-11-10", "22:00"), Placed("2026-11-10", "22")),
        (at("2026-11-10", "23:59"), Placed("2026-11-10", "22")),
        (at("2026-11-11", "00:00"), Placed("2026-11-10", "0")),  # after midnight: still the night of the 10th
        (at("2026-11-11", "01:59:59.999999"), Placed("2026-11-10", "0")),
        (at("2026-11-11", "02:00"), Placed("2026-11-10", "2")),
        (at("2026-11-11", "04:00"), Placed("2026-11-10", "4")),
        (at("2026-11-11", "05:59"), Placed("2026-11-10", "4")),
        (at("2026-11-11", "05:59:59.999999"), Placed("2026-11-10", "4")),
        (at("2026-11-11", "06:00"), None),  # the last slot is 2 h long
        (at("2026-11-11", "12:00"), None),
        (at("2027-01-01", "00:30"), Placed("2026-12-31", "0")),  # across the new year
        (at("2028-03-01", "01:00"), Placed("2028-02-29", "0")),  # across a leap day
    ],
)
def test_a_night_patrol_is_placed_in_its_night_and_slot(moment, expected):
    assert rules.place("nightly", moment, SH) == expected


def test_a_night_patrol_with_the_home_s_own_slots():
    slots = rules.parse_slots("23,1,3")
    assert slots == (23, 1, 3)
    assert rules.place("nightly", at("2026-11-10", "22:59"), SH, slots=slots) is None
    assert rules.place("nightly", at("2026-11-10", "23:00"), SH, slots=slots) == Placed("2026-11-10", "23")
    assert rules.place("nightly", at("2026-11-11", "00:59"), SH, slots=slots) == Placed("2026-11-10", "23")
    assert rules.place("nightly", at("2026-11-11", "01:00"), SH, slots=slots) == Placed("2026-11-10", "1")
    assert rules.place("nightly", at("2026-11-11", "04:59"), SH, slots=slots) == Placed("2026-11-10", "3")
    assert rules.place("nightly", at("2026-11-11", "05:00"), SH, slots=slots) is None


@pytest.mark.parametrize(
    ("clock", "meal"),
    [
        ("00:00", "breakfast"),  # before any meal: breakfast
        ("05:59", "breakfast"),
        ("06:00", "breakfast"),  # breakfast's window starts
        ("09:00", "breakfast"),  # breakfast's window ends: still breakfast's (latest started)
        ("10:59:59.999999", "breakfast"),
        ("11:00", "lunch"),  # lunch's window starts
        ("13:30", "lunch"),  # lunch's window ends
        ("16:59:59.999999", "lunch"),  # tableware after lunch is lunch's
        ("17:00", "dinner"),  # dinner's window starts
        ("19:30", "dinner"),  # dinner's window ends
        ("23:59:59.999999", "dinner"),
    ],
)
def test_a_meal_routine_is_placed_in_its_meal(clock, meal):
    assert rules.place("meal", at("2026-11-10", clock), SH) == Placed("2026-11-10", meal)


def test_a_meal_routine_with_the_home_s_own_windows():
    meals = rules.MealWindows(
        (rules.parse_window("07:00-08:00"), rules.parse_window("11:30-12:30"), rules.parse_window("16:30-18:00"))
    )
    assert rules.place("meal", at("2026-11-10", "11:29"), SH, meals=meals).slot == "breakfast"
    assert rules.place("meal", at("2026-11-10", "11:30"), SH, meals=meals).slot == "lunch"
    assert rules.place("meal", at("2026-11-10", "16:29"), SH, meals=meals).slot == "lunch"
    assert rules.place("meal", at("2026-11-10", "16:30"), SH, meals=meals).slot == "dinner"


@pytest.mark.parametrize(
    ("frequency", "period"),
    [
        ("daily", "2026-11-10"),
        ("event", "2026-11-10"),
        ("monthly", "2026-11"),
        ("half_yearly", "2026-H2"),
        ("yearly", "2026"),
    ],
)
def test_other_routines_are_placed_in_their_period_with_no_slot(frequency, period):
    assert rules.place(frequency, at("2026-11-10", "12:00"), SH) == Placed(period, "")


def test_a_moment_in_another_zone_is_placed_by_its_time_in_shanghai():
    # 15:59 UTC is 23:59 in Shanghai: the 10th's day, its night's 22:00 slot, its dinner
    utc = datetime(2026, 11, 10, 15, 59, tzinfo=UTC)
    assert rules.place("daily", utc, SH) == Placed("2026-11-10", "")
    assert rules.place("nightly", utc, SH) == Placed("2026-11-10", "22")
    assert rules.place("meal", utc, SH) == Placed("2026-11-10", "dinner")
    # 16:00 UTC on the 31st of December is midnight of the new year in Shanghai
    new_year = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert rules.place("daily", new_year, SH) == Placed("2027-01-01", "")
    assert rules.place("monthly", new_year, SH) == Placed("2027-01", "")
    assert rules.place("half_yearly", new_year, SH) == Placed("2027-H1", "")
    assert rules.place("yearly", new_year - US, SH) == Placed("2026", "")
    assert rules.place("nightly", new_year, SH) == Placed("2026-12-31", "0")
    # New York's evening of the 9th is the morning of the 10th in Shanghai: breakfast
    new_york = datetime(2026, 11, 9, 18, 30, tzinfo=ZoneInfo("America/New_York"))
    assert rules.place("meal", new_york, SH) == Placed("2026-11-10", "breakfast")
    assert rules.place("nightly", new_york, SH) is None


# --- occurrences and deadlines --------------------------------------------------------------


def test_occurrences_of_each_frequency():
    day = date(2026, 11, 10)
    meals = rules.occurrences("meal", day, SH)
    assert [(o.slot, o.end, o.grace) for o in meals] == [
        ("breakfast", at("2026-11-10", "09:00"), timedelta(hours=2)),
        ("lunch", at("2026-11-10", "13:30"), timedelta(hours=2)),
        ("dinner", at("2026-11-10", "19:30"), timedelta(hours=2)),
    ]
    night = rules.occurrences("nightly", day, SH)
    assert [(o.slot, o.end) for o in night] == [
        ("22", at("2026-11-11", "00:00")),
        ("0", at("2026-11-11", "02:00")),
        ("2", at("2026-11-11", "04:00")),
        ("4", at("2026-11-11", "06:00")),
    ]
    assert all(o.grace == timedelta(hours=2) for o in night)
    assert rules.occurrences("daily", day, SH) == [Occurrence("", at("2026-11-11"), timedelta(hours=2))]
    assert rules.occurrences("monthly", day, SH) == [Occurrence("", at("2026-12-01"), timedelta(days=3))]
    assert rules.occurrences("monthly", date(2026, 12, 5), SH) == [Occurrence("", at("2027-01-01"), timedelta(days=3))]
    assert rules.occurrences("monthly", date(2028, 2, 5), SH)[0].end == at("2028-03-01")
    assert rules.occurrences("half_yearly", date(2026, 3, 1), SH) == [Occurrence("", at("2026-07-01"), timedelta(days=3))]
    assert rules.occurrences("yearly", day, SH) == [Occurrence("", at("2027-01-01"), timedelta(days=3))]
    assert rules.occurrences("event", day, SH) == []


@pytest.mark.parametrize(
    ("frequency", "placed", "deadline"),
    [
        ("meal", Placed("2026-11-10", "breakfast"), at("2026-11-10", "11:00")),
        ("meal", Placed("2026-11-10", "dinner"), at("2026-11-10", "21:30")),
        ("nightly", Placed("2026-11-10", "22"), at("2026-11-11", "02:00")),
        ("nightly", Placed("2026-11-10", "4"), at("2026-11-11", "08:00")),
        ("daily", Placed("2026-11-10", ""), at("2026-11-11", "02:00")),  # the day's end + 2 h
        ("monthly", Placed("2026-11", ""), at("2026-12-04")),  # the month's end + 3 days
        ("monthly", Placed("2026-12", ""), at("2027-01-04")),
        ("monthly", Placed("2028-02", ""), at("2028-03-04")),
        ("half_yearly", Placed("2026-H1", ""), at("2026-07-04")),
        ("half_yearly", Placed("2026-H2", ""), at("2027-01-04")),
        ("yearly", Placed("2026", ""), at("2027-01-04")),
        ("event", Placed("2026-11-10", ""), None),  # a delivery is never late
    ],
)
def test_deadline_of_is_the_end_plus_the_grace(frequency, placed, deadline):
    assert rules.deadline_of(frequency, placed, SH) == deadline


def test_deadline_of_an_unknown_slot_is_none():
    assert rules.deadline_of("nightly", Placed("2026-11-10", "3"), SH) is None


@pytest.mark.parametrize(
    ("frequency", "performed"),
    [("daily", at("2026-11-10", "10:00")), ("monthly", at("2026-11-30", "10:00")), ("nightly", at("2026-11-11", "04:30"))],
)
def test_a_record_exactly_at_the_deadline_is_on_time_one_microsecond_later_is_late(frequency, performed):
    placed = rules.place(frequency, performed, SH)
    deadline = rules.deadline_of(frequency, placed, SH)
    assert not rules.is_late(deadline, deadline)
    assert not rules.is_late(deadline - US, deadline)
    assert rules.is_late(deadline + US, deadline)
    assert not rules.is_late(deadline + timedelta(days=365), None)


def test_the_grace_is_two_hours_for_a_day_and_three_days_for_a_month():
    day = rules.deadline_of("daily", Placed("2026-11-10", ""), SH)
    month = rules.deadline_of("monthly", Placed("2026-11", ""), SH)
    assert day - at("2026-11-11") == timedelta(hours=2)
    assert month - at("2026-12-01") == timedelta(days=3)
    assert rules.is_late(at("2026-11-11", "02:00") + US, day)
    assert not rules.is_late(at("2026-12-03", "23:59"), month)


# --- a period's counts ----------------------------------------------------------------------


def test_a_slot_done_twice_counts_once():
    due = rules.occurrences("nightly", date(2026, 11, 10), SH)
    recorded = at("2026-11-11", "00:10")
    status = rules.routine_status(due, [("22", recorded), ("22", recorded + timedelta(minutes=5))], at("2026-11-11", "01:00"))
    assert (status.due, status.done, status.on_time) == (4, 1, 1)
    assert not status.overdue and status.missing == ()


def test_a_slot_done_late_then_again_on_time_is_on_time_once():
    due = rules.occurrences("daily", date(2026, 11, 10), SH)
    deadline = due[0].deadline
    status = rules.routine_status(due, [("", deadline + US), ("", deadline)], deadline + timedelta(days=1))
    assert (status.done, status.on_time) == (1, 1)
    late_only = rules.routine_status(due, [("", deadline + US)], deadline + timedelta(days=1))
    assert (late_only.done, late_only.on_time, late_only.overdue) == (1, 0, False)


def test_overdue_only_after_the_deadline():
    due = rules.occurrences("meal", date(2026, 11, 10), SH)
    lunch = due[1].deadline  # 15:30
    at_deadline = rules.routine_status(due, [("breakfast", at("2026-11-10", "08:00"))], lunch)
    assert (at_deadline.overdue, at_deadline.missing) == (False, ())
    after = rules.routine_status(due, [("breakfast", at("2026-11-10", "08:00"))], lunch + US)
    assert (after.overdue, after.missing) == (True, ("lunch",))
    assert (after.due, after.done, after.on_time) == (3, 1, 1)
    # an entry in a slot that is not due (no such meal) counts for nothing
    stray = rules.routine_status(due, [("supper", at("2026-11-10", "08:00"))], at("2026-11-10", "08:00"))
    assert (stray.done, stray.on_time) == (0, 0)


def test_nothing_due_is_never_overdue():
    status = rules.routine_status([], [("", at("2026-11-10"))], at("2030-01-01"))
    assert (status.due, status.done, status.overdue) == (0, 0, False)


# --- the performed time ---------------------------------------------------------------------


def test_check_performed_at_edges():
    now = at("2026-11-10", "12:00")
    assert rules.check_performed_at(now, now) is None
    assert rules.check_performed_at(now + timedelta(minutes=5), now) is None  # a phone a little ahead
    assert rules.check_performed_at(now + timedelta(minutes=5) + US, now) == "future"
    assert rules.check_performed_at(now - timedelta(days=92), now) is None  # back-filled 92 days later
    assert rules.check_performed_at(now - timedelta(days=92) - US, now) == "too_old"
    assert rules.check_performed_at(now - timedelta(days=91), now) is None


# --- food samples, certificates, outbreaks, licences ----------------------------------------


def test_a_sample_below_125_grams_is_too_light():
    assert rules.sample_too_light(124)
    assert not rules.sample_too_light(125)
    assert not rules.sample_too_light(126)
    assert rules.sample_too_light(0)


def test_a_sample_is_kept_48_hours():
    taken = at("2026-11-10", "12:00")
    assert rules.discard_after(taken) == at("2026-11-12", "12:00")
    assert not rules.discarded_early(taken, taken + timedelta(hours=48))
    assert rules.discarded_early(taken, taken + timedelta(hours=48) - US)
    assert not rules.discarded_early(taken, taken + timedelta(hours=49))


def test_a_health_certificate_is_valid_through_its_expiry_day():
    expires = date(2026, 11, 10)
    assert rules.certificate_valid(expires, date(2026, 11, 9))
    assert rules.certificate_valid(expires, date(2026, 11, 10))
    assert not rules.certificate_valid(expires, date(2026, 11, 11))
    assert not rules.certificate_valid(None, date(2026, 11, 10))


def test_an_outbreak_reported_after_24_hours_is_late():
    onset = at("2026-11-10", "08:00")
    assert not rules.outbreak_late(onset, onset + timedelta(hours=24))
    assert rules.outbreak_late(onset, onset + timedelta(hours=24) + US)
    assert not rules.outbreak_late(onset, onset + timedelta(hours=23))
    # the same instants written in another zone
    assert not rules.outbreak_late(onset, (onset + timedelta(hours=24)).astimezone(UTC))


def test_a_licence_is_expired_from_the_day_after_its_expiry():
    expires = date(2026, 11, 10)
    assert not rules.licence_expired(expires, date(2026, 11, 9))
    assert not rules.licence_expired(expires, date(2026, 11, 10))
    assert rules.licence_expired(expires, date(2026, 11, 11))


# --- hazards --------------------------------------------------------------------------------


def test_hazard_deadline_by_severity():
    opened = date(2026, 12, 31)
    assert rules.hazard_deadline(opened, True, 1, 7) == date(2027, 1, 1)
    assert rules.hazard_deadline(opened, False, 1, 7) == date(2027, 1, 7)
    assert rules.hazard_deadline(date(2028, 2, 28), False, 2, 30) == date(2028, 3, 29)  # leap year
    assert rules.hazard_deadline(date(2028, 2, 28), True, 2, 30) == date(2028, 3, 1)


def test_hazard_overdue_the_day_after_its_deadline_unless_closed():
    deadline = date(2026, 11, 10)
    assert not rules.hazard_overdue(deadline, "open", deadline)
    assert rules.hazard_overdue(deadline, "open", deadline + timedelta(days=1))
    assert rules.hazard_overdue(deadline, "fixed", deadline + timedelta(days=1))  # waiting for the county
    assert not rules.hazard_overdue(deadline, "closed", deadline + timedelta(days=30))


def test_failed_items():
    answers = [{"key": "a", "result": "pass"}, {"key": "b", "result": "fail"}, {"key": "c", "result": "na"}]
    assert rules.failed_items(answers) == [answers[1]]


# --- parsing a home's settings --------------------------------------------------------------


def test_parse_window():
    assert rules.parse_window("06:00-09:00") == (time(6), time(9))
    assert rules.parse_window(" 11:00 - 13:30 ") == (time(11), time(13, 30))
    assert rules.parse_window("06:00-06:01") == (time(6), time(6, 1))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "06:00",
        "06:00-",
        "-09:00",
        "09:00-06:00",
        "06:00-06:00",
        "6点-9点",
        "06:00-25:00",
        "06:00-09:00-10:00",
        "06:00-09:00+08:00",
        "06:00Z-09:00",
        "０６:００-０９:００",
    ],
)
def test_parse_window_refuses(text):
    with pytest.raises(ValueError):
        rules.parse_window(text)


def test_parse_slots():
    assert rules.parse_slots("22,0,2,4") == (22, 0, 2, 4)
    assert rules.parse_slots("4,2,0,22") == (22, 0, 2, 4)  # night order, whatever the order typed
    assert rules.parse_slots(" 18 , 7 ") == (18, 7)  # both edges of the night
    assert rules.parse_slots("23,") == (23,)


@pytest.mark.parametrize("text", ["", ",", "22,22", "17", "8", "12", "24", "25", "-1", "22,x", "22.5"])
def test_parse_slots_refuses(text):
    with pytest.raises(ValueError):
        rules.parse_slots(text)


# --- a property: every moment is placed in a period that contains it -------------------------

MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC))


def _night_window(night: date, slot: str, slots: tuple[int, ...]) -> tuple[datetime, datetime]:
    """The slot's window, computed here from the rule (a slot runs to the next one; the last 2 h)."""
    starts = [datetime.combine(night if hour >= 12 else night + timedelta(days=1), time(hour), tzinfo=SH) for hour in slots]
    index = [str(hour) for hour in slots].index(slot)
    return starts[index], starts[index + 1] if index + 1 < len(starts) else starts[index] + timedelta(hours=2)


@settings(max_examples=300, deadline=None)
@given(moment=MOMENTS, frequency=st.sampled_from([f for f in rules.FREQUENCIES if f != "nightly"]))
def test_place_puts_a_moment_in_a_period_that_contains_its_local_day(moment, frequency):
    local_day = moment.astimezone(SH).date()
    placed = rules.place(frequency, moment, SH)
    assert placed is not None
    assert placed.period == rules.period_key(frequency, local_day)
    first, last = rules.period_bounds(frequency, date.fromisoformat(placed.period) if len(placed.period) == 10 else local_day)
    assert first <= local_day <= last
    deadline = rules.deadline_of(frequency, placed, SH)
    if frequency == "event":
        assert deadline is None
    elif frequency != "meal":  # a meal's entry after its window still counts for it, and may be late
        assert deadline >= moment + timedelta(hours=2)  # done in its period: at least the grace left


@settings(max_examples=300, deadline=None)
@given(moment=MOMENTS, slots=st.sampled_from([(22, 0, 2, 4), (23, 1, 3), (18, 7), (20, 22, 0, 2, 4, 6), (0, 3)]))
def test_place_puts_a_night_patrol_in_a_slot_whose_window_contains_it(moment, slots):
    placed = rules.place("nightly", moment, SH, slots=slots)
    local = moment.astimezone(SH)
    windows = [
        _night_window(night, str(hour), slots) for night in (local.date() - timedelta(days=1), local.date()) for hour in slots
    ]
    inside = [window for window in windows if window[0] <= local < window[1]]
    if placed is None:
        assert inside == []
    else:
        start, end = _night_window(date.fromisoformat(placed.period), placed.slot, slots)
        assert start <= local < end
        assert rules.deadline_of("nightly", placed, SH, slots=slots) == end + timedelta(hours=2)
