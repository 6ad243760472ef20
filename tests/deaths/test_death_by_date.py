"""Deaths known by their date only (issue 10, point 7; domain-rules §7, interfaces §6): the time is
"unknown" (时间不详), shown as such, and the report deadline runs from the end of that day."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest

from backend.core import dates
from backend.core.db import transaction
from backend.core.i18n import gettext as zh
from backend.core.ledger import append_rows, verify_all
from backend.core.settings import get_settings
from backend.deaths import rules, services
from backend.deaths.schemas import DeathIn
from backend.deaths.tables import DEATH_LEDGER, DeathRecord, LateNotice
from backend.registry.tables import County
from tests.conftest import post_form
from tests.deaths.test_death_views import hidden_fields
from tests.deaths.test_deaths import register, set_parameters  # noqa: F401 - the fixture

TZ = get_settings().tz


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


# --- the rule -----------------------------------------------------------------------------------


def test_a_date_alone_is_counted_from_the_end_of_the_day():
    died = local(2026, 3, 10)  # a date alone is stored as 00:00 of it
    assert rules.counted_from(died, False, TZ) == local(2026, 3, 11)
    assert rules.counted_from(local(2026, 3, 10, 14, 30), True, TZ) == local(2026, 3, 10, 14, 30)
    # The example: died on 10 March, reported on the 11th at 10:00 → 10 h, on time (not 34 h, late).
    timing = rules.report_timing(died, False, local(2026, 3, 11, 10, 0), 24, TZ)
    assert (timing.minutes, timing.hours, timing.late) == (600, 10.0, False)


def test_a_date_alone_at_the_deadline_and_one_second_after():
    died = local(2026, 3, 10)
    exactly = local(2026, 3, 12)  # 24 h after the end of the 10th
    assert rules.report_timing(died, False, exactly, 24, TZ).late is False
    assert rules.report_timing(died, False, exactly, 24, TZ).hours == 24.0
    assert rules.report_timing(died, False, exactly + timedelta(seconds=1), 24, TZ).late is True
    # A shorter county deadline moves the boundary with it.
    assert rules.report_timing(died, False, local(2026, 3, 11, 12, 0), 12, TZ).late is False
    assert rules.report_timing(died, False, local(2026, 3, 11, 12, 0, 1), 12, TZ).late is True


def test_with_the_time_known_the_hours_run_from_the_time_of_death():
    died = local(2026, 3, 10, 10, 0)
    assert rules.report_timing(died, True, local(2026, 3, 11, 10, 0), 24, TZ).late is False
    assert rules.report_timing(died, True, local(2026, 3, 11, 10, 0, 1), 24, TZ).late is True
    assert rules.report_timing(died, True, local(2026, 3, 11, 10, 0), 24, TZ).hours == 24.0
    # A death at 00:00 with its time known is not a date alone: counted from 00:00.
    assert rules.report_timing(local(2026, 3, 10), True, local(2026, 3, 11, 10, 0), 24, TZ).hours == 34.0
    assert rules.report_timing(local(2026, 3, 10), True, local(2026, 3, 11, 10, 0), 24, TZ).late is True


def test_a_date_alone_reported_on_that_day_is_zero_hours():
    timing = rules.report_timing(local(2026, 3, 10), False, local(2026, 3, 10, 15, 0), 24, TZ)
    assert (timing.minutes, timing.late) == (0, False)


def test_the_end_of_the_day_is_local_whatever_zone_the_instant_is_in():
    died_utc = local(2026, 3, 10).astimezone(UTC)  # 2026-03-09T16:00Z in Asia/Shanghai
    assert rules.counted_from(died_utc, False, TZ) == local(2026, 3, 11)


# --- the report, the correction, the register ---------------------------------------------------


async def test_a_report_with_the_time_unknown_is_on_time_the_day_after(world, register, system):  # noqa: F811
    county = await world.county()
    await set_parameters(county, date(2020, 1, 1), deadline=24)
    person = await register(county)
    yesterday = dates.today() - timedelta(days=1)
    # Any time of day given with died_time_known = false is dropped: the date is what counts.
    record = await services.report_death(
        system,
        person.id,
        DeathIn(died_at=dates.combine_local(yesterday, datetime.min.time()) + timedelta(hours=15), died_time_known=False),
    )
    assert record.died_time_known is False and record.died_on == yesterday
    assert dates.local(record.died_at) == local(yesterday.year, yesterday.month, yesterday.day)
    # Reported now, i.e. less than 24 h after the end of yesterday: on time, and no notice. From
    # 00:00 yesterday (the old count) it would be more than 24 h.
    start_of_today = dates.combine_local(dates.today(), datetime.min.time())
    assert record.hours_to_report == rules.hours_text(int((record.reported_at - start_of_today).total_seconds() // 60))
    assert record.late is False
    assert await LateNotice.count().where(LateNotice.resident == person.id) == 0
    stored = await DeathRecord.select(DeathRecord.time_known, DeathRecord.late).where(DeathRecord.resident == person.id).first()
    assert stored == {"time_known": False, "late": False}
    # interfaces §6: died_at is the date.
    (entry,) = [e for e in await services.list_deaths(system, county) if e["name"] == person.name]
    assert entry["died_time_known"] is False and entry["died_at"] == yesterday.isoformat() and entry["late"] is False


async def test_a_correction_carries_the_flag(world, register, system):  # noqa: F811
    county = await world.county()
    await set_parameters(county, date(2020, 1, 1), deadline=24)
    person = await register(county)
    first = await services.report_death(system, person.id, DeathIn(died_at=local(2025, 3, 10, 8, 0)))
    assert first.died_time_known is True and first.late is True
    # The time was not in fact known: the correction says so; the report time stays the first one's.
    corrected = await services.correct_death(
        system, person.id, DeathIn(died_at=local(2025, 3, 10, 8, 0), died_time_known=False, reason="死亡时间不详")
    )
    assert corrected.died_time_known is False and corrected.corrects == first.id
    assert corrected.reported_at == first.reported_at
    history = await services.death_history(system, person.id)
    assert [h.died_time_known for h in history] == [True, False]
    # And back: a correction with the time known counts from that time again.
    again = await services.correct_death(system, person.id, DeathIn(died_at=local(2025, 3, 10, 23, 0), reason="查到时间"))
    assert again.died_time_known is True and dates.local(again.died_at).hour == 23
    assert await verify_all() is None


async def test_an_old_date_only_record_is_counted_by_the_rule_and_its_notice_withdrawn(world, register, system):  # noqa: F811
    """A record made before issue 10 stored hours and ``late`` counted from 00:00 (a date alone
    reported at 10:00 the next day: 34 h, late, with a notice). The ledger keeps those figures;
    the pages, the list and the notices count by the rule: 10 h, on time, no notice."""
    county = await world.county()
    await set_parameters(county, date(2020, 1, 1), deadline=24)
    person = await register(county)
    county_id = (await County.select(County.id).where(County.code == county).first())["id"]
    old = {
        "resident": person.id,
        "county": county_id,
        "home": None,
        "died_at": local(2025, 3, 10).astimezone(UTC),
        "died_on": date(2025, 3, 10),
        "time_known": False,
        "reported_at": local(2025, 3, 11, 10, 0).astimezone(UTC),
        "place": "",
        "cause": "",
        "certificate_no": "",
        "reporter": "",
        "deadline_hours": 24,
        "minutes_to_report": 34 * 60,  # as counted before issue 10
        "late": True,
        "last_entitled_month": date(2025, 3, 1),
        "funeral_arrangements": "",
        "funeral_subsidy": 0,
        "source": "import",
        "corrects": None,
        "reason": "",
        "recorded_at": dates.now_utc(),
        "recorded_by": "test",
    }
    async with transaction():
        (row,) = await append_rows(DEATH_LEDGER, [old])
        saved = await DeathRecord.select(DeathRecord.id).where(DeathRecord.seq == row["seq"]).first()
        await LateNotice.insert(
            LateNotice(death_record=saved["id"], resident=person.id, county=county_id, created_at=dates.now_utc())
        )
    shown = await services.death_of(system, person.id)
    assert shown.hours_to_report == 10.0 and shown.late is False and shown.died_time_known is False
    (entry,) = [e for e in await services.list_deaths(system, county) if e["name"] == person.name]
    assert entry["hours_to_report"] == 10.0 and entry["late"] is False and entry["died_at"] == "2025-03-10"
    assert person.id not in [n.resident_id for n in await services.late_notices(system, county_code=county)]
    inspector = await world.user("inspector", county=county)
    assert await services.open_notice_count(inspector.scope) == 0
    # A late date-only report (reported three days after) still notifies.
    late = await register(county, name="孙七")
    record = await services.report_death(system, late.id, DeathIn(died_at=local(2025, 3, 10), died_time_known=False))
    assert record.late is True
    notices = [n for n in await services.late_notices(inspector.scope) if n.resident_id == late.id]
    assert len(notices) == 1 and notices[0].died_time_known is False and notices[0].died_on == date(2025, 3, 10)
    assert await services.open_notice_count(inspector.scope) == 1
    assert await verify_all() is None


async def test_the_form_has_a_time_unknown_box_and_the_pages_say_time_unknown(world, register, signed_in):  # noqa: F811
    county = await world.county()
    await set_parameters(county, date(2020, 1, 1), deadline=24)
    home = await world.home(county=county)
    person = await register(county, home, name="吴九")
    client, _director = await signed_in("director", home=home)
    form = await client.get(f"/residents/{person.id}/death")
    assert 'name="time_unknown"' in form.text and zh("Time of death unknown (only the date is known)") in form.text
    yesterday = dates.today() - timedelta(days=1)
    sent = {"died_at": f"{yesterday.isoformat()}T09:00", "time_unknown": "yes", "reporter": "院长"}
    first = await post_form(client, f"/residents/{person.id}/death", sent)
    assert first.status_code == 200, first.text
    text = html.unescape(first.text)
    assert "时间不详" in text and "09:00" not in text.split('id="death-confirm"')[0].split("<main")[-1]
    assert zh("The report is on time: {hours} h after the death (the county's deadline is {deadline} h).").split("{")[0] in text
    carried = hidden_fields(first.text)
    assert carried["time_unknown"] == "yes"
    done = await post_form(client, f"/residents/{person.id}/death", {**carried, "confirmed": "yes"})
    assert done.status_code in (200, 303)
    record = await services.death_of(_director.scope, person.id)
    assert record.died_time_known is False and record.died_on == yesterday and record.late is False
    page = html.unescape((await client.get(f"/residents/{person.id}/death")).text)
    assert "时间不详" in page
    # The correction form starts from the record's flag.
    correction = await client.get(f"/residents/{person.id}/death/correct")
    assert 'name="time_unknown" value="yes" checked' in correction.text


async def test_the_register_and_its_export_say_time_unknown(world, register, signed_in, system):  # noqa: F811
    county = await world.county()
    person = await register(county, name="郑十")
    await services.report_death(system, person.id, DeathIn(died_at=local(2025, 6, 3, 17, 45), died_time_known=False))
    client, _inspector = await signed_in("inspector", county=county)
    page = html.unescape((await client.get(f"/counties/{county}/deaths")).text)
    row = page.split("郑十")[1].split("</tr>")[0]
    assert "时间不详" in row and "17:45" not in row
    exported = (await client.get(f"/counties/{county}/deaths/export?format=csv")).content.decode("utf-8-sig")
    line = next(line for line in exported.splitlines() if "郑十" in line)
    cells = line.split(",")
    assert cells[4] == "2025-06-03" and cells[-1] == "时间不详"
    rows = await services.export_rows(system, county)
    assert [r["time_of_death"] for r in rows if r["name"] == "郑十"] == ["时间不详"]


@pytest.mark.parametrize("cell", ["2025-03-05", "2025年3月5日"])
def test_the_import_column_says_a_date_alone_is_time_unknown(cell):
    from backend.deaths.exchange import DEATH_COLUMNS, date_or_datetime_cell

    assert date_or_datetime_cell(cell) == date(2025, 3, 5)
    rule = next(column.rule for column in DEATH_COLUMNS if column.key == "died_at")
    assert "end of that day" in rule


async def test_the_api_takes_died_time_known(world, register, signed_in, bearer):  # noqa: F811
    county = await world.county()
    await set_parameters(county, date(2020, 1, 1), deadline=24)
    person = await register(county)
    client, user = await signed_in("inspector", county=county)
    headers = await bearer(user)
    yesterday = dates.today() - timedelta(days=1)
    body = {"died_at": f"{yesterday.isoformat()}T18:20:00", "died_time_known": False}
    response = await client.post(f"/api/v1/residents/{person.id}/death", headers=headers, json=body)
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["died_time_known"] is False and out["died_on"] == yesterday.isoformat() and out["late"] is False
    assert dates.local(datetime.fromisoformat(out["died_at"])).strftime("%H:%M") == "00:00"
    listed = (await client.get(f"/api/v1/counties/{county}/deaths", headers=headers)).json()
    assert [entry["died_time_known"] for entry in listed] == [False]
    # Without the field the time is known, as before.
    other = await register(county, name="王二")
    response = await client.post(
        f"/api/v1/residents/{other.id}/death", headers=headers, json={"died_at": f"{yesterday.isoformat()}T18:20:00"}
    )
    assert response.status_code == 201 and response.json()["died_time_known"] is True


async def test_an_assessor_does_not_read_death_records(world, register, signed_in, bearer, system):  # noqa: F811
    """The assessor's work is the self-care assessment: a death's cause, place and certificate are
    not theirs to read (page, API or service), though the person page still says 已故."""
    from backend.core.errors import Forbidden
    from backend.deaths import services as deaths
    from backend.deaths.schemas import DeathIn

    county = await world.county()
    person = await register(county)
    await deaths.report_death(system, person.id, DeathIn(died_at=datetime(2025, 3, 10, 8, 0, tzinfo=TZ), cause="心衰"))
    client, assessor = await signed_in("assessor", county=county)
    headers = await bearer(assessor)
    response = await client.get(f"/api/v1/residents/{person.id}/deaths", headers=headers)
    assert response.status_code == 403 and "心衰" not in response.text
    with pytest.raises(Forbidden):
        await deaths.death_history(assessor.scope, person.id)
    inspector_client, inspector = await signed_in("inspector", county=county)
    seen = await inspector_client.get(f"/api/v1/residents/{person.id}/deaths", headers=await bearer(inspector))
    assert seen.status_code == 200 and seen.json()[0]["cause"] == "心衰"
    page = await client.get(f"/residents/{person.id}")
    assert page.status_code == 200 and "已故" in page.text and "心衰" not in page.text
