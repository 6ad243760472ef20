"""The navigation of every page, from the permission matrix (``page()`` in ``web.py`` passes it;
``web.nav_for`` is this function)."""

from __future__ import annotations

from backend.core.i18n import _
from backend.core.permissions import can


def _own_items(user) -> list[tuple[str, str]]:
    """A director's home, or the homes and the register for the others."""
    role = user.role
    if role == "director":
        items = [(f"/homes/{user.home_code}", _("My home"))]
        items.append((f"/homes/{user.home_code}/roster", _("Roster")))
        items.append((f"/homes/{user.home_code}/due", _("Assessments due")))
        if can(role, "view_staffing"):
            items.append((f"/homes/{user.home_code}/staffing", _("Staffing")))
        if can(role, "manage_roster"):
            items.append((f"/homes/{user.home_code}/duty", _("Duty roster")))
        if can(role, "view_safety"):
            items.append((f"/homes/{user.home_code}/safety", _("Safety ledger")))
        if can(role, "prepare_claims"):
            items.append((f"/homes/{user.home_code}/claims", _("Claims")))
        if can(role, "view_tasks"):  # inspections (issue 13)
            items.append((f"/homes/{user.home_code}/tasks", _("Tasks")))
        return items
    items = [("/homes", _("Homes"))]
    if can(role, "view_register"):
        items.append(("/residents", _("Register")))
        items.append(("/residents/due", _("Assessments due")))
    return items


def _oversight_items(role: str, county: str | None) -> list[tuple[str, str]]:
    """Issue 13: the county's on-time rates, the counties side by side, the report archive."""
    items = []
    if county and can(role, "view_compliance"):
        items.append((f"/counties/{county}/compliance", _("Compliance")))
    if can(role, "view_province"):
        items.append(("/province", _("Province view")))
    if can(role, "view_reports"):  # by scope: a director's home, a county, or all
        items.append(("/reports", _("Report archive")))
    return items


def nav_for(user, unread: int = 0) -> list[tuple[str, str]]:
    """(path, label) pairs of the navigation for this user, from the permission matrix;
    ``unread``: the user's unread notices (shown as "提醒 (3)")."""
    if user is None:
        return []
    role = user.role
    items = [("/", _("Overview")), *_own_items(user)]
    county = None if role == "admin" else user.county_code
    if can(role, "view_deaths"):
        items.append((f"/counties/{county}/deaths" if county else "/deaths/notices", _("Deaths")))
    if county and can(role, "view_reconciliation"):
        items.append((f"/counties/{county}/stipends", _("Stipends")))
    if county and can(role, "view_county_claims"):
        items.append(("/stipends/claims", _("Claims")))
    if role != "director" and can(role, "view_staffing"):  # an administrator chooses the county at /staffing
        items.append((f"/counties/{county}/staffing" if county else "/staffing", _("Staffing")))
    if role != "director" and can(role, "view_safety"):  # an administrator chooses the county at /hazards
        items.append((f"/counties/{county}/hazards" if county else "/hazards", _("Hazards")))
    items += _oversight_items(role, county)
    if can(role, "manage_templates"):
        items.append(("/safety/templates", _("Checklists")))
    if county and can(role, "view_counties"):
        items.append((f"/counties/{county}", _("County")))
    if role == "admin" and can(role, "manage_registry"):
        items.append(("/counties", _("Counties")))
    if can(role, "use_imports"):
        items.append(("/import", _("Import")))  # each role sees the kinds it may import
    if can(role, "manage_users"):
        items.append(("/users", _("Users")))
    if can(role, "view_audit"):
        items.append(("/audit", _("Audit log")))
    items.append(("/notices", _("Notices ({count})").format(count=unread) if unread else _("Notices")))
    items.append(("/account", _("Account")))
    return items
