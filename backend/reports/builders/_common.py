"""Shared by the builders: the period, the unit (scope-checked), the words of the reports
(they are Chinese forms whatever the reader's language, as ``templates/reports/_base.html``),
and the check for characters the fonts lack."""

from __future__ import annotations

import asyncio
import functools
import subprocess
from collections.abc import Iterable
from typing import Any

from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.security import Scope
from backend.registry import services as registry
from backend.reports import rules

TIER_WORDS = {
    "self_care": "具备生活自理能力",
    "partial": "部分丧失生活自理能力",
    "full_loss": "完全丧失生活自理能力",
    "unassessed": "未评估",
}
TIERS = tuple(TIER_WORDS)
# The routines of the tasks that are not a safety checklist (their names are not a template's title).
OTHER_ROUTINE_WORDS = {
    "hazard_fix": "隐患整改",
    "certificate_renewal": "健康证等证件更新",
    "onsite_inspection": "县级实地检查",
    "reassessment": "生活自理能力复评",
    "annual_review": "年度复核",
    "assessment_review": "生活自理能力复评",
}
OTHER_ROUTINE = "其他事项"
HAZARD_STATUS_WORDS = {"open": "待整改", "fixed": "待县级核验", "closed": "已销号"}
TREND_WORDS = {"better": "向好", "worse": "变差", "same": "持平", None: "—"}


def period_of(kind: str, key: str) -> rules.Period:
    try:
        return rules.parse_period(kind, key)
    except ValueError:
        if kind in rules.QUARTERLY:
            raise Invalid({"period": _("{key} is not a quarter: write it like 2026-Q4.").format(key=key)}) from None
        raise Invalid({"period": _("{key} is not a month: write it like 2026-11.").format(key=key)}) from None


async def county_in_scope(scope: Scope, code: str) -> dict[str, Any]:
    """The county row for a county report: an administrator's any county, a county user's own;
    a director (whose scope is one home) gets NotFound, as for a county outside the scope."""
    if scope.kind == "home":
        raise NotFound(_("No such county."))
    return await registry.find_county(scope, code)


def routine_words(routine: str, titles: dict[str, str]) -> str:
    """A task routine in words: the safety template's title, else the name of the duty."""
    return titles.get(routine) or OTHER_ROUTINE_WORDS.get(routine) or OTHER_ROUTINE


# Characters the Noto CJK fonts draw for certain (the unified ideographs of GB 2312 / GBK and
# Unicode 1.1, CJK and full-width punctuation): not looked up. Anything else from U+2E80 on (the
# extensions A, B… where rare names live) is asked of fontconfig, once per character and process.
_SURE = ((0x3000, 0x303F), (0x4E00, 0x9FA5), (0xFF00, 0xFFEF))


@functools.cache
def _fontconfig_has(code_point: int) -> bool:
    try:
        found = subprocess.run(
            ["fc-list", f":charset={code_point:x}", "family"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return True  # no fontconfig to ask: nothing to say
    return bool(found)


def covered(code_point: int) -> bool:
    """Whether an installed font draws this character (below U+2E80 the other installed fonts
    fill in, as Pango falls back to them)."""
    if code_point < 0x2E80 or any(first <= code_point <= last for first, last in _SURE):
        return True
    return _fontconfig_has(code_point)


async def glyphs(texts: Iterable[str]) -> list[str]:
    """The characters of ``texts`` the report fonts lack (shown as □ with a note). Asking
    fontconfig runs a program (``fc-list``): in a thread, never on the event loop."""
    texts = list(texts)
    return await asyncio.to_thread(rules.missing_glyphs, texts, covered)
