"""The labels of the floors of the basic living amount (domain-rules §8): each floor by name, the
three kinds and the two areas (English msgids, translated when shown; ``labels.py`` registers
them as the label sets ``floor``, ``floor_kind`` and ``floor_area``)."""

from __future__ import annotations

from backend.core.i18n import N_

# One floor by its key "kind/area/mode" (mode only for the absolute minima).
FLOOR_LABELS = {
    "dibao/urban/": N_("Urban: multiple of the 低保 standard"),
    "consumption/urban/": N_("Urban: share of last year's consumption spending"),
    "minimum/urban/concentrated": N_("Urban: annual minimum, concentrated"),
    "minimum/urban/dispersed": N_("Urban: annual minimum, dispersed"),
    "dibao/rural/": N_("Rural: multiple of the 低保 standard"),
    "consumption/rural/": N_("Rural: share of last year's consumption spending"),
    "minimum/rural/concentrated": N_("Rural: annual minimum, concentrated"),
    "minimum/rural/dispersed": N_("Rural: annual minimum, dispersed"),
}

FLOOR_KIND_LABELS = {
    "dibao": N_("Multiple of the 低保 standard"),
    "consumption": N_("Share of last year's per-capita consumption spending"),
    "minimum": N_("Absolute annual minimum"),
}

FLOOR_AREA_LABELS = {"urban": N_("Urban"), "rural": N_("Rural")}


def floor_key_text(key: tuple[str, str, str]) -> str:
    """("minimum", "rural", "dispersed") → "minimum/rural/dispersed" (the FLOOR_LABELS key)."""
    return "/".join(key)
