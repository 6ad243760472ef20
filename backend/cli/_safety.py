"""``tekun safety status --home CODE --date DATE [--json]`` (interfaces §2, §7): each routine of the
home's templates in force on DATE, what was due in the period that contains it and what was done,
and the open hazards. ``--json`` prints the document of interfaces §7 to stdout; the human lines go
to stderr. Exit 2 for an unknown home."""

from __future__ import annotations

import json

from backend.cli._common import EXIT_INVALID, EXIT_OK, say


async def cmd_safety_status(args) -> int:
    import msgspec

    from backend.core.errors import DomainError
    from backend.core.security import Scope
    from backend.safety import services

    try:
        result = await services.safety_status(Scope.system("cli"), args.home, args.date)
    except DomainError as exc:
        say(f"error: home {args.home}: {exc}")
        return EXIT_INVALID
    document = msgspec.to_builtins(result)
    if args.json:
        print(json.dumps(document, ensure_ascii=False))
    overdue = [routine for routine in document["routines"] if routine["overdue"]]
    say(
        f"home {result.home} on {document['date']}: {len(document['routines'])} routine(s), "
        f"{len(overdue)} overdue, {len(document['open_hazards'])} open hazard(s)"
    )
    if not args.json:
        for routine in document["routines"]:
            flag = "  OVERDUE" if routine["overdue"] else ""
            say(
                f"  {routine['routine']} ({routine['period']}): due {routine['due']}, done {routine['done']}, "
                f"on time {routine['on_time']}{flag}"
            )
        for hazard in document["open_hazards"]:
            kind = "MAJOR" if hazard["major"] else "ordinary"
            late = "  OVERDUE" if hazard["overdue"] else ""
            say(f"  hazard {hazard['id']} ({kind}) opened {hazard['opened_on']}, deadline {hazard['deadline']}{late}")
    return EXIT_OK
