"""The ``tekun`` command (interfaces.md §2).

Exit codes: 0 success, 1 unexpected error, 2 invalid input or arguments, 3 a broken audit chain.
Human output goes to stderr; ``--json`` output goes to stdout as one JSON document.
"""

from __future__ import annotations

import asyncio
import os

from backend.cli._commands import (
    cmd_audit_verify,
    cmd_deaths_list,
    cmd_import,
    cmd_reconcile,
    cmd_token_create,
    cmd_upgrade,
    cmd_user_create,
    with_db,
)
from backend.cli._common import EXIT_ERROR, EXIT_INVALID, EXIT_OK, EXIT_TAMPERED, say
from backend.cli._parser import ArgumentParser, build_parser, month_arg
from backend.cli._report import KINDS as REPORT_KINDS
from backend.cli._report import cmd_report_issue, cmd_report_verify
from backend.cli._run import cmd_demo, cmd_scheduler, cmd_serve
from backend.cli._safety import cmd_safety_status
from backend.cli._staffing import cmd_staffing_ratio
from backend.cli._tasks import cmd_tasks_generate, cmd_tasks_list

__all__ = [
    "EXIT_ERROR",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_TAMPERED",
    "ArgumentParser",
    "build_parser",
    "main",
    "month_arg",
    "say",
]

ASYNC_COMMANDS = {
    ("db", "upgrade"): cmd_upgrade,
    ("user", "create"): cmd_user_create,
    ("token", "create"): cmd_token_create,
    ("import", None): cmd_import,
    ("audit", "verify"): cmd_audit_verify,
    ("deaths", "list"): cmd_deaths_list,
    ("reconcile", None): cmd_reconcile,
    **{("report", kind): cmd_report_issue for kind in REPORT_KINDS},
    ("report", "verify"): cmd_report_verify,
    ("staffing", "ratio"): cmd_staffing_ratio,
    ("safety", "status"): cmd_safety_status,
    ("tasks", "generate"): cmd_tasks_generate,
    ("tasks", "list"): cmd_tasks_list,
}
SYNC_COMMANDS = {"serve": cmd_serve, "scheduler": cmd_scheduler, "demo": cmd_demo}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from backend.core.settings import SettingsError

    try:
        # Registers the staff-ratio warning before an admission (imports and the demo admit);
        # imported here, inside the try, since it reads the settings (a bad one: exit 2).
        from backend.staffing import advisories  # noqa: F401

        if args.command in SYNC_COMMANDS:
            return SYNC_COMMANDS[args.command](args)
        sub = getattr(args, f"{args.command}_command", None)
        handler = ASYNC_COMMANDS[(args.command, sub)]
        if handler is cmd_upgrade:
            return asyncio.run(handler(args))
        return asyncio.run(with_db(handler, args))
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
