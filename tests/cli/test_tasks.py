"""``tekun tasks generate`` and ``tekun tasks list`` (interfaces §2): exit codes, the summary on
stderr, one JSON document on stdout."""

from __future__ import annotations

from datetime import timedelta

from backend.core import dates
from backend.inspections.tables import Task
from tests.cli.helpers import as_json, tekun
from tests.inspections.test_generate import opened


async def test_generate_prints_what_it_did_and_is_safe_to_repeat(world):
    today = dates.today()
    home = await opened(world, on=today - timedelta(days=3))
    result = tekun("tasks", "generate", "--through", today.isoformat())
    assert result.returncode == 0, result.stderr
    assert "created" in result.stderr and "cancelled" in result.stderr and result.stdout == ""
    count = await Task.count().where(Task.home == home["id"])
    assert count > 0
    again = tekun("tasks", "generate", "--through", today.isoformat())
    assert again.returncode == 0 and "created 0," in again.stderr
    assert await Task.count().where(Task.home == home["id"]) == count


def test_a_bad_date_exits_2_with_the_message():
    result = tekun("tasks", "generate", "--through", "2026-13-40")
    assert result.returncode == 2
    assert "not a date: '2026-13-40' (write YYYY-MM-DD)" in result.stderr
    assert tekun("tasks", "generate").returncode == 2


async def test_list_json_filters_by_home_and_status(world):
    today = dates.today()
    home = await opened(world, on=today - timedelta(days=3))
    assert tekun("tasks", "generate", "--through", today.isoformat()).returncode == 0
    result = tekun("tasks", "list", "--home", home["code"], "--status", "overdue", "--json")
    assert result.returncode == 0, result.stderr
    document = as_json(result)
    assert document["tasks"] and {task["home"] for task in document["tasks"]} == {home["code"]}
    assert {task["status"] for task in document["tasks"]} == {"overdue"}
    first = document["tasks"][0]
    assert {"routine", "period", "subject", "expected", "done", "on_time", "due_at", "deadline", "county"} <= set(first)
    assert "task(s)" in result.stderr
    county = tekun("tasks", "list", "--county", first["county"], "--json")
    assert county.returncode == 0 and {task["county"] for task in as_json(county)["tasks"]} == {first["county"]}
    human = tekun("tasks", "list", "--home", home["code"])
    assert human.returncode == 0 and human.stdout == "" and home["code"] in human.stderr


def test_list_refuses_an_unknown_home_a_bad_status_and_a_bad_limit():
    unknown = tekun("tasks", "list", "--home", "NO-SUCH-HOME", "--json")
    assert unknown.returncode == 2 and "NO-SUCH-HOME" in unknown.stderr and unknown.stdout == ""
    assert tekun("tasks", "list", "--county", "999999").returncode == 2
    status = tekun("tasks", "list", "--status", "cancelled")
    assert status.returncode == 2 and "invalid choice" in status.stderr
    assert tekun("tasks", "list", "--limit", "0").returncode == 2
