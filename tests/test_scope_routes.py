"""Scope over every route the app has: the route table is walked, so a new route without an
access rule or without a scope rule here fails these tests.

A director of home A, an inspector and a finance officer of county X ask for things of home B
in county Y: the answer is 404 (or 403 where their role may not use the route at all), nothing
changes in the database, and no list they can open mentions home B or county Y.

Writes are "now", not "ever" (tests/scope_writes.py): every write route (POST, PUT, PATCH,
DELETE) on a person is tried, with a body that succeeds in scope, on persons of another home or
county and on the director's former residents (transferred out, discharged, died after
leaving): 404 and nothing changed. A write route that names no person in its path is listed
there with the reason it is not walked; an unlisted one fails.
"""

import random
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from backend.core import dates
from backend.core.security import ROLES, Scope
from backend.core.web import PUBLIC, USER, access_rule
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.residents import services as residents
from backend.residents.queue_schemas import ApplicationIn
from backend.residents.schemas import PlacementIn, ResidentIn
from backend.staffing import services as staffing
from backend.staffing.schemas import StaffIn
from backend.stipends import claims as stipend_claims
from backend.stipends import services as stipend_services
from tests.conftest import post_form
from tests.residents.helpers import new_id, register_person
from tests.residents.test_imports import ASSESSMENT_HEADERS, as_csv
from tests.scope_writes import NOT_WALKED, PERSON_WRITES, WRITE_METHODS, database_state
from tests.stipends.helpers import import_standard

# Path parameter → which kind of record it names (so the test can pick an out-of-scope one).
PARAMETER_KINDS = [
    (re.compile(r"^(/api/v1)?/homes/\{code:str\}/staff/\{staff_no:str\}"), "staff"),  # a post of the home's staff
    # food and infection (issue 12): a food sample and an outbreak report of home B
    (re.compile(r"^/homes/\{code:str\}/safety/samples/\{sample_id:int\}"), "home_sample"),
    (re.compile(r"^/api/v1/food-samples/\{sample_id:int\}"), "sample"),
    (re.compile(r"^/counties/\{code:str\}/outbreaks/\{report_id:int\}"), "county_outbreak"),
    (re.compile(r"^/api/v1/outbreaks/\{report_id:int\}"), "outbreak"),
    (re.compile(r"^(/api/v1)?/counties/\{code:str\}"), "county"),
    (re.compile(r"^/safety/templates/\{county_code:str\}"), "template_county"),  # a county's checklists (administrators)
    (re.compile(r"^(/api/v1)?/homes/\{code:str\}/leave/\{leave_id:int\}"), "leave"),
    (re.compile(r"^(/api/v1)?/homes/\{code:str\}(/safety/entries/|/safety-entries/)\{entry_id:int\}"), "safety_entry"),
    (re.compile(r"^/homes/\{code:str\}/safety/photos/\{photo_id:int\}"), "safety_photo"),
    (re.compile(r"^/api/v1/safety-entries/\{entry_id:int\}"), "safety_entry_id"),
    (re.compile(r"^/homes/\{code:str\}/hazards/\{hazard_id:int\}"), "home_hazard"),  # safety: a hazard of the home
    (re.compile(r"^(/api/v1)?/homes/\{code:str\}"), "home"),
    (re.compile(r"^(/api/v1)?/residents/\{resident_id:int\}"), "resident"),
    (re.compile(r"^/stipends/runs/\{run_id:str\}"), "run"),
    (re.compile(r"^/stipends/claims/\{claim_id:int\}"), "claim"),
    (re.compile(r"^/users/\{user_id:int\}"), "user"),  # the administrator's alone: others get 403
    (re.compile(r"^(/api/v1)?/admission-applications/\{application_id:int\}"), "application"),
    (re.compile(r"^/api/v1/hazards/\{hazard_id:int\}"), "hazard"),  # safety: a hazard (its home's scope)
    # reports (issue 13): an issued report of county Y
    (re.compile(r"^/reports/\{name:str\}$"), "report_file"),
    (re.compile(r"^(/api/v1)?/reports/\{report_id:int\}"), "report_id"),
]
PARAMETER_PLACEHOLDERS = {
    "staff": r"\{code:str\}/staff/\{staff_no:str\}",
    "county": r"\{code:str\}",
    "template_county": r"\{county_code:str\}",
    "home": r"\{code:str\}",
    "leave": r"\{code:str\}/leave/\{leave_id:int\}",
    "safety_entry": r"\{code:str\}(?P<sep>/safety/entries/|/safety-entries/)\{entry_id:int\}",
    "safety_photo": r"\{code:str\}/safety/photos/\{photo_id:int\}",
    "safety_entry_id": r"\{entry_id:int\}",
    "resident": r"\{resident_id:int\}",
    "run": r"\{run_id:str\}",
    "claim": r"\{claim_id:int\}",
    "user": r"\{user_id:int\}",
    "application": r"\{application_id:int\}",
    "home_sample": r"\{code:str\}/safety/samples/\{sample_id:int\}",
    "sample": r"\{sample_id:int\}",
    "county_outbreak": r"\{code:str\}/outbreaks/\{report_id:int\}",
    "outbreak": r"\{report_id:int\}",
    "hazard": r"\{hazard_id:int\}",
    "home_hazard": r"\{code:str\}/hazards/\{hazard_id:int\}",
    "report_file": r"\{name:str\}",
    "report_id": r"\{report_id:int\}",
}
# Public routes whose parameter names no record.
PUBLIC_PARAMETER_ROUTES = {"/lang/{code:str}", "/static/{file_path:path}", "/static/swagger/{file_path:path}"}


def routes(app):
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                if method in ("HEAD", "OPTIONS"):
                    continue
                yield route.path, method, handler


def kind_of(path: str) -> str | None:
    for pattern, kind in PARAMETER_KINDS:
        if pattern.match(path):
            return kind
    return None


def test_every_route_declares_who_may_use_it(app):
    undeclared = []
    for path, method, handler in routes(app):
        rule = access_rule(handler, path)
        if rule in (PUBLIC, USER):
            continue
        if isinstance(rule, tuple) and rule and all(role in ROLES for role in rule):
            continue
        undeclared.append(f"{method} {path}: {rule!r}")
    assert not undeclared, "routes without a valid opt['access']: " + ", ".join(undeclared)


def test_every_route_with_a_record_parameter_has_a_scope_rule_here(app):
    unknown = []
    for path, method, handler in routes(app):
        if "{" not in path or path in PUBLIC_PARAMETER_ROUTES or access_rule(handler, path) == PUBLIC:
            continue
        if kind_of(path) is None:
            unknown.append(f"{method} {path}")
    assert not unknown, "add these routes to PARAMETER_KINDS (and check their scope): " + ", ".join(unknown)


async def _report_of(county: str) -> int:
    """An issued report of the county (its row: the scope is decided before the file is read)."""
    from backend.registry import services as registry
    from backend.reports.tables import ReportFile
    from backend.reports.verification import new_code

    county_id = (await registry.find_county(Scope.system(), county))["id"]
    row = ReportFile(
        kind="county-monthly",
        period="2024-03",
        unit=county,
        county=county_id,
        version=1,
        code=new_code(),
        sha256="0" * 64,
        size=1,
        pages=1,
        path="none.pdf",
        issued_at=dates.now_utc(),
        issued_by="test",
    )
    await row.save()
    return row.id


async def _leave_in(home: str) -> int:
    from backend.registry import services as registry
    from backend.staffing.tables import StaffLeave, StaffMember

    now = dates.now_utc()
    staff = StaffMember(
        home=(await registry.find_home(Scope.system(), home))["id"],
        staff_no="L1",
        name="外员LEAKSTAFF",
        post="carer",
        hired_on=date(2024, 1, 1),
        created_at=now,
        updated_at=now,
    )
    await staff.save()
    leave = StaffLeave(
        staff=staff.id,
        first_day=date(2024, 3, 1),
        last_day=date(2024, 3, 2),
        approved_by="院长",
        recorded_at=now,
        recorded_by="test",
    )
    await leave.save()
    return leave.id


async def _safety_entry_in(home: str) -> tuple[int, int]:
    from backend.safety import services as safety
    from tests.safety.helpers import entry_in
    from tests.safety.images import jpeg

    entry, _created = await safety.record_entry(Scope.system(), home, await entry_in(home, fail={"exits_clear": "外院LEAKHOME"}))
    photo = await safety.add_photo(Scope.system(), entry.id, jpeg(), "b.jpg", item_key="exits_clear")
    return entry.id, photo.id


async def _food_in(home: str) -> tuple[int, int]:
    """A food sample (through a food_sample entry) and an outbreak report of ``home``."""
    from backend.safety import services as safety
    from tests.safety.food_helpers import earlier_today
    from tests.safety.helpers import director_scope, entry_in, home_row

    row = await home_row(home)
    moment = earlier_today(0.25)
    details = {
        "meal": "lunch",
        "samples": [{"dish": "外菜LEAKDISH", "grams": 150, "taken_at": moment.isoformat(), "keeper": "外人"}],
    }
    entry, _created = await safety.record_entry(
        director_scope(row), home, await entry_in(home, "food_sample", performed_at=moment, details=details)
    )
    report = await safety.report_outbreak(director_scope(row), home, safety.OutbreakIn(symptom="fever"))
    samples = await safety.list_samples(director_scope(row), home)
    return samples[0].id, report.id


async def _hazard_in(home: str) -> int:
    from backend.registry import services as registry
    from backend.safety import services as safety
    from backend.safety.hazard_schemas import FixIn, ManualHazardIn

    row = await registry.find_home(Scope.system(), home)
    director = Scope(user_id=None, username="test", role="director", county_id=row["county_id"], home_id=row["id"])
    opened = await safety.open_hazard(director, home, ManualHazardIn(title="外院LEAKHOME隐患", major=True))
    await safety.record_fix(director, opened.hazard.id, FixIn(note="已整改"))
    return opened.hazard.id


@pytest.fixture
async def two_worlds(world, signed_in, bearer):
    county_x = await world.county(name="本县")
    home_a = await world.home(county=county_x, name="本院")
    county_y = await world.county(name="外县LEAKCOUNTY")
    home_b = await world.home(county=county_y, name="外院LEAKHOME")
    outsider = await register_person(
        Scope.system(),
        ResidentIn(
            id_number=new_id("F"),
            name="外人LEAKPERSON",
            county_code=county_y,
            approved_on=date(2024, 1, 1),
            home_code=home_b,
            admitted_on=date(2024, 1, 2),
        ),
    )
    # A reconciliation run and a monthly claim of county Y (stipends).
    await import_standard(county_y, "2024-01")
    run = await stipend_services.reconcile(Scope.system(), county_y, date(2024, 3, 1), "payments")
    claim = await stipend_claims.generate_claim(Scope.system(), home_b, date(2024, 3, 1))
    # An application of county Y's admission queue, naming home B.
    waiting = await residents.register_resident(
        Scope.system(),
        ResidentIn(id_number=new_id("M"), name="外人LEAKPERSON", county_code=county_y, approved_on=date(2024, 1, 1)),
    )
    application = await residents.record_application(
        Scope.system(),
        ApplicationIn(resident_id=waiting.id, applicant="self", applied_on=date(2024, 2, 1), preferred_home_code=home_b),
    )
    # A post of home B's staff register.
    await staffing.create_staff(
        Scope.system(), home_b, StaffIn(staff_no="B001", name="外人LEAKPERSON", post="carer", hired_on=date(2024, 1, 2))
    )
    # A leave of a staff member of home B (staffing).
    leave_b = await _leave_in(home_b)
    # A fire patrol of home B with a photo (safety ledgers).
    safety_b, photo_b = await _safety_entry_in(home_b)
    # A food sample and an outbreak report of home B (safety).
    sample_b, report_b = await _food_in(home_b)
    # A major hazard of home B, fixed and waiting for its county's verification (safety).
    hazard_b = await _hazard_in(home_b)
    report_file_b = await _report_of(county_y)
    people = {}
    for role, home, county in (
        ("director", home_a, None),
        ("inspector", None, county_x),
        ("finance", None, county_x),
    ):
        client, user = await signed_in(role, home=home, county=county)
        people[role] = (client, user, await bearer(user))
    return {
        "county_y": county_y,
        "home_b": home_b,
        "resident_b": str(outsider.id),
        "home_a": home_a,
        "county_x": county_x,
        "people": people,
        "run_b": run.run_id,
        "claim_b": str(claim.id),
        "application_b": str(application.id),
        "staff_b": f"{home_b}/staff/B001",
        "leave_b": f"{home_b}/leave/{leave_b}",
        "safety_entry_b": f"{home_b}\\g<sep>{safety_b}",
        "safety_photo_b": f"{home_b}/safety/photos/{photo_b}",
        "safety_entry_id_b": str(safety_b),
        "hazard_b": str(hazard_b),
        "home_hazard_b": f"{home_b}/hazards/{hazard_b}",
        "user_b": str((await world.user("director", home=home_b)).id),
        "home_sample_b": f"{home_b}/safety/samples/{sample_b}",
        "sample_b": str(sample_b),
        "county_outbreak_b": f"{county_y}/outbreaks/{report_b}",
        "report_b": str(report_b),
        "report_file_b": f"{report_file_b}.pdf",
        "report_id_b": str(report_file_b),
    }


# A valid body for API writes, so the answer is decided by scope and not by validation.
_SIX = {"eat": True, "dress": True, "transfer": True, "toilet": True, "walk": True, "bathe": True}
API_BODIES = [
    (re.compile(r"/assessments$"), {"assessed_on": "2024-03-01", **_SIX}),
    (re.compile(r"/capability-assessments$"), {"assessed_on": "2024-03-01", "scores": {}}),
    (re.compile(r"/placements$"), {"kind": "discharge", "event_date": "2024-03-01"}),
    (re.compile(r"/leave/\d+/return$"), {"returned_on": "2024-03-02"}),
    (
        re.compile(r"/homes/[^/]+/leave$"),
        {"staff_id": 1, "first_day": "2024-03-01", "last_day": "2024-03-01", "approved_by": "院长"},
    ),
    (re.compile(r"/condition-changes$"), {"reported_on": "2024-03-01", "note": "跌倒"}),
    (
        re.compile(r"/stipend-floors$"),
        {"kind": "dibao", "area": "rural", "effective_from": "2026-01", "amount": "600", "ratio": "1.3", "source": "测试"},
    ),
    (re.compile(r"/admission-applications/\d+/offer$"), {"home_code": "X", "offered_on": "2024-03-01"}),
    (re.compile(r"/admission-applications/\d+/accept$"), {"admitted_on": "2024-03-01"}),
    (re.compile(r"/admission-applications/\d+/(decline|withdraw)$"), {"on": "2024-03-01", "reason": "本人撤回"}),
    (re.compile(r"/staff$"), {"staff_no": "X1", "name": "李桂兰", "post": "carer", "hired_on": "2024-01-02"}),
    (re.compile(r"/staff/[^/]+/training$"), {"topic": "fire", "trained_on": "2024-03-01", "hours": 2}),
    (re.compile(r"/staff/[^/]+$"), {"name": "改名"}),
    (
        re.compile(r"/safety-entries$"),
        {"client_id": "scope-test-1", "routine": "fire_patrol", "performed_at": "2024-03-01T09:00:00+08:00", "items": []},
    ),
    (re.compile(r"/canteen-licence$"), {"number": "JY1", "expires_on": "2030-01-01"}),
    (re.compile(r"/homes/[^/]+/outbreaks$"), {"symptom": "fever"}),
    (re.compile(r"/hazards/\d+/plan$"), {"owner": "王师傅", "plan": "整改"}),
    (re.compile(r"/hazards/\d+/fix$"), {"note": "已整改"}),
    (re.compile(r"/hazards/\d+/reject$"), {"reason": "未整改到位"}),
    (re.compile(r"/homes/[^/]+/hazards$"), {"title": "楼道堆物"}),
    # inspections (issue 13): an on-site inspection
    (re.compile(r"/homes/[^/]+/inspection-visits$"), {"visited_on": "2024-03-01", "findings": "消防通道畅通"}),
]


def _body_for(path: str) -> dict:
    for pattern, body in API_BODIES:
        if pattern.search(path):
            return body
    return {}


async def _request(client, method, path, headers):
    if path.startswith("/api/"):
        return await client.request(method, path, headers=headers, json=_body_for(path) if method != "GET" else None)
    if method == "GET":
        return await client.get(path)
    return await post_form(client, path, {})


async def test_out_of_scope_records_are_not_found_on_every_route(app, two_worlds):
    checked = 0
    before = await database_state([int(two_worlds["resident_b"])])
    for path, method, handler in routes(app):
        kind = kind_of(path)
        if kind is None:
            continue
        value = {
            "county": two_worlds["county_y"],
            "template_county": two_worlds["county_y"],
            "home": two_worlds["home_b"],
            "resident": two_worlds["resident_b"],
            "run": two_worlds["run_b"],
            "claim": two_worlds["claim_b"],
            "user": two_worlds["user_b"],
            "application": two_worlds["application_b"],
            "staff": two_worlds["staff_b"],
            "leave": two_worlds["leave_b"],
            "safety_entry": two_worlds["safety_entry_b"],
            "safety_photo": two_worlds["safety_photo_b"],
            "safety_entry_id": two_worlds["safety_entry_id_b"],
            "home_sample": two_worlds["home_sample_b"],
            "sample": two_worlds["sample_b"],
            "county_outbreak": two_worlds["county_outbreak_b"],
            "outbreak": two_worlds["report_b"],
            "hazard": two_worlds["hazard_b"],
            "home_hazard": two_worlds["home_hazard_b"],
            "report_file": two_worlds["report_file_b"],
            "report_id": two_worlds["report_id_b"],
        }[kind]
        concrete = re.sub(PARAMETER_PLACEHOLDERS[kind], value, path)
        rule = access_rule(handler, path)
        for role, (client, _user, headers) in two_worlds["people"].items():
            response = await _request(client, method, concrete, headers)
            allowed = rule == USER or (isinstance(rule, tuple) and role in rule)
            expected = 404 if allowed else 403
            assert response.status_code == expected, f"{role} {method} {concrete}: {response.status_code}"
            checked += 1
    assert checked >= 30
    assert await database_state([int(two_worlds["resident_b"])]) == before, "an out-of-scope request wrote something"


async def test_no_list_a_user_can_open_mentions_another_scope(app, two_worlds):
    opened = 0
    for path, method, handler in routes(app):
        if method != "GET" or "{" in path or access_rule(handler, path) == PUBLIC:
            continue
        for role, (client, _user, headers) in two_worlds["people"].items():
            response = await client.get(path, headers=headers if path.startswith("/api/") else None)
            if response.status_code != 200:
                continue
            opened += 1
            for secret in ("LEAKHOME", "LEAKCOUNTY", "LEAKPERSON", two_worlds["home_b"], two_worlds["county_y"]):
                assert secret not in response.text, f"{role} sees {secret} at {path}"
    assert opened >= 8


async def test_own_records_are_visible(two_worlds):
    director, _user, headers = two_worlds["people"]["director"]
    assert (await director.get(f"/homes/{two_worlds['home_a']}")).status_code == 200
    assert (await director.get(f"/api/v1/homes/{two_worlds['home_a']}", headers=headers)).status_code == 200
    inspector, _user, headers = two_worlds["people"]["inspector"]
    assert (await inspector.get(f"/counties/{two_worlds['county_x']}")).status_code == 200
    response = await inspector.get("/api/v1/homes", headers=headers)
    assert [home["code"] for home in response.json()] == [two_worlds["home_a"]]


async def test_finance_cannot_edit_homes_of_its_own_county(two_worlds):
    client, _user, headers = two_worlds["people"]["finance"]
    home = two_worlds["home_a"]
    page = await post_form(client, f"/homes/{home}/edit", {"name": "改名", "beds": "1"})
    assert page.status_code == 403
    api = await client.patch(f"/api/v1/homes/{home}", headers=headers, json={"name": "改名"})
    assert api.status_code == 403
    unchanged = await client.get(f"/api/v1/homes/{home}", headers=headers)
    assert unchanged.json()["name"] == "本院"


async def test_the_api_ignores_the_session_cookie(two_worlds):
    client, _user, _headers = two_worlds["people"]["inspector"]
    response = await client.get("/api/v1/homes")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


# --- writes are "now", not "ever" ------------------------------------------------------------


def test_every_write_route_is_walked_or_listed(app):
    problems, present = [], set()
    for path, method, _handler in routes(app):
        if method not in WRITE_METHODS:
            continue
        present.add((method, path))
        if kind_of(path) == "resident":
            if (method, path) not in PERSON_WRITES:
                problems.append(f"{method} {path}: add the body of a write that succeeds in scope to PERSON_WRITES")
            elif not path.startswith("/api/") and method != "POST":
                problems.append(f"{method} {path}: the walker sends pages an HTML form (POST)")
        elif (method, path) not in NOT_WALKED:
            problems.append(f"{method} {path}: list it in NOT_WALKED with the reason it is not walked on persons")
    problems += [
        f"{method} {path}: listed in tests/scope_writes.py but not a route"
        for method, path in (set(PERSON_WRITES) | set(NOT_WALKED)) - present
    ]
    assert not problems, "\n".join(problems)


def _person_id() -> str:
    return new_id(random.choice("MF"), date(1930, 1, 1) + timedelta(days=random.randrange(15_000)))


@pytest.fixture
async def former_world(world, signed_in, bearer):
    """Home A (the director's) and home C in county X, home B in county Y; persons of B and of C,
    and three former residents of A: transferred to C, discharged, discharged and then died."""
    system = Scope.system("test")
    county_x, county_y = await world.county(), await world.county()
    home_a, home_c = await world.home(county=county_x, beds=200), await world.home(county=county_x, beds=200)
    home_b = await world.home(county=county_y)

    async def person(home: str, county: str) -> int:
        return (
            await register_person(
                system,
                ResidentIn(
                    id_number=_person_id(),
                    name="王秀英",
                    county_code=county,
                    approved_on=date(2024, 1, 1),
                    home_code=home,
                    admitted_on=date(2024, 1, 2),
                ),
            )
        ).id

    left = date(2024, 6, 3)
    targets = {"other_county": await person(home_b, county_y), "other_home": await person(home_c, county_x)}
    targets["transferred"] = await person(home_a, county_x)
    await residents.record_placement(
        system, targets["transferred"], PlacementIn(kind="transfer", event_date=left, home_code=home_c)
    )
    for name in ("discharged", "died_elsewhere"):
        targets[name] = await person(home_a, county_x)
        await residents.record_placement(system, targets[name], PlacementIn(kind="discharge", event_date=left))
    await deaths.report_death(system, targets["died_elsewhere"], DeathIn(died_at=datetime(2024, 8, 1, 10, 0, tzinfo=UTC)))
    people = {}
    for role, home, county in (("director", home_a, None), ("inspector", None, county_x), ("finance", None, county_x)):
        client, user = await signed_in(role, home=home, county=county)
        people[role] = (client, await bearer(user))

    async def in_scope(died: bool) -> int:
        """A current resident of home A: in everyone's write scope (the control)."""
        resident_id = await person(home_a, county_x)
        if died:
            await deaths.report_death(system, resident_id, DeathIn(died_at=dates.now_utc() - timedelta(hours=2)))
        return resident_id

    return {"targets": targets, "people": people, "in_scope": in_scope, "home_a": home_a, "home_c": home_c, "county_x": county_x}


# Who may not write for whom: the director for every former resident and every other home's
# person, the county's staff for another county's person (a person never changes county).
OUT_OF_WRITE_SCOPE = {
    "director": ("other_county", "other_home", "transferred", "discharged", "died_elsewhere"),
    "inspector": ("other_county",),
    "finance": ("other_county",),
}


async def _write(client, headers, method: str, path: str, body: dict):
    if path.startswith("/api/"):
        return await client.request(method, path, headers=headers, json=body)
    return await post_form(client, path, body)


async def test_writes_on_persons_out_of_write_scope_are_not_found_and_change_nothing(app, former_world):
    targets, people = former_world["targets"], former_world["people"]
    walked = 0
    for path, method, handler in routes(app):
        if method not in WRITE_METHODS or kind_of(path) != "resident":
            continue
        fill = PERSON_WRITES[(method, path)]
        rule = access_rule(handler, path)
        before = await database_state(list(targets.values()))
        for role, names in OUT_OF_WRITE_SCOPE.items():
            client, headers = people[role]
            for name in names:
                concrete = path.replace("{resident_id:int}", str(targets[name]))
                response = await _write(client, headers, method, concrete, fill.body())
                expected = 404 if rule == USER or role in rule else 403
                assert response.status_code == expected, (
                    f"{role} {method} {path} on {name}: {response.status_code} {response.text[:300]}"
                )
                walked += 1
        assert await database_state(list(targets.values())) == before, f"{method} {path} changed the database"
        # The control: the same body from the same kind of actor succeeds for a person in scope,
        # so the 404s above are the scope's and not the body's.
        role = next(role for role in ("director", "inspector", "finance") if rule == USER or role in rule)
        client, headers = people[role]
        control = path.replace("{resident_id:int}", str(await former_world["in_scope"](fill.died)))
        response = await _write(client, headers, method, control, fill.body())
        assert response.status_code < 400, f"control: {role} {method} {control}: {response.status_code} {response.text[:300]}"
    assert walked >= 50


async def test_an_import_cannot_write_for_persons_out_of_write_scope(former_world, system):
    targets, people = former_world["targets"], former_world["people"]
    numbers = {
        name: (await residents.get_resident(system, resident_id)).id_number_masked for name, resident_id in targets.items()
    }
    full = {name: await residents.reveal_id_number(system, resident_id) for name, resident_id in targets.items()}
    assert all(full[name].endswith(numbers[name][-4:]) for name in targets)
    today = dates.today().isoformat()

    def assessments(*names):
        return as_csv(ASSESSMENT_HEADERS, [[full[name], today, *["能"] * 6, ""] for name in names])

    async def upload(role, kind, data):
        client, _headers = people[role]
        return await post_form(client, "/import", {"kind": kind}, files={"file": (f"{kind}.csv", data, "text/csv")})

    before = await database_state(list(targets.values()))
    # the assessments file is the county's (interfaces §3): a director may import none at all
    director = await upload("director", "assessments", assessments("transferred", "discharged", "died_elsewhere", "other_home"))
    assert director.status_code == 403 and "upload_id" not in director.text
    inspector = await upload("inspector", "assessments", assessments("other_county"))
    assert inspector.status_code == 400
    deaths_file = "身份证号,死亡时间,报告时间\n" + f"{full['other_county']},2024-09-01 08:00,2024-09-01 12:00\n"
    assert (await upload("inspector", "deaths", deaths_file.encode("utf-8"))).status_code == 400
    assert await database_state(list(targets.values())) == before
