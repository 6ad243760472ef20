"""Account tables: users, sessions, API tokens, login attempts and throttle counters."""

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.registry.tables import County, Home


class User(Table, tablename="tekun_user"):
    """A person who signs in: a home director, a county inspector or finance officer, an admin.

    ``county`` is set for inspectors and finance staff, ``home`` for directors.
    """

    username = Varchar(length=150, unique=True, index=True)
    display_name = Varchar(length=100, default="")
    password_hash = Varchar(length=200)
    role = Varchar(length=20)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, null=True, default=None)
    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()
    password_changed_at = Timestamptz()


class Session(Table, tablename="user_session"):
    """A signed-in browser. Only the sha256 of the cookie's token is stored.

    Sessions live in the database so every worker process shares them; deleting a user's rows
    signs them out everywhere (done on a password or role change).
    """

    token_hash = Varchar(length=64, unique=True, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz()
    address = Varchar(length=64, default="")


class ApiToken(Table):
    """A Bearer token for the JSON API; only its sha256 is stored, shown once at creation."""

    token_hash = Varchar(length=64, unique=True, index=True)
    prefix = Varchar(length=12)
    name = Varchar(length=100)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class LoginAttempt(Table):
    """The history of sign-in attempts whose password was checked: two rows per attempt, keyed
    ``user:<name>`` and ``addr:<address>``. Attempts refused by throttling are not written (a
    flood must not grow the table). Throttling itself reads ``LoginThrottle``, not this table."""

    key = Varchar(length=200, index=True)
    at = Timestamptz(index=True)
    success = Boolean(default=False)


class LoginThrottle(Table):
    """One throttle counter (``backend/accounts/rules.py``): ``pair:<user>|<address>``,
    ``addr:<address>`` or ``user:<user>``.

    A sign-in attempt takes the row lock of each of its counters (``attempts = attempts + 1``),
    decides and stores the attempt as a failure in that same transaction, and only then checks
    the password; a success gives the failure back. Rows untouched for two days are deleted.
    """

    key = Varchar(length=255, unique=True)
    failures = Integer(default=0)
    window_start = Timestamptz(null=True, default=None)
    last_failure = Timestamptz(null=True, default=None, index=True)
    locks = Integer(default=0)
    attempts = Integer(default=0)
