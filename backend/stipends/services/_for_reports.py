"""What the compliance reports (issue 13, point 5) read of the reconciliation: the findings of
the latest run of each county and month, each with the home its payment line names, for many
counties at once (three queries; the caller has checked its scope)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from backend.stipends.labels import CODE_LABELS
from backend.stipends.tables import Finding, ReconciliationRun, StipendLine

_CHUNK = 900


@dataclass(frozen=True)
class ReportFinding:
    code: str
    label: str  # the finding's name (an English msgid: translate it where shown)
    id_number: str
    name: str
    expected: int  # fen
    paid: int
    home_code: str  # the home the payment line names ("" when there is no line or it names none)


@dataclass(frozen=True)
class RunFindings:
    county_id: int
    month: date
    created_at: datetime
    state: str
    findings: list[ReportFinding] = field(default_factory=list)


async def latest_run_findings(county_ids: Iterable[int], months: Iterable[date]) -> dict[tuple[int, date], RunFindings]:
    """(county id, month) → the findings of that month's latest reconciliation run of the county
    (payments or claims, whichever ran last); a county and month without a run is absent."""
    counties, wanted = sorted(set(county_ids)), sorted(set(months))
    if not counties or not wanted:
        return {}
    runs: dict[tuple[int, date], dict] = {}
    for start in range(0, len(counties), _CHUNK):
        for row in await ReconciliationRun.select(
            ReconciliationRun.id,
            ReconciliationRun.county,
            ReconciliationRun.month,
            ReconciliationRun.source,
            ReconciliationRun.created_at,
            ReconciliationRun.state,
        ).where(ReconciliationRun.county.is_in(counties[start : start + _CHUNK]) & ReconciliationRun.month.is_in(wanted)):
            key = (row["county"], row["month"])
            if key not in runs or (row["created_at"], row["id"]) > (runs[key]["created_at"], runs[key]["id"]):
                runs[key] = row
    if not runs:
        return {}
    by_run = {run["id"]: key for key, run in runs.items()}
    findings = await (
        Finding.select(
            Finding.run, Finding.code, Finding.id_number, Finding.name, Finding.payment_ref, Finding.expected, Finding.paid
        )
        .where(Finding.run.is_in(sorted(by_run)))
        .order_by(Finding.run)
        .order_by(Finding.position)
    )
    refs = sorted({row["payment_ref"] for row in findings if row["payment_ref"]})
    homes: dict[tuple[int, date, str, str], str] = {}
    for start in range(0, len(refs), _CHUNK):
        for line in await StipendLine.select(
            StipendLine.county, StipendLine.month, StipendLine.source, StipendLine.payment_ref, StipendLine.home_code
        ).where(
            StipendLine.payment_ref.is_in(refs[start : start + _CHUNK])
            & StipendLine.county.is_in(counties)
            & StipendLine.month.is_in(wanted)
        ):
            homes[(line["county"], line["month"], line["source"], line["payment_ref"])] = line["home_code"] or ""
    result = {
        key: RunFindings(county_id=key[0], month=key[1], created_at=run["created_at"], state=run["state"])
        for key, run in runs.items()
    }
    for row in findings:
        key = by_run[row["run"]]
        run = runs[key]
        result[key].findings.append(
            ReportFinding(
                code=row["code"],
                label=CODE_LABELS.get(row["code"], row["code"]),
                id_number=row["id_number"],
                name=row["name"],
                expected=row["expected"],
                paid=row["paid"],
                home_code=homes.get((key[0], key[1], run["source"], row["payment_ref"] or ""), ""),
            )
        )
    return result
