"""The commands that run processes: the web application, the scheduler, the demo."""

from __future__ import annotations

import argparse
import asyncio

from backend.cli._commands import cmd_upgrade, with_db
from backend.cli._common import EXIT_OK, say


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
    logins = asyncio.run(with_db(load_demo))
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
