"""Sign-in throttling against the real server: ``tekun serve --workers 2`` in its own processes, on
the test database, with concurrent requests from real TCP clients on distinct loopback addresses
(127.0.0.2 the attacker, 127.0.0.3 a trusted proxy, 127.0.0.4 an honest user).

FORWARDED_ALLOW_IPS=* is set for the server: were uvicorn still rewriting the client from
X-Forwarded-For, the forged headers below would be believed.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.accounts.conftest import evaluated_from
from tests.conftest import DATA_DIR, PASSWORD, ROOT, _free_port, csrf_of
from tests.processes import serving

ATTACKER, PROXY, HONEST = "127.0.0.2", "127.0.0.3", "127.0.0.4"


@pytest.fixture(scope="module")
def two_workers(database):
    env = {"TEKUN_TRUSTED_PROXIES": PROXY, "FORWARDED_ALLOW_IPS": "*"}
    with serving(ROOT, DATA_DIR / "throttle-server.log", _free_port(), env=env, workers=2) as url:
        yield url


def client_at(url: str, address: str) -> httpx.AsyncClient:
    """A real TCP client whose connections come from ``address``."""
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=httpx.Limits(max_connections=100))
    return httpx.AsyncClient(transport=transport, base_url=url, timeout=60)


async def post_login(client, username: str, password: str, forwarded: str | None = None):
    data = {"username": username, "password": password, "next": "/", "_csrf_token": csrf_of(client)}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return await client.post("/login", data=data, headers=headers)


async def test_sixty_concurrent_wrong_passwords_then_the_right_one_from_another_address(two_workers, world):
    user = await world.user("director", home=await world.home())
    async with client_at(two_workers, ATTACKER) as attacker:
        await attacker.get("/login")
        answers = await asyncio.gather(*[post_login(attacker, user.username, f"guess-{n}") for n in range(60)])
        statuses = [answer.status_code for answer in answers]
        # Checked: as many as the (account, address) lock allows; the others refused unchecked.
        assert statuses.count(401) == 10 and statuses.count(429) == 50
        assert await evaluated_from(ATTACKER) == 10 <= 15

        # Rotating X-Forwarded-For from an untrusted client changes nothing: still the attacker's
        # own address, still locked, nothing checked — not even the right password.
        forged = await asyncio.gather(
            *[post_login(attacker, user.username, f"again-{n}", f"198.51.100.{n}") for n in range(20)],
            post_login(attacker, user.username, PASSWORD, HONEST),
        )
        assert {answer.status_code for answer in forged} == {429}
        assert await evaluated_from(ATTACKER) == 10
        assert await evaluated_from(HONEST) == 0

    async with client_at(two_workers, HONEST) as honest:
        await honest.get("/login")
        response = await post_login(honest, user.username, PASSWORD)
        assert response.status_code == 303 and response.headers["location"] == "/"
        assert (await honest.get("/")).status_code == 200


async def test_x_forwarded_for_from_the_trusted_proxy_is_believed(two_workers, world):
    user = await world.user("admin")
    guesser, colleague = "198.51.100.201", "198.51.100.202"
    async with client_at(two_workers, PROXY) as proxy:
        await proxy.get("/login")
        answers = await asyncio.gather(
            *[post_login(proxy, user.username, f"guess-{n}", f"10.1.1.1, {guesser}") for n in range(15)]
        )
        assert sorted(answer.status_code for answer in answers) == [401] * 10 + [429] * 5
        assert await evaluated_from(guesser) == 10
        assert await evaluated_from(PROXY) == 0 and await evaluated_from("10.1.1.1") == 0
        # Someone else behind the same proxy is another address: not locked out.
        response = await post_login(proxy, user.username, PASSWORD, colleague)
        assert response.status_code == 303
    assert await evaluated_from(colleague) == 1


def test_both_workers_served(two_workers):
    log = (DATA_DIR / "throttle-server.log").read_text()
    assert log.count("Started server process") == 2, log
