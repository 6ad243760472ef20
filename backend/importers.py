"""The import kinds (interfaces.md §3): columns and the service that applies them.

Shared by ``tekun import`` and the upload page, so both validate and write the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from backend.core.calendar import CALENDAR_COLUMNS, import_calendar
from backend.core.exchange import Column, ExchangeError, parse_sheet, read_sheet
from backend.core.security import Scope
from backend.deaths import services as deaths
from backend.deaths.exchange import DEATH_COLUMNS
from backend.registry import services as registry
from backend.registry.exchange import COUNTY_COLUMNS, HOME_COLUMNS
from backend.registry.schemas import ImportResult
from backend.residents import services as residents
from backend.residents.exchange import ASSESSMENT_COLUMNS, ASSESSMENT_REFUSED, RESIDENT_COLUMNS
from backend.stipends import services as stipends
from backend.stipends.exchange import LINE_COLUMNS, STANDARD_COLUMNS


@dataclass(frozen=True)
class ImportKind:
    name: str
    columns: list[Column]
    apply: Callable[..., Awaitable[ImportResult]]
    refused: dict[str, str] | None = None
    # Who may import this kind (the service checks again; the upload page lists only these).
    roles: tuple[str, ...] = ("admin",)


KINDS: dict[str, ImportKind] = {
    "counties": ImportKind("counties", COUNTY_COLUMNS, registry.import_counties),
    "homes": ImportKind("homes", HOME_COLUMNS, registry.import_homes),
    "residents": ImportKind("residents", RESIDENT_COLUMNS, residents.import_residents, roles=residents.REGISTER_ROLES),
    "assessments": ImportKind(
        "assessments", ASSESSMENT_COLUMNS, residents.import_assessments, ASSESSMENT_REFUSED, roles=residents.ASSESS_ROLES
    ),
    "calendar": ImportKind("calendar", CALENDAR_COLUMNS, import_calendar),
    "deaths": ImportKind("deaths", DEATH_COLUMNS, deaths.import_deaths, roles=deaths.IMPORT_ROLES),
    "standards": ImportKind("standards", STANDARD_COLUMNS, stipends.import_standards, roles=stipends.STANDARD_ROLES),
    "payments": ImportKind("payments", LINE_COLUMNS, stipends.import_payments, roles=stipends.PAYMENT_ROLES),
    "claims": ImportKind("claims", LINE_COLUMNS, stipends.import_claims, roles=stipends.CLAIM_ROLES),
}


def kinds_for(role: str) -> list[str]:
    """The import kinds a role may use, in the order above."""
    return [name for name, kind in KINDS.items() if role in kind.roles]


async def run_import(
    scope: Scope, kind: str, filename: str, data: bytes, dry_run: bool = False
) -> ImportResult:
    """Validate the whole file, then apply it in one transaction (or only plan it on dry run).

    Raises ExchangeError listing every problem; nothing is written then.
    """
    spec = KINDS[kind]
    sheet = read_sheet(filename, data)
    rows, errors = parse_sheet(sheet, spec.columns, spec.refused)
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
