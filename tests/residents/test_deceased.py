"""The dead are 已故, not dispersed (issue 10, point 8; domain-rules §7): the register shows
"deceased" with the date, the bed is freed, the timeline shows the death and not a discharge."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta

from backend.core import dates
from backend.core.ledger import verify_all
from backend.core.settings import get_settings
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.residents import services
from backend.residents.schemas import PlacementIn
from backend.residents.services import RegisterFilter
from tests.deaths.test_deaths import register  # noqa: F401 - the fixture

TZ = get_settings().tz


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


async def _dead_in_home(world, register, system, time_known=True):  # noqa: F811
    county = await world.county()
    home = await world.home(county=county, name="南坡敬老院")
    dead = await register(county, home, name="冯一")
    living = await register(county, home, name="陈二")
    at_home = await register(county, name="褚三")  # dispersed, alive
    await deaths.report_death(system, dead.id, DeathIn(died_at=local(2025, 4, 9, 14, 30), died_time_known=time_known))
    return county, home, dead, living, at_home


async def test_the_dead_are_neither_concentrated_nor_dispersed(world, register, system):  # noqa: F811
    county, home, dead, living, at_home = await _dead_in_home(world, register, system)
    person = await services.get_resident(system, dead.id)
    assert person.status == "died" and person.died_on == date(2025, 4, 9)
    assert person.mode is None and person.home_code is None  # the bed is freed
    on_death_day = await services.state_on(system, dead.id, date(2025, 4, 9))
    assert (on_death_day.home_code, on_death_day.mode) == (None, None)  # 已故: neither mode
    day_before = await services.state_on(system, dead.id, date(2025, 4, 8))
    assert (day_before.home_code, day_before.mode) == (home, "concentrated")

    def names(page):
        return {p.name for p in page.items}

    county_filter = dict(county_code=county)
    assert names(await services.search_register(system, RegisterFilter(**county_filter, mode="dispersed"))) == {"褚三"}
    assert names(await services.search_register(system, RegisterFilter(**county_filter, status="dispersed"))) == {"褚三"}
    assert names(await services.search_register(system, RegisterFilter(**county_filter, mode="concentrated"))) == {"陈二"}
    assert names(await services.search_register(system, RegisterFilter(**county_filter, status="died"))) == {"冯一"}
    # The home's roster: the living by default; the deceased (placed here once) by the filter.
    assert names(await services.roster(system, home)) == {"陈二"}
    assert names(await services.roster(system, home, RegisterFilter(status="died"))) == {"冯一"}
    assert names(await services.roster(system, home, RegisterFilter(status="former"))) == {"冯一"}
    assert await verify_all() is None


async def test_the_timeline_shows_the_death_not_a_discharge(world, register, system):  # noqa: F811
    _county, _home, dead, _living, _at_home = await _dead_in_home(world, register, system)
    events = await services.timeline(system, dead.id)
    kinds = [event["kind"] for event in events]
    assert "discharge" not in kinds and kinds[-1] == "died"
    assert events[-1]["on"] == date(2025, 4, 9) and events[-1]["left_home"] == "南坡敬老院"
    # The placement ledger keeps the end of stay written with the death (append-only).
    assert [p.kind for p in await services.placements(system, dead.id)] == ["admit", "discharge"]


async def test_a_person_discharged_before_dying_keeps_the_discharge(world, register, system):  # noqa: F811
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home, name="卫四")
    await services.record_placement(system, person.id, PlacementIn(kind="discharge", event_date=date(2025, 3, 1)))
    await deaths.report_death(system, person.id, DeathIn(died_at=local(2025, 3, 2, 8, 0)))
    events = await services.timeline(system, person.id)
    assert [e["kind"] for e in events][-2:] == ["discharge", "died"]
    assert events[-1]["left_home"] is None


async def test_the_person_page_says_deceased_with_the_time_or_time_unknown(world, register, system, signed_in):  # noqa: F811
    county, home, dead, _living, _at_home = await _dead_in_home(world, register, system)
    client, _inspector = await signed_in("inspector", county=county)
    page = html.unescape((await client.get(f"/residents/{dead.id}")).text)
    status = page.split('id="person-status">')[1].split("</dd>")[0]
    assert status == "已故 (2025年4月9日 14:30)"
    assert page.split('id="person-mode">')[1].split("</dd>")[0] == "无（已故）"
    timeline = page.split('class="timeline"')[1].split("</ol>")[0]
    assert "去世" in timeline and "14:30" in timeline and "在南坡敬老院的入住结束，床位已释放" in timeline
    assert "出院（转分散供养）" not in page and "分散供养" not in page.split("<main")[1]
    # Known by the date only: 时间不详.
    other = await register(county, home, name="蒋五")
    await deaths.report_death(system, other.id, DeathIn(died_at=local(2025, 5, 1, 0, 0), died_time_known=False))
    page = html.unescape((await client.get(f"/residents/{other.id}")).text)
    assert page.split('id="person-status">')[1].split("</dd>")[0] == "已故 (2025年5月1日 时间不详)"
    timeline = page.split('class="timeline"')[1].split("</ol>")[0]
    assert "时间不详" in timeline and "00:00" not in timeline


async def test_the_register_and_the_roster_pages_show_deceased_with_the_date(world, register, system, signed_in):  # noqa: F811
    county, home, dead, _living, _at_home = await _dead_in_home(world, register, system)
    client, _inspector = await signed_in("inspector", county=county)
    page = html.unescape((await client.get(f"/residents?county={county}&status=died")).text)
    assert '<option value="died" selected>已故</option>' in page
    row = page.split("冯一</a>")[1].split("</tr>")[0]
    assert "已故 2025年4月9日" in row
    assert "陈二" not in page
    dispersed = html.unescape((await client.get(f"/residents?county={county}&mode=dispersed")).text)
    assert "褚三" in dispersed and "冯一" not in dispersed
    roster = html.unescape((await client.get(f"/homes/{home}/roster")).text)
    assert "陈二" in roster and "冯一" not in roster
    roster = html.unescape((await client.get(f"/homes/{home}/roster?status=died")).text)
    assert "冯一" in roster and "已故 2025年4月9日" in roster and "陈二" not in roster


async def test_the_public_roster_lists_the_living_and_apart_the_recent_deaths(world, register, system, signed_in):  # noqa: F811
    county = await world.county()
    home = await world.home(county=county, name="东岭敬老院")
    living = await register(county, home, name="沈六")
    recent = await register(county, home, name="韩七")
    old = await register(county, home, name="杨八")
    elsewhere_home = await world.home(county=county, name="西岭敬老院")
    moved = await register(county, home, name="朱九")
    await services.record_placement(
        system, moved.id, PlacementIn(kind="transfer", event_date=date(2025, 1, 5), home_code=elsewhere_home)
    )
    yesterday = dates.today() - timedelta(days=1)
    await deaths.report_death(system, recent.id, DeathIn(died_at=dates.combine_local(yesterday, datetime.min.time())))
    await deaths.report_death(system, old.id, DeathIn(died_at=local(2025, 1, 5, 9, 0)))  # over a year ago
    await deaths.report_death(system, moved.id, DeathIn(died_at=dates.combine_local(yesterday, datetime.min.time())))
    client, _director = await signed_in("director", home=home)
    page = html.unescape((await client.get(f"/homes/{home}/roster/print")).text)
    residents, died = page.split('id="public-deaths"')
    assert "沈六" in residents and "韩七" not in residents
    assert "韩七" in died and f"{yesterday.year}年{yesterday.month}月{yesterday.day}日" in died
    assert "杨八" not in page  # died more than a year ago
    assert "朱九" not in page  # died in the other home
    assert living.id_number_masked in residents
