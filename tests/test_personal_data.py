"""Personal data: full ID numbers leave the application only through the routes that exist to
reveal them, and every such answer writes ONE audit record naming who saw whose numbers.

The route table is walked: every GET page and API route (lists and single records, the PDF read
back as text) is opened by each role on a world holding persons in a home and dispersed, a late
death, a reconciliation run whose findings carry full and unknown numbers, a confirmed
overpayment and a monthly claim; no answer may contain a full 18-character ID, except the routes
listed in ``REVEALING``, each of which is called and its audit record checked.
"""

from __future__ import annotations

import io
import json
import random
import re
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pdfplumber
import pytest

from backend.core import citizen_id, dates
from backend.core.security import Scope
from backend.core.tables import AuditEntry
from backend.core.web import PUBLIC, access_rule
from backend.deaths import services as deaths
from backend.deaths.schemas import DeathIn
from backend.residents import services as residents
from backend.residents.queue_schemas import ApplicationIn
from backend.residents.schemas import AssessmentIn, ResidentIn
from backend.staffing import services as staffing
from backend.staffing.schemas import StaffIn
from backend.stipends import claims, services, workflow
from tests.conftest import post_form
from tests.residents.helpers import new_id, register_person
from tests.stipends.helpers import PARTIAL, import_lines, import_standard
from tests.test_scope_routes import routes

SYSTEM = Scope.system("test")
MONTH = dates.add_months(dates.month_of(dates.today()), -1)
MONTH_TEXT = dates.month_text(MONTH)
# A whole 18-character ID, not a run of digits inside a longer token (the CSRF token is hex).
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")

REVEALING = {
    ("POST", "/api/v1/residents/{resident_id:int}/id-number"): "one person's number, for the roles that need it",
    ("POST", "/residents/{resident_id:int}/id-number"): "the same on the person's page",
    ("GET", "/api/v1/counties/{code:str}/stipend-runs/{run_id:str}/report"): "the document of interfaces §4 for finance",
    ("POST", "/api/v1/counties/{code:str}/stipend-runs"): "answers with the same document",
    ("GET", "/counties/{code:str}/deaths/export"): "the death register file (去世信息备案) the county files",
    ("GET", "/counties/{code:str}/stipends/recovery.xlsx"): "the recovery list (追回清单): money is recovered by ID",
}
ROLES = ("admin", "director", "inspector", "finance")


def _number() -> str:
    return new_id(random.choice("MF"), date(1930, 1, 1) + timedelta(days=random.randrange(15_000)))


@pytest.fixture
async def disclosing_world(world, signed_in, bearer):
    county = await world.county(name="隐私县")
    home = await world.home(county=county, beds=50, name="隐私敬老院")
    await import_standard(county)

    async def person(name: str, placed: bool) -> dict:
        created = await register_person(
            SYSTEM,
            ResidentIn(
                id_number=_number(),
                name=name,
                county_code=county,
                approved_on=date(2025, 1, 10),
                home_code=home if placed else None,
                admitted_on=date(2025, 2, 1) if placed else None,
            ),
        )
        await residents.record_assessment(SYSTEM, created.id, AssessmentIn(assessed_on=date(2025, 3, 1), **PARTIAL))
        return {"id": created.id, "id_number": await residents.reveal_id_number(SYSTEM, created.id), "name": name}

    people = {
        "placed": await person("甲在院", True),
        "dispersed": await person("乙分散", False),
        "dead": await person("丙已故", True),
    }
    application = await residents.record_application(
        SYSTEM,
        ApplicationIn(
            resident_id=people["dispersed"]["id"], applicant="self", applied_on=date(2025, 3, 2), preferred_home_code=home
        ),
    )
    died = dates.add_months(MONTH, -2)
    await deaths.report_death(SYSTEM, people["dead"]["id"], DeathIn(died_at=datetime(died.year, died.month, 5, 9, tzinfo=UTC)))
    unknown = _number()
    await import_lines(
        [
            [f"P-TIER-{county}", people["placed"]["id_number"], "甲在院", county, MONTH_TEXT, "600.00", "500.00"],
            [f"P-DEAD-{county}", people["dead"]["id_number"], "丙已故", county, MONTH_TEXT, "600.00", "300.00"],
            [f"P-UNKN-{county}", unknown, "丁外人", county, MONTH_TEXT, "600.00", "300.00"],
        ]
    )
    report = await services.reconcile(SYSTEM, county, MONTH)
    shown = {f.id_number for f in report.findings}
    assert shown == {people["placed"]["id_number"], people["dead"]["id_number"], people["dispersed"]["id_number"], unknown}
    position = next(i for i, f in enumerate(report.findings) if f.code == "TIER_MISMATCH")
    await workflow.review_finding(SYSTEM, report.run_id, position, "confirmed")
    claim = await claims.generate_claim(SYSTEM, home, MONTH)
    # The reconciliation report of the run, issued and archived (a printed document: IDs masked).
    from backend.reports import services as reports

    issued = await reports.issue_report("reconciliation", MONTH_TEXT, county_code=county, actor=SYSTEM)
    # A post of the home's staff register with an ID number (the staff pages and API mask it).
    staff_number = _number()
    await staffing.create_staff(
        SYSTEM, home, StaffIn(staff_no="S001", name="戊员工", post="carer", hired_on=date(2025, 1, 2), id_number=staff_number)
    )
    clients, usernames, user_ids = {}, {}, []
    for role in ROLES:
        client, user = await signed_in(
            role, home=home if role == "director" else None, county=county if role in ("inspector", "finance") else None
        )
        clients[role], usernames[role] = (client, await bearer(user)), user.username
        user_ids.append(user.id)
    return {
        "users": user_ids,
        "county": county,
        "home": home,
        "people": people,
        "unknown": unknown,
        "run": report.run_id,
        "claim": claim.id,
        "report": issued.id,
        "application": application.id,
        "clients": clients,
        "usernames": usernames,
        "numbers": shown | {staff_number},
        "findings": sorted(shown),
    }


def _fills(w: dict) -> dict[str, list[str]]:
    return {
        "{resident_id:int}": [str(p["id"]) for p in w["people"].values()],
        "{run_id:str}": [w["run"]],
        "{claim_id:int}": [str(w["claim"])],
        "{user_id:int}": [str(user_id) for user_id in w["users"]],
        "{application_id:int}": [str(w["application"])],
        "{step:str}": ["offer", "accept", "decline", "withdraw"],
        "{staff_no:str}": ["S001"],
        "{hazard_id:int}": ["1"],  # safety: a hazard (no person's data; any id, in scope or not)
        "{routine:str}": ["fire_patrol"],  # safety: a checklist, its entries, photos, samples, outbreak reports
        "{entry_id:int}": ["1"],
        "{photo_id:int}": ["1"],
        "{sample_id:int}": ["1"],
        "{report_id:int}": ["1"],
        "{name:str}": [f"{w['report']}.pdf"],  # reports: the archived file of the world's reconciliation
    }


def _concrete(path: str, w: dict) -> list[str] | None:
    """Every way the walker fills the path's parameters (None: a parameter it cannot fill)."""
    code = w["home"] if re.match(r"^(/api/v1)?/homes/", path) else w["county"]
    paths = [path.replace("{code:str}", code).replace("{county_code:str}", w["county"])]
    for placeholder, values in _fills(w).items():
        paths = [p.replace(placeholder, value) for p in paths for value in values] if placeholder in paths[0] else paths
    return None if "{" in paths[0] else paths


def _text_of(response) -> str:
    if response.headers.get("content-type", "").startswith("application/pdf"):
        with pdfplumber.open(io.BytesIO(response.content)) as document:
            return "\n".join(page.extract_text() or "" for page in document.pages)
    return response.text


def _full_ids(text: str) -> list[str]:
    return [match for match in FULL_ID.findall(text) if citizen_id.is_valid(match)]


async def test_no_answer_but_the_revealing_ones_shows_a_full_id_number(app, disclosing_world):
    w = disclosing_world
    opened, api_lists = 0, set()
    for path, method, handler in routes(app):
        if method != "GET" or access_rule(handler, path) == PUBLIC or (method, path) in REVEALING:
            continue
        concrete = _concrete(path, w)
        assert concrete is not None, f"GET {path}: teach _concrete to fill its parameters (or list it in REVEALING)"
        extra = [f"{path}?q={w['people']['placed']['id_number']}"] if path == "/api/v1/residents" else []
        for url in concrete + extra:
            for role in ROLES:
                client, headers = w["clients"][role]
                response = await client.get(url, headers=headers if url.startswith("/api/") else None)
                text = _text_of(response)
                leaked = [number for number in w["numbers"] if number in text] + _full_ids(text)
                assert not leaked, f"{role} GET {url} ({response.status_code}) shows {leaked}"
                if response.status_code == 200:
                    opened += 1
                    if url.startswith("/api/") and isinstance(response.json(), list | dict):
                        api_lists.add(path)
    assert opened >= 60
    # Every API route that lists persons' records was opened with something to show.
    for path in (
        "/api/v1/residents",
        "/api/v1/assessments/due",
        "/api/v1/counties/{code:str}/deaths",
        "/api/v1/deaths/notices",
        "/api/v1/counties/{code:str}/stipend-runs/{run_id:str}/review",
        "/api/v1/residents/{resident_id:int}/deaths",
        "/api/v1/counties/{code:str}/admission-queue",
        "/api/v1/homes/{code:str}/staff",
        "/api/v1/homes/{code:str}/staff/{staff_no:str}",
    ):
        assert path in api_lists, path


async def test_answers_to_writes_mask_the_numbers_they_were_given(disclosing_world):
    w = disclosing_world
    client, headers = w["clients"]["inspector"]
    number = _number()
    registered = await client.post(
        "/api/v1/residents",
        headers=headers,
        json={"id_number": number, "name": "戊新登记", "county_code": w["county"], "approved_on": "2025-01-10"},
    )
    assert (
        registered.status_code == 201
        and number not in registered.text
        and registered.json()["id_number_masked"] == citizen_id.mask(number)
    )
    finance, headers = w["clients"]["finance"]
    reviewed = await finance.post(
        f"/api/v1/counties/{w['county']}/stipend-runs/{w['run']}/reviews",
        headers=headers,
        json={"position": 0, "status": "explained", "note": "已核实"},
    )
    assert reviewed.status_code == 200 and not _full_ids(reviewed.text) and "*" in reviewed.json()["id_number_masked"]


async def _audit_since(seq: int) -> list[dict]:
    rows = await AuditEntry.select().where(AuditEntry.seq > seq).order_by(AuditEntry.seq)
    return [{**row, "after": json.loads(row["after"]) if row["after"] else None} for row in rows]


async def _last_seq() -> int:
    row = await AuditEntry.select(AuditEntry.seq).order_by(AuditEntry.seq, ascending=False).first()
    return row["seq"] if row else 0


def _named(numbers, resident_ids=()) -> dict:
    digests = sorted({citizen_id.digest(number) for number in numbers})
    return {"ids_shown": len(digests), "id_digests": digests, **({"residents": sorted(resident_ids)} if resident_ids else {})}


async def test_each_revealing_answer_writes_one_audit_record_naming_whose_numbers(disclosing_world):
    w = disclosing_world
    county, run, placed, dead = w["county"], w["run"], w["people"]["placed"], w["people"]["dead"]
    inspector, inspector_token = w["clients"]["inspector"]
    finance, finance_token = w["clients"]["finance"]
    confirmed = placed["id_number"]  # the TIER_MISMATCH finding confirmed in the fixture

    async def case(call, action: str, numbers, residents_=(), actor=None, extra_actions=()):
        seq = await _last_seq()
        response = await call()
        assert response.status_code in (200, 201), response.text[:300]
        text = (
            response.text
            if "json" in response.headers["content-type"] or "html" in response.headers["content-type"]
            else response.content.decode("utf-8", "replace")
            if "csv" in response.headers["content-type"]
            else _xlsx_text(response.content)
        )
        for number in numbers:
            assert number in text, f"{action}: the answer does not show {number}"
        records = await _audit_since(seq)
        assert sorted(r["action"] for r in records) == sorted([action, *extra_actions]), records
        (record,) = [r for r in records if r["action"] == action]
        assert record["actor"] == actor
        assert {
            key: record["after"][key] for key in ("ids_shown", "id_digests", "residents") if key in record["after"]
        } == _named(numbers, residents_)
        return record

    cases = {
        ("POST", "/api/v1/residents/{resident_id:int}/id-number"): lambda: case(
            lambda: inspector.post(f"/api/v1/residents/{placed['id']}/id-number", headers=inspector_token),
            "resident.view_id",
            [placed["id_number"]],
            [placed["id"]],
            actor=_username(w, "inspector"),
        ),
        ("POST", "/residents/{resident_id:int}/id-number"): lambda: case(
            lambda: post_form(finance, f"/residents/{dead['id']}/id-number"),
            "resident.view_id",
            [dead["id_number"]],
            [dead["id"]],
            actor=_username(w, "finance"),
        ),
        ("GET", "/api/v1/counties/{code:str}/stipend-runs/{run_id:str}/report"): lambda: case(
            lambda: finance.get(f"/api/v1/counties/{county}/stipend-runs/{run}/report", headers=finance_token),
            "reconcile.view",
            w["findings"],
            actor=_username(w, "finance"),
        ),
        ("POST", "/api/v1/counties/{code:str}/stipend-runs"): lambda: case(
            lambda: inspector.post(
                f"/api/v1/counties/{county}/stipend-runs", headers=inspector_token, json={"month": MONTH_TEXT}
            ),
            "reconcile.view",
            w["findings"],
            actor=_username(w, "inspector"),
            extra_actions=("reconcile.run",),
        ),
        ("GET", "/counties/{code:str}/deaths/export"): lambda: case(
            lambda: inspector.get(f"/counties/{county}/deaths/export", params={"format": "csv"}),
            "death.export",
            [dead["id_number"]],
            [dead["id"]],
            actor=_username(w, "inspector"),
        ),
        ("GET", "/counties/{code:str}/stipends/recovery.xlsx"): lambda: case(
            lambda: finance.get(f"/counties/{county}/stipends/recovery.xlsx"),
            "stipends.recovery_export",
            [confirmed],
            actor=_username(w, "finance"),
        ),
    }
    assert set(cases) == set(REVEALING), "every revealing route has its case here"
    for key in REVEALING:
        await cases[key]()
    # The XLSX of the death register too (the same service, one record per file).
    await case(
        lambda: inspector.get(f"/counties/{county}/deaths/export", params={"format": "xlsx"}),
        "death.export",
        [dead["id_number"]],
        [dead["id"]],
        actor=_username(w, "inspector"),
    )


def _xlsx_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return "\n".join(",".join("" if cell is None else str(cell) for cell in row) for row in sheet.iter_rows(values_only=True))


def _username(w: dict, role: str) -> str:
    return w["usernames"][role]


def test_a_digest_names_a_number_without_holding_it():
    number = new_id("F", date(1950, 6, 1))
    assert citizen_id.digest(number) == citizen_id.digest(" " + number.lower() + " ")  # normalised
    assert len(citizen_id.digest(number)) == 16 and number not in citizen_id.digest(number)
    assert citizen_id.digest(number) != citizen_id.digest(new_id("F", date(1950, 6, 2)))
    shown = citizen_id.disclosure([number, number, ""], [3, 1, 3])
    assert shown == {"ids_shown": 1, "id_digests": [citizen_id.digest(number)], "residents": [1, 3]}
    assert citizen_id.disclosure([]) == {"ids_shown": 0, "id_digests": []}


async def test_a_corrected_payment_line_shows_its_old_number_masked(disclosing_world):
    """Re-importing a line with another ID number: the preview and the audit log (and so the
    audit page) show both numbers masked; the audit record names them by their digests."""
    w = disclosing_world
    ref, old = f"P-UNKN-{w['county']}", w["unknown"]
    new = _number()
    data = (
        "payment_ref,id_number,name,county_code,month,basic_amount,care_amount\n"
        f"{ref},{new},丁外人,{w['county']},{MONTH_TEXT},600.00,300.00\n"
    ).encode()
    admin, _token = w["clients"]["admin"]
    preview = await post_form(admin, "/import", {"kind": "payments"}, files={"file": ("payments.csv", data, "text/csv")})
    assert preview.status_code == 200 and citizen_id.mask(old) in preview.text and old not in preview.text
    seq = await _last_seq()
    upload_id = re.search(r'name="upload_id" value="([^"]+)"', preview.text).group(1)
    assert (await post_form(admin, "/import/confirm", {"upload_id": upload_id})).status_code == 200
    (record,) = [r for r in await _audit_since(seq) if r["action"] == "payments.update"]
    assert json.loads(record["before"]) == {"id_number": citizen_id.mask(old), "id_digest": citizen_id.digest(old)}
    assert record["after"] == {"id_number": citizen_id.mask(new), "id_digest": citizen_id.digest(new)}
    audit_page = await admin.get("/audit")
    assert audit_page.status_code == 200 and citizen_id.mask(new) in audit_page.text  # the record is on the page
    assert old not in audit_page.text and new not in audit_page.text
