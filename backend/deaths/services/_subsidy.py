"""The county's funeral subsidy (a county parameter with effective dates)."""

from __future__ import annotations

from datetime import date

from backend.core import dates, money
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.deaths import rules
from backend.deaths.schemas import SubsidyOut
from backend.deaths.tables import FuneralSubsidy
from backend.registry import rules as registry_rules
from backend.registry import services as registry


async def _subsidy_rows(county_id: int) -> list[rules.SubsidyRow]:
    rows = await FuneralSubsidy.select(FuneralSubsidy.effective_from, FuneralSubsidy.amount).where(
        FuneralSubsidy.county == county_id
    )
    return [rules.SubsidyRow(row["effective_from"], row["amount"]) for row in rows]


async def subsidy_history(scope: Scope, county_code: str) -> list[SubsidyOut]:
    county = await registry.find_county(scope, county_code)
    rows = sorted(await _subsidy_rows(county["id"]), key=lambda row: row.effective_from)
    return [SubsidyOut(county_code, row.effective_from, money.yuan_text(row.amount)) for row in rows]


async def subsidy_on(scope: Scope, county_code: str, day: date) -> SubsidyOut:
    county = await registry.find_county(scope, county_code)
    rows = await _subsidy_rows(county["id"])
    in_force = [row for row in rows if row.effective_from <= day]
    best = max(in_force, key=lambda row: row.effective_from, default=None)
    if best is None:
        return SubsidyOut(county_code, None, money.yuan_text(registry_rules.default_funeral_subsidy_fen()))
    return SubsidyOut(county_code, best.effective_from, money.yuan_text(best.amount))


async def set_funeral_subsidy(scope: Scope, county_code: str, effective_from: date, amount_text: str) -> SubsidyOut:
    """The county's funeral subsidy from ``effective_from`` on (not in the past: a change never
    rewrites earlier deaths; a second change for the same future date replaces the first)."""
    require(scope, "set_funeral_subsidy", _("Only an administrator changes county parameters."))
    errors: dict[str, str] = {}
    try:
        amount = money.parse_yuan(amount_text or "")
        if amount < 0 or amount > registry_rules.FUNERAL_SUBSIDY_MAX_FEN:
            raise ValueError(amount_text)
    except ValueError:
        errors["amount"] = _("Not a valid amount in yuan (write 1234.50).")
    if effective_from < dates.today():
        errors["effective_from"] = _("The effective date cannot be in the past: a change never rewrites earlier days.")
    if errors:
        raise Invalid(errors)
    async with transaction():
        county = await registry.find_county(scope, county_code)
        existing = (
            await FuneralSubsidy.select()
            .where((FuneralSubsidy.county == county["id"]) & (FuneralSubsidy.effective_from == effective_from))
            .first()
        )
        key = f"{county_code}@{effective_from.isoformat()}"
        if existing and effective_from <= dates.today():
            raise Invalid({"effective_from": _("Parameters from this date are already in force; choose a later effective date.")})
        if existing:
            await FuneralSubsidy.update(
                {
                    FuneralSubsidy.amount: amount,
                    FuneralSubsidy.created_by: scope.username,
                    FuneralSubsidy.created_at: dates.now_utc(),
                }
            ).where(FuneralSubsidy.id == existing["id"])
            before = {"funeral_subsidy": money.yuan_text(existing["amount"])}
        else:
            await FuneralSubsidy.insert(
                FuneralSubsidy(
                    county=county["id"],
                    effective_from=effective_from,
                    amount=amount,
                    created_at=dates.now_utc(),
                    created_by=scope.username,
                )
            )
            before = None
        await append_audit(
            scope.user_id,
            scope.username,
            [Change("parameters.funeral_subsidy", "county_parameter", key, before, {"funeral_subsidy": money.yuan_text(amount)})],
        )
    return SubsidyOut(county_code, effective_from, money.yuan_text(amount))
