"""The audit log in words: every action the code records has a label; changes read "field: old →
new" with labels and names, never raw JSON or event names; the page filters by user, action and
dates and shows 50 rows a page."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest

from backend.accounts import audit_words as words
from backend.core import dates
from backend.core.db import transaction
from backend.core.i18n import _, reset_language, set_language
from backend.core.ledger import Change, append_audit
from tests.conftest import ROOT

# The English detector of ../shared/tools/page_check.py (the crawler the browser tests run over the
# demo), applied to the text of a page.
ENGLISH = [
    ("english words", re.compile(r"\b[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,}){1,}\b")),
    ("code", re.compile(r"\b[A-Z]{2,}(?:_[A-Z]{2,})+\b")),
    ("event name", re.compile(r"\b[a-z]{3,}\.[a-z_]{3,}\b")),
    ("raw JSON", re.compile(r"\{\s*\"[a-z_]+\"\s*:")),
]
PLAIN = {
    "CSV",
    "XLSX",
    "PDF",
    "API",
    "JSON",
    "ID",
    "GB",
    "UTF",
    "BOM",
    "QR",
    "SQLite",
    "PostgreSQL",
    "OpenAPI",
    "Excel",
    "WPS",
    "HTTP",
    "HTTPS",
    "URL",
    "SMTP",
    "tekun",
}


def english_in(text: str) -> list[str]:
    found = []
    for kind, pattern in ENGLISH:
        for match in pattern.finditer(text):
            hit = match.group(0)
            if kind == "english words" and all(word in PLAIN for word in re.findall(r"[A-Za-z]+", hit)):
                continue
            found.append(f"{kind}: {hit}")
    return found


def visible_text(html: str) -> str:
    """Roughly what a browser shows of the page's content (no tags, attributes or scripts). The
    user filter's options are left out: they are the users' names as written (a user made on the
    command line without a name is called by their username, ``cli.director``), data, not words
    of the page."""
    import html as markup

    body = html.split("<main>", 1)[-1]
    body = re.sub(r"<(script|style|select)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return markup.unescape(re.sub(r"<[^>]+>", "\n", body))


# --- every action written has a label ------------------------------------------------------

# What the f-string actions of the code are filled with (the test fails on an unknown one).
PLACEHOLDERS = {"{data.kind}": ("admit", "transfer", "discharge"), "{source}": ("payments", "claims")}


def actions_in_the_code() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "backend").rglob("*.py"):
        if "piccolo_migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        literals = re.findall(r'Change\(\s*f?"([^"]+)"', text) + re.findall(r'\baction = "([a-z_]+\.[a-z_]+)"', text)
        for literal in literals:
            names = [literal]
            for placeholder, values in PLACEHOLDERS.items():
                names = (
                    [name.replace(placeholder, value) for name in names for value in values] if placeholder in literal else names
                )
            for name in names:
                assert "{" not in name, f"{path.relative_to(ROOT)}: teach this test what {name!r} is filled with"
                found.add(name)
    return found


def test_every_action_the_code_records_has_a_label():
    actions = actions_in_the_code()
    assert {"user.login", "user.create", "user.disable", "resident.transfer", "payments.import", "claim.generate"} <= actions
    missing = sorted(actions - set(words.ACTIONS))
    assert not missing, f"add these actions to backend/accounts/audit_words.py ACTIONS: {missing}"


def test_every_label_is_translated_and_says_no_english():
    marker = set_language("zh_CN")
    try:
        for table in (words.ACTIONS, words.ENTITIES, words.FIELDS, words.IMPORTS, *words.VALUES.values()):
            for key, label in table.items():
                text = _(label)
                assert re.search(r"[\u4e00-\u9fff]", text), f"{key}: {label!r} is not translated"
    finally:
        reset_language(marker)


def test_changes_read_as_words_with_names():
    marker = set_language("zh_CN")
    names = words.Names(
        users={"finance.yongdeng": "李淑芳"}, homes={"YD-02": "永登县红城镇敬老院"}, counties={"620121": "永登县"}
    )
    try:
        role = words.changes("user", '{"role":"inspector","county":"620121"}', '{"role":"finance","county":"620121"}', names)
        assert [(c.label, c.before, c.after) for c in role] == [
            ("角色", "县民政监管", "财务人员"),
            ("县（区）", "永登县", "永登县"),
        ]
        moved = words.changes("resident", None, '{"date":"2026-10-11","home":"YD-02","note":"家属申请"}', names)
        assert [(c.label, c.before, c.after) for c in moved] == [
            ("机构", None, "永登县红城镇敬老院"),
            ("日期", None, "2026年10月11日"),
            ("备注", None, "家属申请"),
        ]
        money = words.changes("standard", None, '{"basic_concentrated":96000,"basic_floor":null}', names)
        assert [(c.before, c.after) for c in money] == [(None, "¥960.00"), (None, "—")]
        run = words.changes("reconciliation_run", '{"state":"open"}', '{"state":"approved"}', names)
        assert (run[0].before, run[0].after) == ("复核中", "已审批")
        claim = words.changes("claim", '{"state":"draft"}', '{"state":"submitted","lines":3}', names)
        assert [(c.label, c.before, c.after) for c in claim] == [("笔数", None, "3"), ("状态", "草稿", "已提交")]
        finding = words.changes(
            "finding",
            '{"code":"AMOUNT_MISMATCH","review_status":"open"}',
            '{"code":"AMOUNT_MISMATCH","review_status":"confirmed"}',
            names,
        )
        assert finding[0].after == "金额不符" and finding[1].after == "已确认：多发待追回"
        unknown = words.changes("thing", None, '{"by_version":2,"brand_new_key":{"a_b":[1,2]}}', names)
        assert unknown[-1].label == "brand new key" and "{" not in unknown[-1].after
        assert words.changes("thing", None, "not json at all", names)[0].after == "not json at all"
        assert words.record_text("user", "finance.yongdeng", names) == "李淑芳"
        assert words.record_text("claim", "YD-02@2026-10v2", names) == "永登县红城镇敬老院 · 2026年10月 第 2 版"
        assert words.record_text("county_parameter", "620121@2026-01-01", names) == "永登县 · 2026年1月1日"
        assert words.action_label("user.login") == "登录" and words.action_label("brand.new") == "brand new"
        assert words.break_text("audit", "content does not match its hash") == ("审计日志", "该记录写入后内容被改动过")
    finally:
        reset_language(marker)


def test_reports_and_notices_read_as_words():
    marker = set_language("zh_CN")
    names = words.Names(homes={"YD-02": "永登县红城镇敬老院"}, counties={"620121": "永登县"})
    try:
        assert (
            words.record_text("report_file", "county-monthly/2026-11/620121/2", names)
            == "县级月度报表 · 2026年11月 · 永登县 · 第 2 版"
        )
        assert words.record_text("report_file", "home-monthly/2026-11/YD-02", names).startswith(
            "机构月度报表 · 2026年11月 · 永登县红城镇敬老院"
        )
        assert "2026-Q4" not in words.record_text("report_file", "county-quarterly/2026-Q4/620121/1", names)
        assert words.codes_named("report_file", "county-monthly/2026-11/620121/2", None, None)["county"] == {"620121"}
        assert words.record_text("notice", "2026-12-02T04:15+00:00", names) == "2026年12月2日 12:15"  # Asia/Shanghai
        created = words.changes("notice", None, '{"kinds":{"late_death":1,"major_hazard":2,"tasks_today":6}}', names)
        assert re.search(r"[A-Za-z_]", created[0].after) is None, created[0].after
        assert "重大隐患：2" in created[0].after
    finally:
        reset_language(marker)


# --- the page -------------------------------------------------------------------------------


async def write(actor: str, changes: list[Change]) -> None:
    async with transaction():
        await append_audit(None, actor, changes)


async def test_the_page_filters_by_user_action_and_date_and_pages_by_fifty(signed_in):
    client, admin = await signed_in("admin")
    actor = "pager-" + secrets.token_hex(4)
    await write(actor, [Change("home.update", "home", f"X-{n:03d}", {"beds": n}, {"beds": n + 1}) for n in range(120)])
    await write(actor, [Change("user.disable", "user", admin.username, {"active": True}, {"active": False})])
    first = await client.get(f"/audit?user={actor}")
    assert first.status_code == 200
    assert first.text.count('class="audit-line"') == 50
    assert "第1页，共3页" in first.text and f"/audit?user={actor}&amp;page=2" in first.text
    assert "停用用户" in first.text and admin.display_name in first.text  # the newest first, by name
    last = await client.get(f"/audit?user={actor}&page=3")
    assert last.text.count('class="audit-line"') == 21 and "第3页，共3页" in last.text
    assert (await client.get(f"/audit?user={actor}&page=99")).text.count('class="audit-line"') == 21  # past the end: the last
    only = await client.get(f"/audit?user={actor}&action=user.disable")
    assert (
        only.text.count('class="audit-line"') == 1
        and '可以登录：</span><span class="was">是</span> → <span class="now">否' in only.text
    )
    today = dates.today()
    for since, until, shown in (
        (today, today, 50),
        (today - timedelta(days=3), today - timedelta(days=1), 0),
        (today + timedelta(days=1), None, 0),
    ):
        query = f"/audit?user={actor}&since={since.isoformat()}" + (f"&until={until.isoformat()}" if until else "")
        response = await client.get(query)
        assert response.text.count('class="audit-line"') == (shown or 1), query  # none: one line saying so
        if not shown:
            assert "没有符合条件的记录" in response.text
    refused = await client.get(f"/audit?user={actor}&since=2026-13-40")
    assert refused.status_code == 200 and "日期" in refused.text and 'id="e-since"' in refused.text
    backwards = await client.get(f"/audit?since={today.isoformat()}&until={(today - timedelta(days=1)).isoformat()}")
    assert 'id="e-until"' in backwards.text and "截止日期早于起始日期" in backwards.text
    for response in (first, last, only):
        assert not english_in(visible_text(response.text)), english_in(visible_text(response.text))


async def test_the_page_shows_names_and_words_not_codes(signed_in, world, system):
    from backend.accounts import services

    client, admin = await signed_in("admin")
    county = await world.county(name="皋兰县")
    home = await world.home(county=county, name="石洞镇敬老院")
    person = await services.create_user(
        system, "person.gaolan", "inspector", "a-long-password", county_code=county, display_name="皋兰 陈监管"
    )
    await services.update_user(admin.scope, person.id, "director", home_code=home)
    page = (await client.get(f"/audit?user={admin.username}&action=user.update")).text
    assert "修改用户" in page and "皋兰 陈监管" in page and admin.display_name in page
    assert '县民政监管</span> → <span class="now">院长' in page and "石洞镇敬老院" in page
    text = visible_text(page)
    assert "user.update" not in text and "person.gaolan" not in text and '{"' not in text and county not in text
    assert not english_in(text), english_in(text)
    verified = (await client.get("/audit?verify=true")).text
    assert "审计日志链完整" in verified or "断开" in verified


@pytest.mark.parametrize("path", ["/audit", "/audit?verify=true"])
async def test_only_the_administrator_reads_the_log(signed_in, world, path):
    client, _user = await signed_in("inspector", county=await world.county())
    assert (await client.get(path)).status_code == 403
