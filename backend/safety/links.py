"""The addresses of the safety pages, in one place (the today page, the history, the hazard board
and the to-do items link to each other's pages through these)."""

from __future__ import annotations

# Routines with a form of their own (their entries carry details: samples, the kitchen staff).
OWN_FORMS = {"food_sample": "food-sample", "morning_check": "morning-check"}


def today_href(home_code: str) -> str:
    return f"/homes/{home_code}/safety"


def new_entry_href(home_code: str, routine: str) -> str:
    """The phone form that records an entry of ``routine``."""
    if routine in OWN_FORMS:
        return f"/homes/{home_code}/safety/{OWN_FORMS[routine]}/new"
    return f"/homes/{home_code}/safety/new/{routine}"


def entry_href(home_code: str, entry_id: int) -> str:
    return f"/homes/{home_code}/safety/entries/{entry_id}"


def history_href(home_code: str) -> str:
    return f"/homes/{home_code}/safety/entries"


def hazards_href(home_code: str) -> str:
    return f"/homes/{home_code}/hazards"


def hazard_href(home_code: str, hazard_id: int) -> str:
    return f"/homes/{home_code}/hazards/{hazard_id}"


def county_hazards_href(county_code: str) -> str:
    return f"/counties/{county_code}/hazards"


def samples_href(home_code: str) -> str:
    return f"/homes/{home_code}/safety/samples"


def licence_href(home_code: str) -> str:
    return f"/homes/{home_code}/safety/licence"


def outbreaks_href(home_code: str) -> str:
    return f"/homes/{home_code}/outbreaks"


def county_outbreaks_href(county_code: str) -> str:
    return f"/counties/{county_code}/outbreaks"


def settings_href(home_code: str) -> str:
    return f"/homes/{home_code}/safety/settings"
