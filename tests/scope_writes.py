"""The write half of the route-walking scope test (tests/test_scope_routes.py): how the walker
fills each write route on a person (a body that succeeds for an actor in scope), the write routes
it does not walk with the reason for each, and a snapshot of the database that proves a refused
request changed nothing.

A new write route fails ``test_every_write_route_is_walked_or_listed`` until it is added to
``PERSON_WRITES`` (its path names a person) or to ``NOT_WALKED`` (with the reason).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from piccolo.conf.apps import Finder

from backend.core import dates
from backend.core.tables import LedgerHead
from backend.residents import capability
from backend.residents.rules import ITEMS
from backend.residents.tables import Resident

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PERSON = "{resident_id:int}"


@dataclass(frozen=True)
class Fill:
    """The body of a write on a person: JSON for the API, form fields for a page. ``died``: the
    route acts on a recorded death (the in-scope control person has one)."""

    body: Callable[[], dict[str, Any]]
    died: bool = False


def _today() -> str:
    return dates.today().isoformat()


def _an_hour_ago() -> str:
    """A time of death on the form (local, as the datetime-local field sends it)."""
    return dates.local(dates.now_utc() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _an_hour_ago_iso() -> str:
    return dates.local(dates.now_utc() - timedelta(hours=1)).isoformat(timespec="seconds")


def _scores() -> dict[str, int]:
    return {item.key: 0 for item in capability.spec().items}


PERSON_WRITES: dict[tuple[str, str], Fill] = {
    ("POST", f"/residents/{PERSON}/placement"): Fill(lambda: {"kind": "discharge", "event_date": _today()}),
    ("POST", f"/residents/{PERSON}/end"): Fill(lambda: {"ended_on": _today(), "reason": "迁出本县"}),
    ("POST", f"/residents/{PERSON}/condition-change"): Fill(
        lambda: {"reported_on": _today(), "reported_by": "护理员", "note": "跌倒后行走困难"}
    ),
    ("POST", f"/residents/{PERSON}/assessment"): Fill(
        lambda: {
            "assessed_on": _today(),
            "reason": "annual",
            "assessor": "评估员",
            "action": "save",
            **dict.fromkeys(ITEMS, "yes"),
        }
    ),
    ("POST", f"/residents/{PERSON}/capability"): Fill(
        lambda: {"assessed_on": _today(), "risk_events": "0", "assessor": "评估员", **{f"score_{key}": "0" for key in _scores()}}
    ),
    ("POST", f"/residents/{PERSON}/death"): Fill(lambda: {"died_at": _an_hour_ago(), "place": "本院", "confirmed": "yes"}),
    ("POST", f"/residents/{PERSON}/death/correct"): Fill(lambda: {"died_at": _an_hour_ago(), "reason": "时间记错"}, died=True),
    ("POST", f"/residents/{PERSON}/id-number"): Fill(dict),
    ("POST", f"/api/v1/residents/{PERSON}/assessments"): Fill(lambda: {"assessed_on": _today(), **dict.fromkeys(ITEMS, True)}),
    ("POST", f"/api/v1/residents/{PERSON}/capability-assessments"): Fill(lambda: {"assessed_on": _today(), "scores": _scores()}),
    ("POST", f"/api/v1/residents/{PERSON}/placements"): Fill(lambda: {"kind": "discharge", "event_date": _today()}),
    ("POST", f"/api/v1/residents/{PERSON}/condition-changes"): Fill(lambda: {"reported_on": _today(), "note": "跌倒"}),
    ("POST", f"/api/v1/residents/{PERSON}/id-number"): Fill(dict),
    ("POST", f"/api/v1/residents/{PERSON}/death"): Fill(lambda: {"died_at": _an_hour_ago_iso(), "place": "本院"}),
    ("POST", f"/api/v1/residents/{PERSON}/death/corrections"): Fill(
        lambda: {"died_at": _an_hour_ago_iso(), "reason": "时间记错"}, died=True
    ),
}

_REGISTRY = "the registry (admin only): names no person"
_COUNTY = "a record of a county (county scope: test_out_of_scope_records_are_not_found_on_every_route)"
_RUN = "a reconciliation run of a county (county scope: test_out_of_scope_records_are_not_found_on_every_route)"
_CLAIM = "a home's monthly claim (home scope: test_out_of_scope_records_are_not_found_on_every_route)"
_FILE = "persons named in an uploaded file: test_an_import_cannot_write_for_persons_out_of_write_scope"
_USERS = "users (admin only: test_out_of_scope_records_are_not_found_on_every_route gets 403 for the others)"
_QUEUE = "an application of a county's admission queue (county scope: test_out_of_scope_records_are_not_found_on_every_route)"
_APPLY = "an application of a person of the actor's county (tests/residents/test_queue.py: another county's person is not found)"
_STAFF = (
    "a home's staff, leave or duty roster (home scope: test_out_of_scope_records_are_not_found_on_every_route; tests/staffing)"
)
_NEW = "registers a new person in the actor's county (tests/residents: another county is refused)"

_STAFF = (
    "a post of a home's staff register names no person of the register (tests/test_scope_routes.py walks it by home and post)"
)

_FOOD = "a home's food samples, morning checks, canteen licence or outbreak reports name no person (home, sample and report scope: tests/test_scope_routes.py; tests/safety)"
_TEMPLATES = "a county's checklist versions (administrators only) name no person (tests/safety/test_template_versions.py)"
_SAFETY = "a home's safety ledger (entries, photos): home-scoped, walked by test_scope_routes' safety kinds"
_REPORTS = "an issued report of a county or home names no person (report scope: test_scope_routes' report kinds; tests/reports)"
_HAZARD = "a hazard of a home (home scope: test_out_of_scope_records_are_not_found_on_every_route; tests/safety/test_hazards.py)"

_VISIT = "an on-site inspection of a home names no person (home scope: test_out_of_scope_records_are_not_found_on_every_route; tests/inspections/test_visits.py)"

NOT_WALKED: dict[tuple[str, str], str] = {
    # inspections (issue 13): the county's on-site inspections
    ("POST", "/homes/{code:str}/inspections/new"): _VISIT,
    ("POST", "/api/v1/homes/{code:str}/inspection-visits"): _VISIT,
    ("POST", "/homes/{code:str}/safety/new/{routine:str}"): _SAFETY,
    ("POST", "/safety/templates/{county_code:str}/{routine:str}/edit"): _TEMPLATES,
    ("POST", "/api/v1/counties/{code:str}/safety-templates/{routine:str}"): _TEMPLATES,
    ("POST", "/homes/{code:str}/safety/entries/{entry_id:int}/photos"): _SAFETY,
    ("POST", "/api/v1/homes/{code:str}/safety-entries"): _SAFETY,
    ("POST", "/api/v1/safety-entries/{entry_id:int}/photos"): _SAFETY,
    # food and infection (issue 12)
    ("POST", "/homes/{code:str}/safety/food-sample/new"): _FOOD,
    ("POST", "/homes/{code:str}/safety/samples/{sample_id:int}/discard"): _FOOD,
    ("POST", "/homes/{code:str}/safety/morning-check/new"): _FOOD,
    ("POST", "/homes/{code:str}/safety/licence"): _FOOD,
    ("POST", "/homes/{code:str}/outbreaks"): _FOOD,
    ("POST", "/counties/{code:str}/outbreaks/{report_id:int}/acknowledge"): _FOOD,
    ("POST", "/api/v1/food-samples/{sample_id:int}/discard"): _FOOD,
    ("POST", "/api/v1/homes/{code:str}/canteen-licence"): _FOOD,
    ("POST", "/api/v1/homes/{code:str}/outbreaks"): _FOOD,
    ("POST", "/api/v1/outbreaks/{report_id:int}/acknowledge"): _FOOD,
    ("POST", "/homes/{code:str}/staff/new"): _STAFF,
    ("POST", "/homes/{code:str}/staff/{staff_no:str}"): _STAFF,
    ("POST", "/homes/{code:str}/staff/{staff_no:str}/end"): _STAFF,
    ("POST", "/homes/{code:str}/staff/{staff_no:str}/training"): _STAFF,
    ("POST", "/api/v1/homes/{code:str}/staff"): _STAFF,
    ("PATCH", "/api/v1/homes/{code:str}/staff/{staff_no:str}"): _STAFF,
    ("POST", "/api/v1/homes/{code:str}/staff/{staff_no:str}/training"): _STAFF,
    ("POST", "/login"): "public: signs in",
    ("POST", "/logout"): "the caller's own session",
    ("POST", "/account/password"): "the caller's own account",
    ("POST", "/account/tokens"): "the caller's own API token",
    ("POST", "/counties/new"): _REGISTRY,
    ("POST", "/counties/{code:str}/edit"): _REGISTRY,
    ("POST", "/counties/{code:str}/parameters"): _REGISTRY,
    ("POST", "/homes/new"): _REGISTRY,
    ("POST", "/homes/{code:str}/edit"): _REGISTRY,
    ("POST", "/api/v1/counties"): _REGISTRY,
    ("PATCH", "/api/v1/counties/{code:str}"): _REGISTRY,
    ("POST", "/api/v1/counties/{code:str}/parameters"): _REGISTRY,
    ("POST", "/api/v1/homes"): _REGISTRY,
    ("PATCH", "/api/v1/homes/{code:str}"): _REGISTRY,
    ("POST", "/users/new"): _USERS,
    ("POST", "/users/{user_id:int}/edit"): _USERS,
    ("POST", "/users/{user_id:int}/password"): _USERS,
    ("POST", "/users/{user_id:int}/disable"): _USERS,
    ("POST", "/users/{user_id:int}/enable"): _USERS,
    ("POST", "/import"): _FILE,
    ("POST", "/import/confirm"): _FILE,
    ("POST", "/residents/new"): _NEW,
    ("POST", "/api/v1/residents"): _NEW,
    ("POST", "/counties/{code:str}/deaths/notices/seen"): _COUNTY,
    ("POST", "/counties/{code:str}/deaths/subsidy"): _COUNTY,
    ("POST", "/counties/{code:str}/standards/new"): _COUNTY,
    ("POST", "/counties/{code:str}/standards/floors"): _COUNTY,
    ("POST", "/api/v1/counties/{code:str}/stipend-floors"): _COUNTY,
    ("POST", "/stipends/reconcile"): "reconciles a county's month (county chosen in the form, checked by the service)",
    ("POST", "/api/v1/counties/{code:str}/stipend-runs"): _COUNTY,
    ("POST", "/stipends/runs/{run_id:str}/review"): _RUN,
    ("POST", "/stipends/runs/{run_id:str}/approve"): _RUN,
    ("POST", "/api/v1/counties/{code:str}/stipend-runs/{run_id:str}/reviews"): _RUN,
    ("POST", "/api/v1/counties/{code:str}/stipend-runs/{run_id:str}/approve"): _RUN,
    ("POST", "/homes/{code:str}/claims"): _CLAIM + "; its lines are the persons placed in the home on the day before the 1st",
    ("POST", "/stipends/claims/{claim_id:int}/submit"): _CLAIM,
    ("POST", "/stipends/claims/{claim_id:int}/reconcile"): _CLAIM,
    ("POST", "/stipends/claims/{claim_id:int}/approve"): _CLAIM,
    ("POST", "/homes/{code:str}/leave"): _STAFF,
    ("POST", "/homes/{code:str}/leave/{leave_id:int}/return"): _STAFF,
    ("POST", "/homes/{code:str}/leave/{leave_id:int}/cancel"): _STAFF,
    ("POST", "/homes/{code:str}/duty"): _STAFF,
    ("POST", "/api/v1/homes/{code:str}/leave"): _STAFF,
    ("POST", "/api/v1/homes/{code:str}/leave/{leave_id:int}/return"): _STAFF,
    ("POST", "/api/v1/homes/{code:str}/leave/{leave_id:int}/cancel"): _STAFF,
    ("PUT", "/api/v1/homes/{code:str}/duty"): _STAFF,
    # safety (issue 12): a home's own settings (home scope: tests/safety/test_settings.py)
    ("POST", "/homes/{code:str}/safety/settings"): (
        "a home's meal windows and night slots (home scope: test_out_of_scope_records_are_not_found_on_every_route; "
        "tests/safety/test_settings.py)"
    ),
    ("POST", "/counties/{code:str}/admission-queue/new"): _APPLY,
    ("POST", "/api/v1/admission-applications"): _APPLY,
    ("POST", "/admission-applications/{application_id:int}/{step:str}"): _QUEUE,
    ("POST", "/api/v1/admission-applications/{application_id:int}/offer"): _QUEUE,
    ("POST", "/api/v1/admission-applications/{application_id:int}/accept"): _QUEUE,
    ("POST", "/api/v1/admission-applications/{application_id:int}/decline"): _QUEUE,
    ("POST", "/api/v1/admission-applications/{application_id:int}/withdraw"): _QUEUE,
    # safety: hazards
    ("POST", "/homes/{code:str}/hazards"): _HAZARD,
    ("POST", "/homes/{code:str}/hazards/{hazard_id:int}/plan"): _HAZARD,
    ("POST", "/homes/{code:str}/hazards/{hazard_id:int}/fix"): _HAZARD,
    ("POST", "/homes/{code:str}/hazards/{hazard_id:int}/verify"): _HAZARD,
    ("POST", "/homes/{code:str}/hazards/{hazard_id:int}/reject"): _HAZARD,
    ("POST", "/api/v1/homes/{code:str}/hazards"): _HAZARD,
    ("POST", "/api/v1/hazards/{hazard_id:int}/plan"): _HAZARD,
    ("POST", "/api/v1/hazards/{hazard_id:int}/fix"): _HAZARD,
    ("POST", "/api/v1/hazards/{hazard_id:int}/verify"): _HAZARD,
    ("POST", "/api/v1/hazards/{hazard_id:int}/reject"): _HAZARD,
    # notices (issue 13): the caller's own notices and setting, no record named in the path
    ("POST", "/notices/read"): "the caller's own notices",
    ("POST", "/account/notices"): "the caller's own notice setting",
    # reports (issue 13)
    ("POST", "/reports/{report_id:int}/regenerate"): _REPORTS,
    ("POST", "/reports/verify"): "a public check of an uploaded file: it writes nothing (tests/reports/test_pages.py)",
}


async def database_state(resident_ids: list[int]) -> dict[str, Any]:
    """What a refused request must not change: the number of rows of every table, the head of
    every hash-chained ledger (the audit log included, which every write appends to), and the
    register rows of the persons concerned."""
    counts = {table._meta.tablename: await table.count() for table in Finder().get_table_classes()}
    heads = {row["name"]: (row["seq"], row["last_hash"]) for row in await LedgerHead.select()}
    people = await Resident.select().where(Resident.id.is_in(resident_ids)).order_by(Resident.id) if resident_ids else []
    return {"counts": counts, "heads": heads, "people": people}
