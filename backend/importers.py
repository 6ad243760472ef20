"""The import kinds (interfaces.md §3): columns and the service that applies them.

Shared by ``tekun import`` and the upload page, so both validate and write the same way. The
import page's column lists and the downloadable templates (``template_xlsx`` / ``template_csv``:
the header row and one example row) are made from the very column maps the reader uses, so
they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from backend.core import cells, xlsx
from backend.core.calendar import import_calendar
from backend.core.exchange import Column, ExchangeError
from backend.core.i18n import N_
from backend.core.parse_worker import load_object, parse_file
from backend.core.permissions import roles_for
from backend.core.security import Scope
from backend.deaths import services as deaths
from backend.registry import services as registry
from backend.registry.schemas import ImportResult
from backend.residents import services as residents
from backend.staffing import services as staffing
from backend.stipends import services as stipends


@dataclass(frozen=True)
class ImportKind:
    name: str
    # Where the kind's columns (and refused headers) live, as ``module:NAME``: the parse worker,
    # a separate process, imports them from there.
    columns_at: str
    apply: Callable[..., Awaitable[ImportResult]]
    refused_at: str | None = None
    # Who may import this kind (the service checks again; the upload page lists only these).
    roles: tuple[str, ...] = ("admin",)

    @property
    def columns(self) -> list[Column]:
        return load_object(self.columns_at)

    @property
    def refused(self) -> dict[str, str] | None:
        return load_object(self.refused_at) if self.refused_at else None


_REGISTRY = "backend.registry.exchange"
_RESIDENTS = "backend.residents.exchange"
_STIPENDS = "backend.stipends.exchange"
_STAFFING = "backend.staffing.exchange"

KINDS: dict[str, ImportKind] = {
    "counties": ImportKind("counties", f"{_REGISTRY}:COUNTY_COLUMNS", registry.import_counties),
    "homes": ImportKind("homes", f"{_REGISTRY}:HOME_COLUMNS", registry.import_homes),
    "residents": ImportKind(
        "residents", f"{_RESIDENTS}:RESIDENT_COLUMNS", residents.import_residents, roles=roles_for("register_residents")
    ),
    "assessments": ImportKind(
        "assessments",
        f"{_RESIDENTS}:ASSESSMENT_COLUMNS",
        residents.import_assessments,
        f"{_RESIDENTS}:ASSESSMENT_REFUSED",
        roles=roles_for("record_assessment"),
    ),
    "calendar": ImportKind("calendar", "backend.core.calendar:CALENDAR_COLUMNS", import_calendar),
    "deaths": ImportKind(
        "deaths", "backend.deaths.exchange:DEATH_COLUMNS", deaths.import_deaths, roles=roles_for("import_deaths")
    ),
    "standards": ImportKind(
        "standards", f"{_STIPENDS}:STANDARD_COLUMNS", stipends.import_standards, roles=roles_for("set_standards")
    ),
    "payments": ImportKind("payments", f"{_STIPENDS}:LINE_COLUMNS", stipends.import_payments, roles=roles_for("import_payments")),
    "claims": ImportKind("claims", f"{_STIPENDS}:LINE_COLUMNS", stipends.import_claims, roles=roles_for("import_claims")),
    "staff": ImportKind("staff", f"{_STAFFING}:STAFF_COLUMNS", staffing.import_staff, roles=roles_for("import_staff")),
    "training": ImportKind(
        "training", f"{_STAFFING}:TRAINING_COLUMNS", staffing.import_training, roles=roles_for("import_staff")
    ),
}


# What each kind is called on the page, and what writing a file of it does beyond adding and
# changing its rows (said on the confirmation step before anything is written).
KIND_LABELS = {
    "counties": N_("counties"),
    "homes": N_("homes"),
    "calendar": N_("working-day calendar"),
    "residents": N_("register of tekun persons"),
    "assessments": N_("self-care assessments"),
    "deaths": N_("deaths"),
    "standards": N_("stipend standards"),
    "payments": N_("payment list"),
    "claims": N_("claims"),
    "staff": N_("staff register"),
    "training": N_("staff training records"),
}
KIND_EFFECTS = {
    "residents": N_(
        "New persons are entered in the register; for a person already there, the file may fill empty fields but never rewrites the history of placements."
    ),
    "assessments": N_(
        "Each assessment sets the person's care tier from its date on; the stipend's care allowance follows the tier."
    ),
    "deaths": N_(
        "Each new death is recorded with all its consequences: the stipend stops after the last entitled month, the stay in the home ends and the bed is freed, open re-assessment tasks are cancelled and the person's record is locked. A changed row is recorded as a correction of the death record."
    ),
    "standards": N_("The standards apply from their effective month on, in every reconciliation of those months."),
    "payments": N_("The lines are compared with the register when their month is reconciled."),
    "claims": N_("The lines are compared with the register when their month is reconciled."),
    "calendar": N_("Deadlines counted in working days follow the new calendar from now on."),
    "staff": N_(
        "New posts are added to the homes' staff registers; a post already there takes the file's values, and an empty cell keeps what is recorded. The daily staff ratio counts the posts from their dates."
    ),
    "training": N_(
        "The training records are added to the posts; a carer with care-skills training is no longer shown as untrained."
    ),
}


def template_header(kind: str) -> tuple[list[str], list[str]]:
    """The header (Chinese names) and the example row of a kind's template."""
    columns = KINDS[kind].columns
    return [column.zh for column in columns], [column.example for column in columns]


def template_xlsx(kind: str) -> bytes:
    """The kind's template as XLSX: the header row and one example row (every cell text)."""
    header, example = template_header(kind)
    return xlsx.to_xlsx(header, [example], sheet_name=kind)


def template_csv(kind: str) -> bytes:
    """The kind's template as CSV (UTF-8 with a BOM): the header row and one example row."""
    header, example = template_header(kind)
    return cells.to_csv(header, [example])


def kinds_for(role: str) -> list[str]:
    """The import kinds a role may use, in the order above."""
    return [name for name, kind in KINDS.items() if role in kind.roles]


async def run_import(
    scope: Scope, kind: str, filename: str, data: bytes | Path, dry_run: bool = False, *, nice: int = 0
) -> ImportResult:
    """Validate the whole file, then apply it in one transaction (or only plan it on dry run).

    The file (its bytes, or a path the worker opens) is read and converted in a parse worker
    (``backend.core.parse_worker``: memory and time limits, off the event loop); the rows come
    back to be checked against the database and applied here. ``nice`` lowers the worker's
    priority (the web server gives it 10, so pages stay quick while a file is read).
    Raises ExchangeError listing every problem; nothing is written then.
    """
    spec = KINDS[kind]
    rows, errors = await parse_file(data, filename, spec.columns_at, spec.refused_at, nice=nice)
    if errors:
        raise ExchangeError(await _with_row_rules(scope, spec, rows, errors))
    return await spec.apply(scope, rows, dry_run=dry_run)


async def _with_row_rules(scope: Scope, spec: ImportKind, rows: list, errors: list) -> list:
    """Cell errors plus what the domain's own rules say about the rows whose cells were valid
    (an unknown home, a duplicate ID…), so one upload reports every problem, not half of them."""
    if any(error.row == 1 for error in errors):
        return errors  # the header is wrong: the rows cannot be read as intended
    bad = {error.row for error in errors}
    clean = [row for row in rows if row.row not in bad]
    if not clean:
        return errors
    try:
        await spec.apply(scope, clean, dry_run=True)
    except ExchangeError as more:
        seen = {(error.row, error.column, error.message) for error in errors}
        errors = errors + [e for e in more.errors if (e.row, e.column, e.message) not in seen]
    return sorted(errors, key=lambda error: error.row)
