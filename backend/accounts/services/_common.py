"""What every account use case shares: the signed-in user as requests see it, the columns read
for it, and ending a user's access (sessions and API tokens)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.accounts.tables import ApiToken, Session, User
from backend.core import dates
from backend.core.errors import NotFound
from backend.core.i18n import _
from backend.core.security import Scope


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


def user_columns():
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


def current(row: dict) -> CurrentUser:
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


async def get_user(username: str) -> CurrentUser:
    row = await User.select(*user_columns()).where(User.username == username).first()
    if row is None:
        raise NotFound(_("No such user."))
    return current(row)


async def end_sessions(user_id: int) -> None:
    """Sign the user out everywhere (a password change)."""
    await Session.delete().where(Session.user == user_id)


async def end_access(user_id: int) -> None:
    """Sign the user out everywhere and revoke every API token (a role change, disabling)."""
    await end_sessions(user_id)
    await ApiToken.update({ApiToken.revoked_at: dates.now_utc()}).where(
        (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
    )


async def display_names_of(usernames: set[str]) -> dict[str, str]:
    """username → display name (empty display names are left out): for ``core.people``."""
    rows = await User.select(User.username, User.display_name).where(User.username.is_in(list(usernames)))
    return {row["username"]: row["display_name"] for row in rows if row["display_name"]}
