"""Login throttling and the password policy: the thresholds exactly."""

from datetime import UTC, datetime, timedelta

from backend.accounts.rules import ThrottlePolicy, login_throttle, password_problem

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
POLICY = ThrottlePolicy()


def failures(count: int, every: timedelta = timedelta(seconds=10)) -> list[datetime]:
    return [NOW - every * index for index in range(count)]


def test_five_failures_are_free_the_sixth_attempt_waits():
    assert login_throttle(failures(4), NOW, POLICY).delay_seconds == 0
    assert login_throttle(failures(5), NOW, POLICY).delay_seconds == 1.0
    assert login_throttle(failures(6), NOW, POLICY).delay_seconds == 2.0
    assert login_throttle(failures(9), NOW, POLICY).delay_seconds == POLICY.max_delay_seconds


def test_ten_failures_lock_for_fifteen_minutes_from_the_last():
    assert login_throttle(failures(9), NOW, POLICY).locked_until is None
    decision = login_throttle(failures(10), NOW, POLICY)
    assert decision.locked_until == NOW + timedelta(minutes=15)
    later = NOW + timedelta(minutes=14, seconds=59)
    assert login_throttle(failures(10), later, POLICY).locked_until is not None


def test_old_failures_do_not_count():
    old = [NOW - timedelta(minutes=16) - timedelta(seconds=i) for i in range(20)]
    decision = login_throttle(old, NOW, POLICY)
    assert decision.locked_until is None and decision.delay_seconds == 0


def test_the_lock_ends():
    ten = failures(10)
    after = NOW + timedelta(minutes=15, seconds=1)
    assert login_throttle(ten, after, POLICY).locked_until is None


def test_password_policy():
    assert password_problem("short7!", "alice") is not None
    assert password_problem("12345678", "alice") is None
    assert password_problem("Alice123", "alice123") is not None
