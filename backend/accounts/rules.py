"""Account rules as pure functions: login throttling and the password policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.core.i18n import N_


@dataclass(frozen=True)
class ThrottlePolicy:
    """Security policy (ours, not regulation): after ``free_failures`` failed sign-ins within
    ``window`` each further attempt is slowed down; at ``lock_failures`` the username or address is
    locked for ``lock_for`` from the last failure."""

    window: timedelta = timedelta(minutes=15)
    free_failures: int = 5
    lock_failures: int = 10
    lock_for: timedelta = timedelta(minutes=15)
    max_delay_seconds: float = 8.0


@dataclass(frozen=True)
class ThrottleDecision:
    delay_seconds: float
    locked_until: datetime | None


def login_throttle(
    failures: list[datetime], now: datetime, policy: ThrottlePolicy
) -> ThrottleDecision:
    """Decide delay and lock from the failure times since the last success for one key."""
    horizon = policy.window + policy.lock_for
    recent = sorted(moment for moment in failures if now - moment <= horizon)
    # Locked when some `lock_failures` consecutive failures fit in one window, until the last of
    # them + lock_for (so the lock lasts its full length even as the early failures age out).
    span = policy.lock_failures
    locked_until = None
    for start in range(len(recent) - span + 1):
        if recent[start + span - 1] - recent[start] <= policy.window:
            locked_until = recent[start + span - 1] + policy.lock_for
    if locked_until is not None and locked_until > now:
        return ThrottleDecision(0.0, locked_until)
    in_window = [moment for moment in recent if now - moment <= policy.window]
    excess = len(in_window) - policy.free_failures
    if excess < 0:
        return ThrottleDecision(0.0, None)
    return ThrottleDecision(min(2.0**excess, policy.max_delay_seconds), None)


MIN_PASSWORD_LENGTH = 8


def password_problem(password: str, username: str) -> str | None:
    """None when acceptable, else the English msgid of the problem."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("The password must have at least 8 characters.")
    if password.strip().lower() == username.strip().lower():
        return N_("The password must not be the username.")
    return None
