"""The audit log's words for the staffing domain's fields and values (``audit_labels`` merges
them into ``FIELDS`` and ``VALUES``). The values repeat the words of backend/staffing/labels.py,
which accounts may not import (staffing sits above accounts in the layers)."""

from __future__ import annotations

from backend.core.i18n import N_

STAFFING_FIELDS: dict[str, str] = {
    "staff_no": N_("Staff number"),
    "post": N_("Post"),
    "employment": N_("Employment"),
    "hired_on": N_("Hired on"),
    "left_on": N_("Left on"),
    "left_reason": N_("Reason for leaving"),
    "health_cert_expires": N_("Health certificate expires"),
    "fire_operator_cert": N_("Fire-facility operator certificate"),
    "carer_cert": N_("Carer's certificate"),
    "topic": N_("Training topic"),
    "trained_on": N_("Training date"),
    "hours": N_("Hours"),
    "hours_tenths": N_("Hours (tenths)"),
    "provider": N_("Training provider"),
    "first_day": N_("First day"),
    "last_day": N_("Last day"),
    "approved_by": N_("Approved by"),
    "returned_on": N_("Returned on"),
    "cancelled": N_("Cancelled"),
    "week": N_("Week"),
    "shifts": N_("Shifts"),
    "roster_week.day": N_("Day shift"),  # duty.save: the people of each day's shifts
    "roster_week.night": N_("Night shift"),
    "staff": N_("Staff member"),
    "leave": N_("Leave"),
    "training": N_("Training"),
    "breach": N_("Warning of a breach"),
    "breach_cause": N_("Caused by"),
    "subject": N_("Concerning"),
    "message": N_("Warning"),
    "required_staff": N_("Staff required"),
    "confirm_breach": N_("Breach confirmed"),
    "updated_at": N_("Changed at"),
}

STAFFING_VALUES: dict[str, dict[str, str]] = {
    "post": {
        "manager": N_("Management"),
        "carer": N_("Care post"),
        "cook": N_("Kitchen"),
        "medical": N_("Medical"),
        "security": N_("Security"),
        "other": N_("Other post"),
    },
    "topic": {
        "fire": N_("Fire safety"),
        "care": N_("Care skills"),
        "food": N_("Food safety"),
        "infection": N_("Infection prevention"),
        "other": N_("Other training"),
    },
    "employment": {
        "civil": N_("Established post"),
        "public_welfare": N_("Public-welfare post"),
        "purchased": N_("Purchased service"),
        "contract": N_("Contract"),
        "other": N_("Other employment"),
    },
    "carer_cert": {
        "junior": N_("Junior"),
        "intermediate": N_("Intermediate"),
        "senior": N_("Senior"),
        "technician": N_("Technician"),
    },
    "breach_cause": {"admission": N_("Admission"), "departure": N_("Departure"), "leave": N_("Leave")},
}
