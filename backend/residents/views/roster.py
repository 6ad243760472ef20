"""The home's roster (cards on a phone) and its printable public roster (A4 and a phone)."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.core import dates
from backend.core.web import USER
from backend.registry import services as registry
from backend.residents import services
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


@get("/homes/{code:str}/roster/print", opt={"access": USER})
async def home_public_roster(request: Request, code: FromPath[str]) -> Template:
    scope = scope_of(request)
    home = await registry.get_home(scope, code)
    result = await services.roster(scope, code, services.RegisterFilter(status="in_home"))
    return resident_page(request, "residents/public_roster.html", home=home, result=result, today=dates.today())


ROUTES = [home_roster, home_public_roster]
