"""The home's roster (cards on a phone) and its printable public roster (A4 and a phone)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.core import dates, death_times
from backend.core.web import USER
from backend.registry import services as registry
from backend.residents import rules, services
from backend.residents.views._common import register_filters, resident_page, scope_of


@get("/homes/{code:str}/roster", opt={"access": USER})
async def home_roster(
    request: Request,
    code: FromPath[str],
    mode: FromQuery[str | None] = None,
    tier: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
) -> Template:
    scope = scope_of(request)
    home = await registry.get_home(scope, code)
    chosen = register_filters(mode, tier, status)
    result = await services.roster(
        scope,
        code,
        services.RegisterFilter(mode=chosen["mode"] or None, tier=chosen["tier"] or None, status=chosen["status"] or None),
    )
    return resident_page(request, "residents/roster.html", home=home, result=result, chosen=chosen)


# The public roster (院务公开, domain-rules §7/§9) lists the current residents and, apart, those
# who died living in the home within this many days (a default of ours: the rules name no period).
PUBLIC_DEATHS_DAYS = 365


async def _public_deaths(scope, code: str, today: date) -> list[dict[str, Any]]:
    """Who died living in the home (the death record's home) in the last PUBLIC_DEATHS_DAYS days,
    the latest first: the person (ID masked) and the date of death (its time is not posted)."""
    since = today - timedelta(days=PUBLIC_DEATHS_DAYS)
    dead = [p for p in (await services.roster(scope, code, services.RegisterFilter(status="died"))).items if p.died_on >= since]
    deaths = await death_times.times_of_death(p.id for p in dead)
    shown = [
        {"person": p, "died_on": p.died_on, "age": rules.age_on(p.birth_date, p.died_on)}
        for p in dead
        if p.id in deaths and deaths[p.id].home_code == code
    ]
    return sorted(shown, key=lambda item: (item["died_on"], item["person"].id), reverse=True)


@get("/homes/{code:str}/roster/print", opt={"access": USER})
async def home_public_roster(request: Request, code: FromPath[str]) -> Template:
    scope = scope_of(request)
    home = await registry.get_home(scope, code)
    today = dates.today()
    result = await services.roster(scope, code, services.RegisterFilter(status="in_home"))
    return resident_page(
        request,
        "residents/public_roster.html",
        home=home,
        result=result,
        today=today,
        deaths=await _public_deaths(scope, code, today),
        deaths_days=PUBLIC_DEATHS_DAYS,
    )


ROUTES = [home_roster, home_public_roster]
