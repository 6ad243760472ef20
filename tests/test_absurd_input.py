"""Absurd input is refused, never a server error (issue 8, point 6).

The route table is walked, so a new route with an unbounded integer, or a new JSON body route,
is covered without being listed here: page numbers and sizes beyond any list, record ids beyond
the database's integer, bodies nested thousands of levels deep or larger than any honest body.
Each refusal is a 400 (413 for size) that names what was wrong, in the page's language.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.core.limits import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_RECORD_ID,
    json_depth_exceeds,
)
from backend.core.security import ROLES
from backend.core.web import PUBLIC, USER, access_rule
from tests.conftest import csrf_of, make_client
from tests.residents.helpers import register_person

ABSURD_IDS = (2**63 - 1, 2**63, 10**40, MAX_RECORD_ID + 1, 0, -5)
ABSURD_PAGES = ("9223372036854775807", "200000000000000000", str(MAX_PAGE + 1), "0", "-1")
NESTED = (b"[" * 6000, b'{"a":' * 6000, b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))


def routes(app):
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                if method not in ("HEAD", "OPTIONS"):
                    yield route.path, method, handler


def int_parameters(handler):
    """(name, kwarg definition) of each integer path or query parameter of a handler."""
    for name, field in handler.parsed_fn_signature.parameters.items():
        if field.annotation is int or int in get_args(field.annotation):  # int, int | None
            yield name, field.kwarg_definition


def role_for(handler, path: str) -> str:
    rule = access_rule(handler, path)
    allowed = ROLES if rule in (PUBLIC, USER) else rule
    return "admin" if "admin" in allowed else allowed[0]


@dataclass
class Visitors:
    roles: dict[str, tuple]  # role → (page client signed in, API headers)
    county: str
    home: str


@pytest.fixture
async def clients(app, world, signed_in, bearer) -> Visitors:
    """A signed-in page client and API headers for every role, in one county and home."""
    county = await world.county()
    home = await world.home(county)
    made = {}
    for role in ROLES:
        scope = {
            "director": {"home": home},
            "inspector": {"county": county},
            "assessor": {"county": county},
            "finance": {"county": county},
        }.get(role, {})
        page_client, user = await signed_in(role, **scope)
        made[role] = (page_client, await bearer(user))
    return Visitors(made, county, home)


async def send(clients, app, path: str, method: str, handler, **kwargs):
    page_client, headers = clients.roles[role_for(handler, path)]
    if path.startswith("/api/"):
        async with make_client(app) as client:
            return await client.request(method, path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)
    if method != "GET":
        kwargs.setdefault("data", {"_csrf_token": csrf_of(page_client)})
    return await page_client.request(method, path, **kwargs)


# --- integers -------------------------------------------------------------------------------


def test_every_integer_parameter_declares_its_bounds(app):
    """Static: no route takes an integer from the path or query without ge/le (a new one fails)."""
    unbounded = []
    for path, method, handler in routes(app):
        for name, kwarg in int_parameters(handler):
            low, high = getattr(kwarg, "ge", None), getattr(kwarg, "le", None)
            if low is None or high is None or low < 0 or high > 2**63 - 1:
                unbounded.append(f"{method} {path}: {name}")
    assert not unbounded, "integer parameters without bounds: " + ", ".join(unbounded)


def test_the_bounds_are_documented_in_the_openapi_schema(app):
    schema = app.openapi_schema.to_schema()
    parameters = {
        (path, parameter["name"]): parameter["schema"]
        for path, item in schema["paths"].items()
        for operation in item.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
    }
    assert parameters[("/api/v1/residents", "page")] | {"description": None} == {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_PAGE,
        "default": 1,
        "description": None,
    }
    assert parameters[("/api/v1/residents", "per_page")]["maximum"] == MAX_PAGE_SIZE
    assert parameters[("/api/v1/residents/{resident_id}", "resident_id")]["maximum"] == MAX_RECORD_ID


async def test_an_absurd_record_id_is_refused_on_every_route(app, clients):
    tried = 0
    for path, method, handler in routes(app):
        names = [name for name, _kwarg in int_parameters(handler) if f"{{{name}:int}}" in path]
        for name in names:
            for bad in ABSURD_IDS:
                response = await send(clients, app, path.replace(f"{{{name}:int}}", str(bad)), method, handler)
                assert response.status_code == 400, (method, path, bad, response.status_code, response.text[:300])
                assert name in response.text, (method, path, bad)  # the refusal names the parameter
                assert "Traceback" not in response.text
                tried += 1
            if "data" in handler.parsed_fn_signature.parameters:
                continue  # in range, the body is checked first
            largest = await send(clients, app, path.replace(f"{{{name}:int}}", str(MAX_RECORD_ID)), method, handler)
            assert largest.status_code == 404, (method, path, largest.status_code, largest.text[:300])
    assert tried >= 30 * len(ABSURD_IDS), tried  # every person, claim, death and payment route


async def test_the_register_page_refuses_absurd_page_numbers_in_chinese(clients):
    client, _headers = clients.roles["inspector"]
    for bad in ABSURD_PAGES:
        response = await client.get("/residents", params={"page": bad})
        assert response.status_code == 400, (bad, response.text[:300])
        assert "无法解析请求：page: Expected `int`" in response.text, response.text  # names the parameter
    last = await client.get("/residents", params={"page": str(MAX_PAGE)})
    assert last.status_code == 200  # in range: an empty page, not an error


async def test_the_api_refuses_absurd_pages_and_sizes_naming_them(app, clients):
    _client, headers = clients.roles["admin"]
    async with make_client(app) as client:
        for name, bad in [*(("page", value) for value in ABSURD_PAGES), ("per_page", str(MAX_PAGE_SIZE + 1)), ("per_page", "0")]:
            response = await client.get("/api/v1/residents/", params={name: bad}, headers=headers)
            assert response.status_code == 400, (name, bad, response.text)
            body = response.json()
            assert [item["key"] for item in body["extra"]] == [name], body
            assert name in body["detail"] and len(body["detail"]) < 200, body
        largest = await client.get("/api/v1/residents/", params={"page": MAX_PAGE, "per_page": MAX_PAGE_SIZE}, headers=headers)
    assert largest.status_code == 200, largest.text
    assert largest.json()["items"] == [] and largest.json()["per_page"] == MAX_PAGE_SIZE


# --- bodies ---------------------------------------------------------------------------------


def body_routes(app):
    for path, method, handler in routes(app):
        if path.startswith("/api/") and "data" in handler.parsed_fn_signature.parameters:
            yield path, method, handler


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+):int\}", "1", re.sub(r"\{(\w+):str\}", "X", path))


async def test_a_deeply_nested_body_is_refused_on_every_json_route(app, clients):
    tried = 0
    for path, method, handler in body_routes(app):
        for body in NESTED:
            response = await send(
                clients, app, concrete(path), method, handler, content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 400, (method, path, body[:10], response.status_code, response.text[:300])
            assert "嵌套超过 32 层" in response.json()["detail"], response.text
            tried += 1
    assert tried >= 14 * len(NESTED), tried


async def test_nesting_up_to_the_limit_reaches_the_body_check(app, clients):
    """32 levels are not refused for their depth: the body's own validation answers."""
    _client, headers = clients.roles["admin"]
    deep = b'{"code": "110101", "name": ' + b"[" * (MAX_JSON_DEPTH - 1) + b"]" * (MAX_JSON_DEPTH - 1) + b', "province": "x"}'
    async with make_client(app) as client:
        response = await client.post("/api/v1/counties", content=deep, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert "嵌套" not in response.json()["detail"] and response.json()["extra"][0]["key"] == "name", response.text


async def test_a_body_larger_than_the_limit_is_refused_and_the_server_answers_after(app, clients):
    _client, headers = clients.roles["admin"]
    json_headers = {**headers, "Content-Type": "application/json"}
    padding = json.dumps({"code": "110101", "name": "县" * MAX_BODY_BYTES, "province": "x"}).encode()
    async with make_client(app) as client:
        response = await client.post("/api/v1/counties", content=padding, headers=json_headers)
        assert response.status_code == 413, response.text
        assert response.json()["detail"] == "请求超过此地址接受的大小。"

        async def chunks():  # no Content-Length: the limit holds on the bytes that arrive
            for _ in range(5):
                yield b" " * (MAX_BODY_BYTES // 4)

        streamed = await client.post("/api/v1/counties", content=chunks(), headers=json_headers)
        assert streamed.status_code == 413, streamed.text
        after = await client.get("/api/v1/counties", headers=headers)
    assert after.status_code == 200


async def test_a_form_larger_than_the_limit_is_refused_on_a_page(clients):
    client, _headers = clients.roles["admin"]
    response = await client.post("/counties/new", data={"_csrf_token": csrf_of(client), "name": "县" * MAX_BODY_BYTES})
    assert response.status_code == 413
    assert "请求超过此地址接受的大小。" in response.text


async def test_months_at_the_ends_of_the_calendar_are_refused_naming_the_month(app, clients):
    """Reconciling looks back on earlier months and the death register counts to the next one:
    at 0001-01 and 9999-12 the calendar has none (date arithmetic raised ValueError, a 500)."""
    _client, headers = clients.roles["admin"]
    async with make_client(app) as client:
        answers = [
            *[
                await client.post(f"/api/v1/counties/{clients.county}/stipend-runs", json={"month": month}, headers=headers)
                for month in ("0001-01", "0001-02", "9999-12")
            ],
            await client.get(f"/api/v1/counties/{clients.county}/deaths", params={"month": "9999-12"}, headers=headers),
        ]
        for answer in answers:
            assert answer.status_code == 400, (answer.url, answer.text)
            assert list(answer.json()["errors"]) == ["month"], answer.text
        first = await client.get(f"/api/v1/counties/{clients.county}/deaths", params={"month": "0001-01"}, headers=headers)
        assert first.status_code == 200 and first.json() == []  # 0001-02 follows it: an empty month
        runs = await client.get(f"/api/v1/counties/{clients.county}/stipend-runs", headers=headers)
    assert runs.json() == []  # nothing stored


# --- forms ------------------------------------------------------------------------------------

# Numbers past int()'s 4300 digits or any column, a digit int() refuses, floats that are no
# number, a long text, the first month and the last month and day of the calendar (nothing before or after
# them to count to).
ABSURD_FIELD_VALUES = ("9" * 5000, str(2**63), "²", "1e309", "NaN", "x" * 20_000, "0001-01", "9999-12", "9999-12-31")


class FormFinder(HTMLParser):
    """The forms of a page: action, method and the fields with their shown values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._open = {"action": attributes.get("action"), "method": (attributes.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._open)
        elif tag in ("input", "select", "textarea") and self._open is not None and attributes.get("name"):
            self._open["fields"][attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


async def test_every_form_answers_absurd_values_without_a_server_error(app, clients):
    """Each page (as a role that may open it, on a real county, home and person) is read for its
    forms; every form is sent with each absurd value in all its fields."""
    from datetime import date

    from backend.core.security import Scope
    from backend.residents.schemas import ResidentIn
    from tests.residents.helpers import new_id

    person = await register_person(
        Scope.system("test"),
        ResidentIn(
            id_number=new_id(),
            name="张三",
            county_code=clients.county,
            approved_on=date(2024, 1, 1),
            home_code=clients.home,
            admitted_on=date(2024, 1, 2),
        ),
    )
    seen, failures = set(), []
    for path, method, handler in routes(app):
        if (
            method != "GET"
            or path.startswith(("/api/", "/static", "/logout"))
            or re.search(r"\{(claim_id|run_id|path|file_path)", path)
        ):
            continue
        client, _headers = clients.roles[role_for(handler, path)]
        concrete = re.sub(
            r"^/(counties|homes)/\{code:str\}",
            lambda m: f"/{m[1]}/{clients.county if m[1] == 'counties' else clients.home}",
            path,
        )
        concrete = concrete.replace("{resident_id:int}", str(person.id)).replace("{code:str}", "en")
        shown = await client.get(concrete)
        if "text/html" not in shown.headers.get("content-type", ""):
            continue
        finder = FormFinder()
        finder.feed(shown.text)
        for form in finder.forms:
            action = form["action"] or concrete
            if (action, form["method"]) in seen or action == "/logout":
                continue
            seen.add((action, form["method"]))
            for value in ABSURD_FIELD_VALUES:
                # Every field at once (the forms check all their fields and list every error).
                data = {**dict.fromkeys(form["fields"], value), "_csrf_token": csrf_of(client)}
                if form["method"] == "post":
                    answer = await client.post(action, data=data)
                elif len(value) * len(data) < 8000:  # longer queries are refused by the client itself
                    answer = await client.get(action, params=data)
                else:
                    continue
                if answer.status_code >= 500:
                    failures.append(f"{form['method'].upper()} {action} all fields={value[:12]!r}: {answer.status_code}")
    assert len(seen) >= 25, seen  # the forms of every domain were reached
    assert not failures, failures


# --- the depth measure itself ------------------------------------------------------------------


def depth_of(value) -> int:
    if isinstance(value, list):
        return 1 + max((depth_of(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(item) for item in value.values()), default=0)
    return 0


TRICKY_TEXT = st.text(alphabet='[]{}"\\ ,:a\n\u4e2d', max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.integers() | TRICKY_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TRICKY_TEXT, children, max_size=3),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=JSON_VALUES, wrap=st.integers(0, 40), ascii_only=st.booleans())
def test_the_depth_measure_is_exact_for_json(value, wrap, ascii_only):
    """Brackets, quotes and backslashes inside strings do not count; nesting does, exactly."""
    for _ in range(wrap):
        value = [value] if wrap % 2 else {"k[": value}
    text = json.dumps(value, ensure_ascii=ascii_only).encode()
    for limit in (0, 3, MAX_JSON_DEPTH):
        assert json_depth_exceeds(text, limit) == (depth_of(value) > limit), (text[:200], limit)


def test_malformed_bodies_are_measured_at_least_as_deep_as_a_decoder_would_go():
    assert json_depth_exceeds(b"[" * 33)  # never closed
    assert json_depth_exceeds(b'{"a":' * 33)
    assert json_depth_exceeds(b'"x", ' + b"[" * 33)  # after a string
    assert json_depth_exceeds(b'["\\\\", ' + b"[" * 33)  # an escaped backslash ends before the quote
    assert not json_depth_exceeds(b'["\\"' + b"[" * 40 + b'"]')  # inside a string with an escaped quote
    assert not json_depth_exceeds(b"]" * 40 + b"[" * 32)  # refused by the decoder at the first "]"
    assert not json_depth_exceeds(b"[" * 32 + b"]" * 32)
    assert not json_depth_exceeds(b"[]" * 100_000)  # wide, not deep


# --- real bugs stay server errors -----------------------------------------------------------------


async def test_a_real_bug_is_still_a_logged_500_with_no_detail():
    """The error handlers turn bad input into 400s, but not a bug: that stays a 500, logged with
    its traceback, and the answer says nothing about the cause."""
    import logging

    import httpx
    from litestar import Litestar, get

    from backend.core.web import EXCEPTION_HANDLERS

    @get("/api/v1/bug", opt={"access": PUBLIC})
    async def bug() -> dict:
        return {"ratio": 1 // 0}

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__(logging.ERROR)
            self.records: list[logging.LogRecord] = []

        def emit(self, record):
            self.records.append(record)

    collected = Collect()
    logger = logging.getLogger("tekun.web")
    logger.addHandler(collected)
    app = Litestar([bug], exception_handlers=EXCEPTION_HANDLERS, logging_config=None)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            response = await client.get("/api/v1/bug")
    finally:
        logger.removeHandler(collected)
    assert response.status_code == 500
    assert response.json() == {"status_code": 500, "detail": "系统内部出错，错误已记录。"}
    assert [record.exc_info[0] for record in collected.records] == [ZeroDivisionError]
