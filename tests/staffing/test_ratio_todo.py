"""The staffing items of "今日待办": a director sees each health certificate expiring within 7 days
or expired (naming the person) and today's breach of the ratio (with the numbers); the county's
inspector one item counting the homes below the ratio today; nobody else sees them."""

from __future__ import annotations

from datetime import timedelta

from backend.core import dates, todo
from backend.core.i18n import gettext as zh
from backend.core.web import make_environment
from backend.staffing.views import todo_items
from tests.staffing import ratio_helpers as h


def mine(items, kind):
    return [item for item in items if item.kind == kind]


async def test_a_director_sees_certificates_expiring_within_a_week_or_expired(world):
    today = dates.today()
    home = await world.home()
    long_ago = today - timedelta(days=100)
    await h.post(home, long_ago, post="cook", name="三天后", health_cert_expires=today + timedelta(days=3), staff_no="K1")
    await h.post(home, long_ago, post="cook", name="已过期", health_cert_expires=today - timedelta(days=1), staff_no="K2")
    await h.post(home, long_ago, post="cook", name="今天到期", health_cert_expires=today, staff_no="K3")
    await h.post(home, long_ago, post="cook", name="十天后", health_cert_expires=today + timedelta(days=10))
    await h.post(home, long_ago, left_on=today, post="cook", name="已离职", health_cert_expires=today)
    other = await world.home()
    await h.post(other, long_ago, post="cook", name="别院的", health_cert_expires=today)
    director = await world.user("director", home=home)
    items = mine(await todo_items.certificates_expiring(director.scope), "health_certificate_expiring")
    by_name = {item.detail: item for item in items}
    assert set(by_name) == {"三天后", "已过期", "今天到期"}
    assert (by_name["已过期"].urgency, by_name["已过期"].due) == (todo.OVERDUE, today - timedelta(days=1))
    assert by_name["今天到期"].urgency == todo.TODAY
    assert by_name["三天后"].urgency == todo.SOON and by_name["三天后"].href == f"/homes/{home}/staff/K1"
    assert by_name["已过期"].label == zh("Health certificate expired")
    # the overview's list has them too, and the county's staff do not get them
    assert {item.detail for item in mine(await todo.items(director.scope), "health_certificate_expiring")} == set(by_name)
    inspector = await world.user("inspector", county=(await h.county_of(home)))
    assert await todo_items.certificates_expiring(inspector.scope) == []


async def test_a_director_sees_a_breach_today_with_the_numbers(world):
    today = dates.today()
    county = await world.county()
    home = await world.home(county)
    await h.residents_in(county, home, 11, today - timedelta(days=30))
    first = await h.post(home, today - timedelta(days=100))
    director = await world.user("director", home=home)
    (item,) = mine(await todo_items.ratio_breach_today(director.scope), "ratio_breach_today")
    assert item.detail == zh("Today {staff} staff / {required} needed").format(staff=1, required=2)
    assert item.href == f"/homes/{home}/staffing" and item.urgency == todo.TODAY
    # a breach has no due date: the list would word it "到期" (due)
    assert item.due is None
    html = make_environment().from_string('{% from "_components/todo.html" import todo_list %}{{ todo_list(items) }}')
    assert "todo-due" not in html.render(items=[item])
    await h.post(home, today)
    assert await todo_items.ratio_breach_today(director.scope) == []
    await h.leave(first, today, today)  # on leave today: below again
    assert len(await todo_items.ratio_breach_today(director.scope)) == 1


async def test_the_county_inspector_sees_one_item_counting_the_homes_below(world):
    today = dates.today()
    county = await world.county()
    below = []
    for name in ("甲院", "乙院", "丙院"):
        home = await world.home(county, name=name)
        await h.residents_in(county, home, 11, today - timedelta(days=30))
        await h.post(home, today - timedelta(days=100))
        below.append(home)
    await h.post(below[2], today - timedelta(days=100))  # the third one complies
    elsewhere = await world.home()  # another county's home below the ratio is not counted
    await h.residents_in(await h.county_of(elsewhere), elsewhere, 1, today - timedelta(days=30))
    inspector = await world.user("inspector", county=county)
    (item,) = await todo_items.ratio_breach_today(inspector.scope)
    assert item.kind == "ratio_breach_homes"
    assert item.detail == zh("{count} homes").format(count=2)
    assert item.href == f"/counties/{county}/staffing?sort=ratio" and item.due is None
    finance = await world.user("finance", county=county)
    assert await todo_items.ratio_breach_today(finance.scope) == []  # finance does not manage staffing
    quiet = await world.county()
    calm = await world.user("inspector", county=quiet)
    assert await todo_items.ratio_breach_today(calm.scope) == []
