"""Every label of the stipends domain, one per key (English msgids, translated when shown): the
finding codes, the review states of a finding, the states of a run and of a claim, the sources,
the reasons a person is not entitled, the fields of a standard. Pages, the PDF report and the
recovery list all read these (``labels()`` for a template); support modes and care tiers are the
register's own (``backend.residents.views``)."""

from __future__ import annotations

from backend.core.i18n import N_, _
from backend.residents.labels import AREA_LABELS
from backend.residents.views import MODE_LABELS, TIER_LABELS
from backend.stipends.floor_labels import FLOOR_AREA_LABELS, FLOOR_KIND_LABELS, FLOOR_LABELS

CODE_LABELS = {
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

# A finding's review (review_status).
REVIEW_LABELS = {
    "open": N_("Not reviewed"),
    "confirmed": N_("Confirmed: overpayment to recover"),
    "explained": N_("Explained"),
    "dismissed": N_("Dismissed"),
}

# A reconciliation run (state): reviewed while open, then approved (read-only).
RUN_STATE_LABELS = {"open": N_("Under review"), "approved": N_("Approved")}

# A home's monthly claim (state).
CLAIM_STATE_LABELS = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "superseded": N_("Superseded"),
}

SOURCE_LABELS = {"payments": N_("Payments"), "claims": N_("Claims")}

REASON_LABELS = {
    "died": N_("after death"),
    "not_approved": N_("not yet approved"),
    "ended": N_("support ended"),
    "other_county": N_("registered in another county"),
}

FIELD_LABELS = {
    "effective_from": N_("Effective from (month)"),
    "basic_concentrated": N_("Basic living allowance, concentrated"),
    "basic_dispersed": N_("Basic living allowance, dispersed"),
    "care_concentrated_self_care": N_("Care, concentrated, able to care for themselves"),
    "care_concentrated_partial": N_("Care, concentrated, partly unable"),
    "care_concentrated_full_loss": N_("Care, concentrated, fully unable"),
    "care_dispersed_self_care": N_("Care, dispersed, able to care for themselves"),
    "care_dispersed_partial": N_("Care, dispersed, partly unable"),
    "care_dispersed_full_loss": N_("Care, dispersed, fully unable"),
    "basic_floor": N_("Floor for the basic allowance (legacy, no longer checked)"),
    "area": N_("Area"),
}

# A standard row's area: one of the persons' areas, or both (全部).
STANDARD_AREA_LABELS = {**AREA_LABELS, "both": N_("Urban and rural")}

_SETS = {
    "code": CODE_LABELS,
    "review": REVIEW_LABELS,
    "run_state": RUN_STATE_LABELS,
    "claim_state": CLAIM_STATE_LABELS,
    "source": SOURCE_LABELS,
    "reason": REASON_LABELS,
    "field": FIELD_LABELS,
    "mode": MODE_LABELS,
    "tier": TIER_LABELS,
    "floor": FLOOR_LABELS,
    "floor_kind": FLOOR_KIND_LABELS,
    "floor_area": FLOOR_AREA_LABELS,
    "area": STANDARD_AREA_LABELS,
}


def labels() -> dict[str, dict[str, str]]:
    """Every label set, translated for the current language (a template's ``L``)."""
    return {name: {key: _(text) for key, text in values.items()} for name, values in _SETS.items()}


def label(kind: str, key: str) -> str:
    """One label in the current language (the key itself when unknown)."""
    text = _SETS[kind].get(key)
    return _(text) if text else key
