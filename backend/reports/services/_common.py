"""What the archive's use cases share: the kinds and their periods, the unit of a report in scope,
the row → ``ReportFileOut``, where a file lives."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from backend.core import dates, formatting
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import N_, _, reset_language, set_language
from backend.core.permissions import can
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.registry import services as registry
from backend.reports.tables import ReportFile

# kind → (the unit it is issued for, the period it covers)
KINDS: dict[str, tuple[str, str]] = {
    "home-monthly": ("home", "month"),
    "county-monthly": ("county", "month"),
    "county-quarterly": ("county", "quarter"),
    "reconciliation": ("county", "month"),
}
KIND_LABELS = {
    "home-monthly": N_("Home monthly report"),
    "county-monthly": N_("County monthly report"),
    "county-quarterly": N_("County quarterly bulletin"),
    "reconciliation": N_("Stipend reconciliation report"),
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class ReportFileOut(msgspec.Struct):
    id: int
    kind: str
    kind_label: str
    period: str
    period_text: str
    county_code: str
    county_name: str
    home_code: str | None
    home_name: str | None
    version: int
    code: str
    sha256: str
    size: int
    pages: int
    issued_at: datetime
    issued_by: str
    supersedes: int | None
    current: bool
    filename: str


def check_kind(kind: str) -> tuple[str, str]:
    if kind not in KINDS:
        raise Invalid({"kind": _("Unknown kind of report: {kind} (one of {kinds}).").format(kind=kind, kinds=", ".join(KINDS))})
    return KINDS[kind]


def period_bounds(period_key: str) -> tuple[date, date]:
    """``2026-11`` or ``2026-Q4`` → its first and last day; ValueError otherwise."""
    if match := _MONTH.match(period_key or ""):
        first = dates.parse_month(period_key)
        return first, dates.add_months(first, 1) - timedelta(days=1)
    if match := _QUARTER.match(period_key or ""):
        year, quarter = int(match.group(1)), int(match.group(2))
        first = date(year, 3 * quarter - 2, 1)
        return first, dates.add_months(first, 3) - timedelta(days=1)
    raise ValueError(period_key)


def check_period(kind: str, period_key: str) -> str:
    """The period key of this kind (a month ``2026-11`` or a quarter ``2026-Q4``), Invalid otherwise."""
    _unit, span = check_kind(kind)
    pattern, example = (_MONTH, "2026-11") if span == "month" else (_QUARTER, "2026-Q4")
    try:
        if not pattern.match(period_key or ""):
            raise ValueError(period_key)
        period_bounds(period_key)
    except ValueError:
        raise Invalid(
            {
                "period": _("Not a period of this report: {value!r} (write it like {example}).").format(
                    value=period_key, example=example
                )
            }
        ) from None
    return period_key


def check_closed(kind: str, period_key: str, today: date) -> None:
    """A monthly or quarterly report says what a closed period's data said: it is issued (and
    archived, verifiable) only once the period has ended, so a report of a running month never
    stands in the archive for the real one. The reconciliation report is of a run (payments of a
    month may be reconciled while it runs): not refused."""
    if kind == "reconciliation":
        return
    _first, last = period_bounds(period_key)
    if last >= today:
        raise Invalid(
            {
                "period": _("{period} has not ended yet: its report can be issued from {day}.").format(
                    period=period_text(period_key), day=formatting.day(last + timedelta(days=1))
                )
            }
        )


def period_text(period_key: str) -> str:
    """``2026年11月`` or ``2026年第四季度``."""
    if match := _QUARTER.match(period_key):
        return f"{match.group(1)}年第{'一二三四'[int(match.group(2)) - 1]}季度"
    if match := _MONTH.match(period_key):
        return f"{int(match.group(1))}年{int(match.group(2))}月"
    return period_key


def may_view(scope: Scope) -> bool:
    return can(scope.role, "view_reports")


async def resolve_unit(scope: Scope, kind: str, county_code: str | None, home_code: str | None) -> dict[str, Any]:
    """The unit a report is issued for, in scope (NotFound outside it): ``{unit, county_id,
    county_code, county_name, home_id, home_code, home_name}``."""
    unit_kind, _span = check_kind(kind)
    if unit_kind == "home":
        if not home_code:
            raise Invalid({"home": _("This report is issued per home: say which home.")})
        home = await registry.find_home(scope, home_code)
        return {
            "unit": home["code"],
            "county_id": home["county_id"],
            "county_code": home["county_code"],
            "county_name": home["county_name"],
            "home_id": home["id"],
            "home_code": home["code"],
            "home_name": home["name"],
        }
    if not county_code:
        raise Invalid({"county": _("This report is issued per county: say which county.")})
    if scope.kind == "home":
        raise NotFound(_("No such county."))
    county = await registry.find_county(scope, county_code)
    return {
        "unit": county["code"],
        "county_id": county["id"],
        "county_code": county["code"],
        "county_name": county["name"],
        "home_id": None,
        "home_code": None,
        "home_name": None,
    }


def archive_dir() -> Path:
    return get_settings().data_dir / "reports"


def in_chinese(text: str) -> str:
    token = set_language("zh_CN")
    try:
        return _(text)
    finally:
        reset_language(token)


def download_name(kind: str, period_key: str, unit_name: str, version: int) -> str:
    """The Chinese file name of a download: ``榆中县_县级月度报表_2026年11月_第1版.pdf``."""
    return f"{unit_name}_{in_chinese(KIND_LABELS[kind])}_{period_text(period_key)}_第{version}版.pdf"


def row_columns() -> tuple:
    return (
        ReportFile.all_columns(),
        ReportFile.county.code.as_alias("county_code"),
        ReportFile.county.name.as_alias("county_name"),
        ReportFile.home.code.as_alias("home_code"),
        ReportFile.home.name.as_alias("home_name"),
    )


def report_out(row: dict[str, Any], current: bool = True) -> ReportFileOut:
    unit_name = row["home_name"] or row["county_name"]
    return ReportFileOut(
        id=row["id"],
        kind=row["kind"],
        kind_label=_(KIND_LABELS[row["kind"]]),
        period=row["period"],
        period_text=period_text(row["period"]),
        county_code=row["county_code"],
        county_name=row["county_name"],
        home_code=row["home_code"],
        home_name=row["home_name"],
        version=row["version"],
        code=row["code"],
        sha256=row["sha256"],
        size=row["size"],
        pages=row["pages"],
        issued_at=row["issued_at"],
        issued_by=row["issued_by"],
        supersedes=row["supersedes"],
        current=current,
        filename=download_name(row["kind"], row["period"], unit_name, row["version"]),
    )


def scope_where(scope: Scope):
    """The archive rows a scope sees: a director their home's, county staff their county's, an
    administrator all (None)."""
    if scope.is_admin:
        return None
    if scope.kind == "home":
        return ReportFile.home == scope.home_id
    return ReportFile.county == scope.county_id


async def current_row(kind: str, period_key: str, unit: str) -> dict[str, Any] | None:
    """The newest version of a report (None when it was never issued)."""
    return (
        await ReportFile.select(*row_columns())
        .where((ReportFile.kind == kind) & (ReportFile.period == period_key) & (ReportFile.unit == unit))
        .order_by(ReportFile.version, ascending=False)
        .first()
    )
