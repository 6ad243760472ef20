"""Two generators racing on the same range, in two processes (issue 13, "Tests that must exist"):
each task is created once (the natural key's ON CONFLICT DO NOTHING), both exit 0, and what they
created together is what is there; a third run creates nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

from backend.core import dates
from backend.inspections.tables import Task
from tests.cli.helpers import ROOT, tekun
from tests.inspections.test_generate import opened

HOMES = 25


def _created(stderr: str) -> int:
    found = re.search(r"created (\d+),", stderr)
    assert found, stderr
    return int(found.group(1))


async def test_two_generators_racing_create_each_task_once(world):
    today = dates.today()
    county = await world.county()
    homes = [await opened(world, on=today - timedelta(days=40), county=county) for _ in range(HOMES)]
    before = await Task.count()
    command = [sys.executable, "-m", "backend.cli", "tasks", "generate", "--through", (today + timedelta(days=20)).isoformat()]
    racers = [
        subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [racer.communicate(timeout=300) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    created = sum(_created(stderr) for _stdout, stderr in outputs)
    after = await Task.count()
    assert created == after - before > 0
    rows = await Task.select(Task.home, Task.routine, Task.period, Task.subject).where(
        Task.home.is_in([home["id"] for home in homes])
    )
    keys = [(row["home"], row["routine"], row["period"], row["subject"]) for row in rows]
    assert len(keys) == len(set(keys)) and len({key[0] for key in keys}) == HOMES
    third = tekun("tasks", "generate", "--through", (today + timedelta(days=20)).isoformat())
    assert third.returncode == 0 and _created(third.stderr) == 0
