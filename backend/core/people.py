"""Who did it, by name: usernames recorded on rows (``recorded_by``, ``created_by``…) shown as the
people's display names, without the domains depending on accounts.

The accounts domain provides the look-up when it is imported (``provide``); pages call
``display_names(usernames)`` once per page (one query) and pass the mapping to the template, whose
``who`` filter shows the actors without an account ("cli", "demo", "system", "scheduler") in words and
falls back to the username itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from backend.core.i18n import N_, _

# Who acts when no user does (``Scope.system(name)``): shown in words, not as a login.
SYSTEM_ACTORS = {"cli": N_("Command line"), "demo": N_("Demo data"), "system": N_("System"), "scheduler": N_("Scheduler")}

Resolver = Callable[[set[str]], Awaitable[dict[str, str]]]
_resolver: list[Resolver] = []


def provide(resolver: Resolver) -> None:
    """Set the look-up (accounts.services does, at import)."""
    _resolver[:] = [resolver]


async def display_names(usernames: Iterable[str | None]) -> dict[str, str]:
    """username → display name for those that have an account (others are left out)."""
    wanted = {name for name in usernames if name}
    if not wanted or not _resolver:
        return {}
    return await _resolver[0](wanted)


def who(username: str | None, names: dict[str, str] | None = None) -> str:
    """The display name when known, a system actor in words ("scheduler" → 定时任务), else the
    username (the ``who`` template filter)."""
    if not username:
        return ""
    if names and username in names:
        return names[username]
    if username in SYSTEM_ACTORS:
        return _(SYSTEM_ACTORS[username])
    return username
