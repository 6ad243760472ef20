"""The command line's arguments (interfaces.md §2)."""

from __future__ import annotations

import argparse
import sys

from backend.cli._common import EXIT_INVALID
from backend.cli._report import add_report_parser


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


def date_arg(text: str):
    """An argparse type: ``YYYY-MM-DD`` → the date (a bad date exits 2 with usage)."""
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write YYYY-MM-DD)") from None


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
    create.add_argument("--role", required=True, choices=["director", "inspector", "assessor", "finance", "admin"])
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
    reconcile.add_argument(
        "--county",
        required=True,
        help="a county code; several, comma-separated; or 'all' (one pass over the month for all of them)",
    )
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

    staffing = commands.add_parser("staffing", help="staffing")
    staffing_commands = staffing.add_subparsers(dest="staffing_command", required=True, parser_class=ArgumentParser)
    ratio = staffing_commands.add_parser("ratio", help="daily staff ratio compliance of a home")
    ratio.add_argument("--home", required=True)
    ratio.add_argument("--from", dest="from_day", required=True, type=date_arg, help="YYYY-MM-DD")
    ratio.add_argument("--to", dest="to_day", required=True, type=date_arg, help="YYYY-MM-DD")
    ratio.add_argument("--json", action="store_true")

    safety = commands.add_parser("safety", help="safety ledgers")
    safety_commands = safety.add_subparsers(dest="safety_command", required=True, parser_class=ArgumentParser)
    status = safety_commands.add_parser("status", help="routines due and done, open hazards of a home")
    status.add_argument("--home", required=True)
    status.add_argument("--date", required=True, type=date_arg, help="YYYY-MM-DD")
    status.add_argument("--json", action="store_true")

    tasks = commands.add_parser("tasks", help="scheduled tasks (issue 13)")
    tasks_commands = tasks.add_subparsers(dest="tasks_command", required=True, parser_class=ArgumentParser)
    generate = tasks_commands.add_parser("generate", help="create every scheduled task due up to DATE; safe to repeat")
    generate.add_argument("--through", required=True, type=date_arg, help="YYYY-MM-DD")
    task_list = tasks_commands.add_parser("list", help="tasks by home, county and status")
    task_list.add_argument("--home")
    task_list.add_argument("--county")
    task_list.add_argument("--status", choices=["open", "done", "overdue"])
    task_list.add_argument("--limit", type=int, default=500, help="at most this many (1 to 5000; default 500)")
    task_list.add_argument("--json", action="store_true")

    add_report_parser(commands, ArgumentParser, month_arg)  # backend/cli/_report.py (issue 13)

    audit = commands.add_parser("audit", help="audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, parser_class=ArgumentParser)
    audit_commands.add_parser("verify", help="check the tamper-evidence chain")
    return parser
