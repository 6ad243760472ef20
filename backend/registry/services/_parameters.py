"""The per-county parameters (local settings with effective dates): read, set, and, for the
other domains, the parameters in force for a county on a day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change
from backend.core.security import Scope
from backend.registry import rules
from backend.registry.schemas import ParametersIn, ParametersOut
from backend.registry.services._common import audit, find_county, require_admin
from backend.registry.tables import CountyParameter

# Counties per look-up query of ``county_parameters``.
_CHUNK = 500
# Parameters added after the first clients were written: left out of a body, they keep the value
# in force on its effective date (issue 10's two, issue 12's hazard deadlines).
_KEPT_WHEN_LEFT_OUT = ("admission_assessment_max_age_days", "default_area", "hazard_days_major", "hazard_days_ordinary")


def _parameters(row: dict[str, Any]) -> rules.Parameters:
    return rules.Parameters(
        effective_from=row["effective_from"],
        **{name: row[name] for name in rules.PARAMETER_FIELDS},
    )


def _parameters_out(county_code: str, params: rules.Parameters) -> ParametersOut:
    return ParametersOut(
        county_code=county_code,
        effective_from=params.effective_from,
        residents_per_staff=params.residents_per_staff,
        dependents_per_carer=params.dependents_per_carer,
        death_report_deadline_hours=params.death_report_deadline_hours,
        extra_months_after_death=params.extra_months_after_death,
        inspections_per_year=params.inspections_per_year,
        admission_assessment_max_age_days=params.admission_assessment_max_age_days,
        default_area=params.default_area,
        hazard_days_major=params.hazard_days_major,
        hazard_days_ordinary=params.hazard_days_ordinary,
        is_default=params.effective_from is None,
    )


async def county_parameters(county_ids: Iterable[int]) -> dict[int, list[rules.Parameters]]:
    """Every county's recorded parameters, oldest first, for all ``county_ids`` in one query
    (per 500 counties); a county with none recorded maps to []. For the other domains, which
    have the county id of a row already in their scope: pick the row in force with
    ``rules.parameters_in_force(rows, day, rules.default_parameters())``."""
    wanted = sorted(set(county_ids))
    result: dict[int, list[rules.Parameters]] = defaultdict(list)
    for start in range(0, len(wanted), _CHUNK):
        rows = (
            await CountyParameter.select()
            .where(CountyParameter.county.is_in(wanted[start : start + _CHUNK]))
            .order_by(CountyParameter.effective_from)
        )
        for row in rows:
            result[row["county"]].append(_parameters(row))
    return {county_id: result.get(county_id, []) for county_id in wanted}


async def parameters_in_force(county_id: int, day: date) -> rules.Parameters:
    """The parameters of the county (by id) in force on ``day``: the shipped defaults when none
    was set (the deaths domain: the deadline and the extra months on the day of death)."""
    rows = (await county_parameters([county_id]))[county_id]
    return rules.parameters_in_force(rows, day, rules.default_parameters())


async def _parameter_rows(county_id: int) -> list[rules.Parameters]:
    return (await county_parameters([county_id]))[county_id]


async def parameters_on(scope: Scope, county_code: str, day: date) -> rules.Parameters:
    """The county's parameters in force on ``day`` (the shipped defaults when none was set)."""
    county = await find_county(scope, county_code)
    return await parameters_in_force(county["id"], day)


async def parameter_history(scope: Scope, county_code: str) -> list[ParametersOut]:
    county = await find_county(scope, county_code)
    return [_parameters_out(county_code, row) for row in await _parameter_rows(county["id"])]


async def current_parameters(scope: Scope, county_code: str) -> ParametersOut:
    return _parameters_out(county_code, await parameters_on(scope, county_code, dates.today()))


def _check_parameters(data: ParametersIn, values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    for name, (low, high) in rules.PARAMETER_RANGES.items():
        value = values[name]
        if value is None and name == "dependents_per_carer":
            continue
        if not isinstance(value, int) or not low <= value <= high:
            errors[name] = _("Must be a whole number from {low} to {high}.").format(low=low, high=high)
    if values["default_area"] not in rules.AREAS:
        errors["default_area"] = _("Choose urban or rural.")
    if data.effective_from < dates.today():
        errors["effective_from"] = _("The effective date cannot be in the past: a change never rewrites earlier days.")
    return errors


async def set_parameters(scope: Scope, county_code: str, data: ParametersIn) -> ParametersOut:
    """Record parameters from ``effective_from`` on. The past is never rewritten: a date before
    today is refused, and so is a second change for a date already in force; a second change
    for the same future date replaces the first."""
    require_admin(scope)
    values = {name: getattr(data, name) for name in rules.PARAMETER_FIELDS}
    if any(values[name] is None for name in _KEPT_WHEN_LEFT_OUT):
        in_force = await parameters_in_force((await find_county(scope, county_code))["id"], data.effective_from)
        for name in _KEPT_WHEN_LEFT_OUT:
            if values[name] is None:
                values[name] = getattr(in_force, name)
    errors = _check_parameters(data, values)
    if errors:
        raise Invalid(errors)
    async with transaction():
        county = await find_county(scope, county_code)
        existing = (
            await CountyParameter.select()
            .where(CountyParameter.county == county["id"])
            .where(CountyParameter.effective_from == data.effective_from)
            .first()
        )
        key = f"{county_code}@{data.effective_from.isoformat()}"
        if existing and data.effective_from <= dates.today():
            raise Invalid({"effective_from": _("Parameters from this date are already in force; choose a later effective date.")})
        if existing:
            before = {name: existing[name] for name in rules.PARAMETER_FIELDS}
            await CountyParameter.update({**values, "created_by": scope.username, "created_at": dates.now_utc()}).where(
                CountyParameter.id == existing["id"]
            )
            await audit(scope, [Change("parameters.replace", "county_parameter", key, before, values)])
        else:
            await CountyParameter.insert(
                CountyParameter(
                    county=county["id"],
                    effective_from=data.effective_from,
                    created_at=dates.now_utc(),
                    created_by=scope.username,
                    **values,
                )
            )
            await audit(scope, [Change("parameters.set", "county_parameter", key, None, values)])
    params = rules.Parameters(effective_from=data.effective_from, **values)
    return _parameters_out(county_code, params)
