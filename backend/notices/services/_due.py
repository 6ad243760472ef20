"""What is due to whom now: the directors' daily summaries and the inspectors' events, read from the
other domains through their services (with the whole scope: this is the scheduler's job) and
addressed to the active users of the role and the place concerned."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from backend.core import dates
from backend.core.security import Scope
from backend.notices import rules
from backend.notices.rules import Due
from backend.registry import services as registry

SYSTEM = Scope.system("notices")
LIMIT = 5000  # list_tasks' largest page (inspections.services._lists.MAX_LIMIT)


async def active_users(role: str) -> list:
    from backend.accounts import services as accounts

    return await accounts.find_users(SYSTEM, role=role, active=True)


async def tasks_of(county_code: str, home_codes: list[str], status: str, first: date, last: date) -> list:
    """The county's tasks of a status due from ``first`` to ``last`` (one read per county; per home
    when a county has more than list_tasks gives at once), of the homes named only."""
    from backend.inspections import services as inspections

    wanted = set(home_codes)
    tasks = await inspections.list_tasks(SYSTEM, county_code=county_code, status=status, due_from=first, due_to=last, limit=LIMIT)
    if len(tasks) < LIMIT:
        return [task for task in tasks if task.home in wanted]
    found = []
    for code in sorted(wanted):
        found.extend(
            await inspections.list_tasks(SYSTEM, home_code=code, status=status, due_from=first, due_to=last, limit=LIMIT)
        )
    return found


async def directors_due(now: datetime, skip: set[tuple[int, str, str, str]]) -> list[Due]:
    """One summary per director of a home with tasks due today or overdue (from the morning on),
    counted as the tasks page counts them; nothing is read when every director already has today's."""
    local = dates.local(now)
    today = local.date()
    if not rules.summary_time(local.hour):
        return []
    period = today.isoformat()
    directors = [
        user
        for user in await active_users("director")
        if user.home_code and (user.id, rules.DIRECTOR_DAILY, user.home_code, period) not in skip
    ]
    if not directors:
        return []
    from backend.inspections import services as inspections

    homes = await registry.homes_by_code({user.home_code for user in directors})
    # the same counts as the tasks page and the 今日待办 (inspections.services.task_counts)
    counts = await inspections.task_counts([home["id"] for home in homes.values()], now=now)
    out = []
    for user in directors:
        if user.home_code not in homes:
            continue
        found = counts.get(homes[user.home_code]["id"], inspections.TaskCounts())
        facts = rules.director_summary(found.due_today, found.overdue)
        if facts is None:
            continue
        facts |= {"home_code": user.home_code, "home_name": homes[user.home_code]["name"]}
        out.append(Due(user.id, rules.DIRECTOR_DAILY, user.home_code, period, facts, f"/homes/{user.home_code}/tasks"))
    return out


async def _county_events(county_code: str, today: date, drills: list[tuple[str, str]], homes: dict) -> list[tuple]:
    """(kind, subject, period, facts, href) of the county's events."""
    from backend.deaths import services as deaths
    from backend.safety import services as safety

    events = []
    board = await safety.county_hazards(SYSTEM, county_code)
    names = {home.code: home.name for home in board.homes}
    for hazard in board.major:
        facts = {"home_code": hazard.home, "home_name": names.get(hazard.home, hazard.home), "title": hazard.title}
        facts["deadline"] = hazard.deadline.isoformat()
        events.append((rules.MAJOR_HAZARD, str(hazard.id), "", facts, f"/homes/{hazard.home}/hazards/{hazard.id}"))
    for report in await safety.county_outbreaks(SYSTEM, county_code):
        if not report.acknowledged:
            facts = {"home_code": report.home, "home_name": report.home_name, "cases": report.cases}
            events.append((rules.OUTBREAK, str(report.id), "", facts, f"/counties/{county_code}/outbreaks"))
    for home_code, period in drills:
        facts = {"home_code": home_code, "home_name": homes[home_code]["name"], "period": period}
        events.append((rules.DRILL_OVERDUE, home_code, period, facts, f"/homes/{home_code}/safety"))
    since = today - timedelta(days=rules.EVENT_WINDOW_DAYS)
    for notice in await deaths.late_notices(SYSTEM, county_code=county_code, include_seen=True):
        if dates.local(notice.created_at).date() < since:
            continue
        home = homes.get(notice.home_code)
        facts = {
            "home_code": notice.home_code,
            "home_name": home["name"] if home else "",
            "hours": round(notice.hours_to_report, 1),
            "deadline_hours": notice.deadline_hours,
        }
        events.append((rules.LATE_DEATH, str(notice.death_record), "", facts, f"/counties/{county_code}/deaths"))
    return events


async def inspectors_due(now: datetime) -> list[Due]:
    """One notice per event of their county for every active inspector of it."""
    inspectors = [user for user in await active_users("inspector") if user.county_code]
    if not inspectors:
        return []
    today = dates.local(now).date()
    by_county: dict[str, list] = defaultdict(list)
    for user in inspectors:
        by_county[user.county_code].append(user)
    homes = await registry.homes_by_code(None)
    county_ids = await registry.county_ids(SYSTEM, list(by_county))
    since = today - timedelta(days=rules.DRILL_WINDOW_DAYS)
    out = []
    for county_code, users in sorted(by_county.items()):
        own = [code for code, home in homes.items() if home["county"] == county_ids.get(county_code)]
        overdue = await tasks_of(county_code, own, "overdue", since, today)
        drills = [(code, period) for code, period in rules.overdue_drills(overdue) if code in homes]
        for kind, subject, period, facts, href in await _county_events(county_code, today, drills, homes):
            out.extend(Due(user.id, kind, subject, period, facts, href) for user in users)
    return out
