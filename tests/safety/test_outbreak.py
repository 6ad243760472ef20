"""Outbreak reports (issue 12 point 4; domain rules §5b): reported by the home (the symptom; two
cases and now by default), late when more than 24 h after the onset, seen by the county at once
and acknowledged by its inspector; another county's inspector sees nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.ledger import recent_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import services
from backend.safety.tables import OutbreakReport
from tests.safety.helpers import director_scope, home_row


def inspector_scope(county_id: int, name: str = "inspector.test") -> Scope:
    return Scope(user_id=None, username=name, role="inspector", county_id=county_id)


async def test_two_taps_report_with_the_defaults_and_the_county_sees_it(world):
    code = await world.home()
    home = await home_row(code)
    report = await services.report_outbreak(director_scope(home), code, services.OutbreakIn(symptom="diarrhoea"))
    assert report.cases == 2 and not report.late and report.hours == 0 and not report.acknowledged
    assert abs((report.onset_at - report.reported_at).total_seconds()) < 1
    seen = await services.county_outbreaks(inspector_scope(home["county_id"]), home["county_code"])
    assert [(r.id, r.home, r.symptom) for r in seen] == [(report.id, code, "diarrhoea")]
    assert any(row["action"] == "safety.outbreak_reported" for row in await recent_audit(10))
    assert await services.unacknowledged_outbreaks(inspector_scope(home["county_id"])) == [(home["county_code"], 1)]
    assert await services.unacknowledged_outbreaks(director_scope(home)) == [(code, 1)]


@pytest.mark.parametrize(("hours", "late"), [(24, False), (24.01, True), (23, False), (30, True)])
async def test_late_when_more_than_24_hours_after_the_onset(world, hours, late):
    code = await world.home()
    home = await home_row(code)
    now = dates.now_utc()
    report = await services.report_outbreak(
        director_scope(home), code, services.OutbreakIn(symptom="fever", cases=3, onset_at=now - timedelta(hours=hours)), now=now
    )
    assert report.late is late and report.hours == int(hours)
    row = await OutbreakReport.select(OutbreakReport.late).where(OutbreakReport.id == report.id).first()
    assert bool(row["late"]) is late


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"symptom": "sneezing"}, "symptom"),
        ({"symptom": "fever", "cases": 0}, "cases"),
        ({"symptom": "fever", "onset_at": "future"}, "onset_at"),
    ],
)
async def test_bad_reports_are_refused_and_nothing_stored(world, data, field):
    code = await world.home()
    home = await home_row(code)
    if data.get("onset_at") == "future":
        data = data | {"onset_at": dates.now_utc() + timedelta(hours=1)}
    with pytest.raises(Invalid) as refused:
        await services.report_outbreak(director_scope(home), code, services.OutbreakIn(**data))
    assert field in refused.value.errors
    assert await OutbreakReport.count().where(OutbreakReport.home == home["id"]) == 0


async def test_another_countys_inspector_sees_nothing_and_cannot_acknowledge(world):
    code = await world.home()
    home = await home_row(code)
    other = await registry.find_county(Scope.system(), await world.county())
    report = await services.report_outbreak(director_scope(home), code, services.OutbreakIn(symptom="cough"))
    stranger = inspector_scope(other["id"], "inspector.other")
    with pytest.raises(NotFound):
        await services.county_outbreaks(stranger, home["county_code"])
    with pytest.raises(NotFound):
        await services.acknowledge_outbreak(stranger, report.id)
    with pytest.raises(NotFound):
        await services.county_outbreaks(director_scope(home), home["county_code"])
    with pytest.raises(Forbidden):
        await services.acknowledge_outbreak(director_scope(home), report.id)
    row = await OutbreakReport.select(OutbreakReport.acknowledged_at).where(OutbreakReport.id == report.id).first()
    assert row["acknowledged_at"] is None


async def test_the_inspector_acknowledges_and_the_list_puts_open_reports_first(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    first = await services.report_outbreak(scope, code, services.OutbreakIn(symptom="vomiting"))
    second = await services.report_outbreak(scope, code, services.OutbreakIn(symptom="rash"))
    inspector = inspector_scope(home["county_id"])
    acknowledged = await services.acknowledge_outbreak(inspector, second.id)
    assert acknowledged.acknowledged and acknowledged.acknowledged_by == "inspector.test"
    again = await services.acknowledge_outbreak(inspector, second.id)
    assert again.acknowledged_at == acknowledged.acknowledged_at
    listed = await services.county_outbreaks(inspector, home["county_code"])
    assert [report.id for report in listed] == [first.id, second.id]
    actions = [row["action"] for row in await recent_audit(10)]
    assert actions.count("safety.outbreak_acknowledged") >= 1
    assert await services.unacknowledged_outbreaks(scope) == [(code, 1)]


async def test_the_to_do_items_count_the_unacknowledged_reports(world):
    from backend.core import todo
    from backend.safety.views import outbreak_todo  # noqa: F401 - registers the source

    code = await world.home()
    home = await home_row(code)
    inspector = inspector_scope(home["county_id"])
    assert [item for item in await todo.items(inspector) if item.kind == "outbreak_unacknowledged"] == []
    report = await services.report_outbreak(director_scope(home), code, services.OutbreakIn(symptom="fever"))
    await services.report_outbreak(director_scope(home), code, services.OutbreakIn(symptom="cough"))
    items = [item for item in await todo.items(inspector) if item.kind == "outbreak_unacknowledged"]
    assert [(item.href, item.urgency) for item in items] == [(f"/counties/{home['county_code']}/outbreaks", todo.OVERDUE)]
    assert "2" in items[0].detail
    director_items = [item for item in await todo.items(director_scope(home)) if item.kind == "outbreak_awaiting_county"]
    assert [item.href for item in director_items] == [f"/homes/{code}/outbreaks"]
    await services.acknowledge_outbreak(inspector, report.id)
    items = [item for item in await todo.items(inspector) if item.kind == "outbreak_unacknowledged"]
    assert "1" in items[0].detail


async def test_the_same_report_sent_again_is_one_report(world):
    """A double tap or a retry: the same symptom again within ten minutes, not yet acknowledged, is
    the report already made (also when sent at once); another symptom, or after ten minutes, is new."""
    import asyncio

    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    now = dates.now_utc()
    sent = await asyncio.gather(
        *(services.report_outbreak(scope, code, services.OutbreakIn(symptom="fever"), now=now) for _ in range(3))
    )
    assert len({report.id for report in sent}) == 1
    again = await services.report_outbreak(scope, code, services.OutbreakIn(symptom="fever"), now=now + timedelta(minutes=9))
    assert again.id == sent[0].id
    assert await OutbreakReport.count().where(OutbreakReport.home == home["id"]) == 1
    other = await services.report_outbreak(scope, code, services.OutbreakIn(symptom="cough"), now=now)
    later = await services.report_outbreak(scope, code, services.OutbreakIn(symptom="fever"), now=now + timedelta(minutes=11))
    assert len({sent[0].id, other.id, later.id}) == 3
