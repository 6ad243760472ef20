"""Account use cases: users, sign-in with throttling, sessions, API tokens."""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass
from datetime import timedelta

from backend.accounts import _throttle, rules
from backend.accounts.tables import ApiToken, LoginAttempt, Session, User
from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import (
    ROLES,
    Scope,
    dummy_hash,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from backend.core.settings import get_settings
from backend.registry import services as registry

USERNAME_PATTERN = rules.USERNAME_PATTERN
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
slow_down = asyncio.sleep  # how a throttled attempt waits (the tests record the delays here)


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user as every request sees it."""

    id: int
    username: str
    display_name: str
    role: str
    county_id: int | None
    county_code: str | None
    county_name: str | None
    home_id: int | None
    home_code: str | None
    home_name: str | None

    @property
    def scope(self) -> Scope:
        return Scope(
            user_id=self.id,
            username=self.username,
            role=self.role,
            county_id=self.county_id,
            home_id=self.home_id,
        )


def _user_columns():
    return (
        User.id,
        User.username,
        User.display_name,
        User.role,
        User.active,
        User.password_hash,
        User.county.id.as_alias("county_id"),
        User.county.code.as_alias("county_code"),
        User.county.name.as_alias("county_name"),
        User.home.id.as_alias("home_id"),
        User.home.code.as_alias("home_code"),
        User.home.name.as_alias("home_name"),
        User.home.county.id.as_alias("home_county_id"),
        User.home.county.code.as_alias("home_county_code"),
        User.home.county.name.as_alias("home_county_name"),
    )


def _current(row: dict) -> CurrentUser:
    director = row["role"] == "director"
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"] or row["username"],
        role=row["role"],
        county_id=row["home_county_id"] if director else row["county_id"],
        county_code=row["home_county_code"] if director else row["county_code"],
        county_name=row["home_county_name"] if director else row["county_name"],
        home_id=row["home_id"],
        home_code=row["home_code"],
        home_name=row["home_name"],
    )


# --- users --------------------------------------------------------------------------------


async def _home_id(code: str | None) -> int | None:
    try:
        return (await registry.find_home(Scope.system(), code or ""))["id"]
    except NotFound:
        return None


async def _county_id(code: str | None) -> int | None:
    try:
        return (await registry.find_county(Scope.system(), code or ""))["id"]
    except NotFound:
        return None


async def create_user(
    actor: Scope,
    username: str,
    role: str,
    password: str,
    home_code: str | None = None,
    county_code: str | None = None,
    display_name: str = "",
) -> CurrentUser:
    """Create a user; a director names one home, inspectors and finance one county."""
    if not actor.is_admin:
        raise Forbidden(_("Only an administrator may create users."))
    errors: dict[str, str] = {}
    if not re.fullmatch(USERNAME_PATTERN, username or ""):
        errors["username"] = _("2–150 characters of letters, digits and . _ @ -")
    if role not in ROLES:
        errors["role"] = _("Unknown role: {role}.").format(role=role)
    problem = rules.password_problem(password or "", username or "")
    if problem:
        errors["password"] = _(problem)
    home_id = county_id = None
    if role == "director":
        if not home_code or county_code:
            errors["home"] = _("A director needs --home and no --county.")
        else:
            home_id = await _home_id(home_code)
            if home_id is None:
                errors["home"] = _("No home has the code {code}.").format(code=home_code)
    elif role in ("inspector", "finance"):
        if not county_code or home_code:
            errors["county"] = _("This role needs --county and no --home.")
        else:
            county_id = await _county_id(county_code)
            if county_id is None:
                errors["county"] = _("No county has the code {code}.").format(code=county_code)
    elif role == "admin" and (home_code or county_code):
        errors["role"] = _("An administrator has no home or county.")
    if errors:
        raise Invalid(errors)
    password_hash = await hash_password(password)
    now = dates.now_utc()
    async with transaction():
        if await User.exists().where(User.username == username):
            raise Invalid({"username": _("This username is taken.")})
        await User.insert(
            User(
                username=username,
                display_name=display_name or username,
                password_hash=password_hash,
                role=role,
                county=county_id,
                home=home_id,
                created_at=now,
                password_changed_at=now,
            )
        )
        await append_audit(
            actor.user_id,
            actor.username,
            [
                Change(
                    "user.create",
                    "user",
                    username,
                    None,
                    {"role": role, "home": home_code, "county": county_code},
                )
            ],
        )
    return await get_user(username)


async def get_user(username: str) -> CurrentUser:
    row = await User.select(*_user_columns()).where(User.username == username).first()
    if row is None:
        raise NotFound(_("No such user."))
    return _current(row)


async def _revoke_sessions(user_id: int) -> None:
    await Session.delete().where(Session.user == user_id)


async def set_password(actor: Scope, username: str, password: str) -> None:
    """Change a password (own, or any as admin); every session of that user ends."""
    if not actor.is_admin and actor.username != username:
        raise Forbidden(_("You may only change your own password."))
    problem = rules.password_problem(password or "", username)
    if problem:
        raise Invalid({"password": _(problem)})
    password_hash = await hash_password(password)
    async with transaction():
        user = await User.select(User.id).where(User.username == username).first()
        if user is None:
            raise NotFound(_("No such user."))
        await User.update(
            {User.password_hash: password_hash, User.password_changed_at: dates.now_utc()}
        ).where(User.id == user["id"])
        await _revoke_sessions(user["id"])
        await append_audit(
            actor.user_id, actor.username, [Change("user.password", "user", username)]
        )


async def set_role(
    actor: Scope, username: str, role: str, home_code: str | None = None, county_code: str | None = None
) -> CurrentUser:
    """Change a user's role or scope; their sessions and API tokens end."""
    if not actor.is_admin:
        raise Forbidden(_("Only an administrator may change roles."))
    if role not in ROLES:
        raise Invalid({"role": _("Unknown role: {role}.").format(role=role)})
    async with transaction():
        row = await User.select(*_user_columns()).where(User.username == username).first()
        if row is None:
            raise NotFound(_("No such user."))
        values: dict = {User.role: role, User.home: None, User.county: None}
        if role == "director":
            values[User.home] = await _home_id(home_code)
            if values[User.home] is None:
                raise Invalid({"home": _("No home has the code {code}.").format(code=home_code)})
        elif role in ("inspector", "finance"):
            values[User.county] = await _county_id(county_code)
            if values[User.county] is None:
                raise Invalid({"county": _("No county has the code {code}.").format(code=county_code)})
        await User.update(values).where(User.id == row["id"])
        await _revoke_sessions(row["id"])
        await ApiToken.update({ApiToken.revoked_at: dates.now_utc()}).where(
            (ApiToken.user == row["id"]) & ApiToken.revoked_at.is_null()
        )
        await append_audit(
            actor.user_id,
            actor.username,
            [
                Change(
                    "user.role",
                    "user",
                    username,
                    {"role": row["role"], "home": row["home_code"], "county": row["county_code"]},
                    {"role": role, "home": home_code, "county": county_code},
                )
            ],
        )
    return await get_user(username)


# --- sign-in ------------------------------------------------------------------------------


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
    checked attempt is recorded in ``LoginAttempt``.

    Raises LoginRefused with a translated message (a lock says for how long).
    """
    username = (username or "").strip()
    keys = rules.throttle_keys(username, address)
    now = dates.now_utc()
    decision = await _throttle.reserve(keys)
    if not decision.allowed:
        seconds = max(1, math.ceil((decision.locked_until - dates.now_utc()).total_seconds()))
        raise LoginRefused(
            _(
                "Too many failed sign-ins. Sign-in is locked for this account or address; "
                "try again in {minutes} minutes."
            ).format(minutes=(seconds + 59) // 60),
            locked=True,
            retry_after=seconds,
        )
    if decision.delay_seconds:
        await slow_down(decision.delay_seconds)
    row = None
    if re.fullmatch(rules.USERNAME_PATTERN, username):
        row = await User.select(*_user_columns()).where(User.username == username).first()
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
    return _current(row)


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
    row = await User.select(*_user_columns()).where(User.id == session["user"]).first()
    if row is None or not row["active"]:
        return None
    if now - session["last_seen_at"] >= SESSION_TOUCH_INTERVAL:
        await Session.update({Session.last_seen_at: now}).where(Session.id == session["id"])
    return _current(row)


# --- API tokens ---------------------------------------------------------------------------


async def create_api_token(actor: Scope, username: str, name: str) -> str:
    """A new Bearer token for ``username`` (own, or any as admin). Shown once; stored hashed."""
    if not actor.is_admin and actor.username != username:
        raise Forbidden(_("You may only create tokens for yourself."))
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid({"name": _("Enter a name of at most 100 characters.")})
    user = await get_user(username)
    token, digest = new_token("tk_")
    async with transaction():
        await ApiToken.insert(
            ApiToken(
                token_hash=digest,
                prefix=token[:10],
                name=name,
                user=user.id,
                created_at=dates.now_utc(),
            )
        )
        await append_audit(
            actor.user_id, actor.username, [Change("token.create", "api_token", token[:10], None, {"user": username, "name": name})]
        )
    return token


async def user_for_token(token: str) -> CurrentUser | None:
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.user, ApiToken.last_used_at)
        .where((ApiToken.token_hash == token_digest(token)) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    user = await User.select(*_user_columns()).where(User.id == row["user"]).first()
    if user is None or not user["active"]:
        return None
    now = dates.now_utc()
    if row["last_used_at"] is None or now - row["last_used_at"] >= SESSION_TOUCH_INTERVAL:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return _current(user)


async def list_users(actor: Scope) -> list[CurrentUser]:
    if not actor.is_admin:
        raise Forbidden(_("Only an administrator may list users."))
    rows = await User.select(*_user_columns()).order_by(User.username)
    return [_current(row) for row in rows]
