"""The audit log's words for the safety domain (``audit_labels`` merges them into ``ACTIONS``,
``ENTITIES``, ``FIELDS`` and ``VALUES``). The values repeat words of backend/safety/labels.py,
which accounts may not import (safety sits above accounts in the layers). One section per part of
issue 12, so that each part adds its words in its own place."""

from __future__ import annotations

from backend.core.i18n import N_

SAFETY_ACTIONS: dict[str, str] = {
    # entries and photos
    "safety.entry": N_("Safety ledger entry recorded"),
    # hazards and the rectification ledger
    # food samples, morning checks, canteen licence
    # outbreak reports
    # templates, settings, demo
    "safety.template_version": N_("New checklist version for a county"),
}
SAFETY_ENTITIES: dict[str, str] = {
    "safety_entry": N_("Safety ledger entry"),
    "safety_template": N_("Checklist version"),
}
SAFETY_FIELDS: dict[str, str] = {
    # entries
    "routine": N_("Checklist"),
    "period": N_("Period"),
    "slot": N_("Slot"),
    "failed": N_("Failed items"),
    "hazards": N_("Hazards opened"),
    "corrects": N_("Corrects entry"),
    # hazards
    # food samples, morning checks, canteen licence
    # outbreak reports
    # templates, settings
    "template_version": N_("Checklist version"),
    "template_title": N_("Checklist title"),
    "items_added": N_("Items added"),
    "items_removed": N_("Items removed"),
    "items_relabelled": N_("Items relabelled"),
    "items_flags": N_("Item flags changed"),
    "items_reordered": N_("Items reordered"),
}
SAFETY_VALUES: dict[str, dict[str, str]] = {}
