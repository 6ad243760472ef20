"""What every command shares: the exit codes and the human output (stderr)."""

from __future__ import annotations

import sys

EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_TAMPERED = 0, 1, 2, 3


def say(text: str) -> None:
    print(text, file=sys.stderr)
