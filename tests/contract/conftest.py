"""Contract tests: the OpenAPI schema fuzzed with schemathesis against the live server.

``fuzz_world`` puts real data in the test database (two counties, a home in each, a resident in
the first home with an assessment) and makes an admin and a director of the first home with API
tokens, so that operations with path parameters are also tried on records that exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.conftest import PASSWORD, unique_county_code, unique_home_code
from tests.residents.helpers import new_id


@dataclass
class FuzzWorld:
    county: str
    other_county: str
    home: str
    other_home: str
    resident_id: int
    admin: dict[str, str]
    director: dict[str, str]
    cookies: dict[str, dict[str, str]]  # role → the session cookie of a signed-in user

    def headers(self, role: str) -> dict[str, str]:
        return {"admin": self.admin, "director": self.director}[role]


@pytest.fixture(scope="session")
async def fuzz_world(database) -> FuzzWorld:
    from backend.accounts import services as accounts
    from backend.accounts.auth import SESSION_COOKIE, session_cookie_value
    from backend.core.security import Scope
    from backend.registry import services as registry
    from backend.registry.schemas import CountyIn, HomeIn
    from backend.residents import services as residents
    from backend.residents.schemas import AssessmentIn, ResidentIn

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
    person = await residents.register_resident(
        system,
        ResidentIn(
            id_number=new_id("F"), name="李桂英", county_code=counties[0],
            approved_on=date(2024, 3, 1), home_code=homes[0], admitted_on=date(2024, 3, 4),
        ),
    )
    await residents.record_assessment(
        system,
        person.id,
        AssessmentIn(assessed_on=date(2024, 3, 4), eat=True, dress=True, transfer=False, toilet=True, walk=False, bathe=False),
    )
    tokens, cookies = {}, {}
    for role, home in (("admin", None), ("director", homes[0])):
        user = await accounts.create_user(system, f"fuzz{role}{unique_home_code()[1:6]}", role, PASSWORD, home, None)
        token = await accounts.create_api_token(system, user.username, "fuzz")
        tokens[role] = {"Authorization": f"Bearer {token}"}
        session, _user = await accounts.login(user.username, PASSWORD, "192.0.2.99")
        cookies[role] = {SESSION_COOKIE: session_cookie_value(session)}
    return FuzzWorld(
        counties[0], counties[1], homes[0], homes[1], person.id, tokens["admin"], tokens["director"], cookies
    )
