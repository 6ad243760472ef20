"""Who may do what: one permission matrix (role × action), used by the route guard, by the
services and by the templates alike.

Each action names the roles that may do it. Every role acts inside its own scope (``SCOPES``: a
director in the home they direct, inspectors and finance staff in their county, administrators
everywhere); the services then filter every row by the acting user's ``Scope``, so "may record an
assessment" always means "in the home or county you serve". Staffing and safety add their actions
here when they arrive: the matrix is data, and a test writes it out in full.

Use:

* routes: ``@post(..., opt=allow("record_assessment"))``;
* services: ``require(scope, "record_assessment", _("You may not record assessments."))``;
* templates: ``{% if can.record_assessment %}`` (``page()`` passes ``can`` for the signed-in user).
"""

from __future__ import annotations

from typing import Any

from backend.core.errors import Forbidden
from backend.core.i18n import _

DIRECTOR, INSPECTOR, ASSESSOR, FINANCE, ADMIN = "director", "inspector", "assessor", "finance", "admin"
# An assessor (评估员) works for a third party the county commissions to assess (domain rules §2):
# they record and import the county's assessments in one county, and see its register and the
# assessments due there; nothing about placements, deaths, money or full ID numbers.
ROLES = (DIRECTOR, INSPECTOR, ASSESSOR, FINANCE, ADMIN)

# What each role's actions are limited to (the Scope kind a signed-in user of that role carries).
SCOPES = {DIRECTOR: "home", INSPECTOR: "county", ASSESSOR: "county", FINANCE: "county", ADMIN: "all"}

MATRIX: dict[str, frozenset[str]] = {
    # registry: counties, homes, per-county parameters
    "view_counties": frozenset({INSPECTOR, FINANCE, ADMIN}),
    "manage_registry": frozenset({ADMIN}),
    # residents: the register, placements, assessments
    "view_register": frozenset({INSPECTOR, ASSESSOR, FINANCE, ADMIN}),
    "register_residents": frozenset({INSPECTOR, ADMIN}),  # 认定 and ending support: the county's acts
    "record_placement": frozenset({DIRECTOR, INSPECTOR, ADMIN}),
    # an admission without a recent county assessment (紧急收住, domain rules §2): the county's act
    "record_emergency_admission": frozenset({INSPECTOR, ADMIN}),
    # the county's self-care assessment, which sets the tier (and the county's assessments import)
    "record_assessment": frozenset({INSPECTOR, ASSESSOR, ADMIN}),
    # the home's own care observation (护理观察): kept and shown, never sets the tier
    "record_observation": frozenset({DIRECTOR}),
    # a change of condition (opens the county's 10-working-day re-assessment task)
    "report_condition_change": frozenset({DIRECTOR, INSPECTOR, ASSESSOR, ADMIN}),
    # GB/T 42195 capability assessments (care plans, never the tier)
    "record_capability": frozenset({DIRECTOR, INSPECTOR, ASSESSOR, ADMIN}),
    "reveal_id_number": frozenset({INSPECTOR, FINANCE, ADMIN}),
    # the admission queue (a director reads the applications naming their home; finance reads)
    "view_admission_queue": frozenset({DIRECTOR, INSPECTOR, FINANCE, ADMIN}),
    "manage_admission_queue": frozenset({INSPECTOR, ADMIN}),  # applications, offers, admissions from it
    "view_concentration_rate": frozenset({INSPECTOR, FINANCE, ADMIN}),
    # deaths
    "report_death": frozenset({DIRECTOR, INSPECTOR, ADMIN}),  # the home reports; the county may too
    "view_deaths": frozenset({INSPECTOR, FINANCE, ADMIN}),  # the death register and its notices
    "import_deaths": frozenset({INSPECTOR, ADMIN}),
    "set_funeral_subsidy": frozenset({ADMIN}),  # like every county parameter
    # stipends
    "set_standards": frozenset({FINANCE, ADMIN}),
    "import_payments": frozenset({FINANCE, ADMIN}),
    "import_claims": frozenset({FINANCE, INSPECTOR, ADMIN}),
    "view_reconciliation": frozenset({FINANCE, INSPECTOR, ADMIN}),
    "review_reconciliation": frozenset({FINANCE, ADMIN}),
    "view_claims": frozenset({DIRECTOR, FINANCE, INSPECTOR, ADMIN}),
    "prepare_claims": frozenset({DIRECTOR, ADMIN}),
    "check_claims": frozenset({FINANCE, ADMIN}),
    "view_county_claims": frozenset({FINANCE, INSPECTOR, ADMIN}),  # every home's claims of the county
    # staffing: the staff register, training, leave, the duty roster and the daily ratio
    "view_staffing": frozenset({DIRECTOR, INSPECTOR, FINANCE, ADMIN}),  # a home's staff and ratio; the county's view
    "manage_staff": frozenset({DIRECTOR, INSPECTOR, ADMIN}),  # posts, certificates, training
    "manage_roster": frozenset({DIRECTOR, ADMIN}),  # leave and the duty roster: the home's own
    "import_staff": frozenset({INSPECTOR, ADMIN}),  # the staff and training files (the county collects them)
    # safety ledgers (issue 12): fire, food and infection-prevention routines, hazards, outbreaks
    "view_safety": frozenset({DIRECTOR, INSPECTOR, ADMIN}),  # a home's ledger, hazards; the county's hazard view
    "record_safety": frozenset({DIRECTOR, ADMIN}),  # entries, photos, samples, morning checks: the home's own
    "manage_hazards": frozenset({DIRECTOR, ADMIN}),  # a hazard's owner and plan, the fix with its evidence
    "verify_hazards": frozenset({INSPECTOR, ADMIN}),  # the county verifies (closes) a major hazard
    "report_outbreak": frozenset({DIRECTOR, ADMIN}),
    "acknowledge_outbreak": frozenset({INSPECTOR, ADMIN}),
    "manage_templates": frozenset({ADMIN}),  # a county's new checklist version
    # inspections (issue 13): tasks and on-time rates, the county's compliance view and on-site
    # inspections, the province view
    "view_tasks": frozenset({DIRECTOR, INSPECTOR, ADMIN}),  # a home's tasks and on-time rates
    "view_compliance": frozenset({INSPECTOR, ADMIN}),  # the county's rates per home, its inspection plan
    "record_inspection_visit": frozenset({INSPECTOR, ADMIN}),  # an on-site inspection (现场检查): the county's act
    "view_province": frozenset({ADMIN}),  # the counties side by side
    # reports (issue 13): the archive of issued PDFs, by scope; a new version on demand
    "view_reports": frozenset({DIRECTOR, INSPECTOR, FINANCE, ADMIN}),
    "regenerate_reports": frozenset({INSPECTOR, FINANCE, ADMIN}),
    # accounts
    "view_audit": frozenset({ADMIN}),
    "manage_users": frozenset({ADMIN}),
    # the import page (each role sees the kinds its other actions allow)
    # (a director has none: the assessments file is the county's, interfaces §3)
    "use_imports": frozenset({INSPECTOR, ASSESSOR, FINANCE, ADMIN}),
}


def can(role: str | None, action: str) -> bool:
    """May a user of this role do this action (within their scope)? Unknown actions raise."""
    return role in MATRIX[action]


def roles_for(action: str) -> tuple[str, ...]:
    """The roles allowed an action, in the fixed order of ``ROLES`` (for the route guard)."""
    allowed = MATRIX[action]
    return tuple(role for role in ROLES if role in allowed)


def allow(*actions: str, **extra: Any) -> dict[str, Any]:
    """A route's ``opt``: open to the roles allowed any of these actions (plus other options)."""
    roles = {role for action in actions for role in MATRIX[action]}
    return {"access": tuple(role for role in ROLES if role in roles), "actions": actions, **extra}


def require(scope: Any, action: str, message: str | None = None) -> None:
    """Raise Forbidden unless the acting scope's role may do this (services call it first)."""
    if not can(scope.role, action):
        raise Forbidden(message or _("You do not have permission to do this."))


class Permissions:
    """``can`` in templates: ``can.record_assessment`` is True when the user's role may."""

    __slots__ = ("role",)

    def __init__(self, role: str | None):
        self.role = role

    def __getattr__(self, action: str) -> bool:
        if action not in MATRIX:
            raise AttributeError(f"no such action in the permission matrix: {action}")
        return can(self.role, action)

    def __call__(self, action: str) -> bool:
        return can(self.role, action)
