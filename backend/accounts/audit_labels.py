"""The words of the audit log: a label for every action the code records, for the records and
fields it names, for the values of fields that hold a code (a role, a state, a finding), and for
the hash-chained ledgers. Data only; ``audit_words`` turns audit rows into sentences with them.

An action added anywhere in ``backend/`` gets its label in ``ACTIONS``
(``tests/accounts/test_audit_page.py`` fails until it has one).
"""

from __future__ import annotations

from backend.core.i18n import N_

ACTIONS: dict[str, str] = {
    # accounts
    "user.login": N_("Signed in"),
    "user.create": N_("User created"),
    "user.update": N_("User changed"),
    "user.role": N_("Role changed"),
    "user.disable": N_("User disabled"),
    "user.enable": N_("User enabled again"),
    "user.password": N_("Own password changed"),
    "user.password_reset": N_("Password reset by an administrator"),
    "token.create": N_("API token created"),
    # registry and the calendar
    "county.create": N_("County created"),
    "county.update": N_("County changed"),
    "home.create": N_("Home created"),
    "home.update": N_("Home changed"),
    "parameters.set": N_("County parameters set"),
    "parameters.replace": N_("County parameters replaced"),
    "parameters.funeral_subsidy": N_("Funeral subsidy set"),
    "calendar.import": N_("Working-day calendar imported"),
    # residents
    "resident.register": N_("Person registered"),
    "resident.admit": N_("Admitted to a home"),
    "resident.transfer": N_("Transferred to another home"),
    "resident.discharge": N_("Discharged from the home"),
    "resident.end": N_("Support ended"),
    "resident.assess": N_("Self-care assessment recorded"),
    "resident.observe": N_("Home's care observation recorded"),
    "resident.emergency_admit": N_("Emergency admission (without a prior assessment)"),
    "assessment.reclassify": N_("Directors' assessments reclassified as care observations"),
    "resident.capability": N_("GB/T 42195 assessment recorded"),
    "resident.condition_change": N_("Condition change reported"),
    "resident.import": N_("Register imported"),
    "resident.import_fill": N_("Register record completed by an import"),
    "resident.view_id": N_("Full ID number shown"),
    "assessment.import": N_("Assessments imported"),
    # deaths
    "death.report": N_("Death reported"),
    "death.correct": N_("Death report corrected"),
    "death.import": N_("Deaths imported"),
    "death.export": N_("Death register exported"),
    "death.notice_seen": N_("Late-report notice marked as read"),
    "death.notice_read": N_("Late-report notice read"),
    # stipends
    "standard.create": N_("Stipend standard set"),
    "standard.update": N_("Stipend standard changed"),
    "payments.import": N_("Payment list imported"),
    "payments.update": N_("Payment line changed by an import"),
    "claims.import": N_("Claim lines imported"),
    "claims.update": N_("Claim line changed by an import"),
    "reconcile.run": N_("Month reconciled"),
    "reconcile.view": N_("Findings shown with full ID numbers"),
    "reconcile.approve": N_("Reconciliation approved"),
    "finding.review": N_("Finding reviewed"),
    "claim.generate": N_("Monthly claim prepared"),
    "claim.regenerate": N_("Monthly claim prepared again"),
    "claim.submit": N_("Monthly claim submitted"),
    "claim.supersede": N_("Monthly claim replaced by a newer version"),
    "claim.check": N_("Monthly claim checked"),
    "claim.approve": N_("Monthly claim approved"),
    "stipends.recovery_export": N_("Recovery list exported"),
}

ENTITIES: dict[str, str] = {
    "user": N_("User"),
    "api_token": N_("API token"),
    "county": N_("County"),
    "home": N_("Home"),
    "county_parameter": N_("County parameters"),
    "import": N_("Import"),
    "resident": N_("Person"),
    "late_notice": N_("Late-report notice"),
    "standard": N_("Stipend standard"),
    "stipend_line": N_("Stipend line"),
    "reconciliation_run": N_("Reconciliation run"),
    "finding": N_("Finding"),
    "claim": N_("Monthly claim"),
}

# The kinds of import (the key of an ``import`` record, the source of stipend lines).
IMPORTS: dict[str, str] = {
    "residents": N_("Register of tekun persons"),
    "assessments": N_("Self-care assessments"),
    "deaths": N_("Deaths"),
    "calendar": N_("Working-day calendar"),
    "payments": N_("Payments"),
    "claims": N_("Claims"),
    "counties": N_("Counties"),
    "homes": N_("Homes"),
    "standards": N_("Stipend standards"),
}

FIELDS: dict[str, str] = {
    # users and tokens
    "role": N_("Role"),
    "home": N_("Home"),
    "county": N_("County"),
    "display_name": N_("Display name"),
    "active": N_("May sign in"),
    "user": N_("User"),
    # registry
    "code": N_("Code"),
    "name": N_("Name"),
    "province": N_("Province"),
    "county_code": N_("County"),
    "home_code": N_("Home"),
    "beds": N_("Beds"),
    "address": N_("Address"),
    "has_fire_control_room": N_("Fire control room"),
    "residents_per_staff": N_("Staff ratio"),
    "dependents_per_carer": N_("Carer ratio"),
    "death_report_deadline_hours": N_("Death report deadline (hours)"),
    "extra_months_after_death": N_("Months paid after the month of death"),
    "inspections_per_year": N_("On-site inspections per home per year"),
    "admission_assessment_max_age_days": N_("Assessment needed at admission (days)"),
    "default_area": N_("Area when the register does not say"),
    "funeral_subsidy": N_("Funeral subsidy"),
    "effective_from": N_("Effective from"),
    # imports
    "created": N_("Created"),
    "updated": N_("Updated"),
    "unchanged": N_("Unchanged"),
    "months": N_("Months"),
    "month": N_("Month"),
    "rows": N_("Rows"),
    "filled": N_("Completed"),
    # residents
    "approved_on": N_("Approved on"),
    "admitted_on": N_("Admitted on"),
    "admission": N_("Admission"),
    "date": N_("Date"),
    "note": N_("Note"),
    "ended_on": N_("Ended on"),
    "reason": N_("Reason"),
    "assessed_on": N_("Assessed on"),
    "tier": N_("Tier"),
    "answers": N_("Answers"),
    "assessor": N_("Assessor"),
    "total": N_("Total amount"),
    "resident.total": N_("Total score"),
    "level": N_("Capability level"),
    "reported_on": N_("Reported on"),
    "emergency_reason": N_("Reason for the emergency admission"),
    "reclassified": N_("Records reclassified"),
    "old_head": N_("Hash of the chain before"),
    "new_head": N_("Hash of the chain after"),
    "due_on": N_("Due on"),
    "by": N_("Reported by"),
    "ids_shown": N_("Full ID numbers shown"),
    "id_digests": N_("Whose (digests of the ID numbers)"),
    "id_digest": N_("Digest of the ID number"),
    "residents": N_("Records of the register"),
    "id_number": N_("ID number"),
    # deaths
    "died_at": N_("Time of death"),
    "reported_at": N_("Reported at"),
    "late": N_("Reported late"),
    "deadline_hours": N_("Deadline (hours)"),
    "last_entitled_month": N_("Last month paid"),
    "place": N_("Place of death"),
    "cause": N_("Cause of death"),
    "certificate_no": N_("Death certificate number"),
    "reporter": N_("Reported by"),
    "source": N_("Source"),
    "record": N_("Earlier record"),
    "death_record": N_("Death record"),
    # stipends
    "basic_concentrated": N_("Basic living allowance, concentrated"),
    "basic_dispersed": N_("Basic living allowance, dispersed"),
    "care_concentrated_self_care": N_("Care, concentrated, able to care for themselves"),
    "care_concentrated_partial": N_("Care, concentrated, partly unable"),
    "care_concentrated_full_loss": N_("Care, concentrated, fully unable"),
    "care_dispersed_self_care": N_("Care, dispersed, able to care for themselves"),
    "care_dispersed_partial": N_("Care, dispersed, partly unable"),
    "care_dispersed_full_loss": N_("Care, dispersed, fully unable"),
    "basic_floor": N_("Floor for the basic allowance (optional)"),
    "basic_amount": N_("Basic living allowance"),
    "care_amount": N_("Care allowance"),
    "support_mode": N_("Support mode"),
    "findings": N_("Findings"),
    "lines": N_("Lines"),
    "state": N_("State"),
    "by_version": N_("Replaced by version"),
    "run_id": N_("Reconciliation run"),
    "review_status": N_("Review"),
    "review_note": N_("Review note"),
}

_ROLES = {
    "director": N_("Director"),
    "inspector": N_("Inspector"),
    "assessor": N_("Assessor (commissioned assessment agency)"),
    "finance": N_("Finance"),
    "admin": N_("Administrator"),
}
_TIERS = {
    "self_care": N_("Able to care for themselves"),
    "partial": N_("Partly unable to care for themselves"),
    "full_loss": N_("Fully unable to care for themselves"),
    "unassessed": N_("Not assessed"),
}
ITEMS = {
    "eat": N_("Eat"),
    "dress": N_("Dress"),
    "transfer": N_("Get in and out of bed"),
    "toilet": N_("Use the toilet"),
    "walk": N_("Walk indoors"),
    "bathe": N_("Bathe"),
}
_CODES = {
    "INVALID_ID": N_("Invalid ID number"),
    "UNKNOWN_PERSON": N_("Not in the register"),
    "DUPLICATE_PAYMENT": N_("Paid twice"),
    "PAID_AFTER_DEATH": N_("Paid after death"),
    "NOT_ENTITLED": N_("Not entitled"),
    "MODE_MISMATCH": N_("Wrong support mode"),
    "UNASSESSED": N_("Care paid without assessment"),
    "TIER_MISMATCH": N_("Wrong care tier"),
    "AMOUNT_MISMATCH": N_("Wrong amount"),
    "MISSING_PAYMENT": N_("Not paid"),
    "NAME_MISMATCH": N_("Name differs from the register"),
}
# Values of a field, by field (and, where one word means two things, by record and field).
VALUES: dict[str, dict[str, str]] = {
    "role": _ROLES,
    "tier": _TIERS,
    "code": _CODES,
    "support_mode": {"concentrated": N_("Concentrated support"), "dispersed": N_("Dispersed support")},
    "default_area": {"urban": N_("Urban"), "rural": N_("Rural")},
    "review_status": {
        "open": N_("Not reviewed"),
        "confirmed": N_("Confirmed: overpayment to recover"),
        "explained": N_("Explained"),
        "dismissed": N_("Dismissed"),
    },
    "source": {
        "payments": N_("Payments"),
        "claims": N_("Claims"),
        "form": N_("Form"),
        "import": N_("Import"),
        "api": N_("JSON API"),
    },
    "state": {"draft": N_("Draft"), "submitted": N_("Submitted"), "approved": N_("Approved"), "superseded": N_("Superseded")},
    "reconciliation_run.state": {"open": N_("Under review"), "approved": N_("Approved")},
    "month": {"all": N_("All months")},
    "filled": {"admission": N_("Admission"), "ended_on": N_("End of support")},
}
MONEY_FEN = {
    "basic_concentrated",
    "basic_dispersed",
    "care_concentrated_self_care",
    "care_concentrated_partial",
    "care_concentrated_full_loss",
    "care_dispersed_self_care",
    "care_dispersed_partial",
    "care_dispersed_full_loss",
    "basic_floor",
    "basic_amount",
    "care_amount",
}
MONEY_YUAN = {"funeral_subsidy", "total"}  # yuan text, "1010.00"
PLACES = {"home", "home_code", "county", "county_code", "user"}  # codes shown by name

LEDGERS: dict[str, str] = {
    "audit": N_("Audit log"),
    "placement": N_("Placements"),
    "assessment": N_("Self-care assessments"),
    "capability_assessment": N_("GB/T 42195 assessments"),
    "death_record": N_("Death records"),
}
