"""Fixtures for the sign-in throttling tests: recorded slow-downs, unique addresses, clients from them."""

from __future__ import annotations

import asyncio
import itertools
import os
import random

import httpx
import pytest

from backend.accounts.services import _signin
from backend.accounts.tables import LoginAttempt
from backend.core import settings

_addresses = itertools.count(random.randint(1, 50_000) * 100)


def fresh_address() -> str:
    """An address no other test of this run uses (198.18.0.0/15, the benchmarking range)."""
    number = next(_addresses)
    return f"198.{18 + number // 65536 % 2}.{number // 256 % 256}.{number % 256}"


def client_from(app, address: str, **kwargs) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local", **kwargs)


async def evaluated_from(address: str) -> int:
    """Attempts from ``address`` whose password was checked (the service writes these rows after
    verifying, and only then)."""
    return await LoginAttempt.count().where(LoginAttempt.key == f"addr:{address}")


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The slow-downs the service asks for, recorded instead of slept (the real thresholds and
    delays; the sleeping itself is what ``tekun serve`` does in test_throttling_live.py)."""
    asked: list[float] = []

    async def record(seconds: float) -> None:
        asked.append(seconds)
        await asyncio.sleep(0)

    monkeypatch.setattr(_signin, "slow_down", record)
    return asked


@pytest.fixture
def trusted_proxies():
    """``trusted_proxies("10.0.0.5")`` → settings read again with TEKUN_TRUSTED_PROXIES set;
    restored (and read again) afterwards."""
    before = os.environ.get("TEKUN_TRUSTED_PROXIES")

    def set_to(value: str):
        os.environ["TEKUN_TRUSTED_PROXIES"] = value
        settings.get_settings.cache_clear()
        return settings.get_settings()

    yield set_to
    if before is None:
        os.environ.pop("TEKUN_TRUSTED_PROXIES", None)
    else:
        os.environ["TEKUN_TRUSTED_PROXIES"] = before
    settings.get_settings.cache_clear()
