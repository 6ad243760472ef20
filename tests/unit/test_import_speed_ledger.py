"""``ledger.chain_tuples`` (the bulk imports' fast chaining) gives exactly the hashes of
``append_rows`` / ``tekun audit verify``: ``chain_hash(prev_hash, _payload(spec, row))`` with
``canonical`` (json.dumps), for every registered ledger and for values of every kind, including
the ones the fast path hands back to ``canonical``.

Date-times are drawn from what the application can hold: aware, in the years
dates.FIRST_YEAR..LAST_YEAR (what the forms, exchange files and API accept). Naive ones, and
instants with no UTC time, are refused with a ValueError (tested below, not generated).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backend.piccolo_conf  # noqa: F401 - registers every domain's ledgers
from backend.core.dates import FIRST_YEAR, LAST_YEAR
from backend.core.ledger import LEDGERS, _payload, chain_hash, chain_tuples, utc_text
from backend.residents.tables import ASSESSMENT_LEDGER, PLACEMENT_LEDGER


def reference(spec, rows: list[tuple], first_seq: int, prev_hash: str) -> list[tuple]:
    """What append_rows computes, row by row."""
    chained = []
    for seq, values in enumerate(rows, start=first_seq):
        row = dict(zip(spec.fields, values, strict=True))
        row["seq"] = seq
        row_hash = chain_hash(prev_hash, _payload(spec, row))
        chained.append((*values, seq, prev_hash, row_hash))
        prev_hash = row_hash
    return chained


class Kind(enum.IntEnum):
    ONE = 1


class Text(str):
    pass


SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", "%s", "%%", "{}", "{0}", '"', "\\", "\n\t\x00\x1f\x7f", "王燕", "\u2028", "é"]
)
# Bounds of a local wall-clock time (hypothesis applies them before attaching the zone).
EARLIEST, LATEST = datetime(FIRST_YEAR, 1, 1), datetime(LAST_YEAR, 12, 31, 23, 59, 59, 999999)


def moments(zones) -> st.SearchStrategy[datetime]:
    return st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=zones)


plain = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    texts,
    st.dates(),
    moments(st.just(UTC)),
)
unusual = st.one_of(
    st.floats(allow_nan=False),
    moments(st.sampled_from([SHANGHAI, NEW_YORK, timezone(timedelta(hours=8)), timezone(timedelta(hours=-12))])),
    st.builds(Text, texts),
    st.just(Kind.ONE),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)


@st.composite
def ledger_rows(draw, values=plain):
    spec = draw(st.sampled_from(sorted(LEDGERS.values(), key=lambda spec: spec.name)))
    count = draw(st.integers(min_value=1, max_value=8))
    shapes = draw(st.lists(st.booleans(), min_size=len(spec.fields), max_size=len(spec.fields)))
    fixed = [draw(values) for _ in spec.fields]
    rows = [tuple(fixed[index] if same else draw(values) for index, same in enumerate(shapes)) for _ in range(count)]
    first_seq = draw(st.integers(min_value=1, max_value=10**9))
    prev_hash = draw(st.sampled_from(["", "0" * 64, "ab" * 32]))
    return spec, rows, first_seq, prev_hash


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger_rows())
def test_plain_values_hash_exactly_like_append_rows(case):
    spec, rows, first_seq, prev_hash = case
    assert chain_tuples(spec, rows, first_seq, prev_hash) == reference(spec, rows, first_seq, prev_hash)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger_rows(st.one_of(plain, unusual)))
def test_any_value_hashes_exactly_like_append_rows(case):
    spec, rows, first_seq, prev_hash = case
    assert chain_tuples(spec, rows, first_seq, prev_hash) == reference(spec, rows, first_seq, prev_hash)


def test_the_rows_the_imports_write():
    now = datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=UTC)
    assessments = [
        (resident, date(2020, 1, 1) + timedelta(days=resident % 7), *answers, tier, assessor, "import", None, now, "cli")
        for resident, (answers, tier, assessor) in enumerate(
            [
                ((True,) * 6, "self_care", "王燕"),
                ((False, True, True, True, True, False), "partial", ""),
                ((False,) * 6, "full_loss", '县评估小组 "李" 100%'),
            ]
            * 5,
            start=1,
        )
    ]
    placements = [
        (1, "admit", 3, date(2024, 6, 1), "", now, "cli"),
        (1, "discharge", None, date(2025, 7, 31), "", now, "cli"),
        (2, "admit", 4, date(2023, 2, 28), "", now, "cli"),
    ]
    for spec, rows in ((ASSESSMENT_LEDGER, assessments), (PLACEMENT_LEDGER, placements)):
        assert chain_tuples(spec, rows, 7, "f" * 64) == reference(spec, rows, 7, "f" * 64)


def test_equal_datetimes_across_a_fold_are_not_confused():
    """02:30 on 2026-11-01 happens twice in New York: equal as datetimes of one zone, two instants."""
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)
    second = first.replace(fold=1)
    assert first == second and first.astimezone(UTC) != second.astimezone(UTC)
    rows = [(1, "admit", None, date(2026, 11, 1), "", moment, "cli") for moment in (first, second)]
    assert chain_tuples(PLACEMENT_LEDGER, rows, 1, "") == reference(PLACEMENT_LEDGER, rows, 1, "")


def test_true_and_one_in_one_column_are_not_confused():
    rows = [(1, "admit", value, date(2026, 1, 1), "", None, "cli") for value in (True, 1, 1.0, 0, False)]
    assert chain_tuples(PLACEMENT_LEDGER, rows, 1, "") == reference(PLACEMENT_LEDGER, rows, 1, "")


def test_nothing_to_chain():
    assert chain_tuples(ASSESSMENT_LEDGER, [], 1, "") == []


def test_a_naive_timestamp_is_refused_on_both_paths():
    rows = [(1, "admit", None, date(2026, 1, 1), "", datetime(2026, 1, 1, 8, 0), "cli")]
    with pytest.raises(ValueError, match="time zone"):
        chain_tuples(PLACEMENT_LEDGER, rows, 1, "")
    with pytest.raises(ValueError, match="time zone"):
        reference(PLACEMENT_LEDGER, rows, 1, "")


def test_instants_without_a_utc_time_are_refused_not_overflowed():
    with pytest.raises(ValueError, match="years 1..9999"):
        utc_text(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))))
    with pytest.raises(ValueError, match="years 1..9999"):
        utc_text(datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))))


def test_the_year_has_four_digits():
    assert utc_text(datetime(5, 1, 2, 3, 4, 5, 6, tzinfo=UTC)) == "0005-01-02T03:04:05.000006Z"


@given(st.datetimes(min_value=datetime(1000, 1, 1), timezones=st.just(UTC)))
def test_the_text_is_what_strftime_wrote_so_stored_hashes_still_verify(moment):
    assert utc_text(moment) == moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
