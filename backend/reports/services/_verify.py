"""Is this file one the system issued, unchanged? By its sha256 (the archive's row, whose digest is
also in the audit chain); when the digest is unknown, the verification code the file's text still
carries names the report it was made from ("changed"), else it is foreign ("unknown")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from backend.reports import worker
from backend.reports.services._common import ReportFileOut, report_out, row_columns
from backend.reports.tables import ReportFile
from backend.reports.verification import find_code, normalise_code

ISSUED, CHANGED, UNKNOWN = "issued", "changed", "unknown"


@dataclass(frozen=True)
class Verdict:
    status: str  # issued | changed | unknown
    sha256: str
    report: ReportFileOut | None = None
    code: str | None = None


async def _by(column, value: str) -> ReportFileOut | None:
    row = await ReportFile.select(*row_columns()).where(column == value).order_by(ReportFile.id).first()
    if row is None:
        return None
    later = await ReportFile.exists().where(ReportFile.supersedes == row["id"])  # a re-generated version
    return report_out(row, current=not later)


async def verify_file(data: bytes) -> Verdict:
    """The verdict on a file's bytes (the text of an unknown file is read in the worker)."""
    digest = hashlib.sha256(data).hexdigest()
    if (report := await _by(ReportFile.sha256, digest)) is not None:
        return Verdict(ISSUED, digest, report, report.code)
    code = find_code(await worker.pdf_text(data)) if data[:5] == b"%PDF-" else None
    if code and (report := await _by(ReportFile.code, code)) is not None:
        return Verdict(CHANGED, digest, report, code)
    return Verdict(UNKNOWN, digest, None, code)


async def find_by_code(text: str) -> ReportFileOut | None:
    """The report a verification code (as typed) names, or None."""
    code = normalise_code(text)
    return await _by(ReportFile.code, code) if code else None
