"""The workflow pages: starting a reconciliation, a run's page with its reviews and approval,
and the claim pages of directors and finance. Bad input on every form is refused with a message
and nothing is written; other scopes get 404, other roles 403."""

from datetime import date

from markupsafe import escape

from backend.core.i18n import _
from backend.registry import services as registry
from backend.stipends import services
from backend.stipends.tables import Claim, Finding, ReconciliationRun
from tests.conftest import make_client, post_form, sign_in
from tests.e2e.conftest import base_url, browser, new_page  # noqa: F401 (browser fixtures)
from tests.e2e.helpers import horizontal_overflow, log_in
from tests.stipends.helpers import PARTIAL, SYSTEM, assess, import_standard, person, visible_codes
from tests.stipends.test_review import month_with_findings


async def client_for(app, user):
    client = make_client(app)
    await client.__aenter__()
    response = await sign_in(client, user.username)
    assert response.status_code in (200, 303)
    return client


def no_codes_shown(html: str) -> list[str]:
    """The finding codes (UPPER_SNAKE words) in the page's visible text, as page_check reads it
    (tags, attributes, scripts and styles left out; option texts and table cells are visible)."""
    return visible_codes(html)


def shows(response, message: str) -> bool:
    """The message is on the page (escaped when it came from the service, as is in the template)."""
    return str(escape(message)) in response.text or message in response.text


async def reviews(run_id: str) -> list[str]:
    run = await ReconciliationRun.select(ReconciliationRun.id).where(ReconciliationRun.run_id == run_id).first()
    rows = await Finding.select(Finding.review_status).where(Finding.run == run["id"]).order_by(Finding.position)
    return [row["review_status"] for row in rows]


async def run_state(run_id: str) -> str:
    return (await ReconciliationRun.select(ReconciliationRun.state).where(ReconciliationRun.run_id == run_id).first())["state"]


async def test_run_page_reviews_and_approval(app, world, signed_in):
    month = await month_with_findings(world)
    run_id, path = month["run_id"], f"/stipends/runs/{month['run_id']}"
    second = await client_for(app, month["second"])
    importer = await client_for(app, month["importer"])
    try:
        page = await second.get(path)
        assert page.status_code == 200
        # The findings by their names and facts in words, never by code (codes are for exports).
        assert _("Wrong care tier") in page.text and _("Not paid") in page.text and 'class="review-form"' in page.text
        assert no_codes_shown(page.text) == []
        assert shows(page, _("{n} findings are not reviewed yet.").format(n=2))
        assert month["paid"]["id_number"] not in page.text  # masked on the page

        # Bad input: refused with the message, nothing written.
        for data, message in (
            ({"position": "0", "status": "explained", "note": ""}, _("Write the explanation.")),
            ({"position": "1", "status": "dismissed", "note": " "}, _("Give the reason for dismissing it.")),
            ({"position": "0", "status": "recovered"}, _("Choose confirmed, explained or dismissed.")),
            ({"position": "x", "status": "confirmed"}, _("Choose a finding of this run.")),
            ({"position": "9", "status": "confirmed"}, _("Choose a finding of this run.")),
            ({"position": "²", "status": "confirmed"}, _("Choose a finding of this run.")),
        ):
            refused = await post_form(second, f"{path}/review", data)
            assert refused.status_code == 400 and shows(refused, message), data
        assert await reviews(run_id) == ["open", "open"]
        no_token = await second.post(f"{path}/review", data={"position": "0", "status": "confirmed"})
        assert no_token.status_code == 403 and await reviews(run_id) == ["open", "open"]

        done = await post_form(second, f"{path}/review?status=open&page=1", {"position": "0", "status": "confirmed"})
        assert done.status_code == 303 and await reviews(run_id) == ["confirmed", "open"]
        assert done.headers["location"] == f"{path}?status=open&page=1#finding-0"
        # Filters: by code and by review status.
        only_tier = await second.get(f"{path}?code=TIER_MISMATCH")
        assert 'id="finding-0"' in only_tier.text and 'id="finding-1"' not in only_tier.text
        still_open = await second.get(f"{path}?status=open&page=99")
        assert 'id="finding-0"' not in still_open.text and 'id="finding-1"' in still_open.text
        assert (await second.get(f"{path}?code=bogus&page=x")).status_code == 200
        assert (await second.get(f"{path}?page=²")).status_code == 200
        early = await post_form(second, f"{path}/approve")
        assert early.status_code == 400 and shows(early, _("{n} findings are not reviewed yet.").format(n=1))
        await post_form(importer, f"{path}/review", {"position": "1", "status": "explained", "note": "次月补发"})
        assert await reviews(run_id) == ["confirmed", "explained"]

        by_importer = await post_form(importer, f"{path}/approve")
        sep = _("You imported lines of this month; another finance user must approve the run (separation of duties).")
        assert by_importer.status_code == 400 and shows(by_importer, sep) and await run_state(run_id) == "open"

        # The register changes after the run (a re-assessment, through the residents services):
        # the page warns and refuses the approval. The month is reconciled again, the new run
        # reviewed on its page and approved there.
        await assess(month["paid"]["id"], date(2026, 5, 20), PARTIAL)
        stale = await second.get(path)
        assert 'id="stale-warning"' in stale.text
        assert (await post_form(second, f"{path}/approve")).status_code == 400 and await run_state(run_id) == "open"
        rerun = await services.reconcile(month["second"].scope, month["county"], date(2026, 6, 1))
        run_id, path = rerun.run_id, f"/stipends/runs/{rerun.run_id}"
        for data in ({"position": "0", "status": "confirmed"}, {"position": "1", "status": "explained", "note": "次月补发"}):
            assert (await post_form(importer, f"{path}/review", data)).status_code == 303
        assert await reviews(run_id) == ["confirmed", "explained"]

        # Approving asks first, saying what it changes; nothing is approved until confirmed.
        asked = await post_form(second, f"{path}/approve")
        assert asked.status_code == 200 and 'role="alertdialog"' in asked.text and await run_state(run_id) == "open"
        assert shows(
            asked,
            _("The run and its %(n)s findings become read-only: no review can be changed afterwards, by you or anyone else.")
            % {"n": 2},
        )
        assert shows(
            asked,
            _(
                "This cannot be undone. If the month's data turns out wrong later, reconcile the month again: the new run is reviewed and approved on its own."
            ),
        )
        assert 'name="confirmed" value="yes"' in asked.text and no_codes_shown(asked.text) == []
        approved = await post_form(second, f"{path}/approve", {"confirmed": "yes"})
        assert approved.status_code == 303 and await run_state(run_id) == "approved"
        flashed = await second.get(approved.headers["location"])
        assert shows(flashed, _("The run is approved; it is now read-only."))
        page = await second.get(path)
        assert (
            'class="review-form"' not in page.text and 'id="approve"' not in page.text and 'id="stale-warning"' not in page.text
        )
        late = await post_form(second, f"{path}/review", {"position": "0", "status": "dismissed", "note": "改判"})
        assert late.status_code == 400 and 'id="run-error"' in late.text and await reviews(run_id) == ["confirmed", "explained"]
    finally:
        await second.__aexit__(None, None, None)
        await importer.__aexit__(None, None, None)

    inspector, _user = await signed_in("inspector", county=month["county"])
    read = await inspector.get(path)
    assert read.status_code == 200 and 'class="review-form"' not in read.text
    assert (await post_form(inspector, f"{path}/review", {"position": "0", "status": "confirmed"})).status_code == 403
    outsider, _user = await signed_in("finance", county=await world.county())
    assert (await outsider.get(path)).status_code == 404
    assert (await post_form(outsider, f"{path}/approve")).status_code == 404
    director, _user = await signed_in("director", home=await world.home(county=month["county"]))
    assert (await director.get(path)).status_code == 403


async def test_reconcile_form(app, world, signed_in):
    county = await world.county()
    home = await world.home(county=county, beds=20)
    await person(county, home)
    finance, _user = await signed_in("finance", county=county)
    form = await finance.get("/stipends/reconcile")
    assert form.status_code == 200 and 'id="reconcile-form"' in form.text
    for data, field, message in (
        ({"month": "2026-13"}, "month", _("Not a valid month (write 2026-11).")),
        ({"month": ""}, "month", _("A value is required.")),
        ({"month": "0001-01"}, "month", _("The year must be between {first} and {last}.").format(first=1900, last=2200)),
        ({"month": "1999-12"}, "month", _("Choose a month from 2000 to 2099.")),
        ({"month": "2026-06", "source": "bank"}, "source", _("Choose payments or claims.")),
        (
            {"month": "2026-06"},
            "month",
            _("{name} ({code}) has no stipend standard in force for {month}: import the standards first.").format(
                name=(await registry.find_county(SYSTEM, county))["name"], code=county, month="2026-06"
            ),
        ),
    ):
        refused = await post_form(finance, "/stipends/reconcile", {"source": "payments", **data})
        assert refused.status_code == 400 and shows(refused, message) and f'id="e-{field}"' in refused.text, data
    assert await ReconciliationRun.count().where(ReconciliationRun.county.code == county) == 0
    await import_standard(county)
    # A finance officer reconciles their own county, whatever the form says.
    done = await post_form(finance, "/stipends/reconcile", {"county_code": "999999", "month": "2026-06", "source": "payments"})
    assert done.status_code == 303 and done.headers["location"].startswith("/stipends/runs/")
    run = await ReconciliationRun.select(ReconciliationRun.run_id).where(ReconciliationRun.county.code == county).first()
    assert done.headers["location"] == f"/stipends/runs/{run['run_id']}"
    admin, _user = await signed_in("admin")
    unknown = await post_form(admin, "/stipends/reconcile", {"county_code": "999999", "month": "2026-06", "source": "payments"})
    assert unknown.status_code == 400 and shows(unknown, _("No such county."))
    director, _user = await signed_in("director", home=home)
    assert (await director.get("/stipends/reconcile")).status_code == 403


async def test_claim_pages_generate_submit_check_approve(app, world, signed_in):
    county = await world.county()
    home = await world.home(county=county, beds=20, name="甲院")
    other_home = await world.home(county=county, beds=20, name="乙院")
    await import_standard(county)
    await person(county, home, name="张三")
    director, _user = await signed_in("director", home=home)
    finance, _user = await signed_in("finance", county=county)

    overview = await director.get("/")
    assert 'id="claims-panel"' in overview.text and f'href="/homes/{home}/claims"' in overview.text
    page = await director.get(f"/homes/{home}/claims")
    assert page.status_code == 200 and 'id="generate-form"' in page.text
    for month, message in (
        ("2026-13", _("Not a valid month (write 2026-11).")),
        ("", _("A value is required.")),
        ("2025-01", _("No resident of this home is entitled to a stipend for {month}.").format(month="2025-01")),
    ):
        refused = await post_form(director, f"/homes/{home}/claims", {"month": month})
        assert refused.status_code == 400 and shows(refused, message), month
    assert await Claim.count().where(Claim.home.code == home) == 0

    generated = await post_form(director, f"/homes/{home}/claims", {"month": "2026-06"})
    assert generated.status_code == 303
    claim_path = generated.headers["location"]
    claim = await Claim.select().where(Claim.home.code == home).first()
    assert claim_path == f"/stipends/claims/{claim['id']}"
    shown = await director.get(claim_path)
    assert shown.status_code == 200 and "张三" in shown.text and "¥900.00" in shown.text and 'id="submit-form"' in shown.text
    assert (await post_form(finance, f"{claim_path}/submit")).status_code == 403
    assert (await post_form(director, f"{claim_path}/submit")).status_code == 303
    again = await post_form(director, f"{claim_path}/submit")
    assert again.status_code == 400 and 'id="claim-error"' in again.text

    overview = await finance.get("/")
    assert 'id="claims-panel"' in overview.text and 'href="/stipends/claims?status=submitted"' in overview.text
    listed = await finance.get("/stipends/claims?month=2026-06")
    assert listed.status_code == 200 and claim_path in listed.text
    bad_filter = await finance.get("/stipends/claims?month=June")
    assert bad_filter.status_code == 400 and shows(bad_filter, _("Not a valid month (write 2026-11)."))
    assert (await post_form(director, f"{claim_path}/approve")).status_code == 403
    early = await post_form(finance, f"{claim_path}/approve")
    assert early.status_code == 400 and shows(early, _("Check the claim with the reconciliation first."))
    assert (await Claim.select(Claim.state).where(Claim.id == claim["id"]).first())["state"] == "submitted"
    assert (await post_form(finance, f"{claim_path}/reconcile")).status_code == 303
    checked = await finance.get(claim_path)
    assert 'id="claim-check"' in checked.text and shows(checked, _("No findings concern this claim's lines."))
    assert (await post_form(finance, f"{claim_path}/approve")).status_code == 303
    assert (await Claim.select(Claim.state).where(Claim.id == claim["id"]).first())["state"] == "approved"
    frozen = await director.get(claim_path)
    assert 'id="correct-form"' in frozen.text and 'id="submit-form"' not in frozen.text

    # Another home's director, another county's finance: not found.
    other_director, _user = await signed_in("director", home=other_home)
    assert (await other_director.get(claim_path)).status_code == 404
    assert (await other_director.get(f"/homes/{home}/claims")).status_code == 404
    assert (await post_form(other_director, f"/homes/{home}/claims", {"month": "2026-07"})).status_code == 404
    outsider, _user = await signed_in("finance", county=await world.county())
    assert (await outsider.get(claim_path)).status_code == 404
    assert claim_path not in (await outsider.get("/stipends/claims")).text
    assert await Claim.count().where(Claim.home.code == home) == 1
    assert date(2026, 6, 1) == claim["month"]


# --- in a real browser, at phone width -----------------------------------------------------------
# Uses the browser fixtures of tests/e2e (Debian's Chromium; skipped loudly when it is missing).


async def test_review_on_a_phone(world, new_page):  # noqa: F811
    month = await month_with_findings(world)
    page = await new_page(viewport=(390, 844))
    await log_in(page, month["second"].username)
    await page.goto(f"/stipends/runs/{month['run_id']}")
    assert await horizontal_overflow(page) == 0
    async with page.expect_navigation():
        await page.click("#finding-1 button[type=submit]")  # no choice made: refused, with the message
    assert await page.locator("#finding-1 .error").count() == 1
    assert await reviews(month["run_id"]) == ["open", "open"]
    for position in (0, 1):
        await page.select_option(f"#status-{position}", "dismissed")
        await page.fill(f"#note-{position}", "已与银行核实")
        async with page.expect_navigation():
            await page.click(f"#finding-{position} button[type=submit]")
    assert await reviews(month["run_id"]) == ["dismissed", "dismissed"]
    async with page.expect_navigation():
        await page.click("#approve button[type=submit]")
    # The confirmation step says what approving does; nothing is approved yet.
    assert await page.locator(".confirm").count() == 1 and await horizontal_overflow(page) == 0
    assert await run_state(month["run_id"]) == "open"
    async with page.expect_navigation():
        await page.click(".confirm button[type=submit]")
    assert await run_state(month["run_id"]) == "approved"
    assert await page.locator(".flash").count() == 1
    assert await page.locator(".review-form").count() == 0 and await horizontal_overflow(page) == 0
