"""The ratio warning before an admission (issue 11 point 5), for ``staffing.advisories``.

A home whose staff register is not yet entered (no ``staff_member`` row at all, past or present)
gets no warning: the system knows nothing of its staff, so "0 staff" would be a fact of the data
entry, not of the home, and every admission would warn. Once a post is recorded the home's
register counts, and an admission that leaves it below the ratio on some day warns (also when all
its staff have since left).
"""

from __future__ import annotations

from datetime import date

from backend.staffing.services._breach import ADMISSION, BreachWarning, ProjectedChange, check_change
from backend.staffing.tables import StaffMember


async def staff_recorded(home_id: int) -> bool:
    """Whether the home has any staff post recorded (its staff register is kept in the system)."""
    return await StaffMember.exists().where(StaffMember.home == home_id)


async def admission_warning(home_id: int, on: date, tier: str) -> BreachWarning | None:
    """The warning for one person placed in the home from ``on`` with self-care ``tier`` (an
    admission or a transfer in); None when the ratio holds or the home keeps no staff register."""
    if not await staff_recorded(home_id):
        return None
    return await check_change(home_id, ADMISSION, ProjectedChange(on=on, admit=1, admit_tier=tier))
