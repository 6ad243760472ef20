"""Contract tests: the OpenAPI schema fuzzed with schemathesis against the live server.

``fuzz_world`` puts real data in the test database (two counties, a home in each, a resident in
the first home with an assessment, a stipend standard, a payment and a reconciliation run of the
first county) and makes one user of every role with an API token and a signed-in session: an
admin, a director of the first home, an inspector and a finance user of the first county. All of
it through the services, so operations with path parameters are also tried on records that exist
and in each role's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.conftest import PASSWORD, unique_county_code, unique_home_code
from tests.residents.helpers import new_id, register_person

ROLES = ("admin", "director", "inspector", "finance")


@dataclass
class FuzzWorld:
    county: str
    other_county: str
    home: str
    other_home: str
    resident_id: int
    run_id: str
    tokens: dict[str, dict[str, str]]  # role → the Authorization header of its API token
    cookies: dict[str, dict[str, str]]  # role → the session cookie of a signed-in user

    def headers(self, role: str) -> dict[str, str]:
        return self.tokens[role]


@pytest.fixture(scope="session")
async def fuzz_world(database) -> FuzzWorld:
    from backend.accounts import services as accounts
    from backend.accounts.auth import SESSION_COOKIE, session_cookie_value
    from backend.core.security import Scope
    from backend.registry import services as registry
    from backend.registry.schemas import CountyIn, HomeIn
    from backend.residents import services as residents
    from backend.residents.schemas import AssessmentIn, ResidentIn
    from backend.stipends import services as stipends
    from tests.stipends.helpers import LINE_HEADER, import_lines, import_standard

    system = Scope.system("fuzz")
    counties = []
    for name in ("模糊测试县", "模糊测试邻县"):
        code = unique_county_code()
        await registry.create_county(system, CountyIn(code=code, name=name, province="甘肃省"))
        counties.append(code)
    homes = []
    for county in counties:
        code = unique_home_code()
        await registry.create_home(system, HomeIn(code=code, name="模糊测试敬老院", county_code=county, beds=30))
        homes.append(code)
    id_number = new_id("F")
    person = await register_person(
        system,
        ResidentIn(
            id_number=id_number,
            name="李桂英",
            county_code=counties[0],
            approved_on=date(2024, 3, 1),
            home_code=homes[0],
            admitted_on=date(2024, 3, 4),
        ),
    )
    await residents.record_assessment(
        system,
        person.id,
        AssessmentIn(assessed_on=date(2024, 3, 4), eat=True, dress=True, transfer=False, toilet=True, walk=False, bathe=False),
    )
    # A run with findings, so the run, report and review operations answer with real content.
    await import_standard(counties[0], "2024-01")
    await import_lines([["FUZZ-1", id_number, "李桂英", counties[0], "2024-06", "600.00", "0.00"]], header=LINE_HEADER)
    run = await stipends.reconcile(system, counties[0], date(2024, 6, 1))
    tokens, cookies = {}, {}
    for role in ROLES:
        home = homes[0] if role == "director" else None
        county = counties[0] if role in ("inspector", "finance") else None
        user = await accounts.create_user(system, f"fuzz{role}{unique_home_code()[1:6]}", role, PASSWORD, home, county)
        token = await accounts.create_api_token(system, user.username, "fuzz")
        tokens[role] = {"Authorization": f"Bearer {token}"}
        session, _user = await accounts.login(user.username, PASSWORD, "192.0.2.99")
        cookies[role] = {SESSION_COOKIE: session_cookie_value(session)}
    return FuzzWorld(counties[0], counties[1], homes[0], homes[1], person.id, run.run_id, tokens, cookies)
