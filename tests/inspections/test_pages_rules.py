"""The pure rules of the inspection pages (backend/inspections/page_rules.py): month ranges and
their refusals, the plan's periods, the plan's status, a visit's day, the worst-first order."""

from __future__ import annotations

from datetime import date

from backend.inspections import page_rules, rules
from backend.inspections.page_rules import month_range, plan_period, plan_status, sort_rows, visit_day_problem

TODAY = date(2026, 11, 15)


def test_month_range_defaults_and_refusals():
    assert month_range(None, None, TODAY) == (("2026-06", "2026-11"), {})
    assert month_range("2026-01", None, TODAY) == (("2026-01", "2026-11"), {})
    assert month_range(None, "2026-02", TODAY) == (("2025-09", "2026-02"), {})
    assert set(month_range("2026-13", "x", TODAY)[1]) == {"from", "to"}
    assert set(month_range("2026-05", "2026-04", TODAY)[1]) == {"from"}
    assert month_range("2024-01", "2026-12", TODAY)[1] == {}  # 36 months: the most
    assert set(month_range("2023-12", "2026-12", TODAY)[1]) == {"from"}  # 37


def test_months_between_crosses_years():
    assert page_rules.months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_quarters():
    assert plan_period(rules.QUARTERLY, date(2026, 11, 15)) == ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert plan_period(rules.QUARTERLY, date(2026, 3, 31)) == ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    assert page_rules.previous_period(rules.QUARTERLY, date(2026, 1, 1)) == ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31))


def test_plan_status():
    assert plan_status([date(2026, 10, 1)], TODAY) == "done"
    assert plan_status([date(2026, 9, 30)], TODAY) == "due"  # last quarter visited, this one not yet
    assert plan_status([date(2026, 6, 30)], TODAY) == "overdue"  # last quarter passed without one
    assert plan_status([], TODAY) == "overdue"
    assert plan_status([date(2026, 12, 31)], date(2026, 12, 31)) == "done"
    # a county that inspects once a year: last year's visit leaves this year due, not overdue
    assert plan_status([date(2025, 3, 1)], TODAY, "yearly") == "due"
    assert plan_status([date(2024, 12, 31)], TODAY, "yearly") == "overdue"
    assert plan_status([date(2026, 1, 2)], TODAY, "yearly") == "done"


def test_visit_day():
    assert visit_day_problem(TODAY, TODAY) is None
    assert visit_day_problem(date(2026, 11, 16), TODAY)
    assert visit_day_problem(date(2026, 7, 1), TODAY) is None  # the previous quarter's first day
    assert visit_day_problem(date(2026, 6, 30), TODAY)
    assert visit_day_problem(date(2025, 1, 1), TODAY, "yearly") is None  # the previous year's first day
    assert visit_day_problem(date(2024, 12, 31), TODAY, "yearly")


def test_worst_first_and_no_rate_last():
    rows = [
        ("a", rules.Counts(10, 10, 9), 0),
        ("b", rules.Counts(4, 2, 1), 1),
        ("c", rules.Counts(), 5),
        ("d", rules.Counts(4, 3, 1), 2),
    ]
    order = sort_rows(rows, "on_time", lambda r: r[1], lambda r: r[2], lambda r: r[0])
    assert [r[0] for r in order] == ["d", "b", "a", "c"]  # 25 % (2 overdue) before 25 % (1), then 90 %, no rate last
    assert [r[0] for r in sort_rows(rows, "done", lambda r: r[1], lambda r: r[2], lambda r: r[0])] == ["b", "d", "a", "c"]
    assert [r[0] for r in sort_rows(rows, "overdue", lambda r: r[1], lambda r: r[2], lambda r: r[0])] == ["c", "d", "b", "a"]
    assert [r[0] for r in sort_rows(rows, "name", lambda r: r[1], lambda r: r[2], lambda r: r[0])] == ["a", "b", "c", "d"]


def test_the_total_is_the_sum_not_the_mean():
    total = page_rules.totals([rules.Counts(7, 6, 5), rules.Counts(1, 0, 0)])
    assert total == rules.Counts(8, 6, 5) and total.on_time_rate == 5 / 8


def test_a_deadline_at_the_midnight_ending_a_day_is_named_by_that_day():
    from datetime import datetime

    from backend.inspections.page_rules import period_words, short_day, until_words

    today = date(2026, 12, 2)
    assert until_words(datetime(2027, 1, 1, 0, 0), today) == "12月31日前"  # not "2027年1月1日 00:00"
    assert until_words(datetime(2027, 1, 1, 0, 0), date(2027, 1, 5)) == "2026年12月31日前"  # another year: with it
    assert until_words(datetime(2026, 12, 1, 0, 0), today) == "11月30日前"
    assert until_words(datetime(2026, 12, 3, 2, 0), today) == "12月3日 02:00前"  # a grace's end keeps its time
    assert until_words(datetime(2026, 12, 3, 0, 1), today) == "12月3日 00:01前"
    assert short_day(date(2027, 2, 1), today) == "2027年2月1日"
    assert period_words(date(2026, 11, 1), date(2026, 11, 30), today) == "11月1日–11月30日"
    assert period_words(date(2026, 12, 1), date(2026, 12, 1), today) == "12月1日"


def test_overdue_tasks_are_grouped_by_routine_the_most_recently_missed_first():
    from types import SimpleNamespace

    from backend.inspections.page_rules import group_overdue

    def task(routine, day):
        return SimpleNamespace(routine=routine, label=routine.upper(), period_end=day)

    morning = [task("morning", date(2026, 11, day)) for day in range(1, 31)] + [task("morning", date(2026, 12, 1))]
    tasks = [task("hazard", date(2026, 11, 10)), *morning, task("drill", date(2026, 6, 30)), task("kitchen", date(2026, 12, 1))]
    groups = group_overdue(tasks)
    assert [(g.routine, g.count, g.latest) for g in groups] == [
        ("morning", 31, date(2026, 12, 1)),  # missed yesterday, and most often
        ("kitchen", 1, date(2026, 12, 1)),
        ("hazard", 1, date(2026, 11, 10)),
        ("drill", 1, date(2026, 6, 30)),
    ]
    assert groups[0].tasks[0].period_end == date(2026, 12, 1) and groups[0].tasks[-1].period_end == date(2026, 11, 1)
    # only the most recent listed: the totals come from the counts
    limited = group_overdue(morning[-5:], {"morning": (31, date(2026, 12, 1))})
    assert limited[0].count == 31 and len(limited[0].tasks) == 5
