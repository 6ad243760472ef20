"""A hand-made county for the report builders' tests: three homes and last month's data, every
figure counted by hand below (the month is the one before today, as the reports are issued
after a month closes; its length varies, so figures depending on it use ``N``).

County 䶮川县 (䶮: a rare character the fonts cover):
- 城关敬老院 (40 beds): residents p1 (partial, paid ¥899.99 instead of ¥900.00), p2 (not
  assessed, not paid), d (partial, died on day 15 at noon, reported today: late, not paid);
  one post from before the month, left on day 21 (in post days 1–20: 20 days meet the 1:10
  ratio, the other N − 20 have residents and no staff); tasks: fire patrol 10 × 1 (9 done,
  8 on time), night patrol 2 × 4 (all on time) → 18 expected, 17 done, 16 on time (88.9 %);
  hazards: a major one opened day 5, deadline day 6, still open (overdue at month end), an
  ordinary one opened day 3 and closed day 9 (not open at the end), an ordinary one opened
  the day before the last, deadline 7 days on (open, not overdue); a fire-patrol entry on
  day 11 with one failed item (its hazard opens today: not in last month).
  Lights: ratio red, on-time amber, hazards red, deaths red, findings red (3: one wrong
  amount ¥899.99 for ¥900.00, p2 not paid ¥600.00, d not paid ¥900.00 in the month of death).
- 𠀀村敬老院 (20 beds; 𠀀 U+20000 is in no installed font): no residents, no staff (every day
  meets the ratio), fire patrol 10 × 1 all on time; everything green.
- 河湾敬老院 (10 beds): no residents; 4 tasks, 3 on time (75 %): on-time red, the rest green.
County totals: ratio days 20 + 2N of 3N; 32 expected, 31 done, 29 on time (90.6 %, not the
mean 88.0 %); 1 major open, 1 overdue; 1 death, 1 late; 3 findings.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from backend.core import dates
from backend.core.security import Scope
from backend.inspections.tables import DONE, OVERDUE, Task
from backend.registry import services as registry
from backend.safety import services as safety
from backend.safety.tables import SafetyHazard
from backend.stipends import services as stipends
from tests.safety.helpers import director_scope, entry_in
from tests.staffing.ratio_helpers import post
from tests.stipends.helpers import import_lines, import_standard, person

SYSTEM = Scope.system("test")
MOMENT = datetime(2026, 1, 1, tzinfo=UTC)
COUNTY_NAME = "䶮川县"
NAMES = {"a": "城关敬老院", "b": "𠀀村敬老院", "c": "河湾敬老院"}


@dataclass
class World:
    county: str
    county_id: int
    homes: dict[str, str]  # a, b, c → code
    ids: dict[str, int]
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"

    def inspector(self) -> Scope:
        return Scope(user_id=None, username="inspector.test", role="inspector", county_id=self.county_id)


async def task(home_id: int, county_id: int, routine: str, day: date, expected: int, done: int, on_time: int) -> None:
    await Task.insert(
        Task(
            home=home_id,
            county=county_id,
            source="safety",
            routine=routine,
            period=day.isoformat(),
            period_start=day,
            period_end=day,
            month=f"{day:%Y-%m}",
            due_at=MOMENT,
            deadline=MOMENT,
            expected=expected,
            done=done,
            on_time=on_time,
            status=DONE if done >= expected else OVERDUE,
            created_at=MOMENT,
            updated_at=MOMENT,
        )
    )


async def hazard(home_id: int, title: str, major: bool, opened_on: date, deadline: date, closed_on: date | None = None) -> None:
    await SafetyHazard.insert(
        SafetyHazard(
            home=home_id,
            source="manual",
            title=title,
            major=major,
            opened_on=opened_on,
            opened_at=dates.combine_local(opened_on, time(9)),
            opened_by="test",
            deadline=deadline,
            status="closed" if closed_on else "open",
            closed_on=closed_on,
        )
    )


async def build_world(world) -> World:
    today = dates.today()
    first = dates.add_months(dates.month_of(today), -1)
    last = dates.month_of(today) - timedelta(days=1)
    county = await world.county(COUNTY_NAME)
    homes = {
        "a": await world.home(county, beds=40, name=NAMES["a"]),
        "b": await world.home(county, beds=20, name=NAMES["b"]),
        "c": await world.home(county, beds=10, name=NAMES["c"]),
    }
    rows = {key: await registry.find_home(SYSTEM, code) for key, code in homes.items()}
    ids = {key: row["id"] for key, row in rows.items()}
    county_id = rows["a"]["county_id"]
    day = lambda n: first + timedelta(days=n - 1)  # noqa: E731

    # 城关敬老院: residents, a post, tasks, hazards, a failed item, a death, the stipends
    await import_standard(county, "2025-01")
    p1 = await person(county, homes["a"], name="王一")
    await person(county, homes["a"], name="李二", assessed=None)
    await person(county, homes["a"], name="赵三", died_on=day(15))
    await post(homes["a"], hired_on=first - timedelta(days=60), left_on=day(21))
    for n in range(1, 11):
        await task(ids["a"], county_id, "fire_patrol", day(n), 1, 0 if n == 10 else 1, 0 if n >= 9 else 1)
    for n in (1, 2):
        await task(ids["a"], county_id, "night_patrol", day(n), 4, 4, 4)
    await hazard(ids["a"], "消防通道堵塞", True, day(5), day(6))
    await hazard(ids["a"], "灭火器过期", False, day(3), day(10), closed_on=day(9))
    await hazard(ids["a"], "厨房排烟罩油污", False, last - timedelta(days=1), last + timedelta(days=6))
    director = director_scope(rows["a"])
    entry = await entry_in(homes["a"], "fire_patrol", performed_at=dates.combine_local(day(11), time(10)))
    entry.items[0].result, entry.items[0].note = "fail", "通道有杂物"
    await safety.record_entry(director, homes["a"], entry)
    ref = f"R-{uuid.uuid4().hex[:10]}"
    await import_lines([[ref, p1["id_number"], p1["name"], county, f"{first:%Y-%m}", "600", "299.99"]])
    await stipends.reconcile(SYSTEM, county, first)

    # 𠀀村敬老院: ten fire patrols, all on time
    for n in range(1, 11):
        await task(ids["b"], county_id, "fire_patrol", day(n), 1, 1, 1)
    # 河湾敬老院: four, three on time
    for n in range(1, 5):
        await task(ids["c"], county_id, "fire_patrol", day(n), 1, 1, 0 if n == 4 else 1)
    return World(county, county_id, homes, ids, first, last)
