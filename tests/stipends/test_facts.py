"""Each kind of finding carries the facts it rests on, as data (``rules.Facts``): the exact
amounts in fen, the register's mode and tier, the paid mode or tier, the date of death, the line
that pays first… Then the same facts in words (``details.describe``), in Chinese and in English,
and stored and read back unchanged. Pure: a hand-made person and line per kind.

The standard (tests/stipends/test_rules.STANDARD): basic 600.00 concentrated / 450.00 dispersed;
care concentrated 100/300/500, dispersed 80/200/350 (self-care / partial / full loss).
"""

from dataclasses import replace
from datetime import date

import pytest

from backend.core.i18n import reset_language, set_language
from backend.residents.rules import AssessmentRecord, PlacementEvent
from backend.stipends import details, rules, services
from backend.stipends.facts import Facts
from tests.residents.helpers import new_id
from tests.stipends.test_rules import STANDARD

JUNE = date(2026, 6, 1)
COUNTY = 7
HOME = PlacementEvent(date(2025, 2, 1), 1, "admit", 3)
PARTIAL = AssessmentRecord(date(2025, 3, 1), 1, "partial")


def someone(**kwargs) -> rules.Person:
    values = dict(
        id=1,
        id_number=new_id(),
        name="张三",
        county_id=COUNTY,
        county_code="620102",
        approved_on=date(2025, 1, 10),
        placements=(HOME,),
        assessments=(PARTIAL,),
    )
    return rules.Person(**{**values, **kwargs})


def line(
    p: rules.Person | None,
    basic: int,
    care: int,
    ref: str = "L-1",
    mode: str = "",
    name: str | None = None,
    id_number: str | None = None,
) -> rules.Line:
    return rules.Line(ref, id_number or p.id_number, name if name is not None else p.name, COUNTY, "620102", basic, care, mode)


def findings(lines: list[rules.Line], persons: list[rules.Person]) -> list[rules.FindingRow]:
    by_id = {p.id_number: p for p in persons}
    return rules.reconcile(lines, lines, by_id, COUNTY, JUNE, STANDARD).findings


def only(lines, persons) -> rules.FindingRow:
    (finding,) = findings(lines, persons)
    return finding


def test_amount_mismatch_carries_expected_and_paid_basic_and_care():
    p = someone()  # concentrated, partial: owed 600.00 + 300.00
    f = only([line(p, 60000, 29999)], [p])
    assert f.code == "AMOUNT_MISMATCH"
    assert f.facts == Facts(
        register_mode="concentrated",
        register_tier="partial",
        expected_basic=60000,
        expected_care=30000,
        paid_basic=60000,
        paid_care=29999,
        register_area="rural",
    )


def test_mode_mismatch_carries_the_paid_mode_and_the_registers():
    p = someone(placements=())  # dispersed, partial: owed 450.00 + 200.00
    f = only([line(p, 60000, 20000)], [p])  # the concentrated basic
    assert f.code == "MODE_MISMATCH"
    assert f.facts == Facts(
        paid_mode="concentrated",
        mode_evidence="basic",
        register_area="rural",
        register_mode="dispersed",
        register_tier="partial",
        expected_basic=45000,
        expected_care=20000,
        paid_basic=60000,
        paid_care=20000,
    )


def test_tier_mismatch_carries_the_paid_tier_and_the_assessed_one():
    p = someone()
    f = only([line(p, 60000, 50000)], [p])  # the full-loss care amount
    assert f.code == "TIER_MISMATCH"
    assert (f.facts.paid_tier, f.facts.register_tier, f.facts.register_mode) == ("full_loss", "partial", "concentrated")
    assert (f.facts.expected_care, f.facts.paid_care, f.facts.expected_basic, f.facts.paid_basic) == (30000, 50000, 60000, 60000)


def test_unassessed_carries_the_day_before_which_nothing_was_assessed():
    p = someone(assessments=())
    f = only([line(p, 60000, 30000)], [p])
    assert f.code == "UNASSESSED"
    assert (f.facts.register_tier, f.facts.assessed_before, f.facts.paid_care, f.facts.expected_care) == (
        "unassessed",
        JUNE,
        30000,
        0,
    )


def test_paid_after_death_carries_the_date_of_death_and_the_last_month_owed():
    p = someone(died_on=date(2026, 4, 14), extra_months_after_death=1)
    f = only([line(p, 60000, 30000)], [p])
    assert f.code == "PAID_AFTER_DEATH"
    assert f.facts == Facts(died_on=date(2026, 4, 14), last_entitled_month=date(2026, 5, 1), paid_basic=60000, paid_care=30000)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"approved_on": date(2026, 6, 3)},
            Facts(
                reason="not_approved",
                approved_on=date(2026, 6, 3),
                entitled_from=date(2026, 7, 1),
                paid_basic=60000,
                paid_care=30000,
            ),
        ),
        ({"ended_on": date(2026, 5, 31)}, Facts(reason="ended", ended_on=date(2026, 5, 31), paid_basic=60000, paid_care=30000)),
        (
            {"county_id": 8, "county_code": "620103", "county_name": "西固区"},
            Facts(
                reason="other_county",
                registered_county="620103",
                registered_county_name="西固区",
                paid_basic=60000,
                paid_care=30000,
            ),
        ),
    ],
)
def test_not_entitled_carries_its_reason_and_date(kwargs, expected):
    p = someone(**kwargs)
    f = only([line(p, 60000, 30000)], [p])
    assert (f.code, f.facts) == ("NOT_ENTITLED", expected)


def test_duplicate_payment_names_the_line_that_pays_first():
    p = someone()
    found = findings([line(p, 60000, 30000, ref="B-2"), line(p, 60000, 30000, ref="B-1")], [p])
    assert [(f.code, f.payment_ref, f.facts.other_payment_ref) for f in found] == [("DUPLICATE_PAYMENT", "B-2", "B-1")]


def test_invalid_id_unknown_person_name_and_missing_payment():
    good = new_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    p = someone()
    unpaid = someone(id=2, name="李四", placements=())
    found = findings(
        [
            line(None, 45000, 0, ref="I-1", id_number=bad, name="王五"),
            line(None, 45000, 0, ref="I-2", id_number=new_id(), name="赵六"),
            line(p, 60000, 30000, ref="I-3", name="张山"),
        ],
        [p, unpaid],
    )
    facts = {f.code: f.facts for f in found}
    assert facts["INVALID_ID"] == Facts(id_problem="checksum", paid_basic=45000, paid_care=0)
    assert facts["UNKNOWN_PERSON"] == Facts(paid_basic=45000, paid_care=0)
    assert facts["NAME_MISMATCH"] == Facts(register_name="张三")
    assert facts["MISSING_PAYMENT"] == Facts(
        register_mode="dispersed", register_tier="partial", expected_basic=45000, expected_care=20000, register_area="rural"
    )


def test_the_facts_are_stored_and_read_back_unchanged():
    facts = Facts(died_on=date(2026, 4, 14), last_entitled_month=date(2026, 5, 1), paid_basic=60000, paid_care=30000)
    stored = services._common.facts_json(facts)
    assert stored == '{"died_on": "2026-04-14", "last_entitled_month": "2026-05-01", "paid_basic": 60000, "paid_care": 30000}'
    assert services.stored_facts({"facts": stored}) == facts
    assert services.facts_out(facts).last_entitled_month == "2026-05" and services.facts_out(facts).paid_basic == "600.00"


def said(code: str, facts: Facts, language: str) -> str:
    token = set_language(language)
    try:
        return details.describe(code, facts)
    finally:
        reset_language(token)


def test_the_facts_in_words_in_chinese_and_in_english():
    amounts = Facts(
        register_mode="concentrated",
        register_tier="partial",
        expected_basic=101000,
        expected_care=30000,
        paid_basic=101000,
        paid_care=0,
    )
    assert (
        said("AMOUNT_MISMATCH", amounts, "zh_CN")
        == "基本生活费 应发 ¥1,010.00 实发 ¥1,010.00；照料护理费 应发 ¥300.00 实发 ¥0.00"
    )
    assert (
        said("AMOUNT_MISMATCH", amounts, "en")
        == "Basic living: expected ¥1,010.00, paid ¥1,010.00; care: expected ¥300.00, paid ¥0.00"
    )
    mode = Facts(paid_mode="concentrated", register_mode="dispersed")
    assert said("MODE_MISMATCH", mode, "zh_CN") == "按集中供养发放；登记为分散供养"
    death = Facts(died_on=date(2026, 8, 14), last_entitled_month=date(2026, 8, 1))
    assert said("PAID_AFTER_DEATH", death, "zh_CN") == "已于2026年8月14日死亡，享受至2026年8月"
    assert (
        said("TIER_MISMATCH", Facts(paid_tier="full_loss", register_tier="partial"), "zh_CN")
        == "照料护理费按“完全丧失生活自理能力”发放；评估为“部分丧失生活自理能力”"
    )
    assert said("INVALID_ID", Facts(id_problem="checksum"), "zh_CN").startswith("身份证号校验未通过：")
    assert (
        said("NOT_ENTITLED", Facts(reason="other_county", registered_county="620103", registered_county_name="西固区"), "zh_CN")
        == "登记在其他县（区）：西固区"
    )
    # Every code is said in Chinese without an English key or code left in it.
    p, unpaid = someone(), someone(id=2, name="李四", placements=())
    every = findings(
        [line(p, 60000, 50000, name="张山"), line(None, 45000, 0, ref="L-2", id_number=new_id(), name="某")], [p, unpaid]
    )
    for f in every:
        text = said(f.code, f.facts, "zh_CN")
        assert text and not any(word in text for word in ("concentrated", "dispersed", "partial", "full_loss", "_")), (
            f.code,
            text,
        )


def test_an_old_text_never_turned_into_facts_is_shown_as_it_is():
    assert details.describe("AMOUNT_MISMATCH", Facts(), "something older") == "something older"


def test_the_migration_turns_every_old_detail_text_back_into_its_facts():
    """Runs stored before 2026-12 kept an English text (``rules.detail_text`` writes the same
    text today); the data migration reads it back into facts that say the same thing."""
    import importlib

    migration = importlib.import_module("backend.stipends.piccolo_migrations.stipends_2026_12_10t09_01_00_000000")
    p, unpaid = someone(), someone(id=2, name="李四", placements=())
    good = new_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    samples = findings(
        [
            line(p, 60000, 29999, ref="S-1", name="张山"),
            line(p, 60000, 30000, ref="S-2"),
            line(None, 45000, 0, ref="S-3", id_number=bad, name="王五"),
            line(None, 45000, 0, ref="S-4", id_number=new_id(), name="赵六"),
        ],
        [p, unpaid],
    )
    for kwargs, basic, care in (
        ({"placements": ()}, 60000, 20000),
        ({"assessments": ()}, 60000, 30000),
        ({}, 60000, 50000),
        ({"died_on": date(2026, 4, 14)}, 60000, 30000),
        ({"approved_on": date(2026, 6, 3)}, 60000, 30000),
        ({"ended_on": date(2026, 5, 31)}, 60000, 30000),
        ({"county_id": 8, "county_code": "620103"}, 60000, 30000),
    ):
        q = someone(**kwargs)
        samples += findings([line(q, basic, care)], [q])
    kinds = {f.code for f in samples}
    assert kinds == set(rules.CODES), set(rules.CODES) - kinds
    for f in samples:
        # The text such a finding had then: the evidence of a mode mismatch and the area came later.
        text = rules.detail_text(f.code, replace(f.facts, mode_evidence=None, register_area=None))
        recovered = migration.facts_of(f.code, text)
        assert recovered is not None, (f.code, text)
        assert rules.detail_text(f.code, Facts.of(recovered)) == text, f.code
        assert migration.facts_of(f.code, "something else entirely") is None
