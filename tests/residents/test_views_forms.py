"""The residents forms on the form toolkit (backend/core/forms.py): each refusal comes back in
Chinese next to its field with the typed values kept and nothing written; each save redirects
with a flash message that says what was saved, shown once on the next page."""

from datetime import date, timedelta

from backend.core import dates
from backend.core.i18n import gettext as zh
from backend.core.tables import AuditEntry
from backend.residents import capability, services
from backend.residents.schemas import ResidentIn
from backend.residents.tables import (
    Assessment,
    CapabilityAssessment,
    Placement,
    ReassessmentTask,
    Resident,
)
from tests.conftest import post_form
from tests.residents.helpers import new_id, register_person

ALL_YES = dict.fromkeys(("eat", "dress", "transfer", "toilet", "walk", "bathe"), "yes")
APPROVED = date(2024, 1, 5)
BAD_DATE = zh("Not a valid date (write 2026-11-02).")
NO_SUCH_DATE = zh("There is no such date (check the day of the month).")
BAD_DATES = {BAD_DATE, NO_SUCH_DATE}  # malformed, or a day the month does not have
BEFORE_APPROVAL = zh("The date is before the approval date.")
REQUIRED = zh("A value is required.")


def too_long(count: int, length: int) -> str:
    return zh("At most {count} characters (this has {length}).").format(count=count, length=length)


async def _setting(world, system, home_beds=10):
    county = await world.county(name="永登县")
    home = await world.home(county=county, beds=home_beds, name="城关敬老院")
    person = await register_person(
        system,
        ResidentIn(
            id_number=new_id("F"),
            name="张桂英",
            county_code=county,
            approved_on=APPROVED,
            home_code=home,
            admitted_on=date(2024, 2, 1),
        ),
    )
    return county, home, person


def _error_of(text: str, field: str) -> str:
    """The message shown next to a field (``<p class="error" id="e-field">…</p>``)."""
    marker = f'id="e-{field}">'
    assert marker in text, f"no error shown next to {field}"
    start = text.index(marker) + len(marker)
    return text[start : text.index("</p>", start)]


async def _audits() -> int:
    return await AuditEntry.count()


async def _flash_once(client, response, expected: str) -> None:
    """A save answers 303 with the message for the next page, shown there once."""
    assert response.status_code == 303, response.text[:500]
    page = await client.get(response.headers["location"])
    assert f'<p class="notice flash" role="status">{expected}</p>' in page.text
    again = await client.get(response.headers["location"])
    assert "notice flash" not in again.text


# --- refusals ---------------------------------------------------------------------------------------


async def test_placement_form_refuses_a_bad_date_a_date_before_approval_and_a_long_note(world, system, signed_in):
    county, _home, person = await _setting(world, system)
    dispersed = await register_person(
        system, ResidentIn(id_number=new_id("M"), name="待入住", county_code=county, approved_on=APPROVED)
    )
    roomy = await world.home(county=county, beds=5, name="红城敬老院")
    client, _user = await signed_in("inspector", county=county)
    before = await _audits()

    response = await post_form(
        client, f"/residents/{dispersed.id}/placement", {"kind": "admit", "event_date": "2024-13-40", "home_code": roomy}
    )
    assert response.status_code == 400 and _error_of(response.text, "event_date") in BAD_DATES
    assert f'<option value="{roomy}" selected>' in response.text  # the choice is kept

    response = await post_form(
        client, f"/residents/{dispersed.id}/placement", {"kind": "admit", "event_date": "2023-12-31", "home_code": roomy}
    )
    assert response.status_code == 400 and _error_of(response.text, "event_date") == BEFORE_APPROVAL

    note = "家" * 301
    response = await post_form(
        client,
        f"/residents/{dispersed.id}/placement",
        {"kind": "admit", "event_date": "2024-03-01", "home_code": roomy, "note": note},
    )
    assert response.status_code == 400 and _error_of(response.text, "note") == too_long(300, 301)
    assert note in response.text  # what was typed comes back

    response = await post_form(client, f"/residents/{dispersed.id}/placement", {"kind": "move", "event_date": "2024-03-01"})
    assert _error_of(response.text, "kind") == zh("Choose admission, transfer or discharge.")
    response = await post_form(client, f"/residents/{dispersed.id}/placement", {"kind": "admit", "event_date": "2024-03-01"})
    assert _error_of(response.text, "home_code") == zh("Choose the home.")
    assert zh("Please correct the fields marked below.") in response.text

    assert await Placement.count().where(Placement.resident == dispersed.id) == 0
    assert await _audits() == before
    assert (await services.get_resident(system, person.id)).home_code is not None  # the other person untouched


async def test_condition_change_form_refusals_write_nothing(world, system, signed_in):
    _county, home, person = await _setting(world, system)
    client, _user = await signed_in("director", home=home)
    path = f"/residents/{person.id}/condition-change"
    before = await _audits()

    response = await post_form(client, path, {"reported_on": "2024/02/30", "note": "跌倒"})
    assert response.status_code == 400 and _error_of(response.text, "reported_on") in BAD_DATES
    response = await post_form(client, path, {"reported_on": "2024-01-04", "note": "跌倒"})
    assert response.status_code == 400 and _error_of(response.text, "reported_on") == BEFORE_APPROVAL
    long_note = "行走困难" * 76  # 304 characters
    response = await post_form(client, path, {"reported_on": "2024-03-01", "note": long_note})
    assert response.status_code == 400 and _error_of(response.text, "note") == too_long(300, 304)
    assert long_note in response.text
    response = await post_form(client, path, {"reported_on": "2024-03-01", "reported_by": "护" * 101, "note": "跌倒"})
    assert _error_of(response.text, "reported_by") == too_long(100, 101)
    response = await post_form(client, path, {"reported_on": "2024-03-01", "note": ""})
    assert _error_of(response.text, "note") == REQUIRED
    future = (dates.today() + timedelta(days=2)).isoformat()
    response = await post_form(client, path, {"reported_on": future, "note": "跌倒"})
    assert _error_of(response.text, "reported_on") == zh("The date is in the future.")

    assert await ReassessmentTask.count().where(ReassessmentTask.resident == person.id) == 0
    assert await _audits() == before


async def test_end_and_register_forms_refuse_bad_dates_in_chinese(world, system, signed_in):
    county, home, person = await _setting(world, system)
    client, _user = await signed_in("inspector", county=county)

    response = await post_form(client, f"/residents/{person.id}/end", {"ended_on": "明天", "reason": "迁出"})
    assert response.status_code == 400 and _error_of(response.text, "ended_on") in BAD_DATES
    response = await post_form(client, f"/residents/{person.id}/end", {"ended_on": "2023-06-01", "reason": "迁出"})
    assert _error_of(response.text, "ended_on") == BEFORE_APPROVAL
    response = await post_form(client, f"/residents/{person.id}/end", {"ended_on": "2024-06-01", "reason": "因" * 201})
    assert _error_of(response.text, "reason") == too_long(200, 201)
    assert (await Resident.select(Resident.ended_on).where(Resident.id == person.id).first())["ended_on"] is None

    number = new_id("M")
    response = await post_form(client, "/residents/new", {"id_number": number, "name": "周大海", "approved_on": "2024-02-31"})
    assert response.status_code == 400 and _error_of(response.text, "approved_on") in BAD_DATES
    assert 'value="周大海"' in response.text
    response = await post_form(
        client,
        "/residents/new",
        {"id_number": number, "name": "周大海", "approved_on": "2024-03-05", "home_code": home, "admitted_on": "2024-03-04"},
    )
    assert _error_of(response.text, "admitted_on") == BEFORE_APPROVAL
    response = await post_form(
        client, "/residents/new", {"id_number": number, "name": "", "approved_on": "2024-03-05", "gender": "X"}
    )
    assert _error_of(response.text, "name") == REQUIRED
    assert _error_of(response.text, "gender") == zh("Choose male or female.")
    assert await Resident.count().where(Resident.id_number == number) == 0


async def test_assessment_and_capability_forms_refuse_bad_dates_and_scores(world, system, signed_in):
    _county, home, person = await _setting(world, system)
    client, _user = await signed_in("director", home=home)
    base = {**ALL_YES, "reason": "annual", "action": "save"}
    response = await post_form(client, f"/residents/{person.id}/assessment", {**base, "assessed_on": "2024-02-30"})
    assert response.status_code == 400 and _error_of(response.text, "assessed_on") in BAD_DATES
    assert 'value="yes" data-item="eat" checked' in response.text
    response = await post_form(
        client, f"/residents/{person.id}/assessment", {**base, "assessed_on": "2024-03-01", "assessor": "评" * 101}
    )
    assert _error_of(response.text, "assessor") == too_long(100, 101)
    response = await post_form(
        client, f"/residents/{person.id}/assessment", {**base, "assessed_on": "2024-03-01", "reason": "whim"}
    )
    assert _error_of(response.text, "reason") == zh("Choose the reason.")
    assert await Assessment.count().where(Assessment.resident == person.id) == 0

    scores = {f"score_{item.key}": "0" for item in capability.spec().items}
    first = capability.spec().items[0]
    response = await post_form(
        client, f"/residents/{person.id}/capability", {**scores, f"score_{first.key}": "", "assessed_on": "2024-03-01"}
    )
    assert response.status_code == 400 and _error_of(response.text, f"score_{first.key}") == REQUIRED
    response = await post_form(
        client, f"/residents/{person.id}/capability", {**scores, "assessed_on": "2024-03-01", "risk_events": "101"}
    )
    assert _error_of(response.text, "risk_events") == zh("At most {maximum}.").format(maximum=100)
    response = await post_form(client, f"/residents/{person.id}/capability", {**scores, "assessed_on": "03/01/2024"})
    assert _error_of(response.text, "assessed_on") in BAD_DATES
    assert await CapabilityAssessment.count().where(CapabilityAssessment.resident == person.id) == 0


# --- flash messages -----------------------------------------------------------------------------------


async def test_every_save_leaves_a_flash_message_saying_what_was_saved(world, system, signed_in):
    county, home, person = await _setting(world, system)
    director, _user = await signed_in("director", home=home)

    saved = await post_form(
        director,
        f"/residents/{person.id}/assessment",
        {**ALL_YES, "dress": "no", "assessed_on": "2024-03-01", "reason": "annual", "action": "save"},
    )
    partly = zh("Partly unable to care for themselves")
    # a director's six answers are the home's care observation (domain rules §2)
    await _flash_once(
        director, saved, zh("Care observation saved ({tier}); the tier in force is the county's.").format(tier=partly)
    )

    reported = (dates.today() - timedelta(days=1)).isoformat()
    saved = await post_form(
        director, f"/residents/{person.id}/condition-change", {"reported_on": reported, "note": "跌倒后行走困难"}
    )
    due = (await ReassessmentTask.select(ReassessmentTask.due_on).where(ReassessmentTask.resident == person.id).first())["due_on"]
    day = f"{due.year}年{due.month}月{due.day}日"
    await _flash_once(director, saved, zh("Condition change recorded: the re-assessment is due by {day}.").format(day=day))

    scores = {f"score_{item.key}": str(item.maximum) for item in capability.spec().items}
    saved = await post_form(
        director, f"/residents/{person.id}/capability", {**scores, "assessed_on": "2024-03-01", "risk_events": "0"}
    )
    level = capability.capability_level({item.key: item.maximum for item in capability.spec().items}, False, False, 0).level
    name = next(known.name for known in capability.spec().levels if known.number == level)
    await _flash_once(director, saved, zh("GB/T 42195 assessment saved: level {level}, {name}.").format(level=level, name=name))

    inspector, _user = await signed_in("inspector", county=county)
    other_home = await world.home(county=county, beds=5, name="苦水敬老院")
    saved = await post_form(
        inspector, f"/residents/{person.id}/placement", {"kind": "transfer", "event_date": "2024-04-01", "home_code": other_home}
    )
    await _flash_once(inspector, saved, zh("Transfer recorded."))
    saved = await post_form(inspector, f"/residents/{person.id}/placement", {"kind": "discharge", "event_date": "2024-05-01"})
    await _flash_once(inspector, saved, zh("Discharge recorded: the person now has dispersed support."))
    saved = await post_form(
        inspector,
        f"/residents/{person.id}/assessment",
        {**ALL_YES, "dress": "no", "assessed_on": "2024-05-15", "reason": "admission", "action": "save"},
    )
    await _flash_once(inspector, saved, zh("Assessment saved: {tier}.").format(tier=partly))
    saved = await post_form(
        inspector, f"/residents/{person.id}/placement", {"kind": "admit", "event_date": "2024-06-01", "home_code": home}
    )
    await _flash_once(inspector, saved, zh("Admission recorded."))
    assert zh("Admission recorded.") == "已记录入住。"
    saved = await post_form(inspector, f"/residents/{person.id}/end", {"ended_on": "2024-07-01", "reason": "迁出本县"})
    await _flash_once(inspector, saved, zh("End of support recorded."))

    number = new_id("M")
    saved = await post_form(
        inspector, "/residents/new", {"id_number": number.lower(), "name": "周大海", "approved_on": "2024-01-05"}
    )
    await _flash_once(inspector, saved, zh("Registered {name}.").format(name="周大海"))
    assert await Resident.count().where(Resident.id_number == number) == 1


async def test_a_refused_form_leaves_no_flash_message(world, system, signed_in):
    _county, home, person = await _setting(world, system)
    client, _user = await signed_in("director", home=home)
    refused = await post_form(client, f"/residents/{person.id}/condition-change", {"reported_on": "", "note": ""})
    assert refused.status_code == 400 and "notice flash" not in refused.text
    assert "tekun_flash" not in refused.headers.get("set-cookie", "")
    page = await client.get(f"/residents/{person.id}")
    assert "notice flash" not in page.text
