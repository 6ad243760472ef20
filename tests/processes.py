"""Watching real processes from a test (Linux /proc): children, whether one has ended, a server
that answers. Waits are bounded so that a broken build fails instead of hanging; nothing here
asserts how long anything took."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PROC = Path("/proc")


def wait_for(condition: Callable[[], object], seconds: float = 60, every: float = 0.1) -> bool:
    """Poll ``condition`` until it is true or ``seconds`` have passed; whether it became true."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(every)


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when there is none with this pid."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()  # the command name in parentheses may hold spaces
    return fields[0], int(fields[1])


def is_gone(pid: int) -> bool:
    """No such process, or only its exit status left (a zombie nobody reaped yet)."""
    stat = _stat(pid)
    return stat is None or stat[0] in ("Z", "X")


def children(pid: int, word: str = "") -> list[int]:
    """Live child processes of ``pid`` whose command line contains ``word``."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        if stat is None or stat[1] != pid or stat[0] in ("Z", "X"):
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if word in command:
            found.append(int(entry.name))
    return found


def http_ok(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def end(process: subprocess.Popen, *others: int) -> None:
    """Clean-up after a test: stop ``process`` and the given pids if they still run."""
    for pid in others:
        if not is_gone(pid):
            os.kill(pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)


@contextlib.contextmanager
def serving(cwd: Path, log_path: Path, port: int, env: dict[str, str] | None = None, workers: int = 1) -> Iterator[str]:
    """``tekun serve`` in its own process on ``port``; yields its URL once every worker has started
    and /health answers (at most 60 s, else the log is shown); stopped at the end."""
    import httpx

    command = [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)

        def answers() -> bool:
            if log_path.read_text().count("Application startup complete") < workers:
                return False
            try:
                return httpx.get(f"{url}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        try:
            if not wait_for(answers, seconds=60, every=0.2):
                raise RuntimeError(f"the server did not start: {log_path.read_text()}")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)
