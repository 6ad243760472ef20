"""``tekun tasks generate --through DATE`` and ``tekun tasks list [--home CODE] [--county CODE]
[--status open|done|overdue] [--json]`` (interfaces §2; issue 13, point 2).

``generate`` creates every scheduled task whose period starts by DATE and refreshes the open ones
(safe to repeat); it prints ``created N, updated N, cancelled N, overdue N`` to stderr and exits
0 (a bad date: exit 2 with the message). ``list --json`` prints ``{"tasks": […]}`` to stdout as
one document; the human lines go to stderr. An unknown home or county exits 2."""

from __future__ import annotations

import json

from backend.cli._common import EXIT_INVALID, EXIT_OK, say
from backend.core import dates

LIST_STATUSES = ("open", "done", "overdue")


async def cmd_tasks_generate(args) -> int:
    from backend.inspections import services

    result = await services.generate_tasks(args.through)
    say(
        f"tasks through {args.through.isoformat()}: created {result.created}, updated {result.updated}, "
        f"cancelled {result.cancelled}, overdue {result.overdue}"
    )
    return EXIT_OK


async def cmd_tasks_list(args) -> int:
    import msgspec

    from backend.core.errors import DomainError, Invalid
    from backend.core.security import Scope
    from backend.inspections import services

    try:
        tasks = await services.list_tasks(
            Scope.system("cli"), home_code=args.home, county_code=args.county, status=args.status, limit=args.limit
        )
    except Invalid as invalid:
        for name, message in invalid.errors.items():
            say(f"error: --{name}: {message}")
        return EXIT_INVALID
    except DomainError as exc:
        where = f"home {args.home}" if args.home else f"county {args.county}"
        say(f"error: {where}: {exc}")
        return EXIT_INVALID
    if args.json:
        print(json.dumps({"tasks": msgspec.to_builtins(tasks)}, ensure_ascii=False))
    say(
        f"{len(tasks)} task(s)"
        + (f" (the first {args.limit}: narrow with --home, --county or --status)" if len(tasks) == args.limit else "")
    )
    if not args.json:
        for task in tasks:
            subject = f" [{task.subject}]" if task.subject else ""
            say(
                f"  {task.home} {task.routine}{subject} {task.period}: {task.status}, "
                f"done {task.done}/{task.expected}, on time {task.on_time}, due {dates.local(task.due_at):%Y-%m-%d %H:%M}"
            )
    return EXIT_OK
