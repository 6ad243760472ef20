"""Login throttling and the password policy: the thresholds exactly, and the properties that make
the counting hold under concurrency (every attempt reserved before its password is checked)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backend.accounts.rules import (
    SignInPolicy,
    ThrottlePolicy,
    ThrottleState,
    lock_length,
    login_throttle,
    password_problem,
    release_attempt,
    throttle_key,
)

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
POLICY = SignInPolicy()
PAIR = POLICY.pair


def run(policy: ThrottlePolicy, count: int, start: datetime = NOW, every: timedelta = timedelta(seconds=1)):
    """``count`` attempts on one counter, each failing; the decisions and the final state."""
    state, decisions = ThrottleState(), []
    for index in range(count):
        decision = throttle_key(state, start + every * index, policy)
        decisions.append(decision)
        state = decision.state
    return decisions, state


def test_the_numbers_of_the_policy():
    # docs/security.md states these; a change here must change the document.
    assert (PAIR.free_failures, PAIR.lock_failures) == (5, 10)
    assert (POLICY.address.free_failures, POLICY.address.lock_failures) == (10, 20)
    assert (POLICY.account.free_failures, POLICY.account.lock_failures) == (10, None)
    for policy in (PAIR, POLICY.address, POLICY.account):
        assert policy.window == timedelta(minutes=15) and policy.lock_for == timedelta(minutes=15)
        assert policy.max_lock == timedelta(hours=4) and policy.max_delay_seconds == 8.0
        assert policy.forget_after == timedelta(hours=24)


def test_five_failures_are_free_then_the_delay_doubles_up_to_eight_seconds():
    decisions, _ = run(PAIR, 10)
    assert [d.delay_seconds for d in decisions] == [0, 0, 0, 0, 0, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert all(d.allowed for d in decisions)


def test_the_attempt_after_ten_failures_is_refused_for_fifteen_minutes_from_the_last():
    decisions, state = run(PAIR, 11)
    last_failure = NOW + timedelta(seconds=9)
    assert decisions[9].allowed and not decisions[10].allowed
    assert decisions[10].locked_until == last_failure + timedelta(minutes=15)
    assert decisions[10].state == state == decisions[9].state  # a refused attempt changes nothing
    almost = throttle_key(state, last_failure + timedelta(minutes=14, seconds=59), PAIR)
    assert not almost.allowed
    after = throttle_key(state, last_failure + timedelta(minutes=15), PAIR)
    assert after.allowed and after.delay_seconds == 0 and after.state.failures == 1


def test_each_further_lock_in_a_row_lasts_twice_as_long_up_to_four_hours():
    assert [lock_length(n, PAIR) for n in (1, 2, 3, 4, 5, 6, 9)] == [
        timedelta(minutes=m) for m in (15, 30, 60, 120, 240, 240, 240)
    ]
    state, now = ThrottleState(), NOW
    for expected in (15, 30, 60, 120, 240, 240):
        for _ in range(PAIR.lock_failures):
            decision = throttle_key(state, now, PAIR)
            assert decision.allowed
            state = decision.state
        refused = throttle_key(state, now + timedelta(seconds=1), PAIR)
        assert refused.locked_until == now + timedelta(minutes=expected)
        now = refused.locked_until


def test_a_day_without_failures_forgets_the_locks():
    _, state = run(PAIR, 10)
    assert state.locks == 1
    later = state.last_failure + timedelta(hours=24)
    decision = throttle_key(state, later, PAIR)
    assert decision.state == ThrottleState(1, later, later, 0)


def test_failures_in_an_old_window_do_not_count():
    _, state = run(PAIR, 9)
    decision = throttle_key(state, NOW + timedelta(minutes=15), PAIR)  # 15 min after the first
    assert decision.allowed and decision.delay_seconds == 0 and decision.state.failures == 1
    decision = throttle_key(state, NOW + timedelta(minutes=14, seconds=59), PAIR)
    assert decision.state.failures == 10 and decision.delay_seconds == 8.0


def test_the_account_counter_slows_but_never_refuses():
    decisions, state = run(POLICY.account, 500)
    assert all(d.allowed for d in decisions)
    assert [d.delay_seconds for d in decisions[9:13]] == [0, 1.0, 2.0, 4.0]
    assert max(d.delay_seconds for d in decisions) == 8.0
    assert state.locks == 0


def test_the_address_counter_refuses_after_twenty():
    decisions, _ = run(POLICY.address, 21)
    assert [d.allowed for d in decisions] == [True] * 20 + [False]
    assert decisions[10].delay_seconds == 1.0 and decisions[9].delay_seconds == 0


def test_login_throttle_takes_the_longest_delay_and_any_lock():
    pair = run(PAIR, 7)[1]  # a 7th failure: the next attempt waits 4 s
    address = run(POLICY.address, 11)[1]  # the next waits 2 s
    decision = login_throttle({"pair": pair, "address": address}, NOW + timedelta(seconds=30), POLICY)
    assert decision.allowed and decision.delay_seconds == 4.0
    assert decision.states["pair"].failures == 8 and decision.states["address"].failures == 12
    assert decision.states["account"].failures == 1  # a missing counter is a fresh one
    locked = run(PAIR, 10)[1]
    refused = login_throttle({"pair": locked, "address": address}, NOW + timedelta(seconds=30), POLICY)
    assert not refused.allowed and refused.locked_until == locked.last_failure + timedelta(minutes=15)
    assert refused.states["address"] == address  # nothing reserved anywhere


def test_a_success_frees_the_pair_and_gives_one_failure_back_elsewhere():
    _, state = run(POLICY.address, 20)
    assert state.locks == 1
    released = release_attempt("address", state, POLICY)
    assert released.failures == 19 and released.locks == 0  # the lock it would have started is gone
    assert throttle_key(released, NOW + timedelta(seconds=30), POLICY.address).allowed
    assert release_attempt("pair", run(PAIR, 10)[1], POLICY) == ThrottleState()
    assert release_attempt("account", ThrottleState(), POLICY) == ThrottleState()
    assert release_attempt("account", run(POLICY.account, 3)[1], POLICY).failures == 2


@given(
    free=st.integers(min_value=0, max_value=15),
    extra=st.integers(min_value=1, max_value=15),
    gaps=st.lists(st.integers(min_value=0, max_value=30), max_size=60),
)
def test_in_flight_attempts_never_exceed_the_lock_threshold(free, extra, gaps):
    """However many attempts arrive while none has been answered yet (each decided on the state
    the one before stored, as the row lock makes them), exactly min(lock_failures, arrivals) are
    allowed within one window and the rest refused."""
    policy = ThrottlePolicy(free_failures=free, lock_failures=free + extra)
    state, now, first, allowed, arrivals = ThrottleState(), NOW, None, 0, 0
    for gap in gaps:
        now += timedelta(seconds=gap)
        first = first or now
        if now - first >= policy.window:
            break
        arrivals += 1
        decision = throttle_key(state, now, policy)
        allowed += decision.allowed
        state = decision.state
    assert allowed == min(policy.lock_failures, arrivals)


@given(failures=st.integers(min_value=0, max_value=60))
def test_the_delay_never_shrinks_as_failures_grow(failures):
    before = run(POLICY.account, failures + 1)[0][-1].delay_seconds
    after = run(POLICY.account, failures + 2)[0][-1].delay_seconds
    assert before <= after <= POLICY.account.max_delay_seconds


@given(kind=st.sampled_from(["pair", "address"]), minutes=st.integers(min_value=0, max_value=14))
def test_a_refusal_reserves_nothing_whichever_counter_refuses(kind, minutes):
    locked = {"pair": run(PAIR, 10)[1], "address": run(POLICY.address, 20)[1]}[kind]
    states = {"pair": ThrottleState(), "address": ThrottleState(), "account": ThrottleState(), kind: locked}
    decision = login_throttle(states, locked.last_failure + timedelta(minutes=minutes), POLICY)
    assert not decision.allowed and decision.states == states


def test_password_policy():
    assert password_problem("short7!", "alice") is not None
    assert password_problem("12345678", "alice") is None
    assert password_problem("Alice123", "alice123") is not None
