"""``tekun staffing ratio --home CODE --from DATE --to DATE [--json]`` (interfaces §2, §5): the
home's daily ratio; ``--json`` prints ``{"home": …, "days": […]}`` to stdout, the human lines go
to stderr. Exit 2 for an unknown home, ``--from`` after ``--to`` or too long a range."""

from __future__ import annotations

import json

from backend.cli._common import EXIT_INVALID, EXIT_OK, say


def _line(day: dict) -> str:
    carers = "" if day["required_carers"] is None else f", carers {day['carers']}/{day['required_carers']}"
    verdict = "ok" if day["compliant"] else f"BELOW (short {day['shortfall']})"
    return (
        f"  {day['date']}: residents {day['residents']} (dependent {day['dependent_residents']}), "
        f"staff {day['staff']}/{day['required_staff']}{carers}: {verdict}"
    )


async def cmd_staffing_ratio(args) -> int:
    import msgspec

    from backend.core.errors import DomainError, Invalid
    from backend.core.security import Scope
    from backend.staffing import services

    try:
        result = await services.home_ratio(Scope.system("cli"), args.home, args.from_day, args.to_day)
    except Invalid as invalid:
        for name, message in invalid.errors.items():
            say(f"error: --{name}: {message}")
        return EXIT_INVALID
    except DomainError as exc:
        say(f"error: home {args.home}: {exc}")
        return EXIT_INVALID
    document = msgspec.to_builtins(result)
    if args.json:
        print(json.dumps(document, ensure_ascii=False))
    below = [day for day in document["days"] if not day["compliant"]]
    say(f"home {result.home}: {len(document['days'])} day(s), {len(below)} below the ratio")
    if not args.json:
        for day in document["days"]:
            say(_line(day))
    return EXIT_OK
