"""Test set-up: one throw-away database per test run, on SQLite or PostgreSQL.

TEKUN_TEST_DB=sqlite (default) or postgres chooses the leg. The environment is set here, before
anything imports ``backend``, because settings and the engine are read once at import.
PostgreSQL is found at TEKUN_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test);
a database ``tekun_test_<random>`` is created beside it and dropped at the end. When it does not
answer, the leg stops with a loud notice, and fails when CI=true.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import secrets
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

LEG = os.environ.get("TEKUN_TEST_DB", "sqlite")
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_BASE = os.environ.get("TEKUN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
DATA_DIR = Path(tempfile.mkdtemp(prefix="tekun-test-"))
DB_NAME = f"tekun_test_{os.getpid()}_{secrets.token_hex(3)}"

if LEG == "postgres":
    base, _, _ = PG_BASE.rpartition("/")
    DATABASE_URL = f"{base}/{DB_NAME}"
elif LEG == "sqlite":
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'test.sqlite3'}"
else:
    raise SystemExit(f"TEKUN_TEST_DB must be sqlite or postgres, not {LEG!r}")

os.environ.update(
    TEKUN_DATABASE_URL=DATABASE_URL,
    TEKUN_DATA_DIR=str(DATA_DIR),
    TEKUN_SECRET_KEY="test-secret-key-" + secrets.token_hex(16),
    TEKUN_TIMEZONE="Asia/Shanghai",
    TEKUN_LANGUAGE="zh_CN",
)

ROOT = Path(__file__).resolve().parent.parent


def _postgres_answers() -> str | None:
    import asyncpg

    from backend.core.db import pg_config

    async def probe():
        connection = await asyncpg.connect(**{**pg_config(PG_BASE)}, timeout=5)
        await connection.close()

    try:
        asyncio.run(probe())
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


def pytest_configure(config):
    if LEG != "postgres":
        return
    problem = _postgres_answers()
    if problem:
        banner = (
            "\n" + "!" * 78 + f"\n!!  PostgreSQL at {PG_BASE} does not answer ({problem}).\n"
            "!!  The PostgreSQL leg of the test suite is SKIPPED.\n" + "!" * 78 + "\n"
        )
        sys.stderr.write(banner)
        pytest.exit(
            "PostgreSQL leg skipped: no server" if not IN_CI else "CI=true needs PostgreSQL", returncode=1 if IN_CI else 0
        )


def pytest_report_header(config):
    return [f"tekun test database: {LEG} ({DATABASE_URL})"]


@pytest.fixture(scope="session", autouse=True)
async def database():
    from backend.core import db

    await db.upgrade()
    await db.start()
    yield DATABASE_URL
    await db.stop()
    await db.drop_database(DATABASE_URL)
    shutil.rmtree(DATA_DIR, ignore_errors=True)


# --- factories ------------------------------------------------------------------------------

_counter = itertools.count(1)
_used_county_codes: set[str] = set()
# County codes: the generator draws from RANDOM_COUNTY_CODES (unique within the run); a test that
# writes a code of its own into the shared database takes it from FIXED_COUNTY_CODES, which the
# generator never gives (no real division code starts with 9 either).
RANDOM_COUNTY_CODES = range(110000, 660000)
FIXED_COUNTY_CODES = range(900000, 1000000)


def unique_county_code() -> str:
    while True:
        code = f"{random.choice(RANDOM_COUNTY_CODES)}"
        if code not in _used_county_codes:
            _used_county_codes.add(code)
            return code


def unique_home_code() -> str:
    return f"T{next(_counter):05d}-{secrets.token_hex(2).upper()}"


PASSWORD = "correct-horse-42"


@pytest.fixture
def system():
    from backend.core.security import Scope

    return Scope.system("test")


@pytest.fixture
def world(system):
    """A factory for counties, homes and users (each call makes new, unique ones)."""
    from backend.accounts import services as accounts
    from backend.registry import services as registry
    from backend.registry.schemas import CountyIn, HomeIn

    class World:
        async def county(self, name: str = "测试县") -> str:
            code = unique_county_code()
            await registry.create_county(system, CountyIn(code=code, name=name, province="甘肃省"))
            return code

        async def home(self, county: str | None = None, beds: int = 40, name: str = "测试敬老院") -> str:
            county = county or await self.county()
            code = unique_home_code()
            await registry.create_home(system, HomeIn(code=code, name=name, county_code=county, beds=beds))
            return code

        async def user(self, role: str, home: str | None = None, county: str | None = None):
            username = f"{role}{next(_counter)}"
            return await accounts.create_user(system, username, role, PASSWORD, home, county)

    return World()


# --- HTTP clients ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def app():
    from backend.app import create_app

    return create_app()


def make_client(app):
    """An HTTP client calling the app in this event loop (the database pool lives here)."""
    import httpx

    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")


@pytest.fixture
async def client(app):
    async with make_client(app) as test_client:
        yield test_client


def csrf_of(client) -> str:
    """The CSRF token a page would carry for this client's cookies (its session, or before sign-in
    its pre-session cookie), as a browser reads it from the form."""
    from backend.app import session_of
    from backend.core.csrf import PRE_SESSION_COOKIE, csrf_token
    from backend.core.settings import get_settings

    cookies = dict(client.cookies)
    return csrf_token(get_settings().secret_key, session_of(cookies), cookies.get(PRE_SESSION_COOKIE)) or ""


async def sign_in(client, username: str, password: str = PASSWORD):
    await client.get("/login")
    return await client.post(
        "/login",
        data={"username": username, "password": password, "next": "/", "_csrf_token": csrf_of(client)},
    )


async def post_form(client, path: str, data: dict | None = None, files=None):
    return await client.post(path, data={**(data or {}), "_csrf_token": csrf_of(client)}, files=files)


@pytest.fixture
async def signed_in(app, world):
    """``await signed_in(role, home=..., county=...)`` → (client, user), already signed in."""
    clients = []

    async def make(role: str, home: str | None = None, county: str | None = None):
        user = await world.user(role, home=home, county=county)
        test_client = make_client(app)
        await test_client.__aenter__()
        clients.append(test_client)
        response = await sign_in(test_client, user.username)
        assert response.status_code in (200, 303), response.text
        return test_client, user

    yield make
    for test_client in clients:
        await test_client.__aexit__(None, None, None)


@pytest.fixture
def bearer(system):
    """``await bearer(user)`` → headers with a fresh API token for that user."""
    from backend.accounts import services as accounts

    async def make(user):
        token = await accounts.create_api_token(system, user.username, "test")
        return {"Authorization": f"Bearer {token}"}

    return make


# --- a live server (browser and fuzzing tests) ----------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(database):
    """The real app in its own process (uvicorn), on the test database."""
    from tests.processes import serving

    with serving(ROOT, DATA_DIR / "server.log", _free_port()) as url:
        yield url
