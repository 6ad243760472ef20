"""Staffing's checks in the core registry of warnings (``core.advisories``): an admission (or a
transfer in) that would put the home below the staff ratio on some day says so and, once the
user confirmed it, is recorded as a ``ratio_breach`` with who confirmed it.

Imported at start-up where the staffing pages are mounted (``staffing.views``) and by the command
line, so the check is registered wherever admissions are recorded; the residents domain asks the
registry and never imports staffing.
"""

from __future__ import annotations

from backend.core import advisories
from backend.staffing import services

STAFF_RATIO = "staff_ratio"


@advisories.check(advisories.ADMISSION)
async def ratio_after_admission(event: advisories.Event) -> list[advisories.Advisory]:
    """The ratio warning for one person placed in ``event.home_id`` from ``event.on``."""
    warning = await services.admission_warning(event.home_id, event.on, event.detail("tier") or "unassessed")
    if warning is None:
        return []

    async def record(scope) -> None:
        await services.record_breach(scope, event.home_id, warning, subject=event.subject)

    return [advisories.Advisory(STAFF_RATIO, warning.message, record)]
