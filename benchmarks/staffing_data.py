"""The staffing benchmark's data side (``bench_staffing``): the floor query, by the bare driver,
and the generated staff written set-based while the staff imports do not exist."""

from __future__ import annotations

import csv
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.generate import REFERENCE_DAY
from benchmarks.generate_staff import CARER_CERT_ZH, EMPLOYMENT_ZH, POST_ZH, TOPIC_ZH

FIRST, LAST = REFERENCE_DAY - timedelta(days=365), REFERENCE_DAY - timedelta(days=1)

# The floor: per home and day of the range, residents present and staff and carers in post, by
# difference arrays in SQL (+1 on the first counted day, -1 on the day after the last), summed by
# a window over every (home, day). Stays as home_stays makes them: from an admission or transfer
# to the person's next event (that day included) or death.
_FLOOR = """
WITH {recursive} days(day) AS ({days}),
ev AS (
  SELECT p.resident, p.home, p.kind, p.event_date,
         LEAD(p.event_date) OVER (PARTITION BY p.resident ORDER BY p.event_date, p.seq) AS next_date
  FROM placement p WHERE p.event_date <= {last}
),
stays AS (
  SELECT ev.home, ev.event_date AS first_day, COALESCE(ev.next_date, r.died_on) AS last_day
  FROM ev JOIN resident r ON r.id = ev.resident
  WHERE ev.kind IN ('admit', 'transfer') AND (COALESCE(ev.next_date, r.died_on) IS NULL OR COALESCE(ev.next_date, r.died_on) >= {first})
),
posts AS (
  SELECT id, home, hired_on, left_on, CASE WHEN post = 'carer' THEN 1 ELSE 0 END AS carer
  FROM staff_member WHERE hired_on <= {last} AND (left_on IS NULL OR left_on > {first})
),
leaves AS (
  SELECT s.home, {greatest}(l.first_day, {first}) AS first_day, l.last_day, s.carer
  FROM staff_leave l JOIN posts s ON s.id = l.staff
  WHERE l.cancelled_at IS NULL AND l.first_day <= {last} AND l.last_day >= {first}
),
deltas(home, day, r, s, c) AS (
  SELECT home, {greatest}(first_day, {first}), 1, 0, 0 FROM stays
  UNION ALL SELECT home, {next_day}, -1, 0, 0 FROM stays WHERE last_day < {last}
  UNION ALL SELECT home, {greatest}(hired_on, {first}), 0, 1, carer FROM posts
  UNION ALL SELECT home, left_on, 0, -1, -carer FROM posts WHERE left_on <= {last}
  UNION ALL SELECT home, first_day, 0, -1, -carer FROM leaves
  UNION ALL SELECT home, {leave_end}, 0, 1, carer FROM leaves WHERE last_day < {last}
),
per_day AS (SELECT home, day, SUM(r) AS r, SUM(s) AS s, SUM(c) AS c FROM deltas GROUP BY home, day)
SELECT h.id, d.day,
       SUM(COALESCE(a.r, 0)) OVER w AS residents,
       SUM(COALESCE(a.s, 0)) OVER w AS staff,
       SUM(COALESCE(a.c, 0)) OVER w AS carers
FROM home h CROSS JOIN days d LEFT JOIN per_day a ON a.home = h.id AND a.day = d.day
WINDOW w AS (PARTITION BY h.id ORDER BY d.day)
"""
FLOOR_SQLITE = _FLOOR.format(
    recursive="RECURSIVE",
    days="SELECT :first UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < :last",
    first=":first",
    last=":last",
    greatest="MAX",
    next_day="date(last_day, '+1 day')",
    leave_end="date(last_day, '+1 day')",
)
FLOOR_POSTGRES = _FLOOR.format(
    recursive="",
    days="SELECT generate_series($1::date, $2::date, interval '1 day')::date",
    first="$1::date",
    last="$2::date",
    greatest="GREATEST",
    next_day="last_day + 1",
    leave_end="last_day + 1",
)


async def floor(url: str) -> tuple[float, list]:
    """Seconds and rows of the floor query, through the bare driver, fetched in full."""
    from backend.core import db

    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(db.sqlite_path(url))
        try:
            started = time.perf_counter()
            rows = connection.execute(FLOOR_SQLITE, {"first": FIRST.isoformat(), "last": LAST.isoformat()}).fetchall()
            return time.perf_counter() - started, rows
        finally:
            connection.close()
    import asyncpg

    connection = await asyncpg.connect(**db.pg_config(url))
    try:
        await connection.execute("SET jit = off")
        started = time.perf_counter()
        rows = await connection.fetch(FLOOR_POSTGRES, FIRST, LAST)
        return time.perf_counter() - started, rows
    finally:
        await connection.close()


# --- loading the generated staff set-based (when the imports do not exist yet) -------------------

POST_KEYS = {text: key for key, text in POST_ZH.items()}
EMPLOYMENT_KEYS = {text: key for key, text in EMPLOYMENT_ZH.items()}
CERT_KEYS = {text: key for key, text in CARER_CERT_ZH.items()}
TOPIC_KEYS = {text: key for key, text in TOPIC_ZH.items()}


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


async def load_staff(data: Path, with_posts: bool) -> dict[str, int]:
    """Write the generated posts and training (``with_posts``) and leave, set-based, in one
    transaction; the numbers of rows written."""
    from backend.core import db
    from backend.core.bulk import fetch_tuples, insert_rows

    now = datetime.now(UTC)
    counts = {}
    async with db.transaction():
        homes = {code: home_id for home_id, code in await fetch_tuples("SELECT id, code FROM home")}
        if with_posts:
            posts = [
                (
                    homes[r[0]],
                    r[1],
                    r[2],
                    POST_KEYS[r[3]],
                    EMPLOYMENT_KEYS.get(r[8], ""),
                    _day(r[4]),
                    _day(r[5]),
                    "",
                    _day(r[6]),
                    r[7] == "是",
                    CERT_KEYS.get(r[9], ""),
                    r[10],
                    now,
                    now,
                )  # fmt: skip
                for r in rows_of(data / "staff.csv")
            ]
            await insert_rows(
                "staff_member",
                ["home", "staff_no", "name", "post", "employment", "hired_on", "left_on", "left_reason",
                 "health_cert_expires", "fire_operator_cert", "carer_cert", "id_number", "created_at", "updated_at"],
                posts,
            )  # fmt: skip
            counts["staff"] = len(posts)
        staff = {
            (home_id, number): staff_id
            for staff_id, home_id, number in await fetch_tuples("SELECT id, home, staff_no FROM staff_member")
        }
        if with_posts:
            training = [
                (staff[homes[r[0]], r[1]], TOPIC_KEYS[r[2]], _day(r[3]), int(float(r[4]) * 10), r[5], now, "bench")
                for r in rows_of(data / "training.csv")
            ]
            await insert_rows(
                "training_record",
                ["staff", "topic", "trained_on", "hours_tenths", "provider", "created_at", "created_by"],
                training,
            )
            counts["training"] = len(training)
        leave = [
            (staff[homes[r[0]], r[1]], _day(r[2]), _day(r[3]), r[4], r[5], now, "bench")
            for r in rows_of(data / "staff_leave.csv")
        ]
        await insert_rows(
            "staff_leave", ["staff", "first_day", "last_day", "reason", "approved_by", "recorded_at", "recorded_by"], leave
        )
        counts["staff_leave"] = len(leave)
    return counts
