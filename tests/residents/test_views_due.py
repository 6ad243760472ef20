"""Due items say why they are due (入住评估 for someone never assessed, 年度复核, 状况变化后重新评估),
on the due lists and in "今日待办": a director's to-do lists each overdue or soon-due person with a
link to the assessment form; county staff use the county's due list instead; finance and
administrators get none from this source."""

from datetime import date, timedelta

from backend.core import dates, todo
from backend.core.i18n import gettext as zh
from backend.core.security import Scope
from backend.residents import rules, services
from backend.residents.schemas import AssessmentIn, ConditionChangeIn, ResidentIn
from backend.residents.views import due as due_views
from tests.residents.helpers import new_id, register_person

ALL_CAN = dict.fromkeys(("eat", "dress", "transfer", "toilet", "walk", "bathe"), True)


async def _people(world, system):
    """A home with: 未评估 (never assessed), 逾期 (assessed 400 days ago), 将到期 (due in 5 days),
    尚早 (due in two months), 变化 (a condition change reported yesterday); and a dispersed
    person of the county, never assessed."""
    county = await world.county(name="永登县")
    home = await world.home(county=county, beds=20, name="城关敬老院")
    today = dates.today()
    people = {}
    for name, last in (("未评估", None), ("逾期", 400), ("将到期", 360), ("尚早", 300), ("变化", 100)):
        person = await register_person(
            system,
            ResidentIn(
                id_number=new_id("F"),
                name=name,
                county_code=county,
                approved_on=date(2020, 1, 5),
                home_code=home,
                admitted_on=date(2020, 2, 1),
            ),
        )
        if last is not None:
            await services.record_assessment(system, person.id, AssessmentIn(assessed_on=today - timedelta(days=last), **ALL_CAN))
        people[name] = person
    await services.report_condition_change(
        system, people["变化"].id, ConditionChangeIn(reported_on=today - timedelta(days=1), note="跌倒")
    )
    people["分散"] = await register_person(
        system,
        ResidentIn(
            id_number=new_id("M"),
            name="分散",
            county_code=county,
            approved_on=date(2020, 1, 5),
        ),
    )
    return county, home, people


def _row(text: str, resident_id: int) -> str:
    """The due list's row of one person."""
    start = text.index(f'<a href="/residents/{resident_id}">')
    return text[text.rindex("<tr", 0, start) : text.index("</tr>", start)]


async def test_due_lists_label_each_item_by_its_reason(world, system, signed_in):
    county, home, people = await _people(world, system)
    director, _user = await signed_in("director", home=home)
    page = await director.get(f"/homes/{home}/due")
    assert page.status_code == 200
    never = _row(page.text, people["未评估"].id)
    assert f'<span class="due-reason">{zh("Admission assessment")}</span>' in never
    assert zh("Admission assessment") == "入住评估" and "年度复核" not in never
    assert "/assessment?" not in page.text  # the county assesses: a director has no "Assess" button
    overdue = _row(page.text, people["逾期"].id)
    assert f'<span class="due-reason">{zh("Annual review")}</span>' in overdue and "年度复核" in overdue
    changed = _row(page.text, people["变化"].id)
    assert f'<span class="due-reason">{zh("Re-assessment after a condition change")}</span>' in changed
    tasks_part = page.text.split('id="admitted-unassessed"')[0]  # then: admitted without a prior assessment
    assert "尚早" not in tasks_part  # two months away: not listed yet

    form = await director.get(f"/residents/{people['未评估'].id}/assessment", params={"reason": "admission"})
    assert '<option value="admission" selected>' in form.text

    inspector, _user = await signed_in("inspector", county=county)
    county_page = await inspector.get("/residents/due")
    assert f'href="/residents/{people["未评估"].id}/assessment?reason=admission"' in _row(county_page.text, people["未评估"].id)
    assert 'reason=annual"' in _row(county_page.text, people["逾期"].id)
    assert 'reason=change"' in _row(county_page.text, people["变化"].id)
    assert "城关敬老院" in _row(county_page.text, people["逾期"].id) and home not in _row(county_page.text, people["逾期"].id)
    dispersed = _row(county_page.text, people["分散"].id)
    assert zh("Admission assessment") in dispersed and zh("Dispersed support") in dispersed


async def test_the_service_says_why_each_item_is_due(world, system):
    _county, home, people = await _people(world, system)
    tasks = await services.due_assessments(system, home_code=home)
    reasons = {(task.name, task.kind): task.reason for task in tasks}
    assert reasons == {
        ("未评估", "annual_review"): "admission",
        ("逾期", "annual_review"): "annual",
        ("将到期", "annual_review"): "annual",
        ("变化", "reassessment"): "change",
    }


async def test_a_directors_to_do_lists_overdue_and_soon_due_assessments(world, system):
    county, home, people = await _people(world, system)
    director = await world.user("director", home=home)
    items = [item for item in await todo.items(director.scope) if item.href.startswith("/residents/")]
    by_person = {item.detail: item for item in items}
    never = by_person[zh("{name} (never assessed)").format(name="未评估")]
    assert never.label == "入住评估" and never.urgency == todo.OVERDUE and never.kind == "assessment_overdue"
    # the county assesses: a director's item opens the person's page (report a change, observe)
    assert never.href == f"/residents/{people['未评估'].id}"
    late = by_person["逾期"]
    assert late.label == "年度复核" and late.urgency == todo.OVERDUE
    assert (
        late.due == rules.annual_review_due(dates.today() - timedelta(days=400))
        and late.href == f"/residents/{people['逾期'].id}"
    )
    soon = by_person["将到期"]
    assert (
        soon.urgency == todo.SOON and soon.kind == "assessment_due" and 0 < (soon.due - dates.today()).days <= due_views.SOON_DAYS
    )
    change = by_person["变化"]
    assert change.label == zh("Re-assessment after a condition change") and change.href == f"/residents/{people['变化'].id}"
    assert "尚早" not in by_person and "分散" not in by_person  # not due soon; not in the home
    assert items[0].urgency == todo.OVERDUE  # most pressing first

    inspector = await world.user("inspector", county=county)
    assert await due_views.assessments_due(inspector.scope) == []  # the county's due list is its own page

    finance = await world.user("finance", county=county)
    assert await due_views.assessments_due(finance.scope) == []  # finance does not record assessments
    assert await due_views.assessments_due(Scope.system()) == []  # nor a province-wide list for administrators


async def test_the_overview_shows_the_directors_to_do(world, system, signed_in):
    _county, home, people = await _people(world, system)
    director, _user = await signed_in("director", home=home)
    overview = await director.get("/")
    section = overview.text[overview.text.index('id="todo"') :]
    assert 'data-kind="assessment_overdue"' in section
    assert f'href="/residents/{people["逾期"].id}"' in section
    assert "入住评估" in section and "尚早" not in section
