"""The permission matrix, compared with the table written out here by hand: a change to who may
do what must be made in both places, on purpose."""

from __future__ import annotations

import pytest

from backend.core import permissions
from backend.core.errors import Forbidden
from backend.core.permissions import Permissions, allow, can, require, roles_for
from backend.core.security import Scope

# action: (director, inspector, assessor, finance, admin)
EXPECTED = {
    "view_counties": (0, 1, 0, 1, 1),
    "manage_registry": (0, 0, 0, 0, 1),
    "view_register": (0, 1, 1, 1, 1),
    "register_residents": (0, 1, 0, 0, 1),
    "record_placement": (1, 1, 0, 0, 1),
    "record_emergency_admission": (0, 1, 0, 0, 1),
    "record_assessment": (0, 1, 1, 0, 1),
    "record_observation": (1, 0, 0, 0, 0),
    "report_condition_change": (1, 1, 1, 0, 1),
    "record_capability": (1, 1, 1, 0, 1),
    "reveal_id_number": (0, 1, 0, 1, 1),
    "view_admission_queue": (1, 1, 0, 1, 1),
    "manage_admission_queue": (0, 1, 0, 0, 1),
    "view_concentration_rate": (0, 1, 0, 1, 1),
    "report_death": (1, 1, 0, 0, 1),
    "view_deaths": (0, 1, 0, 1, 1),
    "import_deaths": (0, 1, 0, 0, 1),
    "set_funeral_subsidy": (0, 0, 0, 0, 1),
    "set_standards": (0, 0, 0, 1, 1),
    "import_payments": (0, 0, 0, 1, 1),
    "import_claims": (0, 1, 0, 1, 1),
    "view_reconciliation": (0, 1, 0, 1, 1),
    "review_reconciliation": (0, 0, 0, 1, 1),
    "view_claims": (1, 1, 0, 1, 1),
    "prepare_claims": (1, 0, 0, 0, 1),
    "check_claims": (0, 0, 0, 1, 1),
    "view_county_claims": (0, 1, 0, 1, 1),
    "view_staffing": (1, 1, 0, 1, 1),
    "manage_staff": (1, 1, 0, 0, 1),
    "manage_roster": (1, 0, 0, 0, 1),
    "import_staff": (0, 1, 0, 0, 1),
    # (director, inspector, assessor, finance, admin)
    "view_safety": (1, 1, 0, 0, 1),
    "record_safety": (1, 0, 0, 0, 1),
    "manage_hazards": (1, 0, 0, 0, 1),
    "verify_hazards": (0, 1, 0, 0, 1),
    "report_outbreak": (1, 0, 0, 0, 1),
    "acknowledge_outbreak": (0, 1, 0, 0, 1),
    "manage_templates": (0, 0, 0, 0, 1),
    # inspections (issue 13)
    "view_tasks": (1, 1, 0, 0, 1),
    "view_compliance": (0, 1, 0, 0, 1),
    "record_inspection_visit": (0, 1, 0, 0, 1),
    "view_province": (0, 0, 0, 0, 1),
    # reports (issue 13)
    "view_reports": (1, 1, 0, 1, 1),
    "regenerate_reports": (0, 1, 0, 1, 1),
    "view_audit": (0, 0, 0, 0, 1),
    "manage_users": (0, 0, 0, 0, 1),
    "use_imports": (0, 1, 1, 1, 1),
}
ROLES = ("director", "inspector", "assessor", "finance", "admin")


def test_the_matrix_has_exactly_the_actions_written_out_here():
    assert set(permissions.MATRIX) == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("index", range(len(ROLES)), ids=ROLES)
def test_every_role_and_action(action, index):
    role = ROLES[index]
    expected = bool(EXPECTED[action][index])
    assert can(role, action) is expected
    assert (role in roles_for(action)) is expected
    assert getattr(Permissions(role), action) is expected
    assert (role in allow(action)["access"]) is expected
    scope = Scope(user_id=1, username="someone", role=role)
    if expected:
        require(scope, action)
    else:
        with pytest.raises(Forbidden):
            require(scope, action, "refused")


def test_unknown_roles_and_actions():
    assert not can(None, "view_claims")
    assert not can("caretaker", "view_claims")
    assert not Permissions(None).view_claims
    with pytest.raises(KeyError):
        can("admin", "launch_rockets")
    with pytest.raises(AttributeError):
        Permissions("admin").launch_rockets  # noqa: B018 - a typo in a template must fail loudly


def test_allow_joins_actions_and_keeps_other_options():
    opt = allow("prepare_claims", "check_claims", multiline=("note",))
    assert opt["access"] == ("director", "finance", "admin")
    assert opt["multiline"] == ("note",)
    assert opt["actions"] == ("prepare_claims", "check_claims")


def test_every_role_has_a_scope_kind():
    assert permissions.SCOPES == {
        "director": "home",
        "inspector": "county",
        "assessor": "county",
        "finance": "county",
        "admin": "all",
    }
    for role in ROLES:
        assert Scope(user_id=1, username="x", role=role).kind == permissions.SCOPES[role]
