"""The audit log for the administrator: filtered by user, action and dates, a page at a time, in
words (``backend/accounts/audit_words.py``), with the names of the users, homes and counties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backend.accounts import audit_words as words
from backend.accounts.services._users import display_names
from backend.core import dates, people
from backend.core.errors import NotFound
from backend.core.i18n import _
from backend.core.ledger import search_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry

PER_PAGE = 50
SYSTEM_ACTORS = people.SYSTEM_ACTORS  # who acts when no user does (``Scope.system(name)``)


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: datetime
    actor: str
    action: str
    record: str
    changes: list[words.FieldChange]


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    total: int
    page: int
    pages: int


async def _names(codes: dict[str, set[str]]) -> words.Names:
    homes, counties = {}, {}
    system = Scope.system()
    for code in sorted(codes["home"]):
        try:
            homes[code] = (await registry.find_home(system, code))["name"]
        except NotFound:
            pass
    for code in sorted(codes["county"]):
        try:
            counties[code] = (await registry.find_county(system, code))["name"]
        except NotFound:
            pass
    return words.Names(users=await display_names(codes["user"]), homes=homes, counties=counties)


def actor_name(username: str, names: words.Names) -> str:
    if username in names.users:
        return names.users[username]
    if username in SYSTEM_ACTORS:
        return _(SYSTEM_ACTORS[username])
    return username


async def audit_page(
    actor: Scope,
    user: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> AuditPage:
    """One page of the audit log, newest first; ``since``/``until`` are business dates (both
    days included, in TEKUN_TIMEZONE). A page past the last shows the last."""
    require(actor, "view_audit", _("Only an administrator may read the audit log."))
    since_at = dates.combine_local(since, time(0)) if since else None
    until_at = dates.combine_local(until + timedelta(days=1), time(0)) if until else None
    page = max(1, page)
    rows, total = await search_audit(user, action, since_at, until_at, (page - 1) * per_page, per_page)
    pages = max(1, -(-total // per_page))
    if page > pages:
        page = pages
        rows, total = await search_audit(user, action, since_at, until_at, (page - 1) * per_page, per_page)
    codes: dict[str, set[str]] = {"user": set(), "home": set(), "county": set()}
    for row in rows:
        codes["user"].add(row["actor"])
        for kind, found in words.codes_named(row["entity"], row["entity_key"], row["before"], row["after"]).items():
            codes[kind] |= found
    names = await _names(codes)
    lines = [
        AuditLine(
            seq=int(row["seq"]),
            at=row["at"],
            actor=actor_name(row["actor"], names),
            action=words.action_label(row["action"]),
            record=f"{words.entity_label(row['entity'])} {words.record_text(row['entity'], row['entity_key'], names)}".strip(),
            changes=words.changes(row["entity"], row["before"], row["after"], names),
        )
        for row in rows
    ]
    return AuditPage(lines=lines, total=total, page=page, pages=pages)


def action_choices() -> list[tuple[str, str]]:
    """(action, label) for the filter, in the order of the label map (by domain)."""
    return [(action, _(label)) for action, label in words.ACTIONS.items()]
