"""Closing a home (issue 13): an administrator records the day, audited; not before the home was
registered; reopening clears it; task generation reads it (tests/inspections/test_generate.py)."""

from __future__ import annotations

from datetime import date

import pytest

from backend.core.errors import Forbidden, Invalid
from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.registry import services as registry


async def test_an_admin_closes_and_reopens_a_home_audited(world, system):
    code = await world.home()
    await registry.close_home(system, code, date(2030, 1, 31))
    (home,) = await registry.homes_for_tasks([(await registry.find_home(system, code))["id"]])
    assert home["closed_on"] == date(2030, 1, 31) and home["code"] == code
    entries = await AuditEntry.select().where((AuditEntry.action == "home.close") & (AuditEntry.entity_key == code))
    assert len(entries) == 1
    await registry.close_home(system, code, date(2030, 1, 31))  # the same day again: nothing written
    assert await AuditEntry.count().where((AuditEntry.action == "home.close") & (AuditEntry.entity_key == code)) == 1
    await registry.close_home(system, code, None)
    (home,) = await registry.homes_for_tasks([home["id"]])
    assert home["closed_on"] is None


async def test_closing_is_refused_before_registration_and_to_others(world, system):
    code = await world.home()
    with pytest.raises(Invalid) as refused:
        await registry.close_home(system, code, date(2000, 1, 1))
    assert "closed_on" in refused.value.errors
    inspector = Scope(user_id=None, username="i", role="inspector", county_id=1)
    with pytest.raises(Forbidden):
        await registry.close_home(inspector, code, date(2030, 1, 1))
