"""The admission queue (domain-rules §2, "Priority admission"): who may apply, the order (tier,
then date, then the order recorded), offer → admission through the register's admission with all
its rules, declined offers, withdrawal, and scope."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.core import dates
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.tables import AuditEntry
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.residents import services
from backend.residents.queue_rules import queue_key
from backend.residents.queue_schemas import AcceptIn, ApplicationIn, CloseIn, OfferIn
from backend.residents.schemas import AssessmentIn, ResidentIn
from tests.residents.helpers import new_id, register_person

ANSWERS = {
    "self_care": dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=True),
    "partial": dict(eat=True, dress=True, transfer=True, toilet=True, walk=True, bathe=False),
    "full_loss": dict(eat=True, dress=True, transfer=False, toilet=False, walk=False, bathe=False),
}


def ago(days: int) -> date:
    return dates.today() - timedelta(days=days)


def died(days_ago: int) -> DeathIn:
    return DeathIn(died_at=datetime.combine(ago(days_ago), time(9), tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture
async def place(world, system):
    """A county with two homes, its inspector, and helpers to register, assess and apply."""
    county = await world.county()
    home = await world.home(county=county, beds=5, name="东乡敬老院")
    other_home = await world.home(county=county, beds=5, name="西乡敬老院")
    inspector = (await world.user("inspector", county=county)).scope

    class Place:
        pass

    p = Place()
    p.county, p.home, p.other_home, p.inspector = county, home, other_home, inspector

    async def person(tier: str | None = None, name: str = "张三", home: str | None = None, county_code: str | None = None):
        out = await register_person(
            system,
            ResidentIn(
                id_number=new_id(),
                name=name,
                county_code=county_code or county,
                approved_on=date(2024, 1, 10),
                home_code=home,
                admitted_on=date(2024, 2, 1) if home else None,
            ),
        )
        if tier is not None:
            await services.record_assessment(
                system, out.id, AssessmentIn(assessed_on=ago(5), assessor="县民政局", reason="admission", **ANSWERS[tier])
            )
        return out

    async def apply(resident_id: int, applied_on: date, scope=None, **extra):
        return await services.record_application(
            scope or inspector, ApplicationIn(resident_id=resident_id, applicant="township", applied_on=applied_on, **extra)
        )

    p.person, p.apply = person, apply
    return p


async def test_the_queue_is_ordered_by_tier_then_date_then_the_order_recorded(place):
    self_care = await place.person("self_care", "甲一")
    unassessed = await place.person(None, "甲二")
    partial_later_recorded = await place.person("partial", "甲三")  # registered first, applies second
    partial_first_recorded = await place.person("partial", "乙四")
    partial_earlier_date = await place.person("partial", "丙五")
    full_loss_latest = await place.person("full_loss", "丁六")

    # recorded in this order: application ids rise down the list
    a_unassessed = await place.apply(unassessed.id, ago(60))
    a_self_care = await place.apply(self_care.id, ago(50))
    a_partial_1 = await place.apply(partial_first_recorded.id, ago(20))
    a_partial_2 = await place.apply(partial_later_recorded.id, ago(20))  # same tier, same date, later id
    a_partial_0 = await place.apply(partial_earlier_date.id, ago(21))  # one day earlier, recorded last of the partials
    a_full = await place.apply(full_loss_latest.id, ago(1))  # the latest date, but full loss goes first

    queue = await services.admission_queue(place.inspector, place.county)
    assert [item.id for item in queue] == [
        a_full.id,
        a_partial_0.id,
        a_partial_1.id,
        a_partial_2.id,
        a_self_care.id,
        a_unassessed.id,
    ]
    assert [item.position for item in queue] == [1, 2, 3, 4, 5, 6]
    assert [item.tier for item in queue] == ["full_loss", "partial", "partial", "partial", "self_care", "unassessed"]
    # the tie is broken by the application's id, not by the person's id or name
    assert partial_later_recorded.id < partial_first_recorded.id and a_partial_1.id < a_partial_2.id
    # the queue follows the tier in force: a new assessment moves the person up
    await services.record_assessment(
        place.inspector, self_care.id, AssessmentIn(assessed_on=ago(2), assessor="县医院", **ANSWERS["full_loss"])
    )
    queue = await services.admission_queue(place.inspector, place.county)
    assert [item.id for item in queue][:2] == [a_self_care.id, a_full.id]  # both full loss now: the earlier date first


def test_the_queue_key():
    day = date(2026, 3, 1)
    keys = [
        queue_key("unassessed", day - timedelta(days=9), 1),
        queue_key("self_care", day, 2),
        queue_key("partial", day, 4),
        queue_key("partial", day, 3),
        queue_key("partial", day - timedelta(days=1), 9),
        queue_key("full_loss", day, 8),
    ]
    assert sorted(keys) == [keys[5], keys[4], keys[3], keys[2], keys[1], keys[0]]
    assert queue_key("something else", day, 1) == queue_key("unassessed", day, 1)


async def test_only_a_dispersed_living_person_with_support_may_apply(place, world, system):
    placed = await place.person("partial", home=place.home)
    with pytest.raises(Invalid) as invalid:
        await place.apply(placed.id, ago(3))
    assert "东乡敬老院" in invalid.value.errors["resident_id"] and "分散" in invalid.value.errors["resident_id"]

    ended = await place.person("partial")
    await services.end_support(system, ended.id, ago(10), "迁出本县")
    with pytest.raises(Invalid) as invalid:
        await place.apply(ended.id, ago(3))
    assert ago(10).isoformat() in invalid.value.errors["resident_id"]

    dead = await place.person("full_loss")
    await deaths.report_death(place.inspector, dead.id, died(4))
    with pytest.raises(Invalid) as invalid:
        await place.apply(dead.id, ago(3))
    assert "去世" in invalid.value.errors["resident_id"]

    stranger = await place.person("partial", county_code=await world.county())
    with pytest.raises(NotFound):
        await place.apply(stranger.id, ago(3))

    fresh = await place.person("partial")
    with pytest.raises(Invalid) as invalid:
        await place.apply(fresh.id, ago(-1))
    assert "applied_on" in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        await place.apply(fresh.id, date(2024, 1, 9))  # the day before approval
    assert "applied_on" in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        await place.apply(fresh.id, ago(3), preferred_home_code=await world.home(county=await world.county()))
    assert "preferred_home_code" in invalid.value.errors
    assert await services.admission_queue(place.inspector, place.county) == []

    first = await place.apply(fresh.id, date(2024, 1, 10), preferred_home_code=place.home)  # on the approval day: accepted
    with pytest.raises(Invalid) as invalid:
        await place.apply(fresh.id, ago(1))
    assert f"{first.id}" in invalid.value.errors["resident_id"] and "已有" in invalid.value.errors["resident_id"]
    assert [item.id for item in await services.admission_queue(place.inspector, place.county)] == [first.id]


async def test_offer_then_admission_places_the_person_and_closes_the_application(place):
    person = await place.person("full_loss", "王五")
    application = await place.apply(person.id, ago(30), preferred_home_code=place.home, note="本人意愿")
    with pytest.raises(Invalid) as invalid:  # no admission before an offer
        await services.accept_offer(place.inspector, application.id, AcceptIn(admitted_on=ago(1)))
    assert "status" in invalid.value.errors
    with pytest.raises(Invalid) as invalid:
        await services.offer_place(place.inspector, application.id, OfferIn(home_code=place.home, offered_on=ago(31)))
    assert "offered_on" in invalid.value.errors
    offered = await services.offer_place(place.inspector, application.id, OfferIn(home_code=place.home, offered_on=ago(10)))
    assert offered.status == "offered" and offered.offered_home_code == place.home and offered.position == 1
    with pytest.raises(Invalid) as invalid:
        await services.accept_offer(place.inspector, application.id, AcceptIn(admitted_on=ago(11)))  # before the offer
    assert "admitted_on" in invalid.value.errors

    admitted = await services.accept_offer(place.inspector, application.id, AcceptIn(admitted_on=ago(2)))
    assert admitted.status == "admitted" and admitted.closed_on == ago(2) and admitted.position is None
    now = await services.get_resident(place.inspector, person.id)
    assert now.mode == "concentrated" and now.home_code == place.home and now.admitted_on == ago(2)
    [event] = await services.placements(place.inspector, person.id)
    assert event.kind == "admit" and event.event_date == ago(2) and f"{application.id}" in event.note
    assert await services.admission_queue(place.inspector, place.county) == []
    actions = [
        row["action"]
        for row in await AuditEntry.select(AuditEntry.action).where(AuditEntry.entity_key == person.id_number_masked)
    ]
    assert actions[-4:] == [
        "admission_application.create",
        "admission_application.offer",
        "resident.admit",
        "admission_application.admit",
    ]
    # closed: a new application is possible only once the person is dispersed again; now they are placed
    with pytest.raises(Invalid):
        await place.apply(person.id, ago(1))


async def test_a_refused_admission_leaves_the_application_offered(place):
    person = await place.person("partial")
    application = await place.apply(person.id, ago(30))
    await services.offer_place(place.inspector, application.id, OfferIn(home_code=place.other_home, offered_on=ago(9)))
    for index in range(5):  # the home fills up before the person arrives
        await place.person("self_care", f"住{index}", home=place.other_home)
    with pytest.raises(Invalid) as invalid:
        await services.accept_offer(place.inspector, application.id, AcceptIn(admitted_on=ago(1)))
    assert "5" in invalid.value.errors["admitted_on"]  # the register's rule, named: the home is full
    again = await services.get_application(place.inspector, application.id)
    assert again.status == "offered" and again.offered_home_code == place.other_home
    assert (await services.get_resident(place.inspector, person.id)).mode == "dispersed"
    assert await services.placements(place.inspector, person.id) == []
    # a full home is not offered at all
    other = await place.person("partial")
    waiting = await place.apply(other.id, ago(5))
    with pytest.raises(Invalid) as invalid:
        await services.offer_place(place.inspector, waiting.id, OfferIn(home_code=place.other_home, offered_on=ago(1)))
    assert "5" in invalid.value.errors["home_code"]


async def test_a_declined_offer_returns_to_the_queue_and_a_withdrawal_closes(place):
    first = await place.person("full_loss")
    second = await place.person("full_loss")
    a1 = await place.apply(first.id, ago(40))
    a2 = await place.apply(second.id, ago(30))
    await services.offer_place(place.inspector, a1.id, OfferIn(home_code=place.home, offered_on=ago(9)))
    with pytest.raises(Invalid) as invalid:
        await services.decline_offer(place.inspector, a1.id, CloseIn(on=ago(8), reason="  "))
    assert "reason" in invalid.value.errors
    declined = await services.decline_offer(place.inspector, a1.id, CloseIn(on=ago(8), reason="离家太远"))
    assert declined.status == "open" and declined.offered_home_code is None and declined.offers_declined == 1
    assert declined.position == 1  # its date, and so its place, kept
    with pytest.raises(Invalid):
        await services.decline_offer(place.inspector, a1.id, CloseIn(on=ago(7), reason="再次"))  # nothing offered now

    withdrawn = await services.withdraw_application(place.inspector, a1.id, CloseIn(on=ago(5), reason="本人撤回申请"))
    assert withdrawn.status == "withdrawn" and withdrawn.closed_on == ago(5) and withdrawn.close_reason == "本人撤回申请"
    assert [item.id for item in await services.admission_queue(place.inspector, place.county)] == [a2.id]
    assert [item.id for item in await services.closed_applications(place.inspector, place.county)] == [a1.id]
    with pytest.raises(Invalid):
        await services.withdraw_application(place.inspector, a1.id, CloseIn(on=ago(4), reason="再次撤回"))
    renewed = await place.apply(first.id, ago(1))  # closed: a new application is accepted
    assert renewed.status == "open" and renewed.position == 2


async def test_a_person_who_died_while_waiting_keeps_no_position(place):
    gone = await place.person("full_loss")
    waiting = await place.person("partial")
    a_gone = await place.apply(gone.id, ago(20))
    a_waiting = await place.apply(waiting.id, ago(10))
    await deaths.report_death(place.inspector, gone.id, died(3))
    queue = await services.admission_queue(place.inspector, place.county)
    assert [(item.id, item.position, item.blocked) for item in queue] == [(a_gone.id, None, "died"), (a_waiting.id, 1, None)]
    with pytest.raises(Invalid):
        await services.offer_place(place.inspector, a_gone.id, OfferIn(home_code=place.home, offered_on=ago(1)))


async def test_scope_of_reads_and_writes(place, world, system):
    person = await place.person("partial")
    named = await place.apply(person.id, ago(10), preferred_home_code=place.home)
    unnamed_person = await place.person("full_loss")
    unnamed = await place.apply(unnamed_person.id, ago(9))

    director = (await world.user("director", home=place.home)).scope
    other_director = (await world.user("director", home=place.other_home)).scope
    finance = (await world.user("finance", county=place.county)).scope
    outsider = (await world.user("inspector", county=await world.county())).scope

    # a director reads the applications naming their home, with their county positions
    assert [(item.id, item.position) for item in await services.admission_queue(director, place.county)] == [(named.id, 2)]
    assert await services.admission_queue(other_director, place.county) == []
    with pytest.raises(NotFound):
        await services.get_application(other_director, named.id)
    await services.offer_place(place.inspector, unnamed.id, OfferIn(home_code=place.other_home, offered_on=ago(1)))
    assert [item.id for item in await services.admission_queue(other_director, place.county)] == [unnamed.id]
    # nobody but the county writes
    for scope in (director, other_director, finance):
        with pytest.raises(Forbidden):
            await place.apply(unnamed_person.id, ago(1), scope=scope)
        with pytest.raises(Forbidden):
            await services.withdraw_application(scope, named.id, CloseIn(on=ago(1), reason="x"))
        with pytest.raises(Forbidden):
            await services.offer_place(scope, named.id, OfferIn(home_code=place.home, offered_on=ago(1)))
    # finance reads the whole queue; another county's inspector sees nothing of it
    assert len(await services.admission_queue(finance, place.county)) == 2
    with pytest.raises(NotFound):
        await services.admission_queue(outsider, place.county)
    with pytest.raises(NotFound):
        await services.get_application(outsider, named.id)
    with pytest.raises(NotFound):
        await services.withdraw_application(outsider, named.id, CloseIn(on=ago(1), reason="越权"))
    with pytest.raises(NotFound):
        await services.offer_place(outsider, named.id, OfferIn(home_code=place.home, offered_on=ago(1)))
    assert (await services.get_application(system, named.id)).status == "open"
    # an offer names a home of the person's county only
    with pytest.raises(Invalid) as invalid:
        await services.offer_place(place.inspector, named.id, OfferIn(home_code=await world.home(), offered_on=ago(1)))
    assert "home_code" in invalid.value.errors
