"""The warning before an admission that would break the staff ratio (issue 11 point 5): refused
without confirmation (naming ``confirm_breach``, nothing written), recorded with who confirmed it
when confirmed; through the service, the placement form, the admission queue, a transfer in and
the API. The check is staffing's, registered in the core registry (``core.advisories``) where the
staffing pages are mounted; residents never imports staffing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from backend.core import dates, formatting
from backend.core.errors import Invalid
from backend.core.ledger import verify_all
from backend.core.tables import AuditEntry
from backend.registry import services as registry
from backend.registry.schemas import ParametersIn
from backend.residents import services as residents
from backend.residents.queue_schemas import AcceptIn, ApplicationIn, OfferIn
from backend.residents.schemas import PlacementIn, ResidentIn
from backend.residents.tables import Placement, Resident
from backend.staffing.tables import RatioBreach, StaffMember
from tests.conftest import make_client, post_form
from tests.residents.helpers import new_id
from tests.staffing.admission_helpers import FULL_LOSS, add_staff, assessed, fill, home_id

WARNING = "入住后需要 2 名工作人员，现有 1 名（{day}起）。"


def _admit(home: str, **extra) -> PlacementIn:
    return PlacementIn(kind="admit", event_date=dates.today(), home_code=home, **extra)


async def _breaches(home: int) -> list[dict]:
    return await RatioBreach.select().where(RatioBreach.home == home)


async def _at_the_ratio(world, system, residents_now: int = 10, staff: int = 1):
    """A county, its inspector and a home with ``residents_now`` residents and ``staff`` posts."""
    county = await world.county()
    home = await world.home(county=county, beds=40)
    hid = await home_id(system, home)
    await fill(system, county, home, residents_now)
    await add_staff(hid, staff)
    inspector = (await world.user("inspector", county=county)).scope
    return county, home, hid, inspector


def test_the_check_is_registered_when_the_app_and_the_command_line_are_imported():
    """In a fresh interpreter: importing the web app (or running any command of the command line)
    registers staffing's check; importing the residents services alone does not (they never
    import staffing)."""
    code = (
        "import sys, json, importlib\n"
        "module = importlib.import_module(sys.argv[1])\n"
        "if sys.argv[1] == 'backend.cli': module.main(['deaths', 'list', '--county', '999999', '--json'])\n"
        "from backend.core import advisories\n"
        "print(json.dumps([f.__module__ + '.' + f.__qualname__ for f in advisories.registered(advisories.ADMISSION)]))\n"
    )
    found = {}
    for module in ("backend.app", "backend.cli", "backend.residents.services"):
        done = subprocess.run(
            [sys.executable, "-c", code, module], capture_output=True, text=True, env=os.environ, cwd=os.getcwd(), timeout=120
        )
        assert done.returncode == 0, done.stderr
        found[module] = json.loads(done.stdout.strip().splitlines()[-1])
    check = "backend.staffing.advisories.ratio_after_admission"
    assert found["backend.app"] == [check] and found["backend.cli"] == [check]
    assert found["backend.residents.services"] == []


async def test_the_eleventh_admission_warns_at_the_exact_boundary_and_two_staff_keep_the_ratio(app, world, system):
    county, home, hid, inspector = await _at_the_ratio(world, system, residents_now=9, staff=1)
    tenth = await assessed(system, county, "第十人")
    assert (await residents.record_placement(inspector, tenth.id, _admit(home))).home_code == home  # 10 : 1 holds

    eleventh = await assessed(system, county, "第十一人")
    audit_before = await AuditEntry.count()
    with pytest.raises(Invalid) as refused:
        await residents.record_placement(inspector, eleventh.id, _admit(home))
    assert refused.value.errors == {"confirm_breach": WARNING.format(day=formatting.day(dates.today()))}
    # nothing written: no placement, no breach, no audit, the person still dispersed
    assert await Placement.count().where(Placement.resident == eleventh.id) == 0
    assert await _breaches(hid) == [] and await AuditEntry.count() == audit_before
    assert (await residents.get_resident(system, eleventh.id)).home_code is None

    await add_staff(hid, 1)  # a second post: 11 residents need 2
    assert (await residents.record_placement(inspector, eleventh.id, _admit(home))).home_code == home
    assert await _breaches(hid) == []


async def test_a_confirmed_breach_is_recorded_with_who_confirmed_it_and_audited(app, world, system):
    county, home, hid, inspector = await _at_the_ratio(world, system)
    person = await assessed(system, county, "赵桂芝")
    out = await residents.record_placement(inspector, person.id, _admit(home, confirm_breach=True))
    assert out.home_code == home

    [breach] = await _breaches(hid)
    assert (breach["cause"], breach["subject"], breach["first_day"]) == ("admission", "赵桂芝", dates.today())
    assert (breach["residents"], breach["staff"], breach["required_staff"]) == (11, 1, 2)
    assert breach["confirmed_by"] == inspector.username and breach["confirmed_at"] is not None
    assert breach["message"] == WARNING.format(day=formatting.day(dates.today()))
    actions = [
        row["action"] for row in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.seq, ascending=False).limit(2)
    ]
    assert sorted(actions) == ["resident.admit", "staffing.breach_confirmed"]
    entry = (
        await AuditEntry.select()
        .where(AuditEntry.action == "staffing.breach_confirmed")
        .order_by(AuditEntry.seq, ascending=False)
        .first()
    )
    assert entry["actor"] == inspector.username and "赵桂芝" in entry["after"]
    assert await verify_all() is None


async def test_a_home_without_a_staff_register_gets_no_warning_but_one_whose_staff_left_does(app, world, system):
    county = await world.county()
    empty = await world.home(county=county, beds=40)
    await fill(system, county, empty, 15)  # 15 residents, no staff recorded at all
    person = await assessed(system, county, "无登记")
    assert (await residents.record_placement(system, person.id, _admit(empty))).home_code == empty
    assert await _breaches(await home_id(system, empty)) == []

    left = await world.home(county=county, beds=40)
    left_id = await home_id(system, left)
    await fill(system, county, left, 10)  # 10 residents, the one post left: already short by one
    [post] = await add_staff(left_id, 1)
    await StaffMember.update({StaffMember.left_on: dates.today() - timedelta(days=10)}).where(StaffMember.id == post)
    other = await assessed(system, county, "人员离职")
    with pytest.raises(Invalid) as refused:
        await residents.record_placement(system, other.id, _admit(left))
    assert "入住后需要 2 名工作人员，现有 0 名" in refused.value.errors["confirm_breach"]  # short by two


async def test_the_carer_ratio_warns_for_a_full_loss_person_and_not_for_a_self_care_one(app, world, system):
    county = await world.county()
    home = await world.home(county=county, beds=40)
    hid = await home_id(system, home)
    await fill(system, county, home, 2)
    await add_staff(hid, 2)  # two managers, no carer: the staff ratio holds for up to 20
    limits = dict(residents_per_staff=10, death_report_deadline_hours=24, extra_months_after_death=0, inspections_per_year=4)
    await registry.set_parameters(system, county, ParametersIn(effective_from=dates.today(), dependents_per_carer=3, **limits))

    able = await assessed(system, county, "能自理")
    assert (await residents.record_placement(system, able.id, _admit(home))).home_code == home  # no dependent: no carer needed
    dependent = await assessed(system, county, "全失能", answers=FULL_LOSS)
    with pytest.raises(Invalid) as refused:
        await residents.record_placement(system, dependent.id, _admit(home))
    message = refused.value.errors["confirm_breach"]
    assert "需要 1 名护理员，现有 0 名" in message and "入住后需要 1 名工作人员，现有 2 名" in message
    await residents.record_placement(system, dependent.id, _admit(home, confirm_breach=True))
    [breach] = await _breaches(hid)
    assert (breach["carers"], breach["required_carers"], breach["subject"]) == (0, 1, "全失能")


async def test_a_transfer_into_a_home_at_the_ratio_warns(app, world, system):
    county, home, hid, inspector = await _at_the_ratio(world, system)
    elsewhere = await world.home(county=county, beds=40)  # no staff register: no warning
    person = await assessed(system, county, "转院人")
    await residents.record_placement(inspector, person.id, _admit(elsewhere))
    transfer = PlacementIn(kind="transfer", event_date=dates.today(), home_code=home)
    with pytest.raises(Invalid) as refused:
        await residents.record_placement(inspector, person.id, transfer)
    assert set(refused.value.errors) == {"confirm_breach"}
    assert (await residents.get_resident(system, person.id)).home_code == elsewhere
    transfer = PlacementIn(kind="transfer", event_date=dates.today(), home_code=home, confirm_breach=True)
    assert (await residents.record_placement(inspector, person.id, transfer)).home_code == home
    [breach] = await _breaches(hid)
    assert breach["subject"] == "转院人" and breach["residents"] == 11


async def test_the_queue_accept_warns_and_keeps_the_offer_until_confirmed(app, world, system, signed_in):
    county, home, hid, inspector = await _at_the_ratio(world, system)
    person = await assessed(system, county, "轮候人")
    application = await residents.record_application(
        inspector, ApplicationIn(resident_id=person.id, applicant="township", applied_on=dates.today() - timedelta(days=20))
    )
    await residents.offer_place(inspector, application.id, OfferIn(home_code=home, offered_on=dates.today() - timedelta(days=2)))
    with pytest.raises(Invalid) as refused:
        await residents.accept_offer(inspector, application.id, AcceptIn(admitted_on=dates.today()))
    assert "入住后需要 2 名工作人员，现有 1 名" in refused.value.errors["confirm_breach"]
    assert (await residents.get_application(inspector, application.id)).status == "offered"

    client, user = await signed_in("inspector", county=county)
    path = f"/admission-applications/{application.id}/accept"
    page = await post_form(client, path, {"admitted_on": dates.today().isoformat(), "note": ""})
    assert page.status_code == 200 and "入住后需要 2 名工作人员，现有 1 名" in page.text and "确认入住（低于配比）" in page.text
    assert 'name="confirmed" value="yes"' in page.text and await _breaches(hid) == []
    done = await post_form(client, path, {"admitted_on": dates.today().isoformat(), "note": "", "confirmed": "yes"})
    assert done.status_code in (302, 303)
    assert (await residents.get_application(inspector, application.id)).status == "admitted"
    [breach] = await _breaches(hid)
    assert breach["confirmed_by"] == user.username and breach["subject"] == "轮候人"


async def test_the_placement_form_answers_a_confirmation_step(app, world, system, signed_in):
    county, home, hid, _inspector = await _at_the_ratio(world, system)
    client, inspector = await signed_in("inspector", county=county)  # a director sees only persons placed in the home
    person = await assessed(system, county, "院长收住")
    form = {"kind": "admit", "event_date": dates.today().isoformat(), "home_code": home, "note": "家属送来"}
    page = await post_form(client, f"/residents/{person.id}/placement", form)
    assert page.status_code == 200 and WARNING.format(day=formatting.day(dates.today())) in page.text
    assert "确认入住（低于配比）" in page.text and 'id="not-yet-recorded"' in page.text
    assert await Placement.count().where(Placement.resident == person.id) == 0

    done = await post_form(client, f"/residents/{person.id}/placement", {**form, "confirmed": "yes"})
    assert done.status_code in (302, 303)
    assert (await residents.get_resident(system, person.id)).home_code == home
    [breach] = await _breaches(hid)
    assert breach["confirmed_by"] == inspector.username


async def test_the_api_names_confirm_breach_and_records_the_breach_when_true(app, world, system, bearer):
    county, home, hid, inspector_scope = await _at_the_ratio(world, system)
    inspector = await world.user("inspector", county=county)
    person = await assessed(system, county, "接口收住")
    body = {"kind": "admit", "event_date": dates.today().isoformat(), "home_code": home}
    async with make_client(app) as api:
        headers = await bearer(inspector)
        refused = await api.post(
            f"/api/v1/residents/{person.id}/placements", headers=headers, json={**body, "confirm_breach": False}
        )
        assert refused.status_code == 400
        assert refused.json()["errors"] == {"confirm_breach": WARNING.format(day=formatting.day(dates.today()))}
        assert await Placement.count().where(Placement.resident == person.id) == 0
        saved = await api.post(
            f"/api/v1/residents/{person.id}/placements", headers=headers, json={**body, "confirm_breach": True}
        )
        assert saved.status_code == 201 and saved.json()["home_code"] == home
    [breach] = await _breaches(hid)
    assert breach["confirmed_by"] == inspector.username
    schema = app.openapi_schema.to_schema()
    properties = schema["components"]["schemas"]["PlacementIn"]["properties"]
    assert properties["confirm_breach"]["type"] == "boolean" and "confirm_breach" in properties["confirm_breach"]["description"]


async def test_registering_a_person_with_a_home_at_the_ratio_warns_too(app, world, system, signed_in):
    """Registering with a home is an (emergency) admission: the same warning and confirmation."""
    county, home, hid, inspector = await _at_the_ratio(world, system)
    data = dict(name="新认定", county_code=county, approved_on=dates.today() - timedelta(days=5), home_code=home)
    data |= dict(admitted_on=dates.today(), emergency_reason="独居老人突发失能")
    id_number = new_id("F")
    with pytest.raises(Invalid) as refused:
        await residents.register_resident(inspector, ResidentIn(id_number=id_number, **data))
    assert refused.value.errors == {"confirm_breach": WARNING.format(day=formatting.day(dates.today()))}
    assert not await Resident.exists().where(Resident.id_number == id_number)

    client, user = await signed_in("inspector", county=county)
    form = {**{key: str(value) for key, value in data.items()}, "id_number": id_number, "gender": "F"}
    page = await post_form(client, "/residents/new", form)
    assert page.status_code == 200 and "确认入住（低于配比）" in page.text and await _breaches(hid) == []
    done = await post_form(client, "/residents/new", {**form, "confirmed": "yes"})
    assert done.status_code in (302, 303)
    assert await Resident.exists().where(Resident.id_number == id_number)
    [breach] = await _breaches(hid)
    assert breach["confirmed_by"] == user.username and breach["subject"] == "新认定"


async def test_the_queue_accept_api_takes_confirm_breach(app, world, system, bearer):
    county, home, hid, _inspector = await _at_the_ratio(world, system)
    inspector = await world.user("inspector", county=county)
    person = await assessed(system, county, "接口轮候")
    application = await residents.record_application(
        inspector.scope, ApplicationIn(resident_id=person.id, applicant="self", applied_on=dates.today() - timedelta(days=9))
    )
    await residents.offer_place(inspector.scope, application.id, OfferIn(home_code=home, offered_on=dates.today()))
    path = f"/api/v1/admission-applications/{application.id}/accept"
    async with make_client(app) as api:
        headers = await bearer(inspector)
        refused = await api.post(path, headers=headers, json={"admitted_on": dates.today().isoformat()})
        assert refused.status_code == 400 and "入住后需要 2 名工作人员" in refused.json()["errors"]["confirm_breach"]
        saved = await api.post(path, headers=headers, json={"admitted_on": dates.today().isoformat(), "confirm_breach": True})
        assert saved.status_code == 200 and saved.json()["status"] == "admitted"
    [breach] = await _breaches(hid)
    assert breach["confirmed_by"] == inspector.username
