"""Scope over every route the app has: the route table is walked, so a new route without an
access rule or without a scope rule here fails these tests.

A director of home A, an inspector and a finance officer of county X ask for things of home B
in county Y: the answer is 404 (or 403 where their role may not use the route at all), and no
list they can open mentions home B or county Y.
"""

import re
from datetime import date

import pytest

from backend.core.security import ROLES, Scope
from backend.core.web import PUBLIC, USER, access_rule
from backend.residents import services as residents
from backend.residents.schemas import ResidentIn
from backend.stipends import claims as stipend_claims
from backend.stipends import services as stipend_services
from tests.conftest import post_form
from tests.residents.helpers import new_id
from tests.stipends.helpers import import_standard

# Path parameter → which kind of record it names (so the test can pick an out-of-scope one).
PARAMETER_KINDS = [
    (re.compile(r"^(/api/v1)?/counties/\{code:str\}"), "county"),
    (re.compile(r"^(/api/v1)?/homes/\{code:str\}"), "home"),
    (re.compile(r"^(/api/v1)?/residents/\{resident_id:int\}"), "resident"),
    (re.compile(r"^/stipends/runs/\{run_id:str\}"), "run"),
    (re.compile(r"^/stipends/claims/\{claim_id:int\}"), "claim"),
]
PARAMETER_PLACEHOLDERS = {
    "county": r"\{code:str\}", "home": r"\{code:str\}", "resident": r"\{resident_id:int\}",
    "run": r"\{run_id:str\}", "claim": r"\{claim_id:int\}",
}
# Public routes whose parameter names no record.
PUBLIC_PARAMETER_ROUTES = {"/lang/{code:str}", "/static/{file_path:path}", "/static/swagger/{file_path:path}"}


def routes(app):
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                if method in ("HEAD", "OPTIONS"):
                    continue
                yield route.path, method, handler


def kind_of(path: str) -> str | None:
    for pattern, kind in PARAMETER_KINDS:
        if pattern.match(path):
            return kind
    return None


def test_every_route_declares_who_may_use_it(app):
    undeclared = []
    for path, method, handler in routes(app):
        rule = access_rule(handler, path)
        if rule in (PUBLIC, USER):
            continue
        if isinstance(rule, tuple) and rule and all(role in ROLES for role in rule):
            continue
        undeclared.append(f"{method} {path}: {rule!r}")
    assert not undeclared, "routes without a valid opt['access']: " + ", ".join(undeclared)


def test_every_route_with_a_record_parameter_has_a_scope_rule_here(app):
    unknown = []
    for path, method, handler in routes(app):
        if "{" not in path or path in PUBLIC_PARAMETER_ROUTES or access_rule(handler, path) == PUBLIC:
            continue
        if kind_of(path) is None:
            unknown.append(f"{method} {path}")
    assert not unknown, "add these routes to PARAMETER_KINDS (and check their scope): " + ", ".join(unknown)


@pytest.fixture
async def two_worlds(world, signed_in, bearer):
    county_x = await world.county(name="本县")
    home_a = await world.home(county=county_x, name="本院")
    county_y = await world.county(name="外县LEAKCOUNTY")
    home_b = await world.home(county=county_y, name="外院LEAKHOME")
    outsider = await residents.register_resident(Scope.system(), ResidentIn(
        id_number=new_id("F"), name="外人LEAKPERSON", county_code=county_y, approved_on=date(2024, 1, 1),
        home_code=home_b, admitted_on=date(2024, 1, 2),
    ))
    # A reconciliation run and a monthly claim of county Y (stipends).
    await import_standard(county_y, "2024-01")
    run = await stipend_services.reconcile(Scope.system(), county_y, date(2024, 3, 1), "payments")
    claim = await stipend_claims.generate_claim(Scope.system(), home_b, date(2024, 3, 1))
    people = {}
    for role, home, county in (
        ("director", home_a, None),
        ("inspector", None, county_x),
        ("finance", None, county_x),
    ):
        client, user = await signed_in(role, home=home, county=county)
        people[role] = (client, user, await bearer(user))
    return {"county_y": county_y, "home_b": home_b, "resident_b": str(outsider.id), "home_a": home_a, "county_x": county_x, "people": people,
            "run_b": run.run_id, "claim_b": str(claim.id)}


# A valid body for API writes, so the answer is decided by scope and not by validation.
_SIX = {"eat": True, "dress": True, "transfer": True, "toilet": True, "walk": True, "bathe": True}
API_BODIES = [
    (re.compile(r"/assessments$"), {"assessed_on": "2024-03-01", **_SIX}),
    (re.compile(r"/capability-assessments$"), {"assessed_on": "2024-03-01", "scores": {}}),
    (re.compile(r"/placements$"), {"kind": "discharge", "event_date": "2024-03-01"}),
    (re.compile(r"/condition-changes$"), {"reported_on": "2024-03-01", "note": "跌倒"}),
]


def _body_for(path: str) -> dict:
    for pattern, body in API_BODIES:
        if pattern.search(path):
            return body
    return {}


async def _request(client, method, path, headers):
    if path.startswith("/api/"):
        return await client.request(method, path, headers=headers, json=_body_for(path) if method != "GET" else None)
    if method == "GET":
        return await client.get(path)
    return await post_form(client, path, {})


async def test_out_of_scope_records_are_not_found_on_every_route(app, two_worlds):
    checked = 0
    for path, method, handler in routes(app):
        kind = kind_of(path)
        if kind is None:
            continue
        value = {"county": two_worlds["county_y"], "home": two_worlds["home_b"], "resident": two_worlds["resident_b"],
                 "run": two_worlds["run_b"], "claim": two_worlds["claim_b"]}[kind]
        concrete = re.sub(PARAMETER_PLACEHOLDERS[kind], value, path)
        rule = access_rule(handler, path)
        for role, (client, _user, headers) in two_worlds["people"].items():
            response = await _request(client, method, concrete, headers)
            allowed = rule == USER or (isinstance(rule, tuple) and role in rule)
            expected = 404 if allowed else 403
            assert response.status_code == expected, f"{role} {method} {concrete}: {response.status_code}"
            checked += 1
    assert checked >= 30


async def test_no_list_a_user_can_open_mentions_another_scope(app, two_worlds):
    opened = 0
    for path, method, handler in routes(app):
        if method != "GET" or "{" in path or access_rule(handler, path) == PUBLIC:
            continue
        for role, (client, _user, headers) in two_worlds["people"].items():
            response = await client.get(path, headers=headers if path.startswith("/api/") else None)
            if response.status_code != 200:
                continue
            opened += 1
            for secret in ("LEAKHOME", "LEAKCOUNTY", "LEAKPERSON", two_worlds["home_b"], two_worlds["county_y"]):
                assert secret not in response.text, f"{role} sees {secret} at {path}"
    assert opened >= 8


async def test_own_records_are_visible(two_worlds):
    director, _user, headers = two_worlds["people"]["director"]
    assert (await director.get(f"/homes/{two_worlds['home_a']}")).status_code == 200
    assert (await director.get(f"/api/v1/homes/{two_worlds['home_a']}", headers=headers)).status_code == 200
    inspector, _user, headers = two_worlds["people"]["inspector"]
    assert (await inspector.get(f"/counties/{two_worlds['county_x']}")).status_code == 200
    response = await inspector.get("/api/v1/homes", headers=headers)
    assert [home["code"] for home in response.json()] == [two_worlds["home_a"]]


async def test_finance_cannot_edit_homes_of_its_own_county(two_worlds):
    client, _user, headers = two_worlds["people"]["finance"]
    home = two_worlds["home_a"]
    page = await post_form(client, f"/homes/{home}/edit", {"name": "改名", "beds": "1"})
    assert page.status_code == 403
    api = await client.patch(f"/api/v1/homes/{home}", headers=headers, json={"name": "改名"})
    assert api.status_code == 403
    unchanged = await client.get(f"/api/v1/homes/{home}", headers=headers)
    assert unchanged.json()["name"] == "本院"


async def test_the_api_ignores_the_session_cookie(two_worlds):
    client, _user, _headers = two_worlds["people"]["inspector"]
    response = await client.get("/api/v1/homes")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
