"""The ``tekun`` command (interfaces.md §2).

Exit codes: 0 success, 1 unexpected error, 2 invalid input or arguments, 3 a broken audit chain.
Human output goes to stderr; ``--json`` output goes to stdout as one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_TAMPERED = 0, 1, 2, 3


def say(text: str) -> None:
    print(text, file=sys.stderr)


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 as interfaces.md asks
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"{self.prog}: error: {message}\n")


def month_arg(text: str):
    """An argparse type: ``YYYY-MM`` → the month's first day (a bad month exits 2 with usage)."""
    from backend.core import dates

    try:
        return dates.parse_month(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month: {text!r} (write YYYY-MM)") from None


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="tekun", description="tekun: support-home management")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)

    db = commands.add_parser("db", help="database")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=ArgumentParser)
    db_commands.add_parser("upgrade", help="create the database if missing and apply all migrations")

    serve = commands.add_parser("serve", help="run the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    scheduler = commands.add_parser("scheduler", help="run the scheduler process (one per deployment)")
    # Internal (tekun demo): stop when this process, the scheduler's parent, dies.
    scheduler.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)

    demo = commands.add_parser("demo", help="load demo data and start web + scheduler")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--no-serve", action="store_true", help="load the demo data and exit")

    user = commands.add_parser("user", help="users")
    user_commands = user.add_subparsers(dest="user_command", required=True, parser_class=ArgumentParser)
    create = user_commands.add_parser("create", help="create a user")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=["director", "inspector", "finance", "admin"])
    create.add_argument("--home")
    create.add_argument("--county")
    create.add_argument("--name", default="", help="display name")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, parser_class=ArgumentParser)
    token_create = token_commands.add_parser("create", help="create an API token; prints it once")
    token_create.add_argument("username")
    token_create.add_argument("--name", required=True)

    imp = commands.add_parser("import", help="import an exchange file")
    imp.add_argument("kind")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--json", action="store_true")

    reconcile = commands.add_parser("reconcile", help="stipend reconciliation of a county-month; stores the run")
    reconcile.add_argument("--county", required=True,
                           help="a county code; several, comma-separated; or 'all' (one pass over the month for all of them)")
    reconcile.add_argument("--month", required=True, type=month_arg, help="YYYY-MM")
    reconcile.add_argument("--source", choices=["payments", "claims"], default="payments")
    reconcile.add_argument("--claims", dest="source", action="store_const", const="claims", help="same as --source claims")
    reconcile.add_argument("--json", action="store_true")

    deaths = commands.add_parser("deaths", help="death reports")
    deaths_commands = deaths.add_subparsers(dest="deaths_command", required=True, parser_class=ArgumentParser)
    deaths_list = deaths_commands.add_parser("list", help="death reports with timeliness")
    deaths_list.add_argument("--county", required=True)
    deaths_list.add_argument("--month", type=month_arg, help="YYYY-MM (month of death)")
    deaths_list.add_argument("--json", action="store_true")

    report = commands.add_parser("report", help="PDF reports")
    report.add_argument("kind", choices=["home-monthly", "county-monthly", "reconciliation"])
    report.add_argument("--month", required=True, type=month_arg, help="YYYY-MM")
    where = report.add_mutually_exclusive_group(required=True)
    where.add_argument("--home")
    where.add_argument("--county")
    report.add_argument("--output", required=True, help="FILE.pdf")

    audit = commands.add_parser("audit", help="audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, parser_class=ArgumentParser)
    audit_commands.add_parser("verify", help="check the tamper-evidence chain")
    return parser


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise ValueError("the two passwords differ")
    return first


async def _with_db(coroutine_function, *args):
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
        summary = f"dry run (nothing written): {result.created} to create, {result.updated} to update, {result.unchanged} unchanged"
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
        say(f"county {report.county}, {report.month} ({args.source}): {summary.lines} lines, paid {summary.paid}, "
            f"expected {summary.expected}, overpaid {summary.overpaid}, underpaid {summary.underpaid}; run {report.run_id}")
        for code, count in summary.findings.items():
            if count:
                say(f"  {code}: {count}")
        if not args.json:
            for finding in report.findings:
                say(f"  {finding.code} {finding.payment_ref or '-'} {finding.id_number} {finding.name} "
                    f"expected {finding.expected} paid {finding.paid} ({finding.detail})")
    return EXIT_OK


async def cmd_report(args) -> int:
    from pathlib import Path

    from backend.core import dates
    from backend.core.errors import DomainError
    from backend.core.security import Scope
    from backend.stipends import reports

    if args.kind != "reconciliation":
        say(f"error: the {args.kind} report is not available yet; only 'reconciliation' is")
        return EXIT_INVALID
    if not args.county:
        say("error: the reconciliation report is per county: give --county")
        return EXIT_INVALID
    month = args.month
    scope = Scope.system("cli")
    try:
        run_id = await reports.latest_run_id(scope, args.county, month)
        if run_id is None:
            say(f"error: no reconciliation run for county {args.county}, {dates.month_text(month)}: run `tekun reconcile` first")
            return EXIT_INVALID
        body, data = await reports.reconciliation_pdf(scope, args.county, run_id)
    except DomainError as exc:
        say(f"error: {exc}")
        return EXIT_INVALID
    Path(args.output).write_bytes(body)
    say(f"wrote {args.output}: reconciliation of county {args.county}, {dates.month_text(month)}, run {run_id}")
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
            say(f"  {entry['id_number']} {entry['name']} {entry['home_code'] or '-'} died {entry['died_at']} "
                f"reported {entry['reported_at']} ({entry['hours_to_report']} h / {entry['deadline_hours']} h"
                f"{', LATE' if entry['late'] else ''}) last entitled month {entry['last_entitled_month']}")
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


def cmd_serve(args) -> int:
    import uvicorn

    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # The client's address is decided in one place, backend/accounts/views.py client_address,
        # from TEKUN_TRUSTED_PROXIES; uvicorn must not rewrite it from X-Forwarded-For on its own
        # (its default believes the header from FORWARDED_ALLOW_IPS).
        proxy_headers=False,
        forwarded_allow_ips=[],
        log_level="info",
    )
    return EXIT_OK


def cmd_scheduler(args) -> int:
    from scheduler.main import run

    return run(parent_pid=args.parent_pid)


def _stop_on_sigterm(_signum, _frame) -> None:
    raise KeyboardInterrupt  # stopped by SIGTERM as by Ctrl+C: the `finally` clauses run


def cmd_demo(args) -> int:
    """Load the demo, then run web and scheduler until SIGINT or SIGTERM; both stop then.

    Uvicorn handles SIGTERM itself and, once shut down, raises it again with the handler that was
    in place before it started: this one, so the scheduler is stopped instead of the process
    dying on the spot. The scheduler also stops by itself if this process dies (--parent-pid)."""
    import signal

    from backend.demo import load_demo
    from scheduler.main import start_child, stop_child

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    asyncio.run(cmd_upgrade(args))
    logins = asyncio.run(_with_db(load_demo))
    say("")
    say("demo logins (username / password):")
    for username, password, role, where in logins:
        say(f"  {username:<22} {password:<14} {role:<10} {where}")
    if args.no_serve:
        return EXIT_OK
    say("")
    say(f"open http://{args.host}:{args.port}/ in a browser; Ctrl+C stops the demo")
    scheduler = start_child()
    try:
        return cmd_serve(argparse.Namespace(host=args.host, port=args.port, workers=1))
    finally:
        stop_child(scheduler)


ASYNC_COMMANDS = {
    ("db", "upgrade"): cmd_upgrade,
    ("user", "create"): cmd_user_create,
    ("token", "create"): cmd_token_create,
    ("import", None): cmd_import,
    ("audit", "verify"): cmd_audit_verify,
    ("deaths", "list"): cmd_deaths_list,
    ("reconcile", None): cmd_reconcile,
    ("report", None): cmd_report,
}
SYNC_COMMANDS = {"serve": cmd_serve, "scheduler": cmd_scheduler, "demo": cmd_demo}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from backend.core.settings import SettingsError

    try:
        if args.command in SYNC_COMMANDS:
            return SYNC_COMMANDS[args.command](args)
        sub = getattr(args, f"{args.command}_command", None)
        handler = ASYNC_COMMANDS[(args.command, sub)]
        if handler is cmd_upgrade:
            return asyncio.run(handler(args))
        return asyncio.run(_with_db(handler, args))
    except SettingsError as exc:
        say(f"configuration error: {exc}")
        return EXIT_INVALID
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - exit 1 with a message, not a traceback
        say(f"unexpected error: {type(exc).__name__}: {exc}")
        if os.environ.get("TEKUN_DEBUG"):
            raise
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
