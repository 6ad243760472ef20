"""The words the residents domain shows for its codes (tiers, support modes, statuses, events…),
in one place: the residents pages use them, and so may other domains' pages (deaths, stipends)
that show a person's tier or mode. English msgids, translated when ``labels()`` is called."""

from __future__ import annotations

from backend.core.i18n import N_, _

TIER_LABELS = {
    "self_care": N_("Able to care for themselves"),
    "partial": N_("Partly unable to care for themselves"),
    "full_loss": N_("Fully unable to care for themselves"),
    "unassessed": N_("Not assessed"),
}
ITEM_LABELS = {
    "eat": N_("Eat"),
    "dress": N_("Dress"),
    "transfer": N_("Get in and out of bed"),
    "toilet": N_("Use the toilet"),
    "walk": N_("Walk indoors"),
    "bathe": N_("Bathe"),
}
MODE_LABELS = {"concentrated": N_("Concentrated support"), "dispersed": N_("Dispersed support")}
STATUS_LABELS = {
    "in_home": N_("Living in a home"),
    "dispersed": N_("Dispersed support"),
    "ended": N_("Support ended"),
    "died": N_("Deceased"),
    "former": N_("Formerly in this home"),
}
GENDER_LABELS = {"M": N_("Male"), "F": N_("Female")}
AREA_LABELS = {"urban": N_("Urban"), "rural": N_("Rural")}  # 城乡类别 (domain-rules §8)
EVENT_LABELS = {
    "approved": N_("Approved as a tekun person"),
    "died": N_("Died"),
    "admit": N_("Admitted"),
    "transfer": N_("Transferred"),
    "discharge": N_("Discharged to dispersed support"),
    "assessment": N_("Self-care assessment"),
    "capability": N_("GB/T 42195 assessment"),
    "observation": N_("The home's care observation"),
    "condition_change": N_("Condition change reported"),
    "admission_task": N_("Assessment owed after an emergency admission"),
    "ended": N_("Support ended"),
}
# Why an assessment was made (the assessment form's choice; stored with the assessment).
REASON_LABELS = {
    "admission": N_("On admission"),
    "annual": N_("Annual review"),
    "change": N_("Condition changed"),
    "correction": N_("Correction"),
    "other": N_("Other"),
}
TASK_LABELS = {"reassessment": N_("Re-assessment after a condition change"), "annual_review": N_("Annual review")}
# Why an assessment is due (TaskOut.reason): someone never assessed owes the admission assessment.
DUE_REASON_LABELS = {
    "admission": N_("Admission assessment"),
    "annual": N_("Annual review"),
    "change": N_("Re-assessment after a condition change"),
    "emergency_admission": N_("Assessment after an emergency admission"),
}
TASK_STATUS_LABELS = {"open": N_("Due"), "overdue": N_("Overdue"), "done": N_("Done")}

SETS = {
    "tier": TIER_LABELS,
    "item": ITEM_LABELS,
    "mode": MODE_LABELS,
    "status": STATUS_LABELS,
    "gender": GENDER_LABELS,
    "area": AREA_LABELS,
    "event": EVENT_LABELS,
    "reason": REASON_LABELS,
    "task": TASK_LABELS,
    "due_reason": DUE_REASON_LABELS,
    "task_status": TASK_STATUS_LABELS,
}


def labels() -> dict[str, dict[str, str]]:
    """Every label set, translated for this request (templates read them as ``L.tier`` …)."""
    return {name: {key: _(text) for key, text in values.items()} for name, values in SETS.items()}


def label(kind: str, key: str | None) -> str:
    """One label, translated (the key itself when the set does not know it)."""
    if key is None:
        return ""
    text = SETS[kind].get(key)
    return _(text) if text else key
