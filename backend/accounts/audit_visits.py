"""The audit log's words for the county's on-site inspections (issue 13; ``audit_labels`` merges
them into ``ACTIONS``, ``ENTITIES`` and ``FIELDS``)."""

from __future__ import annotations

from backend.core.i18n import N_

VISIT_ACTIONS: dict[str, str] = {
    "inspection_visit.record": N_("On-site inspection recorded"),
    "inspection_visit.correct": N_("On-site inspection corrected"),
}
VISIT_ENTITIES: dict[str, str] = {"inspection_visit": N_("On-site inspection")}
VISIT_FIELDS: dict[str, str] = {
    "visited_on": N_("Day of the visit"),
    "findings": N_("Findings of the visit"),
}
