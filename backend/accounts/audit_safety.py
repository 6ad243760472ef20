"""The audit log's words for the safety domain (``audit_labels`` merges them into ``ACTIONS``,
``ENTITIES``, ``FIELDS`` and ``VALUES``). The values repeat words of backend/safety/labels.py,
which accounts may not import (safety sits above accounts in the layers). One section per part of
issue 12, so that each part adds its words in its own place."""

from __future__ import annotations

from backend.core.i18n import N_

SAFETY_ACTIONS: dict[str, str] = {
    # entries and photos
    "safety.entry": N_("Safety ledger entry recorded"),
    "safety.photo": N_("Safety ledger photo added"),
    # hazards and the rectification ledger
    "safety.hazard_opened": N_("Hazard recorded by hand"),
    "safety.hazard_plan": N_("Hazard's person responsible and plan set"),
    "safety.hazard_fixed": N_("Hazard's fix recorded"),
    "safety.hazard_verified": N_("Hazard verified by the county and closed"),
    "safety.hazard_rejected": N_("Hazard's fix rejected by the county"),
    # food samples, morning checks, canteen licence
    "safety.sample_discarded": N_("Food sample discarded"),
    "safety.licence": N_("Canteen licence recorded"),
    "safety.licence_hazard": N_("Hazard opened: canteen licence expired"),
    # outbreak reports
    "safety.outbreak_reported": N_("Suspected outbreak reported"),
    "safety.outbreak_acknowledged": N_("Outbreak report acknowledged"),
    # templates, settings, demo
    "safety.settings": N_("Safety settings of the home changed"),
    "safety.template_version": N_("New checklist version for a county"),
    "safety.demo_loaded": N_("Demo safety ledger loaded"),
}
SAFETY_ENTITIES: dict[str, str] = {
    "safety_entry": N_("Safety ledger entry"),
    # templates, settings
    "safety_home_setting": N_("Safety settings of a home"),
    # entries and photos
    "safety_photo": N_("Safety ledger photo"),
    # food samples, morning checks, canteen licence
    "food_sample": N_("Food sample"),
    "canteen_licence": N_("Canteen licence"),
    "safety_hazard": N_("Hazard"),  # also in the hazards section: the same word
    # outbreak reports
    "outbreak_report": N_("Outbreak report"),
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
    # entries and photos
    "entry": N_("Ledger entry"),
    "item_key": N_("Checklist item"),
    "sha256": N_("File checksum (SHA-256)"),
    "size": N_("Size (bytes)"),
    # hazards
    "safety_hazard.title": N_("Hazard"),
    "safety_hazard.major": N_("Major hazard"),
    "safety_hazard.deadline": N_("Rectification deadline"),
    "safety_hazard.owner": N_("Person responsible"),
    "safety_hazard.plan": N_("Rectification plan"),
    "safety_hazard.fix_note": N_("What was done"),
    "safety_hazard.photos": N_("Evidence photos"),
    "safety_hazard.verify_note": N_("Verification note"),
    "safety_hazard.reason": N_("Why the fix is not accepted"),
    "safety_hazard.status": N_("Status"),
    "safety_hazard.source": N_("Source"),
    # food samples, morning checks, canteen licence
    "dish": N_("Dish"),
    "meal": N_("Meal"),
    "early": N_("Discarded early"),
    "number": N_("Licence number"),
    "expires_on": N_("Expires on"),
    # outbreak reports
    "symptom": N_("Symptom"),
    "cases": N_("Cases"),
    "late": N_("Reported late"),
    # templates, settings
    "breakfast": N_("Breakfast"),
    "lunch": N_("Lunch"),
    "dinner": N_("Dinner"),
    "night_slots": N_("Night patrol hours"),
    "has_canteen": N_("Has a canteen"),
    "template_version": N_("Checklist version"),
    "template_title": N_("Checklist title"),
    "items_added": N_("Items added"),
    "items_removed": N_("Items removed"),
    "items_relabelled": N_("Items relabelled"),
    "items_flags": N_("Item flags changed"),
    "items_reordered": N_("Items reordered"),
}
_ROUTINES = {  # the default checklists' titles (a county's version may retitle; the key stays)
    "fire_patrol": N_("Fire patrol"),
    "night_patrol": N_("Night patrol"),
    "fire_inspection": N_("Fire inspection"),
    "extinguisher_check": N_("Extinguisher check"),
    "evacuation_drill": N_("Evacuation drill"),
    "fire_system_test": N_("Yearly test of the fire systems"),
    "morning_check": N_("Morning check of the kitchen staff"),
    "food_sample": N_("Food samples"),
    "tableware_disinfection": N_("Tableware disinfection"),
    "purchase_inspection": N_("Purchase inspection"),
    "disinfection": N_("Cleaning and disinfection"),
    "ventilation": N_("Ventilation"),
}
_MEALS = {"breakfast": N_("Breakfast"), "lunch": N_("Lunch"), "dinner": N_("Dinner")}
_SLOTS = _MEALS  # a night slot is its hour ("22"): shown as it is
_SYMPTOMS = {
    "fever": N_("Fever"),
    "cough": N_("Cough"),
    "diarrhoea": N_("Diarrhoea"),
    "vomiting": N_("Vomiting"),
    "rash": N_("Rash"),
    "skin_wound": N_("Skin wound"),
    "sore_throat": N_("Sore throat"),
    "other": N_("Other symptom"),
    "health_certificate": N_("Health certificate expired or missing"),
}
SAFETY_VALUES: dict[str, dict[str, str]] = {
    "routine": _ROUTINES,
    "slot": _SLOTS,
    "meal": _MEALS,
    "symptom": _SYMPTOMS,
    # hazards
    "safety_hazard.status": {"open": N_("Open"), "fixed": N_("Awaiting verification"), "closed": N_("Closed")},
    "safety_hazard.source": {
        "entry": N_("Checklist entry"),
        "licence": N_("Canteen licence expired"),
        "manual": N_("Recorded by hand"),
    },
}
