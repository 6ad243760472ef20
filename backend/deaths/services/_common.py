"""Shared pieces of the deaths services: roles, time helpers, the record in force, the register's rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from backend.core import citizen_id, dates, death_times, money
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.settings import get_settings
from backend.deaths import rules
from backend.deaths.schemas import DeathOut
from backend.deaths.tables import DeathRecord


def _aware(moment: datetime | None, field: str = "died_at") -> datetime | None:
    """A naive date-time is in TEKUN_TIMEZONE; the result is aware UTC (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_settings().tz)
    try:
        result = moment.astimezone(UTC)
        dates.local(result)
    except (OverflowError, ValueError) as exc:
        raise Invalid({field: _("Not a valid date and time (write 2026-11-02 14:30).")}) from exc
    if result.year < 1900:
        raise Invalid({field: _("Not a valid date and time (write 2026-11-02 14:30).")})
    return result


def local_iso(moment: datetime) -> str:
    return dates.local(moment).isoformat(timespec="seconds")


def _columns():
    return (
        DeathRecord.all_columns(),
        DeathRecord.resident.id_number.as_alias("id_number"),
        DeathRecord.resident.name.as_alias("name"),
        DeathRecord.county.code.as_alias("county_code"),
        DeathRecord.home.code.as_alias("home_code"),
        DeathRecord.home.name.as_alias("home_name"),
    )


def timing(row: dict[str, Any]) -> rules.Timing:
    """Hours to report and lateness of a stored record, by the rule (``rules.report_timing``):
    from the time of death, or from the end of the day when only the date is known. Counted from
    the record's inputs (died_at, time_known, reported_at, deadline_hours), not read from its
    ``minutes_to_report`` / ``late``, which keep what was computed when the record was made: a
    record made before issue 10 with a date alone was counted from 00:00 there, and the ledger
    is append-only."""
    return rules.report_timing(
        row["died_at"], bool(row["time_known"]), row["reported_at"], row["deadline_hours"], get_settings().tz
    )


def died_at_text(row: dict[str, Any]) -> str:
    """``died_at`` as interfaces §6 gives it: the local date-time, or the date alone when only
    the date is known."""
    if row["time_known"]:
        return local_iso(row["died_at"])
    return row["died_on"].isoformat()


def _out(row: dict[str, Any]) -> DeathOut:
    counted = timing(row)
    return DeathOut(
        id=row["id"],
        resident_id=row["resident"],
        id_number_masked=citizen_id.mask(row["id_number"]),
        name=row["name"],
        county_code=row["county_code"],
        home_code=row["home_code"],
        home_name=row["home_name"],
        died_at=row["died_at"],
        died_on=row["died_on"],
        died_time_known=bool(row["time_known"]),
        time_known=bool(row["time_known"]),
        reported_at=row["reported_at"],
        hours_to_report=counted.hours,
        deadline_hours=row["deadline_hours"],
        late=counted.late,
        last_entitled_month=dates.month_text(row["last_entitled_month"]),
        place=row["place"],
        cause=row["cause"],
        certificate_no=row["certificate_no"],
        reporter=row["reporter"],
        funeral_arrangements=row["funeral_arrangements"],
        funeral_subsidy=money.yuan_text(row["funeral_subsidy"]),
        source=row["source"],
        corrects=row["corrects"],
        reason=row["reason"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
    )


async def _record_in_force(resident_id: int) -> dict[str, Any] | None:
    return (
        await DeathRecord.select(*_columns())
        .where(DeathRecord.resident == resident_id)
        .order_by(DeathRecord.seq, ascending=False)
        .first()
    )


async def _records_in_force(resident_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The record in force (the latest) of each of these persons who has one, by person id."""
    latest: dict[int, dict[str, Any]] = {}
    wanted = sorted(set(resident_ids))
    for start in range(0, len(wanted), 900):
        rows = (
            await DeathRecord.select(*_columns())
            .where(DeathRecord.resident.is_in(wanted[start : start + 900]))
            .order_by(DeathRecord.seq)
        )
        for row in rows:
            latest[row["resident"]] = row  # a later seq replaces an earlier one
    return latest


async def times_of_death(resident_ids: list[int]) -> dict[int, death_times.DeathTime]:
    """The death in force of each of these persons who has one (for ``core.death_times``: the
    residents' pages, which have checked the scope)."""
    return {
        resident_id: death_times.DeathTime(row["died_at"], row["died_on"], bool(row["time_known"]), row["home_code"])
        for resident_id, row in (await _records_in_force(resident_ids)).items()
    }


async def _latest_rows(county_id: int | None, month: date | None, extra=None) -> list[dict[str, Any]]:
    """Records in force (one per person), newest death first, optionally of one month of death."""
    query = DeathRecord.select(*_columns())
    if county_id is not None:
        query = query.where(DeathRecord.county == county_id)
    if month is not None:
        query = query.where((DeathRecord.died_on >= month) & (DeathRecord.died_on < dates.add_months(month, 1)))
    if extra is not None:
        query = query.where(extra)
    rows = await query.order_by(DeathRecord.seq)
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        latest[row["resident"]] = row  # a later seq replaces an earlier one
    # A correction may move the death out of the month: keep only persons whose record in force is in it.
    if month is not None and latest:
        newest = await DeathRecord.select(DeathRecord.resident, DeathRecord.seq).where(DeathRecord.resident.is_in(list(latest)))
        top: dict[int, int] = {}
        for row in newest:
            top[row["resident"]] = max(top.get(row["resident"], 0), row["seq"])
        latest = {key: row for key, row in latest.items() if row["seq"] == top[key]}
    return sorted(latest.values(), key=lambda row: (row["died_at"], row["id"]), reverse=True)


def parse_month_param(text: str | None) -> date | None:
    if not text:
        return None
    try:
        month = dates.parse_month(text)
        dates.add_months(month, 1)  # the register counts to the next month: 9999-12 has none
    except ValueError as exc:
        raise Invalid({"month": _("Not a valid month (write 2026-11).")}) from exc
    return month
