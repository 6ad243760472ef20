"""Residents pages: rosters, the person's page, the forms, the county register, due lists.

Through the real app (httpx, signed in with a session and CSRF like a browser): each page opens
for the right roles, scope answers 404, lists never show a full ID number, revealing one is
audited, and every form's bad input comes back in Chinese with nothing written.
"""

import re
from datetime import date, timedelta

from backend.core import dates
from backend.core.i18n import gettext as zh  # the catalog text shown to a zh_CN user
from backend.core.tables import AuditEntry
from backend.residents import services
from backend.residents.schemas import AssessmentIn, ResidentIn
from backend.residents.tables import Assessment, Placement, ReassessmentTask, Resident
from tests.conftest import post_form
from tests.residents.helpers import new_id, register_person

ALL_YES = {item: "yes" for item in ("eat", "dress", "transfer", "toilet", "walk", "bathe")}
ALL_CAN = {item: True for item in ALL_YES}


async def _person(system, county, home=None, name="张桂英", gender="F", approved=date(2024, 1, 5), admitted=date(2024, 2, 1)):
    number = new_id(gender)
    person = await register_person(
        system,
        ResidentIn(
            id_number=number,
            name=name,
            county_code=county,
            approved_on=approved,
            home_code=home,
            admitted_on=admitted if home else None,
        ),
    )
    return person, number


async def _setting(world, system, beds=10):
    county = await world.county()
    home = await world.home(county=county, beds=beds, name="城关敬老院")
    person, number = await _person(system, county, home)
    return county, home, person, number


def _full_ids(text: str) -> list[str]:
    return re.findall(r"\b\d{17}[\dX]\b", text)


async def test_roster_public_roster_and_person_page_for_the_director(world, system, signed_in):
    county, home, person, number = await _setting(world, system)
    other, other_number = await _person(system, county, home, name="李长顺", gender="M")
    await services.record_assessment(
        system,
        other.id,
        AssessmentIn(assessed_on=date(2024, 3, 1), eat=False, dress=False, transfer=False, toilet=False, walk=True, bathe=True),
    )
    client, _user = await signed_in("director", home=home)

    roster = await client.get(f"/homes/{home}/roster")
    assert roster.status_code == 200
    assert "张桂英" in roster.text and "李长顺" in roster.text
    assert number[:6] + "********" + number[-4:] in roster.text
    assert number not in roster.text and other_number not in roster.text and not _full_ids(roster.text)
    assert '<strong data-tier="full_loss">1</strong>' in roster.text
    assert '<strong data-tier="unassessed">1</strong>' in roster.text
    assert zh("Fully unable to care for themselves") in roster.text

    only_full = await client.get(f"/homes/{home}/roster", params={"tier": "full_loss"})
    assert "李长顺" in only_full.text and "张桂英" not in only_full.text
    assert '<strong data-tier="unassessed">1</strong>' in only_full.text  # the counts ignore the tier filter

    public = await client.get(f"/homes/{home}/roster/print")
    assert public.status_code == 200
    assert "张桂英" in public.text and "@media print" not in public.text
    assert not _full_ids(public.text)

    page = await client.get(f"/residents/{person.id}")
    assert page.status_code == 200
    assert "张桂英" in page.text and number not in page.text
    assert "/id-number" not in page.text  # a director may not reveal IDs
    assert f"/residents/{person.id}/assessment" in page.text
    assert zh("Admitted") in page.text  # the admission in the timeline


async def test_print_stylesheet_hides_the_navigation():
    from backend.core.web import STATIC_DIR

    css = (STATIC_DIR / "tekun.css").read_text(encoding="utf-8")
    media_print = css[css.index("@media print") :]
    assert "header.top" in media_print and "display:none" in media_print


async def test_a_director_gets_404_for_another_homes_person_and_roster(world, system, signed_in):
    county, home, person, _number = await _setting(world, system)
    other_home = await world.home(county=county)
    stranger, _ = await _person(system, county, other_home, name="外院人")
    client, _user = await signed_in("director", home=home)
    assert (await client.get(f"/residents/{stranger.id}")).status_code == 404
    assert (await client.get(f"/homes/{other_home}/roster")).status_code == 404
    assert (await client.get(f"/homes/{other_home}/roster/print")).status_code == 404
    assert (await client.get(f"/homes/{other_home}/due")).status_code == 404
    assert (await client.get(f"/residents/{stranger.id}/assessment")).status_code == 404
    response = await post_form(
        client,
        f"/residents/{stranger.id}/assessment",
        {**ALL_YES, "assessed_on": "2024-03-01", "reason": "other", "action": "save"},
    )
    assert response.status_code == 404
    assert await Assessment.count().where(Assessment.resident == stranger.id) == 0
    assert (await client.get("/residents")).status_code == 403  # the county register is not for directors


async def test_county_register_search_filters_and_pagination(world, system, signed_in):
    county = await world.county()
    home = await world.home(county=county, beds=80)
    numbers = []
    for index in range(55):
        person, number = await _person(
            system, county, home if index % 2 else None, name=f"测试{index:02d}", gender="M" if index % 3 else "F"
        )
        numbers.append(number)
    outside = await world.county()
    await _person(system, outside, None, name="外县人")
    for role in ("inspector", "finance"):
        client, _user = await signed_in(role, county=county)
        first = await client.get("/residents")
        assert first.status_code == 200
        assert "55" in first.text and "外县人" not in first.text
        assert not _full_ids(first.text)
        assert 'rel="next"' in first.text and "page=2" in first.text
        second = await client.get("/residents", params={"page": "2"})
        assert second.status_code == 200 and "测试54" in second.text and 'rel="prev"' in second.text
        by_name = await client.get("/residents", params={"q": "测试07"})
        assert "测试07" in by_name.text and "测试08" not in by_name.text
        by_id = await client.get("/residents", params={"q": numbers[8][-6:]})
        assert "测试08" in by_id.text and "测试07" not in by_id.text
        dispersed = await client.get("/residents", params={"mode": "dispersed"})
        assert "测试00" in dispersed.text and "测试01" not in dispersed.text
    admin, _user = await signed_in("admin")
    everywhere = await admin.get("/residents", params={"q": "外县人"})
    assert everywhere.status_code == 200 and "外县人" in everywhere.text


async def test_revealing_the_full_id_needs_the_role_and_is_audited(world, system, signed_in):
    county, home, person, number = await _setting(world, system)
    inspector, _user = await signed_in("inspector", county=county)
    page = await inspector.get(f"/residents/{person.id}")
    assert f'action="/residents/{person.id}/id-number"' in page.text and number not in page.text
    before = await AuditEntry.count().where(AuditEntry.action == "resident.view_id")
    shown = await post_form(inspector, f"/residents/{person.id}/id-number")
    assert shown.status_code == 200 and number in shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert await AuditEntry.count().where(AuditEntry.action == "resident.view_id") == before + 1
    director, _user = await signed_in("director", home=home)
    refused = await post_form(director, f"/residents/{person.id}/id-number")
    assert refused.status_code == 403 and number not in refused.text
    assert await AuditEntry.count().where(AuditEntry.action == "resident.view_id") == before + 1


async def test_register_form_creates_a_person_and_refuses_bad_input(world, signed_in):
    county = await world.county()
    home = await world.home(county=county, beds=3)
    client, _user = await signed_in("inspector", county=county)
    assert (await client.get("/residents/new")).status_code == 200
    good = new_id("M")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = await post_form(client, "/residents/new", {"id_number": bad, "name": "周大海", "approved_on": "2024-01-05"})
    assert response.status_code == 400
    assert "校验码不符" in response.text  # the checksum message, in Chinese
    assert 'value="周大海"' in response.text  # values kept
    response = await post_form(
        client,
        "/residents/new",
        {"id_number": good, "name": "周大海", "approved_on": "2024-03-05", "home_code": home, "admitted_on": "2024-02-01"},
    )
    assert response.status_code == 400 and "日期早于认定日期" in response.text
    assert await Resident.count().where(Resident.id_number == good) == 0
    response = await post_form(
        client,
        "/residents/new",
        {"id_number": good, "name": "周大海", "approved_on": "2024-01-05", "home_code": home, "admitted_on": "2024-02-01"},
    )
    # never assessed by the county: registered with a home only as an emergency admission
    assert response.status_code == 400 and "入住前须先期进行能力评估" in response.text
    assert await Resident.count().where(Resident.id_number == good) == 0
    response = await post_form(
        client,
        "/residents/new",
        {
            "id_number": good,
            "name": "周大海",
            "approved_on": "2024-01-05",
            "home_code": home,
            "admitted_on": "2024-02-01",
            "emergency_reason": "独居突发失能",
        },
    )
    assert response.status_code == 303
    created = await client.get(response.headers["location"])
    assert "周大海" in created.text and "城关" not in created.text
    director, _user = await signed_in("director", home=home)
    assert (await director.get("/residents/new")).status_code == 403


async def test_admission_to_a_full_home_and_a_date_before_approval_are_refused(world, system, signed_in):
    county = await world.county()
    full = await world.home(county=county, beds=1)
    await _person(system, county, full, name="已入住")
    person, _number = await _person(system, county, None, name="待入住", approved=date(2024, 1, 5))
    await services.record_assessment(system, person.id, AssessmentIn(assessed_on=date(2024, 1, 20), **ALL_CAN))
    client, _user = await signed_in("inspector", county=county)
    form = await client.get(f"/residents/{person.id}/placement?kind=admit")
    assert form.status_code == 200
    response = await post_form(
        client, f"/residents/{person.id}/placement", {"kind": "admit", "event_date": "2024-02-01", "home_code": full}
    )
    assert response.status_code == 400
    assert "共有1张床位" in response.text  # the refusal names the number of beds
    response = await post_form(
        client, f"/residents/{person.id}/placement", {"kind": "admit", "event_date": "2023-12-01", "home_code": full}
    )
    assert response.status_code == 400 and "日期早于认定日期" in response.text
    response = await post_form(client, f"/residents/{person.id}/placement", {"kind": "", "event_date": ""})
    assert response.status_code == 400
    assert await Placement.count().where(Placement.resident == person.id) == 0
    roomy = await world.home(county=county, beds=5)
    response = await post_form(
        client, f"/residents/{person.id}/placement", {"kind": "admit", "event_date": "2024-02-01", "home_code": roomy}
    )
    assert response.status_code == 303
    response = await post_form(
        client, f"/residents/{person.id}/placement", {"kind": "discharge", "event_date": "2024-06-01", "note": "回村居住"}
    )
    assert response.status_code == 303
    page = await client.get(f"/residents/{person.id}")
    assert zh("Discharged to dispersed support") in page.text and "回村居住" in page.text


async def test_end_of_support_form(world, system, signed_in):
    county, home, person, _number = await _setting(world, system)
    director, _user = await signed_in("director", home=home)
    assert (await director.get(f"/residents/{person.id}/end")).status_code == 403
    client, _user = await signed_in("inspector", county=county)
    assert (await client.get(f"/residents/{person.id}/end")).status_code == 200
    response = await post_form(client, f"/residents/{person.id}/end", {"ended_on": "2024-03-01", "reason": ""})
    assert response.status_code == 400 and zh("A value is required.") in response.text
    response = await post_form(client, f"/residents/{person.id}/end", {"ended_on": "2023-03-01", "reason": "不再符合条件"})
    assert response.status_code == 400 and "日期早于认定日期" in response.text
    assert (await Resident.select(Resident.ended_on).where(Resident.id == person.id).first())["ended_on"] is None
    response = await post_form(client, f"/residents/{person.id}/end", {"ended_on": "2024-03-01", "reason": "不再符合条件"})
    assert response.status_code == 303
    page = await client.get(f"/residents/{person.id}")
    assert zh("Support ended") in page.text


async def test_condition_change_form_opens_a_task_on_the_due_lists(world, system, signed_in):
    county, home, person, _number = await _setting(world, system)
    await services.record_assessment(system, person.id, AssessmentIn(assessed_on=dates.today(), **{k: True for k in ALL_YES}))
    client, _user = await signed_in("director", home=home)
    assert (await client.get(f"/residents/{person.id}/condition-change")).status_code == 200
    response = await post_form(client, f"/residents/{person.id}/condition-change", {"reported_on": "", "note": ""})
    assert response.status_code == 400 and "必填" in response.text
    assert await ReassessmentTask.count().where(ReassessmentTask.resident == person.id) == 0
    reported = (dates.today() - timedelta(days=30)).isoformat()
    response = await post_form(
        client,
        f"/residents/{person.id}/condition-change",
        {"reported_on": reported, "reported_by": "护理员王", "note": "跌倒后行走困难"},
    )
    assert response.status_code == 303
    assert await ReassessmentTask.count().where(ReassessmentTask.resident == person.id) == 1
    due = await client.get(f"/homes/{home}/due")
    assert due.status_code == 200 and "张桂英" in due.text and zh("Overdue") in due.text
    assert "/assessment?reason=change" not in due.text  # the county re-assesses
    form = await client.get(f"/residents/{person.id}/assessment", params={"reason": "change"})
    assert '<option value="change" selected>' in form.text
    assert not _full_ids(due.text)
    inspector, _user = await signed_in("inspector", county=county)
    county_due = await inspector.get("/residents/due", params={"overdue": "true"})
    assert county_due.status_code == 200 and "张桂英" in county_due.text


async def test_assessment_form_preview_without_js_then_save(world, system, signed_in):
    county, home, person, _number = await _setting(world, system)
    client, _user = await signed_in("director", home=home)
    form = await client.get(f"/residents/{person.id}/assessment")
    assert form.status_code == 200 and 'name="eat"' in form.text and 'value="preview"' in form.text
    three_cannot = {**ALL_YES, "eat": "no", "dress": "no", "bathe": "no", "assessed_on": "2024-03-01", "reason": "admission"}
    preview = await post_form(client, f"/residents/{person.id}/assessment", {**three_cannot, "action": "preview"})
    assert preview.status_code == 200
    assert (
        '<output id="tier-preview" class="tier tier-partial"' in preview.text
        and f">{zh('Partly unable to care for themselves')}</output>" in preview.text
    )
    assert 'value="no" data-item="eat" checked' in preview.text  # answers kept
    four_cannot = {**three_cannot, "walk": "no"}
    preview = await post_form(client, f"/residents/{person.id}/assessment", {**four_cannot, "action": "preview"})
    assert f">{zh('Fully unable to care for themselves')}</output>" in preview.text
    assert await Assessment.count().where(Assessment.resident == person.id) == 0  # a preview writes nothing
    saved = await post_form(client, f"/residents/{person.id}/assessment", {**four_cannot, "action": "save"})
    assert saved.status_code == 303
    page = await client.get(f"/residents/{person.id}")  # a director's: the home's observation
    assert f'id="person-tier"><span class="tier tier-unassessed">{zh("Not assessed")}<' in page.text
    assert 'id="observations"' in page.text
    inspector, _user = await signed_in("inspector", county=county)
    saved = await post_form(inspector, f"/residents/{person.id}/assessment", {**four_cannot, "action": "save"})
    assert saved.status_code == 303
    page = await client.get(f"/residents/{person.id}")
    assert f'id="person-tier"><span class="tier tier-full_loss">{zh("Fully unable to care for themselves")}<' in page.text


async def test_assessment_form_refuses_missing_answers_and_bad_dates(world, system, signed_in):
    county, home, person, _number = await _setting(world, system)
    client, _user = await signed_in("director", home=home)
    missing = {**ALL_YES, "assessed_on": "2024-03-01", "reason": "annual"}
    del missing["toilet"]
    response = await post_form(client, f"/residents/{person.id}/assessment", {**missing, "action": "save"})
    assert response.status_code == 400
    assert 'id="e-toilet"' in response.text and zh("Answer: can or cannot do it alone.") in response.text
    future = (dates.today() + timedelta(days=3)).isoformat()
    response = await post_form(
        client, f"/residents/{person.id}/assessment", {**ALL_YES, "assessed_on": future, "reason": "annual", "action": "save"}
    )
    assert response.status_code == 400 and "日期不能晚于今天" in response.text
    response = await post_form(
        client,
        f"/residents/{person.id}/assessment",
        {**ALL_YES, "assessed_on": "2024-13-40", "reason": "annual", "action": "save"},
    )
    assert response.status_code == 400 and ("日期格式不正确" in response.text or "没有这一天" in response.text)
    assert await Assessment.count().where(Assessment.resident == person.id) == 0


async def test_capability_form_saves_and_refuses_out_of_range_scores(world, system, signed_in):
    from backend.residents import capability

    county, home, person, _number = await _setting(world, system)
    client, _user = await signed_in("director", home=home)
    assert (await client.get(f"/residents/{person.id}/capability")).status_code == 200
    scores = {f"score_{item.key}": str(item.maximum) for item in capability.spec().items}
    bad = {**scores, "score_eating": "9", "assessed_on": "2024-03-01", "risk_events": "0"}
    response = await post_form(client, f"/residents/{person.id}/capability", bad)
    assert response.status_code == 400 and 'id="e-score_eating"' in response.text
    assert "services" not in response.text
    response = await post_form(
        client,
        f"/residents/{person.id}/capability",
        {**scores, "assessed_on": "2024-03-01", "risk_events": "0", "dementia": "on"},
    )
    assert response.status_code == 303
    page = await client.get(f"/residents/{person.id}")
    assert "90" in page.text and "轻度失能" in page.text  # 90 points, one level lower for dementia
    assert zh("Not assessed") in page.text  # the stipend tier is untouched


async def test_nav_links_by_role(world, signed_in):
    county = await world.county()
    home = await world.home(county=county)
    director, _user = await signed_in("director", home=home)
    text = (await director.get("/")).text
    assert f'href="/homes/{home}/roster"' in text and f'href="/homes/{home}/due"' in text
    finance, _user = await signed_in("finance", county=county)
    text = (await finance.get("/")).text
    assert 'href="/residents"' in text and 'href="/residents/due"' in text


async def test_each_page_opens_for_the_roles_it_is_for(world, system, signed_in):
    county, home, person, number = await _setting(world, system)
    pages = {
        "roster": f"/homes/{home}/roster",
        "public": f"/homes/{home}/roster/print",
        "home_due": f"/homes/{home}/due",
        "person": f"/residents/{person.id}",
        "register": "/residents",
        "county_due": "/residents/due",
        "new": "/residents/new",
        "placement": f"/residents/{person.id}/placement",
        "end": f"/residents/{person.id}/end",
        "change": f"/residents/{person.id}/condition-change",
        "assessment": f"/residents/{person.id}/assessment",
        "capability": f"/residents/{person.id}/capability",
    }
    everyone = {"roster", "public", "home_due", "person"}
    expected = {
        "director": everyone | {"placement", "change", "assessment", "capability"},
        "inspector": set(pages),
        "finance": everyone | {"register", "county_due"},
        "admin": set(pages),
    }
    for role, allowed in expected.items():
        client, _user = await signed_in(
            role, home=home if role == "director" else None, county=county if role in ("inspector", "finance") else None
        )
        for name, path in pages.items():
            response = await client.get(path)
            assert response.status_code == (200 if name in allowed else 403), f"{role} {path}: {response.status_code}"
            if response.status_code == 200:
                assert number not in response.text, f"{role} sees the full ID at {path}"
