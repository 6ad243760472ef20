"""Files from outside are read in a child process that cannot hurt the server.

``parse_file`` (the parent's side, async: the event loop only waits) starts a fresh Python
process per file, at most ``TEKUN_IMPORT_WORKERS`` at once per process, hands it the bytes (or the
path) and the kind's columns, and waits at most ``TEKUN_IMPORT_TIMEOUT`` seconds, then kills it.
The child limits its own address space to ``TEKUN_IMPORT_MEMORY_MB`` (``RLIMIT_AS``) and its
CPU time, writes no core file, dies with its parent, runs with only the time zone and language
of the environment (no database URL, no secret key), reads and converts the file
(``read_sheet`` + ``convert_sheet``: the container checks, the row limit, every cell) and sends
back the converted columns (a few lists, so a province file crosses in a fraction of a second).
A child killed by a limit, or that dies otherwise, becomes a refusal naming the limit
(ExchangeError), never an error of the server. The parent unpickles with an allow-list of
classes (dates and times only): what the child sends is data, never code.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import logging
import os
import pickle
import secrets
import signal
import sys
from pathlib import Path
from typing import Any

from backend.core.exchange import (
    Converted,
    ExchangeError,
    Limits,
    ParsedRow,
    RowError,
    get_limits,
    refuse,
    too_large,
)
from backend.core.i18n import _, current_language

log = logging.getLogger(__name__)

_ROOT = str(Path(__file__).resolve().parent.parent.parent)  # the directory holding `backend`
_BOOT = f"import sys; sys.path.insert(0, {_ROOT!r}); from backend.core.parse_worker import child_main; child_main()"
EXIT_MEMORY = 3
_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TEKUN_TIMEZONE", "TEKUN_LANGUAGE")
_slots: dict[int, asyncio.Semaphore] = {}  # by TEKUN_IMPORT_WORKERS (one setting per process)


def load_object(reference: str) -> Any:
    """``package.module:NAME`` → that object (how the child finds a kind's columns)."""
    module, _sep, name = reference.partition(":")
    if not module.startswith("backend.") or not name:
        raise ValueError(f"not a column reference: {reference!r}")
    return getattr(importlib.import_module(module), name)


def _semaphore(limits: Limits) -> asyncio.Semaphore:
    if limits.workers not in _slots:
        _slots[limits.workers] = asyncio.Semaphore(limits.workers)
    return _slots[limits.workers]


def _environment() -> dict[str, str]:
    env = {name: os.environ[name] for name in _ENVIRONMENT if name in os.environ}
    # Settings insist on these; the child has no database and signs nothing.
    env["TEKUN_SECRET_KEY"] = secrets.token_urlsafe(24)
    env["TEKUN_DATABASE_URL"] = "sqlite:////nonexistent/the-parse-worker-has-no-database"
    env["TEKUN_DATA_DIR"] = "/nonexistent/the-parse-worker-has-no-data-dir"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class _DataOnly(pickle.Unpickler):
    ALLOWED = frozenset(
        {
            ("datetime", "date"),
            ("datetime", "datetime"),
            ("datetime", "time"),
            ("datetime", "timedelta"),
            ("datetime", "timezone"),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"the parse worker sent {module}.{name}")
        return super().find_class(module, name)


def _memory_refusal(limits: Limits) -> ExchangeError:
    return refuse(
        _("The file is too large or too complex to check: reading it needs more than {limit} MB of memory.").format(
            limit=f"{limits.memory_bytes // (1024 * 1024):,}"
        )
    )


def _time_refusal(limits: Limits) -> ExchangeError:
    return refuse(
        _("The file is too large or too complex to check: reading it takes more than {limit} seconds.").format(
            limit=f"{limits.timeout_seconds:g}"
        )
    )


async def parse_file(
    source: bytes | Path,
    filename: str,
    columns: str,
    refused: str | None = None,
    *,
    nice: int = 0,
    limits: Limits | None = None,
) -> tuple[list[ParsedRow], list[RowError]]:
    """Read and convert a file in a parse worker: the rows and every cell error, as
    ``parse_sheet`` gives them. ``columns`` and ``refused`` name the kind's column list and
    refused headers (``module:NAME``). Raises ExchangeError when the file is refused whole."""
    limits = limits or get_limits()
    if isinstance(source, Path):
        if source.stat().st_size > limits.max_file_bytes:
            raise refuse(too_large(limits))
    elif len(source) > limits.max_file_bytes:
        raise refuse(too_large(limits))
    job = {
        "filename": filename,
        "columns": columns,
        "refused": refused,
        "language": current_language(),
        "limits": limits.as_dict(),
        "path": str(source.resolve()) if isinstance(source, Path) else None,
        "nice": nice,
    }
    async with _semaphore(limits):
        returncode, out, err, timed_out = await _run(job, b"" if isinstance(source, Path) else source, limits)
    if timed_out or returncode == -signal.SIGXCPU:
        raise _time_refusal(limits)
    if returncode != 0:
        _failed(returncode, err, limits)
    status, payload = await asyncio.to_thread(_load, out)
    if status == "refused":
        raise ExchangeError([RowError(*error) for error in payload])
    converted = Converted.from_tuple(payload)
    return await asyncio.to_thread(converted.rows), converted.errors


def _load(out: bytes) -> tuple[str, Any]:
    return _DataOnly(io.BytesIO(out)).load()


async def _run(job: dict, data: bytes, limits: Limits) -> tuple[int, bytes, bytes, bool]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        "-c",
        _BOOT,
        json.dumps(job),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(),
        cwd="/",
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(data), limits.timeout_seconds)
    except TimeoutError:
        process.kill()
        await process.wait()
        return process.returncode, b"", b"", True
    except BaseException:  # cancelled (the client went away, the server stops): no orphan
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    return process.returncode, out, err, False


def _failed(returncode: int, err: bytes, limits: Limits) -> None:
    """Raise what a worker's death means: a refusal, or (a bug in our code) a RuntimeError."""
    text = err.decode("utf-8", "replace")
    if returncode in (EXIT_MEMORY, -signal.SIGABRT, -signal.SIGKILL) or "memory allocation" in text or "MemoryError" in text:
        # Python's MemoryError exits EXIT_MEMORY; Rust's allocator aborts when the address-space
        # limit refuses it; the kernel's OOM killer sends SIGKILL.
        log.warning("parse worker stopped (exit %s) by the memory limit: %s", returncode, text[-500:])
        raise _memory_refusal(limits)
    if returncode < 0:
        log.warning("parse worker died of signal %s: %s", -returncode, text[-2000:])
        raise refuse(_("The file is too large or too complex to check: the reader stopped unexpectedly."))
    raise RuntimeError(f"parse worker failed (exit {returncode}): {text[-4000:]}")


# --- the child ------------------------------------------------------------------------------


def _limit_self(limits: dict, nice: int) -> None:
    import resource

    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = int(limits["timeout_seconds"]) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if nice:
        os.nice(nice)
    try:  # die with the parent (Linux): a worker outliving the server is killed
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child_job(job: dict) -> tuple[str, Any]:
    from backend.core.exchange import Limits, convert_sheet, read_sheet
    from backend.core.i18n import set_language

    set_language(job["language"])
    limits = Limits(**job["limits"])
    if job["path"]:
        with open(job["path"], "rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    else:
        data = sys.stdin.buffer.read(limits.max_file_bytes + 1)
    columns = load_object(job["columns"])
    refused = load_object(job["refused"]) if job["refused"] else None
    try:
        sheet = read_sheet(job["filename"], data, limits)
        del data
        return "ok", convert_sheet(sheet, columns, refused).as_tuple()
    except ExchangeError as refusal:
        return "refused", [(error.row, error.column, error.message) for error in refusal.errors]


def child_main() -> None:
    job = json.loads(sys.argv[1])
    _limit_self(job["limits"], job["nice"])
    try:
        result = _child_job(job)
        out = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        del result
    except MemoryError:
        os._exit(EXIT_MEMORY)
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    os._exit(0)
