"""Signing in (throttled per account and address), sessions, signing out."""

from __future__ import annotations

import asyncio
import math
import re
from datetime import timedelta

from backend.accounts import _throttle, rules
from backend.accounts.services._common import CurrentUser, current, user_columns
from backend.accounts.tables import LoginAttempt, Session, User
from backend.core import dates
from backend.core.db import transaction
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import dummy_hash, new_token, token_digest, verify_password
from backend.core.settings import get_settings

SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
slow_down = asyncio.sleep  # how a throttled attempt waits (the tests record the delays here)


class LoginRefused(Exception):
    """Sign-in refused; ``message`` is translated, ``locked`` tells a lock from a bad password,
    ``retry_after`` is the lock's remaining seconds."""

    def __init__(self, message: str, locked: bool = False, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.locked = locked
        self.retry_after = retry_after


async def authenticate(username: str, password: str, address: str) -> CurrentUser:
    """Check a password, throttled per account and address, per address, and per account
    (``backend/accounts/rules.py``, docs/security.md). The attempt is reserved as a failure in the
    database before the password is checked; a locked counter refuses without checking it. Every
    checked attempt is recorded in ``LoginAttempt``. A disabled user cannot sign in.

    Raises LoginRefused with a translated message (a lock says for how long).
    """
    username = (username or "").strip()
    keys = rules.throttle_keys(username, address)
    now = dates.now_utc()
    decision = await _throttle.reserve(keys)
    if not decision.allowed:
        seconds = max(1, math.ceil((decision.locked_until - dates.now_utc()).total_seconds()))
        raise LoginRefused(
            _("Too many failed sign-ins. Sign-in is locked for this account or address; try again in {minutes} minutes.").format(
                minutes=(seconds + 59) // 60
            ),
            locked=True,
            retry_after=seconds,
        )
    if decision.delay_seconds:
        await slow_down(decision.delay_seconds)
    row = None
    if re.fullmatch(rules.USERNAME_PATTERN, username):
        row = await User.select(*user_columns()).where(User.username == username).first()
    ok = await verify_password(row["password_hash"] if row else dummy_hash(), password or "")
    ok = ok and row is not None and bool(row["active"])
    history = [f"user:{rules.username_key(username)}", f"addr:{address[:64]}"]
    async with transaction():
        if ok:
            await _throttle.release(keys)
        await LoginAttempt.insert(*[LoginAttempt(key=key, at=now, success=ok) for key in history])
    if not ok:
        raise LoginRefused(_("Wrong username or password."))
    await _throttle.forget_stale()
    return current(row)


async def login(username: str, password: str, address: str) -> tuple[str, CurrentUser]:
    """Authenticate and open a session; returns the token for the cookie."""
    user = await authenticate(username, password, address)
    token, digest = new_token()
    now = dates.now_utc()
    async with transaction():
        await Session.insert(
            Session(
                token_hash=digest,
                user=user.id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=get_settings().session_max_hours),
                address=address[:64],
            )
        )
        await append_audit(user.id, user.username, [Change("user.login", "user", user.username)])
    return token, user


async def logout(token: str) -> None:
    await Session.delete().where(Session.token_hash == token_digest(token))


async def user_for_session(token: str) -> CurrentUser | None:
    """The user of a live session, touching it; None when unknown, expired or idle too long."""
    now = dates.now_utc()
    session = await Session.select().where(Session.token_hash == token_digest(token)).first()
    if session is None:
        return None
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if session["expires_at"] <= now or session["last_seen_at"] + idle <= now:
        await Session.delete().where(Session.id == session["id"])
        return None
    row = await User.select(*user_columns()).where(User.id == session["user"]).first()
    if row is None or not row["active"]:
        return None
    if now - session["last_seen_at"] >= SESSION_TOUCH_INTERVAL:
        await Session.update({Session.last_seen_at: now}).where(Session.id == session["id"])
    return current(row)
