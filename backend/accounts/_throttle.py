"""Sign-in throttling against the database: each attempt is reserved before its password is checked.

The counters live in ``login_throttle`` so every worker process and host shares them. An attempt
takes the row lock of each of its counters with ``UPDATE … SET attempts = attempts + 1 …
RETURNING`` (in key order, so two attempts never wait on each other crosswise), lets the pure rule
decide, and stores the attempt as a failure, all in one transaction; only then is the password
checked. Concurrent attempts therefore queue on the row lock and each sees the reservations of the
ones before it. This works the same on SQLite (an IMMEDIATE transaction), PostgreSQL and
CockroachDB. A plain read first refuses an attempt on a locked counter without writing anything, so
a flood against a lock costs one read per request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.accounts import rules
from backend.accounts.tables import LoginThrottle
from backend.core import dates
from backend.core.db import transaction

POLICY = rules.SignInPolicy()
STALE_AFTER = timedelta(days=2)  # longer than any lock and than forget_after
CLEANUP_EVERY = timedelta(minutes=10)
_last_cleanup: datetime | None = None  # per process: housekeeping only, never a count

_COLUMNS = (
    LoginThrottle.key,
    LoginThrottle.failures,
    LoginThrottle.window_start,
    LoginThrottle.last_failure,
    LoginThrottle.locks,
)


def _state(row: dict) -> rules.ThrottleState:
    return rules.ThrottleState(row["failures"], row["window_start"], row["last_failure"], row["locks"])


async def _read(keys: dict[str, str]) -> dict[str, rules.ThrottleState]:
    rows = await LoginThrottle.select(*_COLUMNS).where(LoginThrottle.key.is_in(list(keys.values())))
    by_key = {row["key"]: _state(row) for row in rows}
    return {kind: by_key.get(key, rules.ThrottleState()) for kind, key in keys.items()}


async def _lock(key: str, count: bool) -> rules.ThrottleState:
    """Inside a transaction: take the counter's row lock (creating the row if needed); its state."""
    attempts = LoginThrottle.attempts + 1 if count else LoginThrottle.attempts
    for _try in range(3):  # the row may be deleted as stale between the insert and the update
        await LoginThrottle.insert(LoginThrottle(key=key)).on_conflict(target=LoginThrottle.key, action="DO NOTHING")
        rows = await LoginThrottle.update({LoginThrottle.attempts: attempts}).where(LoginThrottle.key == key).returning(*_COLUMNS)
        if rows:
            return _state(rows[0])
    raise RuntimeError(f"login_throttle row {key!r} vanished three times")


async def _store(key: str, state: rules.ThrottleState) -> None:
    await LoginThrottle.update(
        {
            LoginThrottle.failures: state.failures,
            LoginThrottle.window_start: state.window_start,
            LoginThrottle.last_failure: state.last_failure,
            LoginThrottle.locks: state.locks,
        }
    ).where(LoginThrottle.key == key)


def _in_lock_order(keys: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(keys.items(), key=lambda item: item[1])


async def reserve(keys: dict[str, str]) -> rules.ThrottleDecision:
    """Decide an attempt (``keys``: kind → counter key) and, when allowed, store it as a failure
    before returning. The caller checks the password only when the decision allows it."""
    early = rules.login_throttle(await _read(keys), dates.now_utc(), POLICY)
    if not early.allowed:
        return early
    async with transaction():
        states = {kind: await _lock(key, count=True) for kind, key in _in_lock_order(keys)}
        # The clock is read once the rows are ours: the attempts before this one are stored.
        decision = rules.login_throttle(states, dates.now_utc(), POLICY)
        if decision.allowed:
            for kind, key in keys.items():
                await _store(key, decision.states[kind])
    return decision


async def release(keys: dict[str, str]) -> None:
    """The reserved attempt was the right password: give its failure back (in the caller's
    transaction, when there is one)."""
    async with transaction():
        for kind, key in _in_lock_order(keys):
            state = await _lock(key, count=False)
            if kind == "pair":
                await LoginThrottle.delete().where(LoginThrottle.key == key)  # a fresh counter
            else:
                await _store(key, rules.release_attempt(kind, state, POLICY))


async def forget_stale() -> None:
    """Delete counters that can no longer refuse or slow anyone (at most every 10 minutes per
    process). Deleting such a row is the same as keeping it: a missing counter is a fresh one."""
    global _last_cleanup
    now = dates.now_utc()
    if _last_cleanup is not None and now - _last_cleanup < CLEANUP_EVERY:
        return
    _last_cleanup = now
    await LoginThrottle.delete().where(
        (LoginThrottle.last_failure < now - STALE_AFTER) | (LoginThrottle.last_failure.is_null() & (LoginThrottle.failures == 0))
    )
