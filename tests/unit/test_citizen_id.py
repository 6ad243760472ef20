"""ID number checks: valid generated numbers pass; any single changed character fails."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from backend.core.citizen_id import check_character, gender_of, id_problem, mask

AREA = st.sampled_from(["620102", "620121", "110101", "440305", "510104"])
BIRTH = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))
SEQUENCE = st.integers(min_value=0, max_value=999)


def make_id(area: str, born: date, sequence: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@given(AREA, BIRTH, SEQUENCE)
def test_generated_numbers_pass_and_carry_their_gender(area, born, sequence):
    number = make_id(area, born, sequence)
    assert id_problem(number) is None
    expected = "M" if sequence % 2 == 1 else "F"
    assert gender_of(number) == expected
    assert id_problem(number, gender=expected) is None
    assert id_problem(number, gender="F" if expected == "M" else "M").code == "gender"


@given(AREA, BIRTH, SEQUENCE, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_changed_character_fails(area, born, sequence, position, replacement):
    number = make_id(area, born, sequence)
    if number[position] == replacement:
        replacement = "0" if replacement != "0" else "1"
    changed = number[:position] + replacement + number[position + 1 :]
    assert id_problem(changed) is not None


def test_each_failure_has_its_own_reason():
    good = make_id("620102", date(1950, 3, 7), 123)
    assert id_problem(good[:17]).code == "length"
    assert id_problem(good[:16] + "A" + good[17]).code == "characters"
    assert id_problem("620102" + "19501307" + "123" + "0").code == "birth_date"  # month 13
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    assert id_problem(wrong_check).code == "checksum"
    assert id_problem(good.lower()) is None  # a lower-case x is accepted as X


def test_a_birth_date_in_the_future_is_refused_when_today_is_known():
    number = make_id("620102", date(2030, 1, 1), 11)
    assert id_problem(number) is None
    assert id_problem(number, today=date(2026, 11, 23)).code == "birth_date"


def test_known_real_format_example():
    # The example from GB 11643-1999's annex: 11010519491231002X.
    assert id_problem("11010519491231002X") is None
    assert gender_of("11010519491231002X") == "F"


def test_masking_keeps_six_and_four():
    assert mask("62010219500307123X") == "620102********123X"
    assert len(mask("62010219500307123X")) == 18
