"""The pure rules on their own (the services also filter events dated on or after the 1st)."""

from datetime import date

from backend.residents.rules import AssessmentRecord, PlacementEvent
from backend.stipends import rules

STANDARD = rules.StandardRow(date(2026, 1, 1), 60000, 45000, 10000, 30000, 50000, 8000, 20000, 35000)


def person(**kwargs) -> rules.Person:
    values = dict(id=1, id_number="x", name="张三", county_id=7, county_code="620102", approved_on=date(2025, 1, 10))
    return rules.Person(**{**values, **kwargs})


def test_events_dated_on_the_first_count_from_the_next_month():
    p = person(
        placements=(PlacementEvent(date(2026, 6, 1), 1, "admit", 3),),
        assessments=(AssessmentRecord(date(2026, 6, 1), 1, "full_loss"),),
    )
    june = rules.entitlement(p, 7, date(2026, 6, 1), STANDARD)
    july = rules.entitlement(p, 7, date(2026, 7, 1), STANDARD)
    assert (june.mode, june.tier, june.total) == ("dispersed", "unassessed", 45000)
    assert (july.mode, july.tier, july.total) == ("concentrated", "full_loss", 110000)


def test_standard_in_force_and_floor():
    later = rules.StandardRow(date(2026, 7, 1), 70000, 40000, 0, 0, 0, 0, 0, 0, basic_floor=42000)
    assert rules.standard_in_force([later, STANDARD], date(2026, 6, 1)) is STANDARD
    assert rules.standard_in_force([later, STANDARD], date(2026, 7, 1)) is later
    assert rules.standard_in_force([later], date(2026, 6, 1)) is None


def test_extra_months_after_death():
    p = person(died_on=date(2026, 6, 30), extra_months_after_death=1)
    assert rules.entitlement(p, 7, date(2026, 7, 1), STANDARD).entitled
    late = rules.entitlement(p, 7, date(2026, 8, 1), STANDARD)
    assert (late.entitled, late.reason) == (False, "died")
    assert (late.facts.died_on, late.facts.last_entitled_month) == (date(2026, 6, 30), date(2026, 7, 1))
    assert rules.detail_text("PAID_AFTER_DEATH", late.facts) == "died 2026-06-30"
