"""How long ``tekun demo --no-serve`` takes to load the demo into a fresh database, and the second
load (which must create nothing). The figure tests/test_demo.py used to assert (under 40 s) is a
benchmark target here, not a test.

    .venv/bin/python -m benchmarks.bench_demo [--db sqlite,postgres]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_import import drop, fresh_env, run  # noqa: E402

TARGET_SECONDS = 40.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both (comma-separated)")
    args = parser.parse_args()
    for database in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="tekun-bench-") as workdir:
            env, url = fresh_env(database, Path(workdir))
            try:
                for label in ("first load", "second load"):
                    seconds, peak, result = run(env, "demo", "--no-serve")
                    if result.returncode != 0:
                        print(result.stderr, file=sys.stderr)
                        return 1
                    mark = "ok" if label == "second load" or seconds <= TARGET_SECONDS else f"over {TARGET_SECONDS:.0f} s"
                    print(f"{database:<9} {label:<12} {seconds:6.1f} s  peak {peak:5.0f} MiB  {mark}")
            finally:
                drop(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
