"""The limits a file must keep to be read (docs/operations.md lists the settings).

Read once from the environment (all optional). The parse worker receives them from its parent,
so the web server, ``tekun import`` and their workers apply the same numbers.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from backend.core.settings import SettingsError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # Settings (TEKUN_IMPORT_…)
    max_file_bytes: int = 50 * MiB  # TEKUN_IMPORT_MAX_FILE_MB: an upload or a `tekun import` file
    max_rows: int = 2_000_000  # TEKUN_IMPORT_MAX_ROWS: rows after the header
    memory_bytes: int = 1024 * MiB  # TEKUN_IMPORT_MEMORY_MB: address space of a parse worker
    timeout_seconds: float = 120.0  # TEKUN_IMPORT_TIMEOUT: wall time of a parse worker
    workers: int = 2  # TEKUN_IMPORT_WORKERS: parse workers at once, per web process
    # The XLSX container (fixed: no honest workbook comes near them)
    max_columns: int = 1_000
    max_cells: int = 10_000_000  # rows × columns of the sheet's used area; shared strings too
    max_zip_entries: int = 1_000
    max_unpacked_bytes: int = 1024 * MiB
    max_ratio: int = 100  # uncompressed : compressed, for a part larger than RATIO_FLOOR
    ratio_floor: int = 1 * MiB

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(name: str, default: float, cast=int, minimum: float = 1) -> Any:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = cast(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {text!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}")
    return value


def load_limits() -> Limits:
    default = Limits()
    return Limits(
        max_file_bytes=_number("TEKUN_IMPORT_MAX_FILE_MB", default.max_file_bytes // MiB) * MiB,
        max_rows=_number("TEKUN_IMPORT_MAX_ROWS", default.max_rows),
        memory_bytes=_number("TEKUN_IMPORT_MEMORY_MB", default.memory_bytes // MiB, minimum=64) * MiB,
        timeout_seconds=_number("TEKUN_IMPORT_TIMEOUT", default.timeout_seconds, float, minimum=0.1),
        workers=_number("TEKUN_IMPORT_WORKERS", default.workers),
    )


@cache
def get_limits() -> Limits:
    return load_limits()
