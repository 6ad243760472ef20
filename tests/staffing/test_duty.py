"""The duty roster (值班表) through the services: the week's gaps (empty nights; two certified
operators per shift with a fire control room), saving replaces the week with one audit, every
refusal (field named, nothing written), copying last week, leave shown and counted, and the
set-based ``uncovered_nights``."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from backend.accounts import audit_words as words
from backend.core import formatting
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import reset_language, set_language
from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.registry import services as registry
from backend.registry.schemas import HomePatch
from backend.staffing import rules, services
from backend.staffing.roster_schemas import LeaveIn, ShiftIn
from backend.staffing.tables import RosterShift
from tests.staffing.roster_helpers import add_post, counts, home_id, monday


def full_week(first, day_ids, night_ids):
    return [
        item
        for offset in range(7)
        for item in (
            ShiftIn(day=first + timedelta(days=offset), shift="day", staff_ids=list(day_ids)),
            ShiftIn(day=first + timedelta(days=offset), shift="night", staff_ids=list(night_ids)),
        )
    ]


def test_a_gap_message_separates_the_day_from_the_shift():
    marker = set_language("zh_CN")
    try:
        gap = rules.RosterGap(day=date(2026, 12, 21), shift="day", kind="operators", on_duty=1, certified=0)
        assert services.gap_message(gap).startswith("周一 12/21 白班：")
    finally:
        reset_language(marker)


@pytest.fixture
async def home(world, system):
    code = await world.home()
    hid = await home_id(system, code)
    return code, hid, await add_post(hid, "甲"), await add_post(hid, "乙")


async def test_save_replaces_the_week_with_one_audit_and_reports_gaps(home, system):
    code, hid, a, b = home
    week = monday(1)
    shifts = full_week(week, [a], [b])
    shifts[-1] = ShiftIn(day=week + timedelta(days=6), shift="night", staff_ids=[])  # Sunday night empty
    saved = await services.save_week(system, code, week, shifts)
    assert [(g.day, g.shift, g.kind) for g in saved.gaps] == [(week + timedelta(days=6), "night", "empty")]
    assert await RosterShift.count().where(RosterShift.home == hid) == 13

    read = await services.week_roster(system, code, week)
    assert read.assigned[(week, "day")] == {a} and (week + timedelta(days=6), "night") not in read.assigned
    assert [g.day for g in read.gaps] == [week + timedelta(days=6)]
    out = read.out()
    assert out.gaps[0].kind == "empty" and out.gaps[0].message

    # saving again replaces: only Monday's night left
    again = await services.save_week(system, code, week, [ShiftIn(day=week, shift="night", staff_ids=[a, b])])
    assert len(again.gaps) == 6
    assert await RosterShift.count().where(RosterShift.home == hid) == 2
    audits = await AuditEntry.select().where(
        AuditEntry.action == "duty.save", AuditEntry.entity_key == f"{code}:{week.isoformat()}"
    )
    assert len(audits) == 2
    last = audits[-1]
    before, after = json.loads(last["before"]), json.loads(last["after"])
    # the people as "工号 姓名" (the audit page reads as words), not as ids
    assert before[week.isoformat()] == {"day": ["S甲 甲"], "night": ["S乙 乙"]}
    assert after == {week.isoformat(): {"day": [], "night": ["S甲 甲", "S乙 乙"]}}
    marker = set_language("zh_CN")
    try:
        shown = words.changes("roster_week", last["before"], last["after"], words.Names())
        monday_change = next(c for c in shown if c.after is not None)
        assert monday_change.after == "白班：—；夜班：S甲 甲、S乙 乙", monday_change
        assert monday_change.before == "白班：S甲 甲；夜班：S乙 乙"
    finally:
        reset_language(marker)


async def test_fire_control_room_needs_two_certified_operators_per_shift(world, system):
    code = await world.home()
    await registry.update_home(system, code, HomePatch(has_fire_control_room=True))
    hid = await home_id(system, code)
    one = await add_post(hid, "持证一", fire_operator_cert=True)
    two = await add_post(hid, "持证二", fire_operator_cert=True)
    plain = await add_post(hid, "无证")
    week = monday(2)
    saved = await services.save_week(system, code, week, full_week(week, [one, two], [one, plain]))
    assert {(g.shift, g.kind, g.certified) for g in saved.gaps} == {("night", "operators", 1)}
    assert len(saved.gaps) == 7


async def test_refusals_name_the_field_and_write_nothing(home, world, system):
    code, hid, a, b = home
    other = await home_id(system, await world.home())
    stranger = await add_post(other, "外院")
    week = monday(1)
    late = await add_post(hid, "新人", hired_on=week + timedelta(days=3))
    gone = await add_post(hid, "已离", left_on=week + timedelta(days=2))
    away = await add_post(hid, "请假人")
    await services.record_leave(system, code, LeaveIn(staff_id=away, first_day=week, last_day=week, approved_by="院长"))
    await services.save_week(system, code, week, full_week(week, [a], [b]))
    before = await counts()
    monday_night = f"{week.isoformat()}.night"
    cases = [
        ([ShiftIn(day=week, shift="night", staff_ids=[stranger])], monday_night),
        ([ShiftIn(day=week, shift="night", staff_ids=[late])], monday_night),  # hired on Thursday
        ([ShiftIn(day=week + timedelta(days=2), shift="day", staff_ids=[gone])], f"{(week + timedelta(days=2)).isoformat()}.day"),
        ([ShiftIn(day=week, shift="night", staff_ids=[away])], monday_night),  # on leave that day
        ([ShiftIn(day=week + timedelta(days=7), shift="night", staff_ids=[a])], "day"),  # next week's Monday
    ]
    for shifts, field in cases:
        with pytest.raises(Invalid) as refused:
            await services.save_week(system, code, week, shifts)
        assert field in refused.value.errors, (shifts, refused.value.errors)
    with pytest.raises(Invalid) as refused:
        await services.save_week(system, code, week + timedelta(days=1), [])
    assert "week" in refused.value.errors
    with pytest.raises(Invalid):
        services.parse_week("2026-13-01")
    with pytest.raises(Invalid):
        services.parse_week("0001-01-01")  # a Monday, but no week before it to copy from
    with pytest.raises(Invalid) as refused:
        services.parse_week((week + timedelta(days=2)).isoformat())
    # the refusal names the Monday of that week
    assert formatting.day(week) in refused.value.errors["week"]
    assert await counts() == before
    # the ones in post that day are accepted: the new hire from Thursday, the leaver until Tuesday
    ok = await services.save_week(
        system,
        code,
        week,
        [
            ShiftIn(day=week + timedelta(days=3), shift="night", staff_ids=[late]),
            ShiftIn(day=week + timedelta(days=1), shift="night", staff_ids=[gone]),
        ],
    )
    assert len(ok.gaps) == 5


async def test_week_shows_leave_and_a_leave_after_saving_opens_a_gap(home, system):
    code, hid, a, b = home
    week = monday(1)
    await services.save_week(system, code, week, full_week(week, [a], [b]))
    assert (await services.week_roster(system, code, week)).gaps == []
    wednesday = week + timedelta(days=2)
    await services.record_leave(system, code, LeaveIn(staff_id=b, first_day=wednesday, last_day=wednesday, approved_by="院长"))
    read = await services.week_roster(system, code, week)
    assert [p.name for p in read.on_leave(wednesday)] == ["乙"]
    assert [p.name for p in read.unavailable_assigned(wednesday, "night")] == ["乙"]
    assert [(g.day, g.kind) for g in read.gaps] == [(wednesday, "empty")]
    assert [d.staff[0].name for d in read.out().on_leave if d.staff] == ["乙"]
    nights = await services.uncovered_nights([hid], week, week + timedelta(days=6))
    assert nights == {hid: [wednesday]}


async def test_copy_last_week_prefills_without_saving(home, system):
    code, hid, a, b = home
    last, this = monday(0), monday(1)
    await services.save_week(system, code, last, full_week(last, [a], [b]))
    await services.record_leave(system, code, LeaveIn(staff_id=a, first_day=this, last_day=this, approved_by="院长"))
    rows = await RosterShift.count()
    copied = await services.copy_previous_week(system, code, this)
    assert copied.assigned[(this + timedelta(days=1), "day")] == {a}
    assert copied.assigned[(this + timedelta(days=6), "night")] == {b}
    assert copied.assigned[(this, "day")] == set()  # a is on leave on this Monday: not copied
    assert copied.gaps == []
    assert await RosterShift.count() == rows  # nothing saved


async def test_uncovered_nights_is_set_based_over_homes(world, system):
    first, second = await world.home(), await world.home()
    h1, h2 = await home_id(system, first), await home_id(system, second)
    p1 = await add_post(h1, "夜班一")
    week = monday(3)
    await services.save_week(system, first, week, [ShiftIn(day=week, shift="night", staff_ids=[p1])])
    nights = await services.uncovered_nights([h1, h2], week, week + timedelta(days=1))
    assert nights == {h1: [week + timedelta(days=1)], h2: [week, week + timedelta(days=1)]}


async def test_out_of_scope_home_is_not_found(home, world, system):
    code, hid, a, _b = home
    other = await world.home()
    row = await registry.find_home(system, other)
    director = Scope(user_id=None, username="d", role="director", county_id=row["county_id"], home_id=row["id"])
    for call in (
        services.week_roster(director, code, monday()),
        services.save_week(director, code, monday(), [ShiftIn(day=monday(), shift="night", staff_ids=[a])]),
        services.copy_previous_week(director, code, monday()),
    ):
        with pytest.raises(NotFound):
            await call
    assert await RosterShift.count().where(RosterShift.home == hid) == 0
