"""Changing users: role, place and name; disabling and enabling; passwords. Each change is one
transaction with one audit record.

Nobody can disable or demote the last active administrator (``rules.leaves_no_administrator``).
Every active administrator's row is locked first (``_lock_administrators``), so two such changes
at once cannot each see the other administrator still active and both go through.
"""

from __future__ import annotations

from backend.accounts import rules
from backend.accounts.services._common import end_access, end_sessions
from backend.accounts.services._users import (
    ManagedUser,
    check_display_name,
    check_password,
    find_user,
    managed,
    managed_columns,
    place_of,
    resolve_place,
)
from backend.accounts.tables import User
from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.i18n import N_, _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import can, require
from backend.core.security import Scope, hash_password

LAST_ADMIN_DISABLE = N_("This is the last active administrator: make another user an administrator before disabling this one.")
LAST_ADMIN_DEMOTE = N_("This is the last active administrator: make another user an administrator before changing this role.")


async def _lock_administrators() -> None:
    """Lock the rows of every active administrator until the transaction ends (PostgreSQL and
    CockroachDB; on SQLite the IMMEDIATE transaction already holds the write lock)."""
    await User.raw("UPDATE tekun_user SET active = active WHERE role = {} AND active = {}", "admin", True)


async def _others_active_admins(user_id: int) -> int:
    return await User.count().where((User.role == "admin") & (User.active == True) & (User.id != user_id))  # noqa: E712


async def _current_row(user_id: int) -> ManagedUser:
    row = await User.select(*managed_columns()).where(User.id == user_id).first()
    if row is None:
        raise NotFound(_("No such user."))
    return managed(row)


async def update_user(
    actor: Scope,
    user_id: int,
    role: str,
    home_code: str | None = None,
    county_code: str | None = None,
    display_name: str | None = None,
) -> ManagedUser:
    """Change a user's role, place (home or county) and display name. A change of role or place
    ends their sessions and API tokens (what they may see changed)."""
    require(actor, "manage_users", _("Only an administrator may change users."))
    errors: dict[str, str] = {}
    if display_name is not None:
        display_name = display_name.strip()
        check_display_name(display_name, errors)
    home_id, county_id = await resolve_place(role, home_code, county_code, errors)
    if errors:
        raise Invalid(errors)
    async with transaction():
        await _lock_administrators()
        user = await _current_row(user_id)
        name = display_name or user.display_name
        if rules.leaves_no_administrator(
            user.role == "admin", user.active, role == "admin", user.active, await _others_active_admins(user_id)
        ):
            raise Invalid({"role": _(LAST_ADMIN_DEMOTE)})
        old = {**place_of(user), "display_name": user.display_name}
        new = {"role": role, "home": home_code or None, "county": county_code or None, "display_name": name}
        changed = [key for key in new if new[key] != old[key]]
        if not changed:
            return user
        await User.update({User.role: role, User.home: home_id, User.county: county_id, User.display_name: name}).where(
            User.id == user_id
        )
        if set(changed) - {"display_name"}:
            await end_access(user_id)
        await append_audit(
            actor.user_id,
            actor.username,
            [
                Change(
                    "user.update", "user", user.username, {key: old[key] for key in changed}, {key: new[key] for key in changed}
                )
            ],
        )
    return await _current_row(user_id)


async def set_role(
    actor: Scope, username: str, role: str, home_code: str | None = None, county_code: str | None = None
) -> ManagedUser:
    """Change a user's role or place by username (the display name stays)."""
    require(actor, "manage_users", _("Only an administrator may change roles."))
    row = await User.select(User.id).where(User.username == username).first()
    if row is None:
        raise NotFound(_("No such user."))
    return await update_user(actor, row["id"], role, home_code, county_code)


async def disable_user(actor: Scope, user_id: int) -> ManagedUser:
    """The user can no longer sign in; their sessions and API tokens end at once."""
    require(actor, "manage_users", _("Only an administrator may disable users."))
    async with transaction():
        await _lock_administrators()
        user = await _current_row(user_id)
        if not user.active:
            return user
        if rules.leaves_no_administrator(
            user.role == "admin", True, user.role == "admin", False, await _others_active_admins(user_id)
        ):
            raise Invalid({"active": _(LAST_ADMIN_DISABLE)})
        await User.update({User.active: False}).where(User.id == user_id)
        await end_access(user_id)
        await append_audit(
            actor.user_id, actor.username, [Change("user.disable", "user", user.username, {"active": True}, {"active": False})]
        )
    return await _current_row(user_id)


async def enable_user(actor: Scope, user_id: int) -> ManagedUser:
    """A disabled user may sign in again (with their password; revoked tokens stay revoked)."""
    require(actor, "manage_users", _("Only an administrator may enable users."))
    async with transaction():
        user = await _current_row(user_id)
        if user.active:
            return user
        await User.update({User.active: True}).where(User.id == user_id)
        await append_audit(
            actor.user_id, actor.username, [Change("user.enable", "user", user.username, {"active": False}, {"active": True})]
        )
    return await _current_row(user_id)


async def set_password(actor: Scope, username: str, password: str) -> None:
    """Change a password (own, or any as admin); every session of that user ends."""
    own = actor.username == username
    if not own and not can(actor.role, "manage_users"):
        raise Forbidden(_("You may only change your own password."))
    errors: dict[str, str] = {}
    check_password(password, username, errors)
    if errors:
        raise Invalid(errors)
    password_hash = await hash_password(password)
    async with transaction():
        user = await User.select(User.id).where(User.username == username).first()
        if user is None:
            raise NotFound(_("No such user."))
        await User.update({User.password_hash: password_hash, User.password_changed_at: dates.now_utc()}).where(
            User.id == user["id"]
        )
        await end_sessions(user["id"])
        await append_audit(
            actor.user_id, actor.username, [Change("user.password" if own else "user.password_reset", "user", username)]
        )


async def reset_password(actor: Scope, user_id: int, password: str) -> ManagedUser:
    """The administrator sets a new password for a user (who is signed out everywhere)."""
    user = await find_user(actor, user_id)
    await set_password(actor, user.username, password)
    return user
