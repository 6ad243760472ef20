"""The words the safety domain shows for its codes (frequencies, results, hazard states, meals,
symptoms), in one place for every safety page and file. English msgids, translated where shown;
the checklists' own labels are data (Chinese, as the ledger is kept)."""

from __future__ import annotations

from backend.core.i18n import N_, _

FREQUENCY_LABELS = {
    "meal": N_("Every meal"),  # 每餐
    "daily": N_("Daily"),  # 每日
    "nightly": N_("Every night"),  # 每夜
    "monthly": N_("Monthly"),  # 每月
    "half_yearly": N_("Every six months"),  # 每半年
    "yearly": N_("Yearly"),  # 每年
    "event": N_("Each delivery"),  # 每次进货
}
RESULT_LABELS = {"pass": N_("Pass"), "fail": N_("Fail"), "na": N_("Not applicable")}  # 合格 / 不合格 / 不适用
HAZARD_STATUS_LABELS = {
    "open": N_("Open"),  # 待整改
    "fixed": N_("Awaiting verification"),  # 待县级核验
    "closed": N_("Closed"),  # 已销号
}
MEAL_LABELS = {"breakfast": N_("Breakfast"), "lunch": N_("Lunch"), "dinner": N_("Dinner")}
SYMPTOM_LABELS = {  # 晨检: off duty
    "fever": N_("Fever"),
    "diarrhoea": N_("Diarrhoea"),
    "skin_wound": N_("Skin wound"),
    "sore_throat": N_("Sore throat"),
    "other": N_("Other symptom"),
    "health_certificate": N_("Health certificate expired or missing"),
}
OUTBREAK_SYMPTOM_LABELS = {
    "fever": N_("Fever"),
    "cough": N_("Cough"),
    "diarrhoea": N_("Diarrhoea"),
    "vomiting": N_("Vomiting"),
    "rash": N_("Rash"),
    "other": N_("Other symptom"),
}


def labels(table: dict[str, str]) -> dict[str, str]:
    """The table translated for the current request's language."""
    return {key: _(text) for key, text in table.items()}
