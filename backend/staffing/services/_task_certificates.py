"""What task generation (issue 13) reads of the staff posts: each health certificate's expiry
(健康证), set-based for any homes."""

from __future__ import annotations

from typing import Any

from backend.staffing.tables import StaffMember

_CHUNK = 500  # homes per query


async def health_certificates(home_ids: list[int]) -> list[dict[str, Any]]:
    """The staff posts of the homes with a health certificate's expiry recorded: {id, home,
    expires, left_on, updated_at (when the post, hence the expiry, was last changed)}."""
    wanted = sorted(set(home_ids))
    out: list[dict[str, Any]] = []
    for start in range(0, len(wanted), _CHUNK):
        rows = await StaffMember.select(
            StaffMember.id,
            StaffMember.home,
            StaffMember.health_cert_expires.as_alias("expires"),
            StaffMember.left_on,
            StaffMember.updated_at,
        ).where(StaffMember.home.is_in(wanted[start : start + _CHUNK]) & StaffMember.health_cert_expires.is_not_null())
        out.extend(rows)
    return out
