"""Fuzz every JSON API operation of the OpenAPI schema against the running app: no 5xx, ever.

The schema is read from the live server (/api/schema/openapi.json); schemathesis generates
requests for each operation under /api/v1 (and /health), valid ones and invalid ones, and its
``not_a_server_error`` check judges every answer. Each generated request is sent twice: as
generated (random codes and IDs, mostly "not found") and with its path parameters pointed at
records that exist, so bodies and queries also reach real counties, homes and a resident. Both an
admin (everything) and a director (one home: the scope paths) are used. The HTML pages, which
are in the schema too, are fuzzed the same way with GET and the role's session cookie.

Generation is seeded and deterministic (Hypothesis ``derandomize``), with a bounded number of
examples per operation, so a run takes well under two minutes and repeats itself exactly.

schemathesis's own pytest integration (``from_fixture(...).parametrize()``) does not work with
pytest 9 (it sets the private ``Function._nodeid``), so each operation's strategy is driven here
with plain Hypothesis, and every failure is collected and reported together.
"""

from __future__ import annotations

from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

MAX_EXAMPLES = 10  # per operation, generation mode and role
PAGE_EXAMPLES = 5
SEED = 20261123
API_PATHS = r"^/(api/v1/|health$)"
# The HTML pages are in the schema too (path and query parameters only; their forms are read
# by hand). They are fuzzed with GET and a session cookie: POSTs would only meet the CSRF check,
# and /logout would end the session.
PAGE_PATHS = r"^/(?!api/|health$|logout$|login$)"

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # failures are collected, not shrunk
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="session")
def full_schema(live_server):
    config = SchemathesisConfig.from_dict(
        {"seed": SEED, "base-url": live_server, "generation": {"deterministic": True, "database": "none"}}
    )
    return schemathesis.openapi.from_url(f"{live_server}/api/schema/openapi.json", config=config)


@pytest.fixture(scope="session")
def api_schema(full_schema):
    return full_schema.include(path_regex=API_PATHS)


@pytest.fixture(scope="session")
def page_schema(full_schema):
    return full_schema.include(path_regex=PAGE_PATHS, method="GET")


def real_path(case, world) -> dict | None:
    """The case's path parameters pointed at records that exist (None when it has none)."""
    params = dict(case.path_parameters or {})
    if not params:
        return None
    if "resident_id" in params:
        params["resident_id"] = world.resident_id
    if "code" in params:
        params["code"] = world.county if "/counties/" in case.path else world.home
    return params


def describe(case, response) -> str:
    body = case.body if not isinstance(case.body, bytes) else case.body[:200]
    return (
        f"{case.method} {response.request.url} query={case.query} body={body!r} "
        f"→ {response.status_code}: {response.text[:300]}"
    )


def first_problem(operation, mode, send, world, examples: int) -> str | None:
    """Generate requests for one operation; the first server error found, or None."""
    found: list[str] = []

    @settings(FUZZ_SETTINGS, max_examples=examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if found:
            return  # one example per operation and mode is enough to report
        problem = send(case)
        params = real_path(case, world)
        if problem is None and params is not None:
            case.path_parameters = params
            problem = send(case)
        if problem:
            found.append(problem)

    try:
        run()
    except Unsatisfiable:
        return None  # e.g. no invalid request can be built for this operation
    return found[0] if found else None


def fuzz(schema, world, role: str, pages: bool = False, minimum: int = 15) -> tuple[list[str], Counter]:
    """Run every operation in both generation modes; returns (failures, answers by status).
    The API is called with the role's Bearer token, pages with its session cookie."""
    headers = {} if pages else world.headers(role)
    cookies = world.cookies[role] if pages else None
    failures: list[str] = []
    statuses: Counter = Counter()
    session = requests.Session()  # keep-alive: one connection for the whole run

    def send(case) -> str | None:
        response = case.call(session=session, headers=headers, cookies=cookies, timeout=30, allow_redirects=False)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
        except (AssertionError, FailureGroup):
            return describe(case, response)
        return None

    operations = list(schema.get_all_operations())
    assert len(operations) >= minimum, f"the schema has only {len(operations)} operations here"
    for result in operations:
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problem = first_problem(operation, mode, send, world, PAGE_EXAMPLES if pages else MAX_EXAMPLES)
            if problem:
                failures.append(f"[{role}, {mode.value}] {operation.label}: {problem}")
    session.close()
    return failures, statuses


def check(failures: list[str], statuses: Counter) -> None:
    # Honest fuzzing reaches the app: the credentials work (answers other than 401/redirects),
    # both good requests (200) and refused ones (400/404) are among the answers.
    assert sum(statuses.values()) > 200, statuses
    assert statuses[200] > 20 and statuses[400] + statuses[404] > 20, statuses
    assert not failures, "server errors:\n" + "\n".join(failures)


def reserve_county_codes(live_server, world) -> None:
    """Counties the fuzzer created (random valid codes) must not be drawn again by
    tests.conftest.unique_county_code, or a later test's county would already exist."""
    from tests.conftest import _used_county_codes

    response = requests.get(f"{live_server}/api/v1/counties", headers=world.headers("admin"), timeout=30)
    _used_county_codes.update(county["code"] for county in response.json())


def test_admin_gets_no_server_error(api_schema, fuzz_world, live_server):
    try:
        check(*fuzz(api_schema, fuzz_world, "admin"))
    finally:
        reserve_county_codes(live_server, fuzz_world)


def test_director_gets_no_server_error(api_schema, fuzz_world, live_server):
    try:
        check(*fuzz(api_schema, fuzz_world, "director"))
    finally:
        reserve_county_codes(live_server, fuzz_world)


@pytest.mark.parametrize("role", ["admin", "director"])
def test_pages_get_no_server_error(page_schema, fuzz_world, role):
    check(*fuzz(page_schema, fuzz_world, role, pages=True))
