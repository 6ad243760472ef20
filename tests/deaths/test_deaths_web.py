"""Death pages, API, import and the ``tekun deaths list`` command."""

import asyncio
import io
from datetime import date, datetime, timedelta

import pytest

from backend.core import dates
from backend.core.exchange import ExchangeError, read_sheet
from backend.core.settings import get_settings
from backend.deaths import services
from backend.deaths.schemas import DeathIn
from backend.deaths.tables import DeathRecord
from backend.importers import run_import
from backend.registry.tables import County
from backend.residents.schemas import ResidentIn
from backend.residents.tables import Resident
from tests.cli.helpers import as_json, tekun
from tests.conftest import post_form
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


async def test_the_director_reports_from_the_phone_form(world, register, signed_in):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)
    client, _user = await signed_in("director", home=home)
    form = await client.get(f"/residents/{person.id}/death")
    assert form.status_code == 200 and 'type="datetime-local"' in form.text and 'name="viewport"' in form.text
    bad = await post_form(client, f"/residents/{person.id}/death", {"died_at": "昨天"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 0
    died = dates.local(dates.now_utc() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    values = {
        "died_at": died,
        "place": "本院",
        "cause": "心衰",
        "certificate_no": "N0001",
        "reporter": "李院长",
        "funeral_arrangements": "县殡仪馆",
    }
    asked = await post_form(client, f"/residents/{person.id}/death", values)
    assert asked.status_code == 200 and 'id="death-confirm"' in asked.text  # the confirmation step first
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 0
    sent = await post_form(client, f"/residents/{person.id}/death", {**values, "confirmed": "yes"})
    assert sent.status_code == 303
    shown = await client.get(f"/residents/{person.id}/death")
    assert "N0001" in shown.text and 'id="death-record"' in shown.text and 'id="late-flag"' not in shown.text
    correction = await post_form(client, f"/residents/{person.id}/death/correct", {"died_at": died, "certificate_no": "N0002"})
    assert correction.status_code == 400  # reason missing
    correction = await post_form(
        client, f"/residents/{person.id}/death/correct", {"died_at": died, "certificate_no": "N0002", "reason": "编号录错"}
    )
    assert correction.status_code == 303
    assert [r.certificate_no for r in await services.death_history(_user.scope, person.id)] == ["N0001", "N0002"]


async def test_the_county_register_shows_late_reports_and_exports(world, register, signed_in, system):
    county = await world.county()
    home = await world.home(county=county, name="东山敬老院")
    late = await register(county, home, name="孙七")
    await services.report_death(system, late.id, DeathIn(died_at=datetime(2025, 4, 3, 6, 15, tzinfo=TZ), cause="肺炎"))
    client, _user = await signed_in("inspector", county=county)
    page = await client.get(f"/counties/{county}/deaths")
    assert page.status_code == 200 and "孙七" in page.text and 'id="late-notices"' in page.text
    overview = await client.get("/")  # the county's staff see it the moment they open the application ("今日待办")
    assert 'data-kind="death_notice_unread"' in overview.text and "孙七" in overview.text
    director, _director = await signed_in("director", home=home)
    assert 'data-kind="death_notice_unread"' not in (await director.get("/")).text
    notices = await client.get("/deaths/notices")
    assert "孙七" in notices.text
    csv_file = await client.get(f"/counties/{county}/deaths/export?format=csv&month=2025-04")
    assert csv_file.status_code == 200 and csv_file.headers["content-type"].startswith("text/csv")
    sheet = read_sheet("deaths.csv", csv_file.content)
    assert sheet.headers[:2] == ["身份证号", "姓名"] and sheet.rows[0][1][1] == "孙七"
    assert sheet.rows[0][1][0] == (await Resident.select(Resident.id_number).where(Resident.id == late.id).first())["id_number"]
    xlsx_file = await client.get(f"/counties/{county}/deaths/export?format=xlsx")
    sheet = read_sheet("deaths.xlsx", xlsx_file.content)
    row = dict(zip(sheet.headers, sheet.rows[0][1], strict=False))
    assert (
        row["姓名"] == "孙七"
        and row["逾期"] == "是"
        and row["最后享受月份"] == "2025-04"
        and row["死亡时间"] == "2025-04-03 06:15"
    )
    assert (await client.get(f"/counties/{county}/deaths/export?format=csv&month=2025-05")).content.count(b"\n") == 1
    notice_id = (await services.late_notices(_user.scope))[0].id
    seen = await post_form(client, f"/counties/{county}/deaths/notices/seen", {"notice_id": str(notice_id)})
    assert seen.status_code == 303
    assert 'id="late-notices"' not in (await client.get(f"/counties/{county}/deaths")).text
    assert 'data-kind="death_notice_unread"' not in (await client.get("/")).text


async def test_api_report_and_out_of_scope_deaths(world, register, signed_in, bearer):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)
    outsider_county = await world.county()
    outsider = await register(outsider_county)
    client, user = await signed_in("inspector", county=county)
    headers = await bearer(user)
    died = dates.local(dates.now_utc() - timedelta(hours=1)).isoformat()
    response = await client.post(f"/api/v1/residents/{person.id}/death", headers=headers, json={"died_at": died, "place": "医院"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["late"] is False and body["deadline_hours"] == 24 and body["place"] == "医院" and "*" in body["id_number_masked"]
    again = await client.post(f"/api/v1/residents/{person.id}/death", headers=headers, json={"died_at": died})
    assert again.status_code == 400 and "died_at" in again.json()["errors"]
    assert (await client.get(f"/api/v1/counties/{county}/deaths", headers=headers)).json()[0]["resident_id"] == person.id
    # Another county's death: 404 everywhere.
    await services.report_death(
        __import__("backend.core.security", fromlist=["Scope"]).Scope.system(), outsider.id, DeathIn(died_at=dates.now_utc())
    )
    assert (await client.get(f"/api/v1/residents/{outsider.id}/deaths", headers=headers)).status_code == 404
    assert (await client.get(f"/api/v1/counties/{outsider_county}/deaths", headers=headers)).status_code == 404
    assert (await client.get(f"/counties/{outsider_county}/deaths")).status_code == 404
    assert (await client.get(f"/residents/{outsider.id}/death")).status_code == 404
    assert (
        await client.post(f"/api/v1/residents/{outsider.id}/death/corrections", headers=headers, json={"reason": "x"})
    ).status_code == 404


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


async def test_import_deaths_all_or_nothing_and_idempotent(world, register, system):
    county = await world.county()
    home = await world.home(county=county)
    first = await register(county, home)
    second = await register(county)
    ids = {
        p.id: (await Resident.select(Resident.id_number).where(Resident.id == p.id).first())["id_number"] for p in (first, second)
    }
    unknown = new_id("M")
    bad = _csv(
        [
            "身份证号,死亡时间,报告时间,死亡地点",
            f"{ids[first.id]},2025-03-01 10:00,2025-03-01 20:00,院内",
            f"{unknown},2025-03-01,2025-03-02 09:00,",
            f"{ids[second.id]},2025-03-05 10:00,2025-03-05 09:00,",
        ]
    )
    with pytest.raises(ExchangeError) as refused:
        await run_import(system, "deaths", "deaths.csv", bad)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {(3, "身份证号"), (4, "报告时间")}
    assert await DeathRecord.count().where(DeathRecord.resident.is_in([first.id, second.id])) == 0
    good = _csv(
        [
            "id_number,died_at,reported_at,place,cause,certificate_no",
            f"{ids[first.id]},2025-03-01 10:00,2025-03-01 20:00,院内,衰老,C-1",
            f"{ids[second.id]},2025年3月5日,2025-03-06 09:00,家中,,",
        ]
    )
    result = await run_import(system, "deaths", "deaths.csv", good)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    again = await run_import(system, "deaths", "deaths.csv", good)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    records = {r.resident_id: r for r in await services.county_deaths(system, county)}
    assert records[first.id].hours_to_report == 10.0 and not records[first.id].late
    # A date alone: time unknown, counted from the end of 5 March (9 h to 09:00 on the 6th, not 33 h).
    assert records[second.id].died_time_known is False
    assert records[second.id].hours_to_report == 9.0 and not records[second.id].late
    assert (await Resident.select(Resident.home).where(Resident.id == first.id).first())["home"] is None
    changed = _csv(
        [
            "id_number,died_at,reported_at,certificate_no",
            f"{ids[first.id]},2025-03-01 09:00,2025-03-01 20:00,C-9",
        ]
    )
    result = await run_import(system, "deaths", "deaths.csv", changed)
    assert (result.created, result.updated) == (0, 1)
    history = await services.death_history(system, first.id)
    assert len(history) == 2 and history[1].corrects == history[0].id and history[1].certificate_no == "C-9"


async def test_cli_deaths_list_json(world, register, system):
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home, name="周八")
    await services.report_death(system, person.id, DeathIn(died_at=datetime(2025, 7, 31, 22, 0, tzinfo=TZ)))
    on_time = await register(county)
    await services.report_death(system, on_time.id, DeathIn(died_at=dates.now_utc() - timedelta(hours=3)))
    result = await asyncio.to_thread(tekun, "deaths", "list", "--county", county, "--month", "2025-07", "--json")
    assert result.returncode == 0, result.stderr
    entries = as_json(result)
    assert isinstance(entries, list) and len(entries) == 1
    entry = entries[0]
    assert set(entry) == {
        "id_number",
        "name",
        "home_code",
        "died_at",
        "reported_at",
        "hours_to_report",
        "deadline_hours",
        "late",
        "last_entitled_month",
        "died_time_known",
    }
    types = {key: type(value) for key, value in entry.items()}
    assert types == {
        "id_number": str,
        "name": str,
        "home_code": str,
        "died_at": str,
        "reported_at": str,
        "hours_to_report": float,
        "deadline_hours": int,
        "late": bool,
        "last_entitled_month": str,
        "died_time_known": bool,
    }
    assert entry["died_time_known"] is True and entry["died_at"] == "2025-07-31T22:00:00+08:00"
    assert entry["name"] == "周八" and entry["home_code"] == home and entry["late"] is True
    assert entry["died_at"] == "2025-07-31T22:00:00+08:00" and entry["last_entitled_month"] == "2025-07"
    assert len(entry["id_number"]) == 18
    everything = await asyncio.to_thread(tekun, "deaths", "list", "--county", county, "--json")
    assert len(as_json(everything)) == 2
    assert (await asyncio.to_thread(tekun, "deaths", "list", "--county", county, "--month", "2025-13")).returncode == 2
    taken = {row["code"] for row in await County.select(County.code)}
    missing = next(code for code in (f"{n:06d}" for n in range(999999, 0, -1)) if code not in taken)
    assert (await asyncio.to_thread(tekun, "deaths", "list", "--county", missing, "--json")).returncode == 2


def test_the_xlsx_export_opens_in_openpyxl():
    openpyxl = pytest.importorskip("openpyxl")
    from backend.deaths.export import COLUMNS, to_xlsx

    row = {key: "x" for key, _zh in COLUMNS} | {"hours_to_report": 23.9, "deadline_hours": 24, "late": True}
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx([row])))
    sheet = book.active
    assert sheet.title == "去世信息备案" and sheet["A1"].value == "身份证号"
    assert sheet.cell(row=2, column=7).value == 23.9 and sheet.cell(row=2, column=9).value == "是"


async def test_the_admin_sets_the_funeral_subsidy_on_a_form(world, signed_in):
    county = await world.county()
    client, _user = await signed_in("admin")
    form = await client.get(f"/counties/{county}/deaths/subsidy")
    assert form.status_code == 200 and 'name="amount"' in form.text
    bad = await post_form(
        client, f"/counties/{county}/deaths/subsidy", {"effective_from": dates.today().isoformat(), "amount": "abc"}
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    past = await post_form(client, f"/counties/{county}/deaths/subsidy", {"effective_from": "2020-01-01", "amount": "100"})
    assert past.status_code == 400
    saved = await post_form(
        client, f"/counties/{county}/deaths/subsidy", {"effective_from": dates.today().isoformat(), "amount": "¥7,032"}
    )
    assert saved.status_code == 303
    register = (await client.get(saved.headers["location"])).text
    assert "¥7,032.00" in register and "丧葬补助已保存" in register  # the amount as money, and the flash message
    inspector, _user = await signed_in("inspector", county=county)
    assert (await inspector.get(f"/counties/{county}/deaths/subsidy")).status_code == 403
    director, _user = await signed_in("director", home=await world.home(county=county))
    assert (await director.get(f"/counties/{county}/deaths")).status_code == 403


async def test_date_times_outside_the_accepted_years_are_refused_everywhere_they_enter(
    world, register, signed_in, bearer, system
):
    """Years 1900..2200 (core/dates.py): a year-1 or year-9999 date-time is a 400 naming the field
    or the cell, never a 500 (it used to overflow), and nothing is written."""
    county = await world.county()
    home = await world.home(county=county)
    person = await register(county, home)
    client, user = await signed_in("inspector", county=county)
    for value in ("0001-01-01T00:00", "1899-12-31T23:59", "9999-12-31T23:59"):
        form = await post_form(client, f"/residents/{person.id}/death", {"died_at": value, "reporter": "李院长"})
        assert form.status_code == 400 and 'aria-invalid="true"' in form.text, value
    headers = await bearer(user)
    for value in ("0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-05:00"):
        api = await client.post(f"/api/v1/residents/{person.id}/death", headers=headers, json={"died_at": value})
        assert api.status_code == 400 and "died_at" in api.json()["errors"], (value, api.text)
    number = (await Resident.select(Resident.id_number).where(Resident.id == person.id).first())["id_number"]
    with pytest.raises(ExchangeError) as refused:
        await run_import(
            system, "deaths", "deaths.csv", _csv(["身份证号,死亡时间,报告时间", f"{number},2025-03-01 10:00,0001-01-01 00:00"])
        )
    assert {(e.row, e.column) for e in refused.value.errors} == {(2, "报告时间")}
    assert await DeathRecord.count().where(DeathRecord.resident == person.id) == 0
