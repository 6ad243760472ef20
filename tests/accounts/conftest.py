"""Fixtures for the sign-in throttling tests: a fast policy, unique addresses, clients from them."""

from __future__ import annotations

import itertools
import os
import random

import httpx
import pytest

from backend.accounts import _throttle
from backend.accounts.rules import SignInPolicy, ThrottlePolicy
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
def quick_throttle(monkeypatch):
    """The real thresholds, with every slow-down capped at 20 ms so the suite stays fast."""
    real = SignInPolicy()

    def quick(policy: ThrottlePolicy) -> ThrottlePolicy:
        return ThrottlePolicy(**{**policy.__dict__, "max_delay_seconds": 0.02})

    fast = SignInPolicy(pair=quick(real.pair), address=quick(real.address), account=quick(real.account))
    monkeypatch.setattr(_throttle, "POLICY", fast)
    return fast


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
