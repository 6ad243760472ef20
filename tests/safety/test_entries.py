"""Recording ledger entries (issue 12 point 2): every item answered, idempotent by client_id (also
concurrently), append-only and chained per home (``tekun audit verify`` catches an edited row),
a failed item opens a hazard, a correction keeps both."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.errors import Invalid, NotFound
from backend.core.ledger import verify_ledger
from backend.safety import services
from backend.safety.schemas import EntryIn
from backend.safety.tables import SAFETY_LEDGER, SafetyEntry, SafetyHazard
from tests.safety.helpers import director_scope, entry_in, home_row


async def _counts(home_id: int) -> tuple[int, int]:
    return (
        await SafetyEntry.count().where(SafetyEntry.home == home_id),
        await SafetyHazard.count().where(SafetyHazard.home == home_id),
    )


async def test_a_patrol_with_one_failed_item_opens_one_hazard(world):
    code = await world.home()
    home = await home_row(code)
    data = await entry_in(code, fail={"extinguishers": "二楼灭火器压力不足"})
    entry, created = await services.record_entry(director_scope(home), code, data)
    assert created
    assert entry.failed == 1 and entry.routine == "fire_patrol" and entry.template_version == 1
    assert [hazard.item_key for hazard in entry.hazards] == ["extinguishers"]
    hazard = entry.hazards[0]
    assert not hazard.major and hazard.status == "open" and hazard.note == "二楼灭火器压力不足"
    assert (hazard.deadline - hazard.opened_on).days == 7
    # the failed item wants a photo: 照片待补 until one arrives
    assert entry.photo_pending and [a.key for a in entry.items if a.photo_pending] == ["extinguishers"]


async def test_a_failed_major_item_opens_a_major_hazard(world):
    code = await world.home()
    home = await home_row(code)
    entry, _ = await services.record_entry(
        director_scope(home), code, await entry_in(code, fail={"exit_doors_unlocked": "后门上锁"})
    )
    assert entry.hazards[0].major and (entry.hazards[0].deadline - entry.hazards[0].opened_on).days == 1


async def test_the_same_client_id_twice_is_one_entry(world):
    code = await world.home()
    home = await home_row(code)
    data = await entry_in(code, fail={"hydrants": "被杂物遮挡"})
    first, created = await services.record_entry(director_scope(home), code, data)
    again, created_again = await services.record_entry(director_scope(home), code, data)
    assert created and not created_again and again.id == first.id
    assert await _counts(home["id"]) == (1, 1)


async def test_the_same_client_id_concurrently_is_one_entry(world):
    code = await world.home()
    home = await home_row(code)
    data = await entry_in(code, fail={"hydrants": "被杂物遮挡"})
    results = await asyncio.gather(*(services.record_entry(director_scope(home), code, data) for _ in range(4)))
    assert sum(created for _entry, created in results) == 1
    assert len({entry.id for entry, _created in results}) == 1
    assert await _counts(home["id"]) == (1, 1)
    assert await verify_ledger(SAFETY_LEDGER) is None


async def test_a_missing_item_an_unknown_item_and_a_future_time_are_refused_and_nothing_is_stored(world):
    code = await world.home()
    home = await home_row(code)
    data = await entry_in(code)
    short = EntryIn(
        client_id=data.client_id,
        routine=data.routine,
        performed_at=dates.now_utc() + timedelta(hours=1),
        items=[*data.items[1:], type(data.items[0])(key="no_such_item", result="pass")],
    )
    with pytest.raises(Invalid) as refused:
        await services.record_entry(director_scope(home), code, short)
    errors = refused.value.errors
    assert "items.exits_clear" in errors and "疏散通道" in errors["items.exits_clear"]
    assert any(key.startswith("items[") for key in errors)
    assert "performed_at" in errors
    assert await _counts(home["id"]) == (0, 0)


async def test_an_entry_for_another_home_is_not_found(world):
    mine, theirs = await world.home(), await world.home()
    home = await home_row(mine)
    with pytest.raises(NotFound):
        await services.record_entry(director_scope(home), theirs, await entry_in(theirs))
    assert await _counts((await home_row(theirs))["id"]) == (0, 0)


async def test_a_correction_keeps_both_and_the_original_shows_it_was_corrected(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    first, _ = await services.record_entry(scope, code, await entry_in(code, fail={"kitchen_gas": "未关"}))
    fix = await entry_in(code, corrects=first.id, correction_reason="误选：燃气已关闭")
    second, _ = await services.record_entry(scope, code, fix)
    assert second.corrects == first.id
    again = await services.get_entry(scope, code, first.id)
    assert again.corrected_by == second.id and again.failed == 1
    assert await _counts(home["id"]) == (2, 1)
    with pytest.raises(Invalid) as refused:
        await services.record_entry(scope, code, await entry_in(code, corrects=first.id))
    assert "correction_reason" in refused.value.errors


async def test_an_entry_edited_in_the_database_breaks_its_home_chain(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    for _ in range(3):
        await services.record_entry(scope, code, await entry_in(code))
    assert await verify_ledger(SAFETY_LEDGER) is None
    rows = await SafetyEntry.select(SafetyEntry.id).where(SafetyEntry.home == home["id"]).order_by(SafetyEntry.seq)
    await SafetyEntry.update({SafetyEntry.failed: 5}).where(SafetyEntry.id == rows[1]["id"])
    broken = await verify_ledger(SAFETY_LEDGER)
    assert broken is not None and broken.ledger == f"safety_entry:{home['id']}" and broken.row_id == rows[1]["id"]
    await SafetyEntry.update({SafetyEntry.failed: 0}).where(SafetyEntry.id == rows[1]["id"])
    assert await verify_ledger(SAFETY_LEDGER) is None


async def test_status_counts_a_night_and_the_day(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    tz = services.zone()
    day = dates.today() - timedelta(days=2)
    from datetime import datetime, time

    night = datetime.combine(day, time(22, 30), tzinfo=tz)
    for hour in (0, 1):  # 22:30 and 00:30 (the next morning): slots 22 and 0 of the night of ``day``
        await services.record_entry(
            scope, code, await entry_in(code, "night_patrol", performed_at=night + timedelta(hours=2 * hour))
        )
    await services.record_entry(
        scope, code, await entry_in(code, "fire_patrol", performed_at=datetime.combine(day, time(9), tzinfo=tz))
    )
    status = await services.safety_status(scope, code, day)
    routines = {routine.routine: routine for routine in status.routines}
    assert (routines["night_patrol"].due, routines["night_patrol"].done, routines["night_patrol"].overdue) == (4, 2, True)
    # recorded now, two days later: done, not on time (补录)
    assert routines["night_patrol"].on_time == 0
    assert (routines["fire_patrol"].due, routines["fire_patrol"].done, routines["fire_patrol"].on_time) == (1, 1, 0)
    assert routines["food_sample"].due == 3 and routines["food_sample"].overdue
    assert routines["purchase_inspection"].due == 0 and not routines["purchase_inspection"].overdue


async def test_a_correction_opens_no_second_hazard_for_the_same_failed_item(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    first, _ = await services.record_entry(scope, code, await entry_in(code, fail={"hydrants": "被杂物遮挡"}))
    assert len(first.hazards) == 1
    # the same failure with a better note, and a second item found failed on a second look
    fix = await entry_in(
        code,
        fail={"hydrants": "一楼消火栓被杂物遮挡", "kitchen_gas": "未关"},
        corrects=first.id,
        correction_reason="补充说明",
    )
    second, _ = await services.record_entry(scope, code, fix)
    assert [hazard.item_key for hazard in second.hazards] == ["kitchen_gas"]
    # a correction of the correction: both keys already have open hazards in the chain
    third, _ = await services.record_entry(
        scope,
        code,
        await entry_in(code, fail={"hydrants": "x", "kitchen_gas": "y"}, corrects=second.id, correction_reason="再次更正"),
    )
    assert third.hazards == []
    assert await _counts(home["id"]) == (3, 2)
