"""The pages under the Content-Security-Policy in Chromium: signing in, the assessment form's live
preview and the roster's print button (both now scripts from files), and the Swagger UI page work,
and the console shows no error at all on these pages. A last test shows that the browser really
enforces the policy (an injected inline script does not run), so "no violation" means something."""

from __future__ import annotations

from datetime import date

from backend.core.i18n import gettext as zh
from backend.core.security import Scope
from backend.residents import services
from backend.residents.schemas import AssessmentIn, ResidentIn
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import log_in
from tests.residents.helpers import new_id, register_person


def watch_console(page) -> list[str]:
    """Every console error and uncaught script error of this page, as it happens. The browser's
    own request for /favicon.ico (tekun has none: a 404) is not one of the page's errors."""
    errors: list[str] = []

    def note(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", note)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: uncaught {error}"))
    return errors


async def _director_with_resident(world):
    county = await world.county(name="榆中县")
    home = await world.home(county=county, name="金崖镇敬老院", beds=30)
    director = await world.user("director", home=home)
    person = await register_person(
        Scope.system(),
        ResidentIn(
            id_number=new_id("F"),
            name="王秀英",
            county_code=county,
            approved_on=date(2024, 1, 5),
            home_code=home,
            admitted_on=date(2024, 2, 1),
        ),
    )
    await services.record_assessment(
        Scope.system(),
        person.id,
        AssessmentIn(
            assessed_on=date(2024, 2, 1),
            eat=True,
            dress=True,
            transfer=True,
            toilet=True,
            walk=True,
            bathe=True,
        ),
    )
    return home, director, person


async def test_signing_in_under_the_policy(world, new_page):
    director = await world.user("director", home=await world.home(name="新营镇敬老院"))
    page = await new_page()
    errors = watch_console(page)
    response = await page.goto("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    await log_in(page, director.username)
    assert await page.inner_text("#home-name") == "新营镇敬老院"  # signed in: the form and its token worked
    async with page.expect_navigation():
        await page.click("header.top button:text-is('退出登录')")
    assert page.url.endswith("/login"), page.url
    assert errors == []


async def test_the_assessment_preview_and_the_print_button_work(world, new_page):
    home, director, person = await _director_with_resident(world)
    page = await new_page()
    errors = watch_console(page)
    await log_in(page, director.username)

    await page.goto(f"/residents/{person.id}/assessment")
    for item in ("eat", "dress"):
        await page.click(f"label.big-choice.cannot:has(input[name={item}]) span")
    for item in ("transfer", "toilet", "walk", "bathe"):
        await page.click(f"label.big-choice.can:has(input[name={item}]) span")
    preview = page.locator("#tier-preview")
    assert await preview.inner_text() == zh("Partly unable to care for themselves")  # shown before saving
    assert await preview.get_attribute("class") == "tier tier-partial"
    async with page.expect_navigation():
        await page.click("#save-assessment")
    assert page.url.endswith(f"/residents/{person.id}"), page.url
    # a director's: the home's care observation (the county's tier is unchanged)
    assert zh("Partly unable to care for themselves") in await page.inner_text("#observations")

    await page.goto(f"/homes/{home}/roster/print")
    # Count the print dialogs instead of opening one (a headless browser cannot show it).
    await page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    await page.click("button[data-print]")
    assert await page.evaluate("() => window.printed") == 1
    assert errors == []


async def test_the_swagger_ui_works_under_its_policy(world, bearer, new_page):
    """The API page renders the schema and sends a request with a Bearer token ("Try it out")."""
    token = (await bearer(await world.user("admin")))["Authorization"].removeprefix("Bearer ")
    page = await new_page()
    errors = watch_console(page)
    response = await page.goto("/api/schema")
    assert "img-src 'self' data:" in response.headers["content-security-policy"]
    title = page.locator(".swagger-ui .information-container .title")
    await title.wait_for()
    assert "tekun API" in await title.inner_text()
    assert await page.locator(".opblock").count() > 10

    await page.click("button.authorize")
    await page.fill(".auth-container input", token)
    await page.click(".auth-btn-wrapper button.authorize")
    await page.click(".auth-btn-wrapper button.btn-done")
    operation = page.locator(".opblock-get:has(.opblock-summary-path[data-path='/api/v1/counties'])")
    await operation.locator(".opblock-summary").click()
    await operation.locator("button.try-out__btn").click()
    await operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status")
    await status.wait_for()
    assert (await status.inner_text()).strip() == "200"
    assert errors == []


async def test_the_browser_enforces_the_policy(browser, live_server):
    """Outside ``new_page`` (whose teardown fails on any violation): here one is wanted."""
    context = await browser.new_context(base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = await context.new_page()
        errors = watch_console(page)
        await page.goto("/login")
        await page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.ran = true';"
            " document.body.appendChild(s); }"
        )
        await page.wait_for_timeout(200)  # the console event comes asynchronously
        assert await page.evaluate("() => window.ran === undefined")
        assert any("Content Security Policy" in error for error in errors), errors
    finally:
        await context.close()
