"""The words the staffing domain shows for its codes (posts, employment, certificates, training
topics, shifts, breach causes), in one place for every staffing page and file. English msgids,
translated when ``labels()`` is called; the import's Chinese cell values are in ``exchange``."""

from __future__ import annotations

from backend.core.i18n import N_, _

POST_LABELS = {
    "manager": N_("Management"),  # 管理
    "carer": N_("Care post"),  # 护理 (not "Care": that msgid is the stipend's care allowance, 照料护理费)
    "cook": N_("Kitchen"),  # 炊事
    "medical": N_("Medical"),  # 医护
    "security": N_("Security"),  # 安保
    "other": N_("Other post"),  # 其他
}
EMPLOYMENT_LABELS = {
    "": N_("Not recorded"),
    "civil": N_("Established post"),  # 编制
    "public_welfare": N_("Public-welfare post"),  # 公益性岗位
    "purchased": N_("Purchased service"),  # 购买服务
    "contract": N_("Contract"),  # 聘用
    "other": N_("Other employment"),  # 其他
}
CARER_CERT_LABELS = {
    "": N_("None"),  # 无
    "junior": N_("Junior"),  # 初级
    "intermediate": N_("Intermediate"),  # 中级
    "senior": N_("Senior"),  # 高级
    "technician": N_("Technician"),  # 技师
}
TOPIC_LABELS = {
    "fire": N_("Fire safety"),  # 消防
    "care": N_("Care skills"),  # 护理技能
    "food": N_("Food safety"),  # 食品安全
    "infection": N_("Infection prevention"),  # 传染病防控
    "other": N_("Other training"),  # 其他
}
SHIFT_LABELS = {"day": N_("Day shift"), "night": N_("Night shift")}  # 白班 / 夜班
CAUSE_LABELS = {"admission": N_("Admission"), "departure": N_("Departure"), "leave": N_("Leave")}


def labels(table: dict[str, str]) -> dict[str, str]:
    """The table translated into the request's language."""
    return {key: _(value) for key, value in table.items()}
