"""Users: who they are, where they serve (a home, a county, everywhere), creating and finding them.

The same checks serve ``tekun user create`` and the administrator's pages: a username of letters,
digits and ``. _ @ -``, the password policy of ``rules.password_problem``, and the place the role
requires (``permissions.SCOPES``: a director one home, inspectors and finance staff one county, an
administrator neither).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from backend.accounts import rules
from backend.accounts.services._common import CurrentUser, current, get_user, user_columns
from backend.accounts.tables import User
from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import ROLES, SCOPES, require
from backend.core.security import Scope, hash_password
from backend.registry import services as registry

USERNAME_PATTERN = rules.USERNAME_PATTERN
DISPLAY_NAME_MAX = 100


@dataclass(frozen=True)
class ManagedUser:
    """A user as the administrator's pages show them. ``county_*`` is where the user serves:
    the county of a director's home, an inspector's or finance officer's own county."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    home_code: str | None
    home_name: str | None
    county_code: str | None
    county_name: str | None
    created_at: datetime
    password_changed_at: datetime


def managed_columns():
    return (
        User.id,
        User.username,
        User.display_name,
        User.role,
        User.active,
        User.created_at,
        User.password_changed_at,
        User.county.code.as_alias("county_code"),
        User.county.name.as_alias("county_name"),
        User.home.code.as_alias("home_code"),
        User.home.name.as_alias("home_name"),
        User.home.county.code.as_alias("home_county_code"),
        User.home.county.name.as_alias("home_county_name"),
    )


def managed(row: dict) -> ManagedUser:
    director = row["home_code"] is not None
    return ManagedUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"] or row["username"],
        role=row["role"],
        active=bool(row["active"]),
        home_code=row["home_code"],
        home_name=row["home_name"],
        county_code=row["home_county_code"] if director else row["county_code"],
        county_name=row["home_county_name"] if director else row["county_name"],
        created_at=row["created_at"],
        password_changed_at=row["password_changed_at"],
    )


def place_of(user: ManagedUser) -> dict[str, str | None]:
    """The user's role and place as the audit records them."""
    return {
        "role": user.role,
        "home": user.home_code,
        "county": None if user.home_code else user.county_code,
    }


# --- checks shared by creating and editing ------------------------------------------------


async def _home_id(code: str) -> int | None:
    try:
        return (await registry.find_home(Scope.system(), code))["id"]
    except NotFound:
        return None


async def _county_id(code: str) -> int | None:
    try:
        return (await registry.find_county(Scope.system(), code))["id"]
    except NotFound:
        return None


async def resolve_place(
    role: str, home_code: str | None, county_code: str | None, errors: dict[str, str]
) -> tuple[int | None, int | None]:
    """(home id, county id) for a role and the codes given; a problem goes into ``errors``
    under ``role``, ``home`` or ``county``."""
    if role not in ROLES:
        errors["role"] = _("Unknown role: {role}.").format(role=role)
        return None, None
    kind = SCOPES[role]
    if kind == "all":
        if home_code or county_code:
            errors["role"] = _("An administrator has no home or county.")
        return None, None
    if kind == "home":
        if county_code:
            errors["county"] = _("A director serves one home, not a county.")
        if not home_code:
            errors["home"] = _("A director needs a home.")
            return None, None
        home_id = await _home_id(home_code)
        if home_id is None:
            errors["home"] = _("No home has the code {code}.").format(code=home_code)
        return home_id, None
    if home_code:
        errors["home"] = _("Inspectors, assessors and finance staff serve a county, not a home.")
    if not county_code:
        errors["county"] = _("Inspectors, assessors and finance staff need a county.")
        return None, None
    county_id = await _county_id(county_code)
    if county_id is None:
        errors["county"] = _("No county has the code {code}.").format(code=county_code)
    return None, county_id


def check_display_name(display_name: str, errors: dict[str, str]) -> None:
    if len(display_name) > DISPLAY_NAME_MAX or "\n" in display_name:
        errors["display_name"] = _("At most {count} characters on one line.").format(count=DISPLAY_NAME_MAX)


def check_password(password: str, username: str, errors: dict[str, str]) -> None:
    problem = rules.password_problem(password or "", username or "")
    if problem:
        errors["password"] = _(problem)


# --- use cases ----------------------------------------------------------------------------


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
    require(actor, "manage_users", _("Only an administrator may create users."))
    errors: dict[str, str] = {}
    if not re.fullmatch(USERNAME_PATTERN, username or ""):
        errors["username"] = _("2–150 characters of letters, digits and . _ @ -")
    display_name = (display_name or "").strip()
    check_display_name(display_name, errors)
    check_password(password, username, errors)
    home_id, county_id = await resolve_place(role, home_code, county_code, errors)
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
        after = {"role": role, "home": home_code or None, "county": county_code or None, "display_name": display_name or username}
        await append_audit(actor.user_id, actor.username, [Change("user.create", "user", username, None, after)])
    return await get_user(username)


async def list_users(actor: Scope) -> list[CurrentUser]:
    require(actor, "manage_users", _("Only an administrator may list users."))
    rows = await User.select(*user_columns()).order_by(User.username)
    return [current(row) for row in rows]


def _contains(column, text: str):
    term = f"%{text}%"
    if column._meta.engine_type in ("postgres", "cockroach"):
        return column.ilike(term)
    return column.like(term)  # SQLite's LIKE ignores the case of ASCII letters


async def find_users(
    actor: Scope,
    role: str | None = None,
    county_code: str | None = None,
    home_code: str | None = None,
    search: str | None = None,
    active: bool | None = None,
) -> list[ManagedUser]:
    """Users for the administrator's list: by role, county (their own or their home's), home,
    a part of the name or username, and whether they may sign in. Active first, then by name."""
    require(actor, "manage_users", _("Only an administrator may list users."))
    query = User.select(*managed_columns())
    if role:
        query = query.where(User.role == role)
    if county_code:
        query = query.where((User.county.code == county_code) | (User.home.county.code == county_code))
    if home_code:
        query = query.where(User.home.code == home_code)
    if search and search.strip():
        query = query.where(_contains(User.display_name, search.strip()) | _contains(User.username, search.strip()))
    if active is not None:
        query = query.where(User.active == active)
    rows = await query.order_by(User.active, ascending=False).order_by(User.display_name).order_by(User.username)
    return [managed(row) for row in rows]


async def find_user(actor: Scope, user_id: int) -> ManagedUser:
    require(actor, "manage_users", _("Only an administrator may manage users."))
    row = await User.select(*managed_columns()).where(User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such user."))
    return managed(row)


async def display_names(usernames: set[str]) -> dict[str, str]:
    """username → display name, for the users among ``usernames`` (the audit page)."""
    if not usernames:
        return {}
    names: dict[str, str] = {}
    wanted = sorted(usernames)
    for start in range(0, len(wanted), 500):
        rows = await User.select(User.username, User.display_name).where(User.username.is_in(wanted[start : start + 500]))
        names.update({row["username"]: row["display_name"] or row["username"] for row in rows})
    return names


async def user_choices(actor: Scope) -> list[tuple[str, str]]:
    """(username, display name) of every user, by display name (the audit page's filter)."""
    require(actor, "view_audit", _("Only an administrator may read the audit log."))
    rows = await User.select(User.username, User.display_name).order_by(User.display_name).order_by(User.username)
    return [(row["username"], row["display_name"] or row["username"]) for row in rows]
