"""Demo data: a small, believable world loaded idempotently by ``tekun demo``.

Two counties of Gansu, six homes, one user of each role per scope, the 2026 holiday calendar,
about forty residents in each home across all tiers with assessment histories, about thirty
dispersed persons in each county, and a few transfers, discharges and condition-change reports.

Stipends (issue 4): the standards of both counties, and the disbursement lists of the last three
full months before the anchor for every entitled person, imported through the real ``payments``
import, with a handful of problems planted (``PLANTED``): a resident whose death (reported late,
through the deaths services) did not stop the money for two more months, a dispersed person paid
at the concentrated rate, care paid for a higher tier than assessed, a line paid twice, a valid ID
that is not in the register, a name typo, a person left unpaid. Then a reconciliation run for every
county and month, so the finance pages have findings to review.

The admission queue (issue 10): a few applications of dispersed persons of 永登县 across the
tiers, one with a place offered (``_queue``).

Everything goes through the services (the exchange-file import services for the bulk, the
placement and assessment services for the story), so the history is real, chained and audited.
The data is generated from a fixed seed and dated relative to a fixed day, so loading it twice
creates nothing the second time. The passwords are printed by the command; local demo only.

``People`` (names, ID numbers, birth dates, answers) is shared with ``benchmarks/generate.py``.
"""

from __future__ import annotations

from backend.accounts import services as accounts
from backend.core import dates
from backend.core.errors import NotFound
from backend.core.security import Scope
from backend.demo._people import (
    ASSESSMENT_HEADERS,
    ASSESSORS,
    ITEM_ZH,
    ITEMS,
    RESIDENT_HEADERS,
    People,
)
from backend.demo._queue import load_queue
from backend.demo._register import demo_rows, tell_assessment_story, tell_story
from backend.demo._safety import load_safety
from backend.demo._staffing import load_staffing
from backend.demo._stipends import FLOORS, PLANTED, load_stipends, payment_months
from backend.demo._tasks import load_tasks
from backend.demo._world import (
    ANCHOR,
    COUNTIES,
    DEMO_PASSWORD,
    HOLIDAYS_2026,
    HOMES,
    MAKE_UP_DAYS_2026,
    USERS,
    calendar_rows,
    import_rows,
)
from backend.registry import services as registry
from backend.registry.schemas import CountyIn, HomeIn

__all__ = [
    "ANCHOR",
    "ASSESSMENT_HEADERS",
    "ASSESSORS",
    "COUNTIES",
    "DEMO_PASSWORD",
    "FLOORS",
    "HOLIDAYS_2026",
    "HOMES",
    "ITEMS",
    "ITEM_ZH",
    "MAKE_UP_DAYS_2026",
    "PLANTED",
    "RESIDENT_HEADERS",
    "USERS",
    "People",
    "calendar_rows",
    "demo_rows",
    "load_demo",
    "payment_months",
]


async def load_demo() -> list[tuple[str, str, str, str]]:
    """Create what is missing; return (username, password, role, where) for every demo login."""
    scope = Scope.system("demo")
    for code, name, province in COUNTIES:
        try:
            await registry.get_county(scope, code)
        except NotFound:
            await registry.create_county(scope, CountyIn(code=code, name=name, province=province))
    for code, name, county, beds, address, fire_room in HOMES:
        try:
            await registry.get_home(scope, code)
        except NotFound:
            await registry.create_home(
                scope,
                HomeIn(code=code, name=name, county_code=county, beds=beds, address=address, has_fire_control_room=fire_room),
            )
    logins = []
    for username, role, home, county, display in USERS:
        try:
            await accounts.get_user(username)
        except NotFound:
            await accounts.create_user(scope, username, role, DEMO_PASSWORD, home, county, display)
        logins.append((username, DEMO_PASSWORD, role, home or county or "all"))
    anchor = min(ANCHOR, dates.today())
    await import_rows(scope, "calendar", ["日期", "类型", "名称"], calendar_rows())
    residents, assessments, story = demo_rows(anchor)
    await import_rows(scope, "residents", RESIDENT_HEADERS, residents)
    await import_rows(scope, "assessments", ASSESSMENT_HEADERS, assessments)
    await tell_story(scope, story, anchor)
    acting = {name: (await accounts.get_user(name)).scope for name in ("director.yd01", "inspector.yongdeng")}
    await tell_assessment_story(scope, acting, {**story, "all": [row[0] for row in residents]}, anchor)
    await load_stipends(scope, anchor, residents, assessments, story)
    await load_queue(scope, anchor)
    await load_staffing(scope)
    await load_safety(scope)
    await load_tasks()  # issue 13: the tasks of the demo's month (last: it reads all of the above)
    return logins
