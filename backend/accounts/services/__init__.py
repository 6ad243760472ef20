"""Account use cases: users and their management, sign-in with throttling, sessions, API tokens,
the audit log in words. The only code that reads or writes the account tables.

The use cases live in private modules by theme and are used from here:
``from backend.accounts import services`` then ``services.create_user(...)``.
"""

from backend.accounts.services._audit import AuditLine, AuditPage, action_choices, audit_page
from backend.accounts.services._common import CurrentUser, display_names_of, end_access, get_user
from backend.accounts.services._manage import (
    disable_user,
    enable_user,
    reset_password,
    set_password,
    set_role,
    update_user,
)
from backend.accounts.services._signin import (
    SESSION_TOUCH_INTERVAL,
    LoginRefused,
    authenticate,
    login,
    logout,
    user_for_session,
)
from backend.accounts.services._tokens import create_api_token, user_for_token
from backend.accounts.services._users import (
    USERNAME_PATTERN,
    ManagedUser,
    create_user,
    find_user,
    find_users,
    list_users,
    user_choices,
)
from backend.core import people

__all__ = [
    "SESSION_TOUCH_INTERVAL",
    "USERNAME_PATTERN",
    "AuditLine",
    "AuditPage",
    "CurrentUser",
    "LoginRefused",
    "ManagedUser",
    "action_choices",
    "audit_page",
    "authenticate",
    "create_api_token",
    "create_user",
    "disable_user",
    "enable_user",
    "end_access",
    "find_user",
    "find_users",
    "get_user",
    "list_users",
    "login",
    "logout",
    "reset_password",
    "set_password",
    "set_role",
    "update_user",
    "user_choices",
    "user_for_session",
    "user_for_token",
]


people.provide(display_names_of)  # pages show who did what by name (backend/core/people.py)
