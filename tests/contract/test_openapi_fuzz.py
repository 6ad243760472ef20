"""Fuzz every JSON API operation of the OpenAPI schema against the running app, as every role
with an API token (admin, director, inspector, finance): no 5xx, ever, and every answer as the
schema declares it: a documented status code, the declared content type, a body matching the
declared response schema, the declared headers.

The schema is read from the live server (/api/schema/openapi.json); schemathesis generates
requests for each operation under /api/v1 (and /health), valid ones and invalid ones, and its
checks judge every answer. Each generated request is sent twice: as generated (random codes and
IDs, mostly "not found") and with its path parameters pointed at records that exist, so bodies
and queries also reach real counties, homes, a resident and a reconciliation run. The HTML
pages, which are in the schema too, are fuzzed the same way with GET and the role's session
cookie; for them only "no 5xx" is required (their schema entries describe no HTML).

Generation is seeded and deterministic (Hypothesis ``derandomize``), with a bounded number of
examples per operation, so a run repeats itself exactly and the whole file takes a few minutes.

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
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.contract.conftest import ROLES

MAX_EXAMPLES = 8  # per operation, generation mode and role
PAGE_EXAMPLES = 3
SEED = 20261123
API_PATHS = r"^/(api/v1/|health$)"
# The HTML pages are in the schema too (path and query parameters only; their forms are read
# by hand). They are fuzzed with GET and a session cookie: POSTs would only meet the CSRF check,
# and /logout would end the session.
PAGE_PATHS = r"^/(?!api/|health$|logout$|login$)"

API_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
PAGE_CHECKS = [not_a_server_error]

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
    if "run_id" in params:
        params["run_id"] = world.run_id
    return params


def describe(case, response, error: BaseException) -> str:
    body = case.body if not isinstance(case.body, bytes) else case.body[:200]
    failed = (
        "; ".join(f"{failure.title}: {failure.message[:300]}" for failure in getattr(error, "exceptions", ()) or ())
        or str(error)[:300]
    )
    return (
        f"{case.method} {response.request.url} query={case.query} body={body!r} "
        f"→ {response.status_code} {response.headers.get('content-type')}: {response.text[:300]}\n    {failed}"
    )


def first_problem(operation, mode, send, world, examples: int) -> str | None:
    """Generate requests for one operation; the first failed check found, or None."""
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
    checks = PAGE_CHECKS if pages else API_CHECKS
    cookies = world.cookies[role] if pages else None
    failures: list[str] = []
    statuses: Counter = Counter()
    session = requests.Session()  # keep-alive: one connection for the whole run

    def send(case) -> str | None:
        response = case.call(session=session, headers=headers, cookies=cookies, timeout=30, allow_redirects=False)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (AssertionError, FailureGroup) as error:
            return describe(case, response, error)
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
    assert not failures, "failed checks:\n" + "\n".join(failures)


def reserve_county_codes(live_server, world) -> None:
    """Counties the fuzzer created (random valid codes) must not be drawn again by
    tests.conftest.unique_county_code, or a later test's county would already exist."""
    from tests.conftest import _used_county_codes

    response = requests.get(f"{live_server}/api/v1/counties", headers=world.headers("admin"), timeout=30)
    _used_county_codes.update(county["code"] for county in response.json())


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_as_documented(api_schema, fuzz_world, live_server, role):
    try:
        check(*fuzz(api_schema, fuzz_world, role))
    finally:
        reserve_county_codes(live_server, fuzz_world)


@pytest.mark.parametrize("role", ROLES)
def test_pages_get_no_server_error(page_schema, fuzz_world, role):
    check(*fuzz(page_schema, fuzz_world, role, pages=True))


def test_the_checks_refuse_an_answer_the_schema_does_not_declare(api_schema, fuzz_world):
    """The conformance checks are live: a real answer passes; the same answer with an undeclared
    status, another content type or a body off the declared schema fails."""
    from schemathesis.core.transport import Response

    operation = api_schema["/api/v1/counties/{code}"]["GET"]
    case = operation.Case(path_parameters={"code": fuzz_world.other_county + "0"})
    headers = fuzz_world.headers("admin")
    real = case.call(headers=headers, timeout=30)
    assert real.status_code == 404
    case.validate_response(real, checks=API_CHECKS, headers=headers)

    def variant(status=404, content_type="application/json", body=real.content):
        return Response(
            status_code=status,
            headers={"content-type": [content_type]},
            content=body,
            request=real.request,
            elapsed=0.01,
            message="",
            encoding="utf-8",
            http_version="1.1",
            verify=True,
        )

    for wrong in (
        variant(status=418),
        variant(content_type="text/html"),
        variant(body=b'{"status_code": "404", "detail": 5}'),
        variant(status=200, body=b'{"code": 110101}'),
    ):
        with pytest.raises((AssertionError, FailureGroup)):
            case.validate_response(wrong, checks=API_CHECKS, headers=headers)
