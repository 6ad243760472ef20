"""When and where a person died, for the pages of the domains below deaths (the residents' person
page, timeline and public roster) without their depending on deaths.

The deaths domain provides the look-up when it is imported (``provide``, in
``backend.deaths.services``), as accounts provides ``core.people``. ``times_of_death(ids)`` gives
the death record in force of those persons who have one; without a provider (a script that never
imports deaths) it gives nothing, and the pages show the date of death alone (``Resident.died_on``).
The caller has already checked that the persons are in its scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class DeathTime:
    died_at: datetime  # aware; 00:00 local of died_on when the time is not known
    died_on: date
    time_known: bool  # False: only the date is known (时间不详)
    home_code: str | None  # the home the person lived in at death


Resolver = Callable[[list[int]], Awaitable[dict[int, DeathTime]]]
_resolver: list[Resolver] = []


def provide(resolver: Resolver) -> None:
    """Set the look-up (deaths.services does, at import)."""
    _resolver[:] = [resolver]


async def times_of_death(resident_ids: Iterable[int]) -> dict[int, DeathTime]:
    """resident id → the death in force, for those who have one."""
    wanted = sorted(set(resident_ids))
    if not wanted or not _resolver:
        return {}
    return await _resolver[0](wanted)
