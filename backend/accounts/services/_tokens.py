"""API tokens: created for a user (shown once, stored hashed), found from a Bearer header."""

from __future__ import annotations

from backend.accounts.services._common import CurrentUser, current, get_user, user_columns
from backend.accounts.services._signin import SESSION_TOUCH_INTERVAL
from backend.accounts.tables import ApiToken, User
from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import can
from backend.core.security import Scope, new_token, token_digest


async def create_api_token(actor: Scope, username: str, name: str) -> str:
    """A new Bearer token for ``username`` (own, or any as admin). Shown once; stored hashed."""
    if not can(actor.role, "manage_users") and actor.username != username:
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
            actor.user_id,
            actor.username,
            [Change("token.create", "api_token", token[:10], None, {"user": username, "name": name})],
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
    user = await User.select(*user_columns()).where(User.id == row["user"]).first()
    if user is None or not user["active"]:
        return None
    now = dates.now_utc()
    if row["last_used_at"] is None or now - row["last_used_at"] >= SESSION_TOUCH_INTERVAL:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return current(user)
