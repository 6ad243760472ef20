"""``tekun report KIND …`` (interfaces §2): issue a report (the same archived file as the scheduler
and the web archive: ``reports.services.issue_report``) and copy it to ``--output``; and
``tekun report verify FILE.pdf``: exit 0 when the file is one the system issued, unchanged, exit 3
when it is not (its sha256 is unknown; when its text still carries a known verification code,
it says which report it was made from)."""

from __future__ import annotations

import shutil
from pathlib import Path

from backend.cli._common import EXIT_INVALID, EXIT_OK, EXIT_TAMPERED, say

KINDS = ("home-monthly", "county-monthly", "county-quarterly", "reconciliation")


def add_report_parser(commands, parser_class, month_arg) -> None:
    report = commands.add_parser("report", help="PDF reports: issue one (archived) or verify a file")
    kinds = report.add_subparsers(dest="report_command", required=True, parser_class=parser_class)
    for kind in KINDS:
        sub = kinds.add_parser(kind, help=f"issue the {kind} report and copy it to --output")
        if kind == "county-quarterly":
            sub.add_argument("--quarter", required=True, help="YYYY-QN, e.g. 2026-Q4")
        else:
            sub.add_argument("--month", required=True, type=month_arg, help="YYYY-MM")
        where = sub.add_mutually_exclusive_group(required=True)
        where.add_argument("--home")
        where.add_argument("--county")
        sub.add_argument("--output", required=True, help="FILE.pdf")
        sub.add_argument("--regenerate", action="store_true", help="issue a new version even if one is archived")
    verify = kinds.add_parser("verify", help="is this PDF one the system issued, unchanged? (exit 3 if not)")
    verify.add_argument("file", help="FILE.pdf")


async def cmd_report_issue(args) -> int:
    from backend.core import dates
    from backend.core.errors import DomainError
    from backend.core.security import Scope
    from backend.reports import services

    kind = args.report_command
    period = args.quarter.strip().upper() if kind == "county-quarterly" else dates.month_text(args.month)
    try:
        out = await services.issue_report(
            kind, period, county_code=args.county, home_code=args.home, actor=Scope.system("cli"), regenerate=args.regenerate
        )
        source = await services.archived_path(out)
    except DomainError as exc:
        say(f"error: {exc}")
        return EXIT_INVALID
    shutil.copyfile(source, args.output)
    say(
        f"wrote {args.output}: {kind} {period} of {out.home_code or out.county_code}, version {out.version}, code {out.code}, sha256 {out.sha256}"
    )
    return EXIT_OK


async def cmd_report_verify(args) -> int:
    from backend.core import formatting
    from backend.reports import services

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        say(f"error: cannot read {args.file}: {exc.strerror}")
        return EXIT_INVALID
    verdict = await services.verify_file(data)
    report = verdict.report
    if verdict.status == services.ISSUED:
        say(
            f"{args.file}: issued by {report.issued_by} on {formatting.moment(report.issued_at)}, unchanged "
            f"({report.kind} {report.period} of {report.home_code or report.county_code}, version {report.version}, code {report.code})"
            + ("" if report.current else "; a later version has been issued since: this one is superseded")
        )
        return EXIT_OK
    if verdict.status == services.CHANGED:
        say(
            f"{args.file}: NOT VERIFIED: this is report {report.code} ({report.kind} {report.period} of "
            f"{report.home_code or report.county_code}, version {report.version}) but it has been changed "
            f"(sha256 {verdict.sha256} is not the issued {report.sha256})"
        )
        return EXIT_TAMPERED
    say(f"{args.file}: NOT VERIFIED: not a report this system issued (sha256 {verdict.sha256} unknown)")
    return EXIT_TAMPERED
