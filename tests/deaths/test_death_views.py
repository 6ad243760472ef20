"""Death pages built on the web toolkit: the report's confirmation step (nothing is recorded until
it is confirmed), late-report notices read per user, and the deaths' items of "今日待办"."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest

from backend.core import dates, formatting, todo
from backend.core.errors import Forbidden
from backend.core.i18n import gettext as zh
from backend.core.settings import get_settings
from backend.core.tables import AuditEntry
from backend.deaths import services
from backend.deaths.schemas import DeathIn
from backend.deaths.tables import DeathNoticeRead, DeathRecord
from backend.residents import services as residents
from backend.residents.schemas import ResidentIn
from backend.residents.tables import Resident
from tests.conftest import post_form
from tests.deaths.test_deaths import set_parameters
from tests.residents.helpers import new_id, register_person

TZ = get_settings().tz


@pytest.fixture
def register(system):
    async def make(county: str, home: str | None = None, name="赵六"):
        return await register_person(
            system,
            ResidentIn(
                id_number=new_id("F"),
                name=name,
                county_code=county,
                approved_on=date(2024, 1, 10),
                home_code=home,
                admitted_on=date(2024, 2, 1) if home else None,
            ),
        )

    return make


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden fields of the confirmation form (what the second post carries)."""
    form = page.split('id="death-confirm"')[1].split("</form>")[0]
    return {
        name: html.unescape(value) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    }


def an_hour_ago() -> str:
    return dates.local(dates.now_utc() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


async def records_of(resident_id: int) -> int:
    return await DeathRecord.count().where(DeathRecord.resident == resident_id)


async def test_a_death_report_is_confirmed_before_it_is_recorded(world, register, signed_in):
    county = await world.county()
    await set_parameters(county, date(2020, 1, 1), deadline=24, extra=1)  # paid one more month
    home = await world.home(county=county, name="北山敬老院")
    person = await register(county, home, name="钱九")
    client, _director = await signed_in("director", home=home)
    audit_before = await AuditEntry.count()
    died = dates.local(dates.now_utc() - timedelta(hours=30)).replace(second=0, microsecond=0)
    died_text = died.strftime("%Y-%m-%dT%H:%M")
    sent = {
        "died_at": died_text,
        "place": "本院",
        "cause": "心衰",
        "reporter": "李院长",
        "funeral_arrangements": "县殡仪馆\r\n火化",
    }

    first = await post_form(client, f"/residents/{person.id}/death", sent)
    assert first.status_code == 200, first.text
    assert 'id="death-confirm"' in first.text and 'name="confirmed" value="yes"' in first.text
    # Nothing is written by the first post: no record, no audit, the person still in the home.
    assert await records_of(person.id) == 0 and await AuditEntry.count() == audit_before
    assert (await residents.get_resident(_director.scope, person.id)).home_code == home
    # It says what will happen, with the county's values in force on the day of death.
    month = dates.month_of(died.date())
    text = html.unescape(first.text)
    # extra_months_after_death = 1: paid for the month after the death too, stopped from the one after.
    assert (
        zh("The stipend is paid up to and including {month} and stops from {next} on.").format(
            month=formatting.month(dates.add_months(month, 1)), next=formatting.month(dates.add_months(month, 2))
        )
        in text
    )
    assert (
        zh("The stay in {home} ends on {day}: the placement is closed and the bed is freed.").format(
            home="北山敬老院", day=formatting.day(died.date())
        )
        in text
    )
    assert (
        zh(
            "The report is late: {hours} h after the death, the county's deadline is {deadline} h. The county's staff are notified."
        ).format(hours="30.0", deadline=24)
        in text
    )
    assert f"{died.year}年{died.month}月{died.day}日" in text
    # Every value travels as a hidden field, the textarea's line break included.
    carried = hidden_fields(first.text)
    assert carried["confirmed"] == "yes" and carried["place"] == "本院" and carried["died_at"] == died_text
    assert carried["funeral_arrangements"] in ("县殡仪馆\r\n火化", "县殡仪馆\n火化")

    # "Change the report": the form again, with what was typed.
    edit = await post_form(client, f"/residents/{person.id}/death", {**sent, "edit": "yes"})
    assert edit.status_code == 200 and 'id="death-form"' in edit.text and 'value="李院长"' in edit.text
    assert await records_of(person.id) == 0

    # The second post records it, with a flash message on the page it leads to.
    second = await post_form(client, f"/residents/{person.id}/death", carried)
    assert second.status_code == 303, second.text
    assert await records_of(person.id) == 1
    shown = await client.get(second.headers["location"])
    assert zh("The death is recorded.") in shown.text and 'id="death-record"' in shown.text
    record = await services.death_of(_director.scope, person.id)
    assert record.late and record.last_entitled_month == dates.month_text(dates.add_months(month, 1))
    assert record.funeral_arrangements.replace("\r\n", "\n") == "县殡仪馆\n火化"


async def test_a_bad_value_shows_the_form_again_on_either_post(world, register, signed_in):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)
    client, _director = await signed_in("director", home=home)
    for extra in ({}, {"confirmed": "yes"}):
        bad = await post_form(client, f"/residents/{person.id}/death", {"died_at": "昨天", "place": "本院", **extra})
        assert bad.status_code == 400 and 'aria-describedby="e-died_at"' in bad.text and 'id="death-confirm"' not in bad.text
        assert zh("Not a valid date and time (write 2026-11-02 14:30).") in html.unescape(bad.text)
        assert 'value="本院"' in bad.text  # what was typed is kept
        too_long = await post_form(
            client, f"/residents/{person.id}/death", {"died_at": an_hour_ago(), "cause": "病" * 201, **extra}
        )
        assert too_long.status_code == 400 and 'aria-describedby="e-cause"' in too_long.text
        # A time of death in the future is refused by the service, on the first post already.
        future = dates.local(dates.now_utc() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        refused = await post_form(client, f"/residents/{person.id}/death", {"died_at": future, **extra})
        assert refused.status_code == 400 and 'aria-describedby="e-died_at"' in refused.text
    # (A director writes only for a person placed in the home on the day: the county checks the dates.)
    inspector, _inspector = await signed_in("inspector", county=county)
    before_birth = await post_form(inspector, f"/residents/{person.id}/death", {"died_at": "1940-01-01T08:00"})
    assert before_birth.status_code == 400 and 'aria-describedby="e-died_at"' in before_birth.text
    assert await records_of(person.id) == 0
    # Reported once, a second report is refused on the first post (a correction is the way).
    await services.report_death(_director.scope, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=1)))
    again = await post_form(client, f"/residents/{person.id}/death", {"died_at": an_hour_ago()})
    assert again.status_code == 400 and 'id="death-errors"' in again.text
    assert zh("A death is already recorded for this person; record a correction instead.") in html.unescape(again.text)
    assert await records_of(person.id) == 1


async def test_the_confirmation_is_refused_out_of_scope_and_to_roles_that_may_not_report(world, register, signed_in):
    county = await world.county()
    home = await world.home(county=county)
    other_home = await world.home(county=county)
    person = await register(county, other_home)
    director, _user = await signed_in("director", home=home)
    assert (await post_form(director, f"/residents/{person.id}/death", {"died_at": an_hour_ago()})).status_code == 404
    finance, _user = await signed_in("finance", county=county)
    assert (await post_form(finance, f"/residents/{person.id}/death", {"died_at": an_hour_ago()})).status_code == 403
    assert await records_of(person.id) == 0


async def test_a_correction_is_saved_with_a_flash_message(world, register, signed_in):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)
    client, user = await signed_in("inspector", county=county)
    await services.report_death(user.scope, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=3)))
    missing = await post_form(client, f"/residents/{person.id}/death/correct", {"died_at": an_hour_ago()})
    assert missing.status_code == 400 and 'aria-describedby="e-reason"' in missing.text
    saved = await post_form(client, f"/residents/{person.id}/death/correct", {"died_at": an_hour_ago(), "reason": "时间记错"})
    assert saved.status_code == 303
    assert zh("The correction is recorded.") in (await client.get(saved.headers["location"])).text
    assert await records_of(person.id) == 2


async def late_death(world, register, system, name="孙七"):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home, name=name)
    await services.report_death(system, person.id, DeathIn(died_at=datetime(2025, 4, 3, 6, 15, tzinfo=TZ)))
    return county, home, person


async def test_a_notice_read_by_the_inspector_stays_unread_for_finance(world, register, signed_in, system):
    county, _home, person = await late_death(world, register, system)
    inspector, inspector_user = await signed_in("inspector", county=county)
    finance, finance_user = await signed_in("finance", county=county)
    notice = (await services.late_notices(inspector_user.scope))[0]
    assert notice.resident_id == person.id and notice.seen_at is None
    audit_before = await AuditEntry.count()

    read = await post_form(
        inspector, f"/counties/{county}/deaths/notices/seen", {"notice_id": str(notice.id), "next": "/deaths/notices"}
    )
    assert read.status_code == 303 and read.headers["location"] == "/deaths/notices"
    after = await inspector.get("/deaths/notices")
    assert 'id="late-notices"' not in after.text and 'id="no-notices"' in after.text
    assert zh("Marked as read. The others who follow deaths still see the notice until they read it.") in after.text
    assert await AuditEntry.count() == audit_before + 1
    entry = await AuditEntry.select().order_by(AuditEntry.seq, ascending=False).first()
    assert (entry["action"], entry["actor"], entry["entity_key"]) == (
        "death.notice_read",
        inspector_user.username,
        str(notice.id),
    )

    # Finance still sees it unread: on the register, on the notices page and in "今日待办".
    assert "孙七" in (await finance.get(f"/counties/{county}/deaths")).text.split('id="late-notices"')[1].split("</section>")[0]
    assert "孙七" in (await finance.get("/deaths/notices")).text
    overview = await finance.get("/")
    assert 'data-kind="death_notice_unread"' in overview.text and "孙七" in overview.text
    assert 'data-kind="death_notice_unread"' not in (await inspector.get("/")).text
    assert [n.id for n in await services.late_notices(finance_user.scope)] == [notice.id]
    assert (
        await services.open_notice_count(finance_user.scope) == 1 and await services.open_notice_count(inspector_user.scope) == 0
    )
    # The inspector's own view with include_seen says when they read it; finance's does not.
    mine = await services.late_notices(inspector_user.scope, include_seen=True)
    assert mine[0].seen_at is not None and mine[0].seen_by == inspector_user.username
    assert (await services.late_notices(finance_user.scope, include_seen=True))[0].seen_at is None

    # Reading it again changes nothing (one row, no second audit record).
    again = await post_form(inspector, f"/counties/{county}/deaths/notices/seen", {"notice_id": str(notice.id)})
    assert again.status_code == 303 and again.headers["location"] == f"/counties/{county}/deaths"
    assert await DeathNoticeRead.count().where(DeathNoticeRead.notice == notice.id) == 1
    assert await AuditEntry.count() == audit_before + 1
    # Finance may mark it read for themselves too.
    assert (await post_form(finance, f"/counties/{county}/deaths/notices/seen", {"notice_id": str(notice.id)})).status_code == 303
    assert await services.late_notices(finance_user.scope) == []
    assert await DeathNoticeRead.count().where(DeathNoticeRead.notice == notice.id) == 2


async def test_marking_a_notice_read_refuses_bad_paths(world, register, signed_in, system):
    county, home, _person = await late_death(world, register, system)
    other_county, _other_home, _other = await late_death(world, register, system, name="外人")
    inspector, user = await signed_in("inspector", county=county)
    notice = (await services.late_notices(user.scope))[0]
    foreign = (await services.late_notices(system, county_code=other_county))[0]
    reads = AuditEntry.count().where(AuditEntry.action == "death.notice_read")
    before = await reads
    assert (await post_form(inspector, f"/counties/{county}/deaths/notices/seen", {"notice_id": "abc"})).status_code == 400
    assert (await post_form(inspector, f"/counties/{county}/deaths/notices/seen", {})).status_code == 400
    assert (await post_form(inspector, f"/counties/{county}/deaths/notices/seen", {"notice_id": "999999999"})).status_code == 404
    # Another county's notice, named through one's own county or through the other: not found.
    assert (
        await post_form(inspector, f"/counties/{county}/deaths/notices/seen", {"notice_id": str(foreign.id)})
    ).status_code == 404
    assert (
        await post_form(inspector, f"/counties/{other_county}/deaths/notices/seen", {"notice_id": str(foreign.id)})
    ).status_code == 404
    # A director may not view deaths, so may not mark notices.
    director, _director = await signed_in("director", home=home)
    assert (
        await post_form(director, f"/counties/{county}/deaths/notices/seen", {"notice_id": str(notice.id)})
    ).status_code == 403
    # A next address outside the site is not followed.
    away = await post_form(
        inspector, f"/counties/{county}/deaths/notices/seen", {"notice_id": str(notice.id), "next": "//evil.example/"}
    )
    assert away.status_code == 303 and away.headers["location"] == "/"
    assert await AuditEntry.count().where(AuditEntry.action == "death.notice_read") == before + 1
    with pytest.raises(Forbidden, match=zh("A notice is marked as read by a signed-in user.")):
        await services.mark_notice_seen(system, other_county, foreign.id)


async def test_a_director_sees_the_home_s_late_reports_in_the_to_do_list(world, register, signed_in, system):
    county = await world.county()
    home = await world.home(county=county)
    other_home = await world.home(county=county)
    late = await register(county, home, name="晚报甲")
    on_time = await register(county, home, name="准时乙")
    elsewhere = await register(county, other_home, name="他院丙")
    for person, hours in ((late, 30), (on_time, 2), (elsewhere, 30)):
        await services.report_death(system, person.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=hours)))
    client, director = await signed_in("director", home=home)
    items = [item for item in await todo.items(director.scope) if item.kind == "death_reported_late"]
    assert [(item.detail, item.href) for item in items] == [("晚报甲", f"/residents/{late.id}/death")]
    overview = await client.get("/")
    assert 'data-kind="death_reported_late"' in overview.text and "晚报甲" in overview.text and "他院丙" not in overview.text
    # A correction that puts the report on time takes it off the list.
    reported = (await services.death_of(system, late.id)).reported_at
    await services.correct_death(system, late.id, DeathIn(died_at=reported - timedelta(hours=3), reason="时间记错"))
    assert [item for item in await todo.items(director.scope) if item.kind == "death_reported_late"] == []
    # County staff get no such item (they get the unread notices instead).
    _client, inspector = await signed_in("inspector", county=county)
    kinds = {item.kind for item in await todo.items(inspector.scope)}
    assert "death_reported_late" not in kinds and "death_notice_unread" in kinds


async def test_the_register_reads_as_cards_with_money_formatted(world, register, signed_in, system):
    county, _home, person = await late_death(world, register, system)
    client, _user = await signed_in("inspector", county=county)
    page = (await client.get(f"/counties/{county}/deaths")).text
    table = page.split('id="deaths"')[1].split("</table>")[0]
    assert 'class="cards deaths"' in table and 'class="lead' in table and f"/residents/{person.id}/death" in table
    assert re.search(r"¥\d{1,3}(,\d{3})*\.\d{2}", page)
    assert (await Resident.select(Resident.died_on).where(Resident.id == person.id).first())["died_on"] == date(2025, 4, 3)
