"""A user's e-mail setting for notices: their address and whether they want the notices by e-mail."""

from __future__ import annotations

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Forbidden, Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.notices import rules
from backend.notices.schemas import NoticeSettingOut
from backend.notices.tables import NoticeSetting


async def notice_setting(scope: Scope) -> NoticeSettingOut:
    available = get_settings().smtp.enabled
    if scope.user_id is None:
        return NoticeSettingOut(email="", email_enabled=False, email_available=available)
    row = await NoticeSetting.select().where(NoticeSetting.user_id == scope.user_id).first()
    if row is None:
        return NoticeSettingOut(email="", email_enabled=False, email_available=available)
    return NoticeSettingOut(email=row["email"], email_enabled=bool(row["email_enabled"]), email_available=available)


def check_setting(email: str, enabled: bool) -> dict[str, str]:
    """The problems of a setting, by field (in the reader's language)."""
    errors: dict[str, str] = {}
    problem = rules.email_problem(email)
    if problem == "too_long":
        errors["email"] = _("An e-mail address has at most {count} characters.").format(count=rules.EMAIL_MAX)
    elif problem:
        errors["email"] = _("Write one e-mail address like name@example.org.")
    elif enabled and not email:
        errors["email"] = _("Notices by e-mail need an e-mail address.")
    return errors


async def save_notice_setting(scope: Scope, email: str, enabled: bool) -> NoticeSettingOut:
    """Save the user's address and opt-in (one audit record); bad input writes nothing."""
    if scope.user_id is None:
        raise Forbidden(_("Only a signed-in user has notice settings."))
    email = (email or "").strip()
    if errors := check_setting(email, enabled):
        raise Invalid(errors)
    before = await notice_setting(scope)
    now = dates.now_utc()
    async with transaction():
        await NoticeSetting.insert(
            NoticeSetting(user_id=scope.user_id, email=email, email_enabled=enabled, updated_at=now)
        ).on_conflict(
            target=NoticeSetting.user_id,
            action="DO UPDATE",
            values=[NoticeSetting.email, NoticeSetting.email_enabled, NoticeSetting.updated_at],
        )
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "notice_setting.update",
                    "notice_setting",
                    str(scope.user_id),
                    {"email": before.email, "email_enabled": before.email_enabled},
                    {"email": email, "email_enabled": enabled},
                )
            ],
        )
    return await notice_setting(scope)
