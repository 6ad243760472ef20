"""Account rules as pure functions: login throttling, the client's address, the password policy.

Throttling is security policy (ours, not regulation); docs/security.md explains it. Three counters
watch every sign-in attempt:

- ``pair``: one account from one address. Refuses (locks) — only the guesser is locked out.
- ``address``: one address, any account. Refuses — one address cannot spray many accounts.
- ``account``: one account, every address. Only slows, never refuses, so no stranger can lock a
  user out by failing on purpose.

Each attempt is reserved as a failure before its password is checked (the caller stores the state
``login_throttle`` returns, atomically, before checking) and released when it succeeds, so
concurrent attempts cannot all slip through.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from backend.core.i18n import N_
from backend.core.settings import IPNetwork

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USERNAME_PATTERN = r"[A-Za-z0-9_.@-]{2,150}"
KINDS = ("pair", "address", "account")


@dataclass(frozen=True)
class ThrottlePolicy:
    """One counter: the first ``free_failures`` failures within ``window`` cost nothing; after
    them each attempt waits 1, 2, 4 … seconds (at most ``max_delay_seconds``). Once
    ``lock_failures`` failures are counted in the window the next attempt is refused for
    ``lock_for`` from the last failure; each further lock in a row lasts twice as long (at most
    ``max_lock``). ``lock_failures=None``: the counter only slows. After ``forget_after`` without
    a failure the counter starts afresh, lock lengths too."""

    free_failures: int
    lock_failures: int | None
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)
    max_lock: timedelta = timedelta(hours=4)
    max_delay_seconds: float = 8.0
    forget_after: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class SignInPolicy:
    """The three counters of a sign-in attempt (see the module docstring)."""

    pair: ThrottlePolicy = field(default_factory=lambda: ThrottlePolicy(free_failures=5, lock_failures=10))
    address: ThrottlePolicy = field(default_factory=lambda: ThrottlePolicy(free_failures=10, lock_failures=20))
    account: ThrottlePolicy = field(default_factory=lambda: ThrottlePolicy(free_failures=10, lock_failures=None))

    def of(self, kind: str) -> ThrottlePolicy:
        return {"pair": self.pair, "address": self.address, "account": self.account}[kind]


@dataclass(frozen=True)
class ThrottleState:
    """What is stored per counter: failures (and attempts in flight) in the current window, when
    the window began, the last failure, and how many locks in a row the key has had."""

    failures: int = 0
    window_start: datetime | None = None
    last_failure: datetime | None = None
    locks: int = 0


@dataclass(frozen=True)
class KeyDecision:
    allowed: bool
    delay_seconds: float
    locked_until: datetime | None
    state: ThrottleState  # when allowed: this attempt reserved as a failure; else unchanged


@dataclass(frozen=True)
class ThrottleDecision:
    allowed: bool
    delay_seconds: float
    locked_until: datetime | None
    states: dict[str, ThrottleState]  # per kind: what to store (reserved when allowed)


def lock_length(locks: int, policy: ThrottlePolicy) -> timedelta:
    """The length of the ``locks``-th lock in a row: lock_for, doubling, at most max_lock."""
    return min(policy.lock_for * 2 ** max(0, locks - 1), policy.max_lock)


def locked_until(state: ThrottleState, policy: ThrottlePolicy) -> datetime | None:
    """The end of the lock the state is in (possibly already past), or None."""
    if policy.lock_failures is None or state.last_failure is None:
        return None
    if state.failures < policy.lock_failures:
        return None
    return state.last_failure + lock_length(state.locks, policy)


def throttle_key(state: ThrottleState, now: datetime, policy: ThrottlePolicy) -> KeyDecision:
    """One counter's decision on a new attempt, and the state with the attempt reserved."""
    if state.last_failure is None or now - state.last_failure >= policy.forget_after:
        state = ThrottleState()
    until = locked_until(state, policy)
    if until is not None and now < until:
        return KeyDecision(False, 0.0, until, state)
    window_over = state.window_start is not None and now - state.window_start >= policy.window
    if until is not None or window_over:
        state = replace(state, failures=0, window_start=None)  # a new window
    failures = state.failures + 1
    locks = state.locks + (1 if failures == policy.lock_failures else 0)
    excess = failures - policy.free_failures
    delay = 0.0 if excess <= 0 else min(2.0 ** (excess - 1), policy.max_delay_seconds)
    reserved = ThrottleState(failures, state.window_start or now, now, locks)
    return KeyDecision(True, delay, None, reserved)


def login_throttle(states: Mapping[str, ThrottleState], now: datetime, policy: SignInPolicy) -> ThrottleDecision:
    """Decide a sign-in attempt from its three counters (``KINDS``; a missing one is fresh).

    Refused when any counter is locked (``locked_until`` is the latest end); otherwise allowed
    after the longest delay any counter asks for, with every counter's attempt reserved.
    """
    decisions = {kind: throttle_key(states.get(kind, ThrottleState()), now, policy.of(kind)) for kind in KINDS}
    refusing = [d.locked_until for d in decisions.values() if not d.allowed and d.locked_until]
    if refusing:
        unchanged = {kind: states.get(kind, ThrottleState()) for kind in KINDS}
        return ThrottleDecision(False, 0.0, max(refusing), unchanged)
    delay = max(d.delay_seconds for d in decisions.values())
    return ThrottleDecision(True, delay, None, {kind: d.state for kind, d in decisions.items()})


def release_attempt(kind: str, state: ThrottleState, policy: SignInPolicy) -> ThrottleState:
    """The state once a reserved attempt turned out to be the right password.

    The ``pair`` counter starts afresh (whoever signs in there knows the password). The others
    only give back the one reserved failure: a success must not wipe an address's failures, or
    a guesser holding any account could reset its address between guesses.
    """
    if kind == "pair":
        return ThrottleState()
    if state.failures <= 0:
        return state
    locks = state.locks
    if state.failures == policy.of(kind).lock_failures and locks > 0:
        locks -= 1  # the reservation that reached the limit counted a lock that did not happen
    return replace(state, failures=state.failures - 1, locks=locks)


# --- keys and addresses -------------------------------------------------------------------


def parse_ip(text: str | None) -> IPAddress | None:
    """An address as a peer or a proxy writes it (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``,
    ``::1``); IPv4-mapped IPv6 becomes IPv4. None when it is not an address."""
    text = (text or "").strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, proxies: Sequence[IPNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(peer: str | None, forwarded_for: Iterable[str], proxies: Sequence[IPNetwork]) -> str:
    """The client's address. The TCP peer, unless the peer is a trusted proxy: then the
    right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy (each proxy appends
    the address it saw, so entries left of it are whatever the client chose to send). A malformed
    entry ends the chain: the last address believed so far is the answer."""
    address = parse_ip(peer)
    if address is None:
        return (peer or "unknown")[:64]
    if not _trusted(address, proxies):
        return str(address)
    hops = [hop for value in forwarded_for for hop in value.split(",")]
    for hop in reversed(hops):
        entry = parse_ip(hop)
        if entry is None:
            break
        address = entry
        if not _trusted(entry, proxies):
            break
    return str(address)


def address_key(address: str) -> str:
    """An address as throttling counts it: IPv4 as it is, IPv6 by its /64 network (one
    subscriber's line holds a whole /64, so rotating inside it gains nothing)."""
    parsed = parse_ip(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed) if parsed else address[:64]


def username_key(username: str) -> str:
    """A typed username as throttling counts it: lower-cased; a name no account can have (too
    long, odd characters) by its digest, so a key never grows with what a client sends."""
    name = (username or "").strip().lower()
    if re.fullmatch(USERNAME_PATTERN, name):
        return name
    return "#" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def throttle_keys(username: str, address: str) -> dict[str, str]:
    """The stored key of each counter of an attempt."""
    user, addr = username_key(username), address_key(address)
    return {"pair": f"pair:{user}|{addr}", "address": f"addr:{addr}", "account": f"user:{user}"}


# --- passwords ----------------------------------------------------------------------------

MIN_PASSWORD_LENGTH = 8


def password_problem(password: str, username: str) -> str | None:
    """None when acceptable, else the English msgid of the problem."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("The password must have at least 8 characters.")
    if password.strip().lower() == username.strip().lower():
        return N_("The password must not be the username.")
    return None


# --- administrators -----------------------------------------------------------------------


def leaves_no_administrator(was_admin: bool, was_active: bool, is_admin: bool, is_active: bool, other_active_admins: int) -> bool:
    """Would this change to one user leave nobody who can administer the system?

    A user who is an active administrator and stops being one (disabled, or given another role)
    while no other active administrator exists: refused, or nobody could manage users again
    except on the command line. Our rule (security policy), not regulation."""
    return was_admin and was_active and not (is_admin and is_active) and other_active_admins == 0
