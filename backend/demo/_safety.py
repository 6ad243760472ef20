"""The safety ledgers of the demo homes (issue 12 point 8): the last 30 days of entries as each home
would have kept them, dated from now (the today pages look at today), so the stories hold:

- **YD-01** 永登县中心敬老院: a model ledger: every patrol, night slot, meal and disinfection done on
  time but two nights with the 02:00 and 04:00 rounds missed; ten days ago an extinguisher low
  on pressure (an ordinary hazard, fixed by the home and closed); three days ago an e-bike
  charging in the corridor (a **major hazard**: the home recorded its fix, it waits for the
  county's verification); today's morning check of the kitchen done.
- **YD-02** 红城镇敬老院: the failure the ledger catches: fire patrols missing on eight days, the
  last five written up all at once yesterday evening (补录), most nights only the 22:00 round; a
  blocked corridor found twelve days ago still open, past its deadline.
- **YD-03** 苦水镇敬老院: complete; today's latest meal sample of 100 g was refused (the rule: at
  least 125 g) and the home weighed it again at 150 g (the note says so; a refusal stores nothing);
  its canteen licence expires in twenty days.
- **CG-01** 城关区社会福利中心: complete; the cook 钱大勇's health certificate expired three days
  ago (the staffing demo), so the morning check can only send him off duty.
- **CG-02** 青白石街道敬老院: two staff: patrols on fewer than half the days; its canteen licence
  expired ten days ago (a major hazard opened by the system); a suspected outbreak (three
  residents with fever since this morning) reported, not yet acknowledged by the county.
- **CG-03** 伏龙坪敬老院: complete but the monthly fire inspection of this month not yet done.

Written through ``safety.services`` (``seed_demo_entries`` for the past month with the times they
were recorded; the real services for today's morning check, samples, licences, hazards and the
outbreak): the demo does not touch the safety tables. Idempotent: a home with demo entries is
left as it is."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from backend.core import dates
from backend.core.errors import Invalid
from backend.core.security import Scope
from backend.safety import services as safety
from backend.safety.hazard_schemas import FixIn, PlanIn
from backend.safety.schemas import AnswerIn, EntryIn
from backend.safety.services import DemoEntry, DemoSample
from backend.staffing import services as staffing

DIRECTORS = {
    "YD-01": "director.yd01",
    "YD-02": "director.yd02",
    "YD-03": "director.yd03",
    "CG-01": "director.cg01",
    "CG-02": "director.cg02",
    "CG-03": "director.cg03",
}
DISHES = ["红烧肉", "炒土豆丝", "白菜豆腐", "小米粥", "馒头", "西红柿炒鸡蛋", "清炒油麦菜", "羊肉汤", "蒸南瓜", "牛肉面"]
KEEPERS = {"YD-01": "赵桂芳", "YD-02": "孙德明", "YD-03": "白玉珍", "CG-01": "吴淑芬", "CG-02": "毛桂珍", "CG-03": "江德顺"}
LICENCES = {"YD-01": 300, "YD-02": 200, "YD-03": 20, "CG-01": 120, "CG-02": -10, "CG-03": 365}  # days to expiry
DAYS = 30


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=safety.zone())


class _Plan:
    """A home's month of entries: ``add`` one, with its recorded time a few minutes later
    (or the moment given: a back-fill)."""

    def __init__(self, code: str, now: datetime):
        self.code, self.now, self.entries = code, now, []
        self.by = DIRECTORS[code]
        self.random = random.Random(code)

    def add(self, routine: str, at: datetime, recorded_at: datetime | None = None, **extra) -> None:
        if at > self.now:
            return
        recorded = recorded_at or min(at + timedelta(minutes=self.random.randint(2, 25)), self.now)
        key = f"{routine}-{at.astimezone(safety.zone()):%Y%m%d%H%M}"
        self.entries.append(DemoEntry(key, routine, at, recorded, self.by, **extra))

    def day(self, day: date, patrol: bool = True, nights: tuple[int, ...] = (22, 0, 2, 4), backfill: datetime | None = None):
        r = self.random
        if patrol:
            self.add("fire_patrol", _at(day, 8, r.randint(10, 50)), backfill)
        for hour in nights:
            on = day if hour >= 12 else day + timedelta(days=1)
            self.add("night_patrol", _at(on, hour, r.randint(5, 40)))
        for meal, (hour, minute) in (("breakfast", (7, 10)), ("lunch", (11, 50)), ("dinner", (17, 40))):
            dishes = r.sample(DISHES, 3 if meal != "breakfast" else 2)
            samples = tuple(DemoSample(dish, r.randint(140, 220), "1号留样柜", KEEPERS[self.code]) for dish in dishes)
            self.add("food_sample", _at(day, hour, minute + r.randint(0, 9)), samples=samples)
            self.add("tableware_disinfection", _at(day, hour + 1, 30 + r.randint(0, 20)))
        self.add("disinfection", _at(day, 9, 30 + r.randint(0, 20)))
        self.add("ventilation", _at(day, 10, r.randint(0, 30)))
        if day.weekday() in (1, 4):
            self.add("purchase_inspection", _at(day, 7, 40))


def _month(code: str, now: datetime) -> _Plan:
    plan = _Plan(code, now)
    today = dates.local(now).date()
    first = today - timedelta(days=DAYS)
    r = plan.random
    for offset in range(DAYS + 1):
        day = first + timedelta(days=offset)
        if code == "YD-02":
            yesterday_evening = _at(today - timedelta(days=1), 20, 45)
            missing = offset in (3, 7, 11, 12, 16, 19, 22, 24)
            late = DAYS - 6 <= offset < DAYS - 1
            plan.day(
                day,
                patrol=not missing,
                nights=(22,) if r.random() < 0.7 else (22, 0, 2),
                backfill=yesterday_evening if late else None,
            )
        elif code == "CG-02":
            plan.day(day, patrol=r.random() < 0.45, nights=(22,) if r.random() < 0.5 else ())
        elif code == "YD-01" and offset in (9, 21):
            plan.day(day, nights=(22, 0))
        else:
            plan.day(day)
    months = {first.replace(day=1), today.replace(day=1)}
    for month in sorted(months):
        if code == "CG-03" and month == today.replace(day=1):
            continue
        plan.add("fire_inspection", _at(month + timedelta(days=2), 15))
        plan.add("extinguisher_check", _at(month + timedelta(days=2), 16))
    if code != "CG-02":
        plan.add("evacuation_drill", _at(first + timedelta(days=5), 15))
    return plan


def _stories(plan: _Plan, today: date) -> None:
    """The failures that open the demo's hazards (their entries replace the day's plain patrol)."""
    code, entries = plan.code, plan.entries

    def fail_patrol(day: date, fail: dict[str, str]) -> None:
        keep = [e for e in entries if not (e.routine == "fire_patrol" and dates.local(e.performed_at).date() == day)]
        entries[:] = keep
        plan.add("fire_patrol", _at(day, 8, 35), fail=fail)

    if code == "YD-01":
        fail_patrol(today - timedelta(days=10), {"extinguishers": "二楼东侧走廊灭火器压力指针在红区"})
        fail_patrol(today - timedelta(days=3), {"electrical": "一楼楼道内有电动车充电，私拉电线"})
    if code == "YD-02":
        fail_patrol(today - timedelta(days=12), {"exits_clear": "西侧楼梯间堆放杂物、旧床垫"})


async def _hazard_steps(scope: Scope, code: str) -> None:
    """YD-01: the extinguisher fixed and closed; the e-bike's fix recorded, waiting for the county."""
    if code != "YD-01":
        return
    director = await _director(code)
    for hazard in await safety.list_hazards(director, code):
        if hazard.item_key == "extinguishers" and hazard.status == "open":
            await safety.set_plan(director, hazard.id, PlanIn(owner="张德福", plan="更换灭火器"), home_code=code)
            await safety.record_fix(director, hazard.id, FixIn(note="已更换为新灭火器，压力正常"), home_code=code)
        if hazard.item_key == "electrical" and hazard.status == "open":
            await safety.set_plan(director, hazard.id, PlanIn(owner="张德福", plan="拆除私拉电线，设集中充电棚"), home_code=code)
            await safety.record_fix(
                director, hazard.id, FixIn(note="已拆除楼道电线，院外设充电棚，张贴禁止室内充电告示"), home_code=code
            )


async def _director(code: str) -> Scope:
    from backend.accounts import services as accounts

    return (await accounts.get_user(DIRECTORS[code])).scope


async def _today(code: str, now: datetime) -> None:
    """Today's entries through the real services: the morning check (YD-01, CG-01) and YD-03's
    sample of the latest meal weighed again after a 100 g refusal."""
    director = await _director(code)
    home = await safety.home_for(director, code, "record_safety")
    today = dates.local(now).date()
    if code in ("YD-01", "CG-01") and now >= _at(today, 6, 40):
        people = await staffing.kitchen_staff_on_duty(home["id"], today)
        checks = []
        for person in people:
            if person["on_leave"]:
                continue
            fit = person["health_cert_expires"] is not None and person["health_cert_expires"] >= today
            checks.append({"staff_id": person["id"], "fit": fit})  # not fit: off duty for the expired certificate
        if checks:
            await _record(
                director, code, "morning_check", _at(today, 6, 30), {"checks": checks}, f"demo-{code}-morning-{today:%Y%m%d}"
            )
    meals = [(meal, _at(today, *at)) for meal, at in (("breakfast", (6, 50)), ("lunch", (11, 55)), ("dinner", (17, 45)))]
    started = [(meal, at) for meal, at in meals if at <= now - timedelta(minutes=5)]
    if code == "YD-03" and started:
        meal, taken = started[-1]  # the latest meal served today
        sample = {"dish": "红烧肉", "grams": 100, "taken_at": taken.isoformat(), "fridge": "1号留样柜", "keeper": "白玉珍"}
        details = {"meal": meal, "samples": [sample]}
        try:  # the rule refuses it (at least 125 g): nothing is stored
            await _record(director, code, "food_sample", taken, details, f"demo-{code}-sample100-{today:%Y%m%d}")
        except Invalid:
            pass
        details["samples"][0]["grams"] = 150
        await _record(
            director,
            code,
            "food_sample",
            taken,
            details,
            f"demo-{code}-sample150-{today:%Y%m%d}",
            "首次称重 100 克被拒，补足至 150 克",
        )


async def _record(scope: Scope, code: str, routine: str, at: datetime, details: dict, client_id: str, note: str = "") -> None:
    template = await safety.list_templates(scope, code)
    items = next(t for t in template if t.routine == routine).items
    data = EntryIn(
        client_id=client_id,
        routine=routine,
        performed_at=at,
        items=[AnswerIn(key=item.key, result="pass") for item in items],
        note=note,
        details=details,
    )
    await safety.record_entry(scope, code, data)


async def load_safety(scope: Scope) -> None:
    now = dates.now_utc()
    today = dates.local(now).date()
    for code in DIRECTORS:
        plan = _month(code, now)
        _stories(plan, today)
        written = await safety.seed_demo_entries(scope, code, plan.entries)
        if not written:
            continue
        await _hazard_steps(scope, code)
        await _today(code, now)
        director = await _director(code)
        await safety.record_licence(
            director,
            code,
            safety.LicenceIn(number=f"JY1620{code[-2:]}0000{len(code)}", expires_on=today + timedelta(days=LICENCES[code])),
        )
        if code == "CG-02":
            await safety.report_outbreak(
                director,
                code,
                safety.OutbreakIn(symptom="fever", cases=3, onset_at=now - timedelta(hours=5), note="三位老人晨起发热"),
            )
