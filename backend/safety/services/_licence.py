"""The canteen licence (食品经营许可证, issue 12 point 3; domain rules §5): its number and expiry,
a new row each time (the latest recorded is in force). An expired licence is a major hazard:
``open_licence_hazards`` opens one per home (at most one open at a time), called when a licence is
recorded already expired and by the scheduler every day. A home with a canteen and no licence
recorded is a warning on the licence page, not a hazard.

Writers: ``record_safety``; readers: ``view_safety``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import rules
from backend.safety.services._common import clocks_for, home_for
from backend.safety.services._hazards import OPEN_STATUSES, deadline_days
from backend.safety.tables import CanteenLicence, SafetyHazard

LICENCE_HAZARD_TITLE = "食品经营许可证已过期"  # data, as the ledger is kept (Chinese)
SYSTEM = "system"


class LicenceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    number: str
    expires_on: date


class LicenceOut(msgspec.Struct, kw_only=True):
    home: str
    number: str
    expires_on: date
    expired: bool
    recorded_at: datetime
    recorded_by: str


class LicenceStatus(msgspec.Struct, kw_only=True):
    """The licence page: the licence in force (None when none is recorded), the earlier ones,
    whether the home has a canteen, and the open licence hazard's id."""

    home: str
    has_canteen: bool
    current: LicenceOut | None
    history: list[LicenceOut]
    hazard_id: int | None = None


def _out(row: dict[str, Any], home_code: str, today: date) -> LicenceOut:
    return LicenceOut(
        home=home_code,
        number=row["number"],
        expires_on=row["expires_on"],
        expired=rules.licence_expired(row["expires_on"], today),
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
    )


async def _latest(home_ids: list[int]) -> dict[int, dict[str, Any]]:
    """home id → its licence in force (the latest recorded)."""
    if not home_ids:
        return {}
    rows = await CanteenLicence.select().where(CanteenLicence.home.is_in(home_ids)).order_by(CanteenLicence.id)
    return {row["home"]: row for row in rows}


async def licence_status(scope: Scope, home_code: str, today: date | None = None) -> LicenceStatus:
    home = await home_for(scope, home_code, "view_safety")
    today = today or dates.today()
    rows = await CanteenLicence.select().where(CanteenLicence.home == home["id"]).order_by(CanteenLicence.id, ascending=False)
    clock = (await clocks_for([home["id"]]))[home["id"]]
    hazard = await _open_licence_hazard(home["id"])
    outs = [_out(row, home["code"], today) for row in rows]
    return LicenceStatus(
        home=home["code"],
        has_canteen=clock.has_canteen,
        current=outs[0] if outs else None,
        history=outs[1:],
        hazard_id=hazard["id"] if hazard else None,
    )


async def _open_licence_hazard(home_id: int) -> dict[str, Any] | None:
    return (
        await SafetyHazard.select(SafetyHazard.id)
        .where(
            (SafetyHazard.home == home_id) & (SafetyHazard.source == "licence") & SafetyHazard.status.is_in(list(OPEN_STATUSES))
        )
        .first()
    )


async def record_licence(scope: Scope, home_code: str, data: LicenceIn, now: datetime | None = None) -> LicenceOut:
    """Record the home's licence (a new row; it is then in force; the licence in force sent again
    writes nothing). Recorded already expired, it opens the major hazard at once."""
    home = await home_for(scope, home_code, "record_safety")
    now = now or dates.now_utc()
    number = data.number.strip()
    errors = {}
    if not number or len(number) > 50:
        errors["number"] = _("The licence number (at most 50 characters).")
    if not dates.FIRST_YEAR <= data.expires_on.year <= dates.LAST_YEAR:
        errors["expires_on"] = _("The expiry date is not plausible.")
    if errors:
        raise Invalid(errors)
    today = dates.local(now).date()
    async with transaction():
        await registry.lock_home(home["id"])  # two sends at once: the second waits, then finds the first
        current = (await _latest([home["id"]])).get(home["id"])
        if current is not None and (current["number"], current["expires_on"]) == (number, data.expires_on):
            return _out(current, home["code"], today)  # the licence in force sent again: nothing new
        await CanteenLicence.insert(
            CanteenLicence(
                home=home["id"], number=number, expires_on=data.expires_on, recorded_at=now, recorded_by=scope.username
            )
        )
        row = (
            await CanteenLicence.select()
            .where(CanteenLicence.home == home["id"])
            .order_by(CanteenLicence.id, ascending=False)
            .first()
        )
        assert row is not None
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "safety.licence",
                    "canteen_licence",
                    str(row["id"]),
                    None,
                    {"home": home["code"], "number": number, "expires_on": data.expires_on.isoformat()},
                )
            ],
        )
        if rules.licence_expired(data.expires_on, today):
            await _open_hazards([home], {home["id"]: row}, today, now, scope)
    return _out(row, home["code"], today)


async def _open_hazards(
    homes: list[dict[str, Any]], latest: dict[int, dict[str, Any]], today: date, now: datetime, scope: Scope
) -> list[int]:
    """In the caller's transaction: a major hazard for each home with a canteen whose licence in
    force has expired and that has no open licence hazard. The ids opened."""
    expired = [home for home in homes if home["id"] in latest and rules.licence_expired(latest[home["id"]]["expires_on"], today)]
    if expired:  # a home without a canteen (its settings) needs no canteen licence
        clocks = await clocks_for([home["id"] for home in expired])
        expired = [home for home in expired if clocks[home["id"]].has_canteen]
    if not expired:
        return []
    for home in expired:  # a record and the daily job at once: the second waits and finds the first's hazard
        await registry.lock_home(home["id"])
    already = {
        row["home"]
        for row in await SafetyHazard.select(SafetyHazard.home).where(
            SafetyHazard.home.is_in([home["id"] for home in expired])
            & (SafetyHazard.source == "licence")
            & SafetyHazard.status.is_in(list(OPEN_STATUSES))
        )
    }
    opened = []
    for home in expired:
        if home["id"] in already:
            continue
        licence = latest[home["id"]]
        days_major, _days_ordinary = await deadline_days(home["county_id"], today)
        await SafetyHazard.insert(
            SafetyHazard(
                home=home["id"],
                source="licence",
                entry=None,
                routine="",
                item_key="",
                title=LICENCE_HAZARD_TITLE,
                note=f"{licence['number']} · {licence['expires_on'].isoformat()}",
                major=True,
                opened_on=today,
                opened_at=now,
                opened_by=scope.username,
                deadline=rules.hazard_deadline(today, True, days_major, days_major),
                owner="",
                status="open",
            )
        )
        hazard = await _open_licence_hazard(home["id"])
        assert hazard is not None
        opened.append(hazard["id"])
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "safety.licence_hazard",
                    "safety_hazard",
                    str(hazard["id"]),
                    None,
                    {"home": home["code"], "number": licence["number"], "expires_on": licence["expires_on"].isoformat()},
                )
            ],
        )
    return opened


async def open_licence_hazards(today: date | None = None, now: datetime | None = None) -> list[int]:
    """Every home whose canteen licence in force has expired and that has no open licence hazard
    gets one (major; idempotent). The scheduler calls this daily; the ids of the hazards opened."""
    now = now or dates.now_utc()
    today = today or dates.local(now).date()
    scope = Scope.system(SYSTEM)
    latest_ids = {
        row["home"] for row in await CanteenLicence.select(CanteenLicence.home).where(CanteenLicence.expires_on < today)
    }
    if not latest_ids:
        return []
    async with transaction():
        latest = await _latest(sorted(latest_ids))
        homes = await registry.homes_by_id(sorted(latest))
        rows = [{"id": home_id, "code": home["code"], "county_id": home["county"]} for home_id, home in sorted(homes.items())]
        return await _open_hazards(rows, latest, today, now, scope)
