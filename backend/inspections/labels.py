"""The words the inspections pages show for their codes: the routines that are not a safety
checklist (a checklist's routine is named by its template's title, read through safety.services),
the task statuses and the states of the county's on-site inspection plan."""

from __future__ import annotations

from backend.core.i18n import N_, _

# Routines generated from other domains than the safety checklists (issue 13 point 2).
ROUTINE_LABELS = {
    "hazard_fix": N_("Hazard rectification"),  # 隐患整改
    "certificate_renewal": N_("Certificate renewal"),  # 证书换证
    "reassessment": N_("Re-assessment"),  # 重新评估
    "annual_review": N_("Annual review"),  # 年度复核
    "onsite_inspection": N_("On-site inspection"),  # 现场检查
}
STATUS_LABELS = {
    "open": N_("Not yet done"),  # 待完成
    "done": N_("Done"),  # 已完成
    "overdue": N_("Overdue"),  # 已逾期
    "cancelled": N_("Cancelled"),  # 已取消
}
FREQUENCY_LABELS = {  # the county's on-site inspection plan (rules.plan_frequency)
    "monthly": N_("Monthly"),  # 每月
    "quarterly": N_("Quarterly"),  # 每季度
    "half_yearly": N_("Every six months"),  # 每半年
    "yearly": N_("Yearly"),  # 每年
}
PLAN_LABELS = {
    "done": N_("Visited this period"),  # 本期已检查
    "due": N_("Due this period"),  # 本期待检查
    "overdue": N_("Overdue"),  # 逾期未检查
}


def labels(table: dict[str, str]) -> dict[str, str]:
    """The table translated into the current language."""
    return {key: _(value) for key, value in table.items()}


def routine_label(routine: str, titles: dict[str, str]) -> str:
    """A routine in words: the checklist's title (``titles``: routine → title of the county's
    template in force), else the label above, else the code itself (a routine this version does
    not know yet)."""
    if routine in titles:
        return titles[routine]
    if routine in ROUTINE_LABELS:
        return _(ROUTINE_LABELS[routine])
    return routine
