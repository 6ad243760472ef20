"""Hazards and rectification (issue 12 point 5): a failed major item opens a major hazard the home
cannot close (service and HTTP); only the county's verification closes it; a rejection sends it
back; every step is one audit record; another county's inspector gets 404; the deadlines follow
the county's parameters in force on the day a hazard is found; two verifications at once: one wins."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.tables import AuditEntry
from backend.registry import services as registry
from backend.registry.schemas import ParametersIn
from backend.safety import services
from backend.safety.hazard_schemas import FixIn, ManualHazardIn, PlanIn, RejectIn, VerifyIn
from backend.safety.tables import SafetyHazard
from tests.safety.helpers import director_scope, entry_in, home_row

MAJOR_ITEM = "exit_doors_unlocked"  # a major item of the default fire patrol
ORDINARY_ITEM = "extinguishers"


async def _hazard(world, item: str = MAJOR_ITEM, county: str | None = None):
    code = await world.home(county=county)
    home = await home_row(code)
    entry, _ = await services.record_entry(director_scope(home), code, await entry_in(code, fail={item: "后门上锁"}))
    return code, home, entry.hazards[0]


async def _row(hazard_id: int) -> dict:
    return await SafetyHazard.select().where(SafetyHazard.id == hazard_id).first()


async def _audit(hazard_id: int) -> list[str]:
    rows = (
        await AuditEntry.select(AuditEntry.action)
        .where((AuditEntry.entity == "safety_hazard") & (AuditEntry.entity_key == str(hazard_id)))
        .order_by(AuditEntry.seq)
    )
    return [row["action"] for row in rows]


async def _county_code(home: dict) -> str:
    return (await registry.counties_by_id([home["county_id"]]))[home["county_id"]]["code"]


async def test_a_failed_major_item_opens_a_major_hazard_the_home_cannot_close(world):
    code, home, hazard = await _hazard(world)
    director = director_scope(home)
    assert hazard.major and hazard.status == "open"
    await services.set_plan(director, hazard.id, PlanIn(owner="王师傅", plan="拆除后门挂锁"))
    fixed = await services.record_fix(director, hazard.id, FixIn(note="挂锁已拆除"))
    assert fixed.hazard.status == "fixed" and fixed.hazard.closed_on is None and fixed.needs_county
    # the director may not verify (service-level refusal), nor record the fix again
    with pytest.raises(Forbidden):
        await services.verify_hazard(director, hazard.id, VerifyIn())
    with pytest.raises(Invalid) as again:
        await services.record_fix(director, hazard.id, FixIn(note="再次整改"))
    assert "status" in again.value.errors
    row = await _row(hazard.id)
    assert row["status"] == "fixed" and row["fix_note"] == "挂锁已拆除" and row["closed_on"] is None
    # the county's inspector verifies it: closed, and every step in the audit log
    inspector = await world.user("inspector", county=await _county_code(home))
    closed = await services.verify_hazard(inspector.scope, hazard.id, VerifyIn(note="现场核验"))
    assert closed.hazard.status == "closed" and closed.hazard.closed_on == dates.today()
    assert closed.verified_by == inspector.username
    assert await _audit(hazard.id) == ["safety.hazard_plan", "safety.hazard_fixed", "safety.hazard_verified"]
    assert [step.step for step in closed.history] == ["opened", "plan", "fixed", "verified"]


async def test_an_ordinary_hazard_closes_when_the_home_records_the_fix(world):
    code, home, hazard = await _hazard(world, ORDINARY_ITEM)
    assert not hazard.major
    fixed = await services.record_fix(director_scope(home), hazard.id, FixIn(note="已更换灭火器"))
    assert fixed.hazard.status == "closed" and fixed.hazard.closed_on == dates.today()
    assert await _audit(hazard.id) == ["safety.hazard_fixed"]
    inspector = await world.user("inspector", county=await _county_code(home))
    with pytest.raises(Invalid):  # nothing to verify
        await services.verify_hazard(inspector.scope, hazard.id, VerifyIn())


async def test_a_rejected_fix_sends_the_hazard_back_to_open(world):
    code, home, hazard = await _hazard(world)
    director = director_scope(home)
    await services.record_fix(director, hazard.id, FixIn(note="挂锁已拆除"))
    inspector = await world.user("inspector", county=await _county_code(home))
    with pytest.raises(Invalid) as empty:
        await services.reject_hazard(inspector.scope, hazard.id, RejectIn(reason="  "))
    assert "reason" in empty.value.errors and (await _row(hazard.id))["status"] == "fixed"
    rejected = await services.reject_hazard(inspector.scope, hazard.id, RejectIn(reason="后门仍被杂物堵住"))
    assert rejected.hazard.status == "open" and rejected.verify_note == "后门仍被杂物堵住"
    assert rejected.hazard.deadline == hazard.deadline  # the deadline stays
    assert [step.step for step in rejected.history][-1] == "rejected"
    # the home fixes it again, and the county closes it
    await services.record_fix(director, hazard.id, FixIn(note="杂物已清理"))
    closed = await services.verify_hazard(inspector.scope, hazard.id, VerifyIn())
    assert closed.hazard.status == "closed"
    assert await _audit(hazard.id) == [
        "safety.hazard_fixed",
        "safety.hazard_rejected",
        "safety.hazard_fixed",
        "safety.hazard_verified",
    ]


async def test_an_inspector_of_another_county_gets_not_found_and_nothing_changes(world):
    code, home, hazard = await _hazard(world)
    await services.record_fix(director_scope(home), hazard.id, FixIn(note="挂锁已拆除"))
    stranger = await world.user("inspector", county=await world.county())
    for call in (
        services.get_hazard(stranger.scope, hazard.id),
        services.verify_hazard(stranger.scope, hazard.id, VerifyIn()),
        services.reject_hazard(stranger.scope, hazard.id, RejectIn(reason="x")),
        services.list_hazards(stranger.scope, code),
    ):
        with pytest.raises(NotFound):
            await call
    other_home = director_scope(await home_row(await world.home()))
    with pytest.raises(NotFound):
        await services.record_fix(other_home, hazard.id, FixIn(note="x"))
    row = await _row(hazard.id)
    assert row["status"] == "fixed" and row["verified_by"] == ""
    assert await _audit(hazard.id) == ["safety.hazard_fixed"]


async def test_a_director_is_refused_the_county_view(world):
    code, home, _hazard_out = await _hazard(world)
    with pytest.raises(Forbidden):
        await services.county_hazards(director_scope(home), await _county_code(home))


async def test_deadlines_follow_the_county_parameters_in_force_on_the_day_found(world, system):
    county = await world.county()
    code = await world.home(county=county)
    home = await home_row(code)
    today = dates.today()
    base = dict(residents_per_staff=10, death_report_deadline_hours=24, extra_months_after_death=0, inspections_per_year=4)
    await registry.set_parameters(
        system, county, ParametersIn(effective_from=today, **base, hazard_days_major=3, hazard_days_ordinary=14)
    )
    later = today + timedelta(days=10)
    await registry.set_parameters(
        system, county, ParametersIn(effective_from=later, **base, hazard_days_major=0, hazard_days_ordinary=30)
    )
    entry, _ = await services.record_entry(
        director_scope(home), code, await entry_in(code, fail={MAJOR_ITEM: "锁", ORDINARY_ITEM: "压力低"})
    )
    deadlines = {hazard.item_key: (hazard.deadline - hazard.opened_on).days for hazard in entry.hazards}
    assert deadlines == {MAJOR_ITEM: 3, ORDINARY_ITEM: 14}
    # a hazard found after the change takes the new days (opened by hand "on" the later day)
    moment = dates.now_utc() + timedelta(days=10)
    major = await services.open_hazard(director_scope(home), code, ManualHazardIn(title="楼道堆物", major=True), now=moment)
    ordinary = await services.open_hazard(director_scope(home), code, ManualHazardIn(title="指示灯不亮"), now=moment)
    assert (major.hazard.deadline - major.hazard.opened_on).days == 0
    assert (ordinary.hazard.deadline - ordinary.hazard.opened_on).days == 30
    assert major.hazard.source == "manual" and await _audit(major.hazard.id) == ["safety.hazard_opened"]


async def test_the_defaults_are_one_day_major_and_seven_ordinary(world):
    code = await world.home()
    inspector = await world.user("inspector", county=await _county_code(await home_row(code)))
    opened = await services.open_hazard(inspector.scope, code, ManualHazardIn(title="配电箱无盖", major=True, note="一楼"))
    assert (opened.hazard.deadline - opened.hazard.opened_on).days == 1 and opened.opened_by == inspector.username
    with pytest.raises(Invalid) as blank:
        await services.open_hazard(inspector.scope, code, ManualHazardIn(title="   "))
    assert "title" in blank.value.errors


async def test_two_verifications_at_once_one_wins_the_other_is_told(world):
    code, home, hazard = await _hazard(world)
    await services.record_fix(director_scope(home), hazard.id, FixIn(note="挂锁已拆除"))
    county = await _county_code(home)
    first, second = await world.user("inspector", county=county), await world.user("inspector", county=county)
    results = await asyncio.gather(
        services.verify_hazard(first.scope, hazard.id, VerifyIn(note="甲")),
        services.verify_hazard(second.scope, hazard.id, VerifyIn(note="乙")),
        return_exceptions=True,
    )
    won = [result for result in results if not isinstance(result, BaseException)]
    lost = [result for result in results if isinstance(result, BaseException)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], Invalid)
    winner = won[0].verified_by
    assert winner in (first.username, second.username)
    assert lost[0].errors["status"] == f"这项隐患已由 {winner} 核验并销号。"
    assert await _audit(hazard.id) == ["safety.hazard_fixed", "safety.hazard_verified"]
    assert (await _row(hazard.id))["verified_by"] == winner


async def test_the_board_puts_overdue_first_then_major_and_filters(world):
    code = await world.home()
    home = await home_row(code)
    director = director_scope(home)
    past = dates.now_utc() - timedelta(days=10)
    late = await services.open_hazard(director, code, ManualHazardIn(title="旧的一般隐患"), now=past)
    major = await services.open_hazard(director, code, ManualHazardIn(title="重大", major=True))
    ordinary = await services.open_hazard(director, code, ManualHazardIn(title="一般"))
    done = await services.open_hazard(director, code, ManualHazardIn(title="已整改"))
    await services.record_fix(director, done.hazard.id, FixIn(note="好了"))
    board = await services.list_hazards(director, code)
    assert [h.id for h in board] == [late.hazard.id, major.hazard.id, ordinary.hazard.id]
    assert board[0].overdue and not board[1].overdue
    assert [h.id for h in await services.list_hazards(director, code, "closed")] == [done.hazard.id]
    assert len(await services.list_hazards(director, code, "all")) == 4
    with pytest.raises(Invalid):
        await services.list_hazards(director, code, "bogus")


async def test_the_county_view_puts_waiting_major_hazards_first(world):
    county = await world.county()
    quiet, busy = await world.home(county=county), await world.home(county=county)
    inspector = await world.user("inspector", county=county)
    await services.open_hazard(inspector.scope, quiet, ManualHazardIn(title="一般"))
    waiting = await services.open_hazard(inspector.scope, busy, ManualHazardIn(title="重大", major=True))
    other = await services.open_hazard(inspector.scope, quiet, ManualHazardIn(title="重大二", major=True))
    await services.record_fix(director_scope(await home_row(busy)), waiting.hazard.id, FixIn(note="已整改"))
    view = await services.county_hazards(inspector.scope, county)
    assert [h.code for h in view.homes] == [busy, quiet]
    assert [h.id for h in view.major] == [waiting.hazard.id, other.hazard.id]
    assert (view.open, view.waiting) == (3, 1)
    assert {h.code: (h.open, h.major, h.waiting) for h in view.homes} == {busy: (1, 1, 1), quiet: (2, 1, 0)}
    by_open = await services.county_hazards(inspector.scope, county, "open")
    assert [h.code for h in by_open.homes] == [quiet, busy]
    with pytest.raises(Invalid):
        await services.county_hazards(inspector.scope, county, "bogus")
    counts = await services.county_hazard_counts(inspector.scope)
    assert (counts.waiting, counts.overdue) == (1, 0)


async def test_a_fix_takes_a_heic_photo_checked_like_an_entrys_and_refuses_a_forged_one(world):
    """The fix's evidence goes through the entries' photo worker: HEIC (an iPhone's default) with
    its thumbnail; a forged file refuses the fix and leaves the hazard open."""
    from backend.safety.tables import SafetyPhoto
    from tests.safety.images import heic

    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    entry, _ = await services.record_entry(scope, code, await entry_in(code, fail={"hydrants": "遮挡"}))
    hazard = entry.hazards[0]
    with pytest.raises(Invalid) as refused:
        await services.record_fix(scope, hazard.id, FixIn(note="已清理"), [b"\x00\x00\x00\x18ftypheic" + b"x" * 64])
    assert "photos" in refused.value.errors
    assert (await SafetyHazard.select().where(SafetyHazard.id == hazard.id).first())["status"] == "open"
    done = await services.record_fix(scope, hazard.id, FixIn(note="已清理"), [heic()])
    assert done.hazard.status == "closed" and len(done.photos) == 1
    row = await SafetyPhoto.select().where(SafetyPhoto.hazard == hazard.id).first()
    assert row["content_type"] == "image/heic"
    path, content_type = await services.photo_file(scope, code, row["id"], thumb=True)
    assert path.is_file() and content_type == "image/jpeg"
