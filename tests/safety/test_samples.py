"""Food samples (留样, issue 12 point 3): each dish at least 125 g (refused naming the rule, nothing
stored), the meal's samples kept 48 h, discarding once (earlier is flagged 提前处理), a double
submit one entry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core import dates
from backend.core.errors import Invalid, NotFound
from backend.core.ledger import recent_audit
from backend.safety import services
from backend.safety.tables import FoodSample, SafetyEntry
from tests.safety.food_helpers import earlier_today
from tests.safety.helpers import director_scope, entry_in, home_row


def _details(grams: int = 150, taken_at=None, meal: str = "lunch", **extra) -> dict:
    taken_at = taken_at or earlier_today(0.5)
    dish = {"dish": "红烧肉", "grams": grams, "taken_at": taken_at.isoformat(), "fridge": "1号留样柜", "keeper": "王芳"} | extra
    return {"meal": meal, "samples": [dish, {**dish, "dish": "炒青菜", "grams": 130}]}


async def _counts(home_id: int) -> tuple[int, int]:
    return (
        await SafetyEntry.count().where(SafetyEntry.home == home_id),
        await FoodSample.count().where(FoodSample.home == home_id),
    )


async def test_a_100_g_sample_is_refused_naming_the_rule_and_nothing_is_stored(world):
    code = await world.home()
    home = await home_row(code)
    data = await entry_in(code, "food_sample", performed_at=earlier_today(0.5), details=_details(grams=100))
    with pytest.raises(Invalid) as refused:
        await services.record_entry(director_scope(home), code, data)
    message = refused.value.errors["details.samples[0].grams"]
    assert message.startswith("留样量不少于 125 克") and "《餐饮服务食品安全操作规范》" in message
    assert "details.samples[1].grams" not in refused.value.errors
    assert await _counts(home["id"]) == (0, 0)


async def test_a_125_g_sample_is_stored_with_its_discard_time(world):
    code = await world.home()
    home = await home_row(code)
    taken = earlier_today(0.5)
    data = await entry_in(code, "food_sample", performed_at=earlier_today(0.25), details=_details(grams=125, taken_at=taken))
    entry, created = await services.record_entry(director_scope(home), code, data)
    assert created and entry.routine == "food_sample"
    rows = await FoodSample.select().where(FoodSample.entry == entry.id).order_by(FoodSample.id)
    assert [(row["dish"], row["grams"], row["meal"], row["keeper"]) for row in rows] == [
        ("红烧肉", 125, "lunch", "王芳"),
        ("炒青菜", 130, "lunch", "王芳"),
    ]
    assert rows[0]["discard_after"] - rows[0]["taken_at"] == timedelta(hours=48)
    stored = await SafetyEntry.select(SafetyEntry.details).where(SafetyEntry.id == entry.id).first()
    assert '"grams":125' in stored["details"] and '"meal":"lunch"' in stored["details"]


async def test_the_same_client_id_twice_stores_one_entry_and_one_set_of_samples(world):
    code = await world.home()
    home = await home_row(code)
    data = await entry_in(code, "food_sample", performed_at=earlier_today(0.25), details=_details())
    first, created = await services.record_entry(director_scope(home), code, data)
    again, created_again = await services.record_entry(director_scope(home), code, data)
    assert created and not created_again and again.id == first.id
    assert await _counts(home["id"]) == (1, 2)


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"meal": "lunch", "samples": []}, "details.samples"),
        ({"meal": "supper", "samples": [{"dish": "饭", "grams": 150, "keeper": "王芳"}]}, "details.meal"),
        ({"meal": "lunch", "samples": [{"dish": "饭", "grams": 150, "keeper": ""}]}, "details.samples[0].keeper"),
        ({"meal": "lunch", "samples": [{"dish": "饭", "grams": 150.5, "keeper": "王芳"}]}, "details.samples[0].grams"),
    ],
)
async def test_bad_samples_are_refused_and_nothing_is_stored(world, details, field):
    code = await world.home()
    home = await home_row(code)
    for sample in details["samples"]:
        sample.setdefault("taken_at", earlier_today(0.5).isoformat())
    data = await entry_in(code, "food_sample", performed_at=earlier_today(0.25), details=details)
    with pytest.raises(Invalid) as refused:
        await services.record_entry(director_scope(home), code, data)
    assert field in refused.value.errors
    assert await _counts(home["id"]) == (0, 0)


async def test_a_sample_taken_in_the_future_or_on_another_day_is_refused(world):
    code = await world.home()
    home = await home_row(code)
    for taken in (dates.now_utc() + timedelta(hours=2), earlier_today(0.25) - timedelta(days=1)):
        data = await entry_in(code, "food_sample", performed_at=earlier_today(0.25), details=_details(taken_at=taken))
        with pytest.raises(Invalid) as refused:
            await services.record_entry(director_scope(home), code, data)
        assert "details.samples[0].taken_at" in refused.value.errors
    assert await _counts(home["id"]) == (0, 0)


async def test_an_entry_without_details_is_refused(world):
    code = await world.home()
    home = await home_row(code)
    with pytest.raises(Invalid) as refused:
        await services.record_entry(director_scope(home), code, await entry_in(code, "food_sample"))
    assert "details" in refused.value.errors


async def test_discarding_early_is_flagged_once_and_audited(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    data = await entry_in(code, "food_sample", performed_at=earlier_today(0.25), details=_details())
    entry, _ = await services.record_entry(scope, code, data)
    samples = await services.list_samples(scope, code)
    assert len(samples) == 2 and not any(sample.may_discard for sample in samples)
    first = samples[0]
    discarded = await services.discard_sample(scope, first.id)
    assert discarded.discarded_at is not None and discarded.discarded_early and discarded.discarded_by == scope.username
    with pytest.raises(Invalid):
        await services.discard_sample(scope, first.id)
    audit = [row for row in await recent_audit(20) if row["action"] == "safety.sample_discarded"]
    assert audit and audit[0]["entity_key"] == str(first.id)


async def test_a_sample_kept_48_hours_may_be_discarded_and_is_not_early(world):
    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    data = await entry_in(code, "food_sample", performed_at=earlier_today(0.25), details=_details())
    await services.record_entry(scope, code, data)
    later = dates.now_utc() + timedelta(hours=49)
    samples = await services.list_samples(scope, code, now=later, first=dates.today(), last=dates.today())
    assert all(sample.may_discard for sample in samples)
    discarded = await services.discard_sample(scope, samples[0].id, now=later)
    assert not discarded.discarded_early


async def test_another_homes_director_cannot_discard(world):
    code, other = await world.home(), await world.home()
    home, other_home = await home_row(code), await home_row(other)
    data = await entry_in(code, "food_sample", performed_at=earlier_today(0.25), details=_details())
    await services.record_entry(director_scope(home), code, data)
    sample = (await services.list_samples(director_scope(home), code))[0]
    with pytest.raises(NotFound):
        await services.discard_sample(director_scope(other_home, "director.other"), sample.id)
    row = await FoodSample.select(FoodSample.discarded_at).where(FoodSample.id == sample.id).first()
    assert row["discarded_at"] is None


async def test_two_discards_at_once_discard_once(world):
    import asyncio

    code = await world.home()
    home = await home_row(code)
    scope = director_scope(home)
    await services.record_entry(
        scope, code, await entry_in(code, "food_sample", performed_at=earlier_today(0.25), details=_details())
    )
    sample = (await services.list_samples(scope, code))[0]
    results = await asyncio.gather(*(services.discard_sample(scope, sample.id) for _ in range(3)), return_exceptions=True)
    assert sum(not isinstance(result, BaseException) for result in results) == 1
    assert all(isinstance(result, Invalid) for result in results if isinstance(result, BaseException))
    audit = [
        row
        for row in await recent_audit(50)
        if row["action"] == "safety.sample_discarded" and row["entity_key"] == str(sample.id)
    ]
    assert len(audit) == 1
