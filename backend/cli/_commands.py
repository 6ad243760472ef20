"""The commands that work on the database: users and tokens, imports, reconciliation, reports,
deaths, the audit chain, migrations. Each returns its exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backend.cli._common import EXIT_INVALID, EXIT_OK, EXIT_TAMPERED, say


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise ValueError("the two passwords differ")
    return first


async def with_db(coroutine_function, *args):
    from backend.core import db

    await db.start()
    try:
        return await coroutine_function(*args)
    finally:
        await db.stop()


async def cmd_upgrade(_args) -> int:
    from backend.core import db

    for line in await db.upgrade():
        say(line)
    say("database is up to date")
    return EXIT_OK


async def cmd_user_create(args) -> int:
    from backend.accounts import services
    from backend.core.errors import Invalid
    from backend.core.security import Scope

    try:
        password = _read_password(args.password_stdin)
    except ValueError as exc:
        say(f"error: {exc}")
        return EXIT_INVALID
    try:
        user = await services.create_user(
            Scope.system("cli"), args.username, args.role, password, args.home, args.county, args.name
        )
    except Invalid as invalid:
        for field, message in invalid.errors.items():
            say(f"{field}: {message}")
        return EXIT_INVALID
    say(f"created user {user.username} ({user.role})")
    return EXIT_OK


async def cmd_token_create(args) -> int:
    from backend.accounts import services
    from backend.core.errors import DomainError
    from backend.core.security import Scope

    try:
        token = await services.create_api_token(Scope.system("cli"), args.username, args.name)
    except DomainError as exc:
        say(f"error: {exc}")
        return EXIT_INVALID
    print(token)
    return EXIT_OK


async def cmd_import(args) -> int:
    from backend.core.exchange import ExchangeError
    from backend.core.security import Scope
    from backend.importers import KINDS, run_import

    problem = None
    if args.kind not in KINDS:
        problem = f"unknown kind {args.kind!r}; one of: {', '.join(KINDS)}"
    elif not Path(args.file).is_file():
        problem = f"no such file: {args.file}"
    if problem:
        if args.json:
            print(json.dumps({"ok": False, "errors": [{"row": 0, "column": "-", "message": problem}]}))
        say(f"error: {problem}")
        return EXIT_INVALID
    path = Path(args.file)
    try:
        # The worker opens the file itself: this process never holds its bytes.
        result = await run_import(Scope.system("cli"), args.kind, path.name, path, args.dry_run)
    except ExchangeError as refused:
        if args.json:
            print(json.dumps({"ok": False, "errors": [e.as_dict() for e in refused.errors]}, ensure_ascii=False))
        for error in refused.errors:
            say(str(error))
        say(f"{len(refused.errors)} error(s); nothing was written")
        return EXIT_INVALID
    summary = f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
    if args.dry_run:
        summary = (
            f"dry run (nothing written): {result.created} to create, {result.updated} to update, {result.unchanged} unchanged"
        )
    if args.json:
        import msgspec

        print(msgspec.json.encode(result).decode())
    say(summary)
    for warning in getattr(result, "warnings", []):
        say(f"warning: {warning}")
    return EXIT_OK


async def cmd_reconcile(args) -> int:
    """One county: the report of interfaces §4 (``--json``: that object). Several (``A,B`` or
    ``all``): one pass over the month, one run stored per county (``--json``: a list of them)."""
    import msgspec

    from backend.core.errors import DomainError
    from backend.core.security import Scope
    from backend.registry import services as registry
    from backend.stipends import services as stipends

    month = args.month
    scope = Scope.system("cli")
    if args.county == "all":
        codes = [county.code for county in await registry.list_counties(scope)]
    else:
        codes = [code.strip() for code in args.county.split(",") if code.strip()]
    try:
        reports = await stipends.reconcile_counties(scope, codes, month, args.source)
        warnings = [warning for code in codes for warning in await stipends.standard_warnings(scope, code, month)]
    except DomainError as exc:
        say(f"error: {exc}")
        return EXIT_INVALID
    for warning in warnings:
        say(f"warning: {warning}")
    if args.json:
        print(msgspec.json.encode(reports[0] if len(codes) == 1 and args.county != "all" else reports).decode())
    for report in reports:
        summary = report.summary
        say(
            f"county {report.county}, {report.month} ({args.source}): {summary.lines} lines, paid {summary.paid}, "
            f"expected {summary.expected}, overpaid {summary.overpaid}, underpaid {summary.underpaid}; run {report.run_id}"
        )
        for code, count in summary.findings.items():
            if count:
                say(f"  {code}: {count}")
        if not args.json:
            for finding in report.findings:
                say(
                    f"  {finding.code} {finding.payment_ref or '-'} {finding.id_number} {finding.name} "
                    f"expected {finding.expected} paid {finding.paid} ({finding.detail})"
                )
    return EXIT_OK


async def cmd_deaths_list(args) -> int:
    from backend.core.errors import DomainError
    from backend.core.security import Scope
    from backend.deaths import services as deaths

    month = args.month
    try:
        entries = await deaths.list_deaths(Scope.system("cli"), args.county, month)
    except DomainError as exc:
        say(f"error: {exc}")
        return EXIT_INVALID
    if args.json:
        print(json.dumps(entries, ensure_ascii=False))
    late = sum(1 for entry in entries if entry["late"])
    say(f"county {args.county}: {len(entries)} death report(s), {late} late")
    if not args.json:
        for entry in entries:
            say(
                f"  {entry['id_number']} {entry['name']} {entry['home_code'] or '-'} died {entry['died_at']} "
                f"reported {entry['reported_at']} ({entry['hours_to_report']} h / {entry['deadline_hours']} h"
                f"{', LATE' if entry['late'] else ''}) last entitled month {entry['last_entitled_month']}"
            )
    return EXIT_OK


async def cmd_audit_verify(_args) -> int:
    import backend.piccolo_conf  # noqa: F401 - registers every domain's ledgers
    from backend.core.ledger import verify_all

    broken = await verify_all()
    if broken is None:
        say("audit chain intact")
        return EXIT_OK
    where = f"{broken.ledger} record seq={broken.seq}" + (f" (id {broken.row_id})" if broken.row_id else "")
    say(f"audit chain BROKEN at {where}: {broken.reason}")
    return EXIT_TAMPERED
