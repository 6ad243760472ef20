"""JSON API for counties, homes and county parameters (/api/v1). Bearer tokens only."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS, USER
from backend.registry import services
from backend.registry.schemas import (
    CountyIn,
    CountyOut,
    CountyPatch,
    HomeIn,
    HomeOut,
    HomePatch,
    ParametersIn,
    ParametersOut,
)


class CountyController(Controller):
    path = "/api/v1/counties"
    tags = ["registry"]
    opt = {"access": USER}

    @get("/", summary="Counties in your scope", responses=API_ERRORS)
    async def list_counties(self, actor: NamedDependency[Scope]) -> list[CountyOut]:
        return await services.list_counties(actor)

    @post("/", opt=allow("manage_registry"), summary="Create a county (admin)", responses=API_BODY_ERRORS)
    async def create_county(self, actor: NamedDependency[Scope], data: JSONBody[CountyIn]) -> CountyOut:
        return await services.create_county(actor, data)

    @get("/{code:str}", summary="One county", responses=API_ERRORS)
    async def get_county(self, actor: NamedDependency[Scope], code: FromPath[str]) -> CountyOut:
        return await services.get_county(actor, code)

    @patch("/{code:str}", opt=allow("manage_registry"), summary="Change a county (admin)", responses=API_BODY_ERRORS)
    async def update_county(self, actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[CountyPatch]) -> CountyOut:
        return await services.update_county(actor, code, data)

    @get("/{code:str}/parameters", summary="Local parameters in force today", responses=API_ERRORS)
    async def get_parameters(self, actor: NamedDependency[Scope], code: FromPath[str]) -> ParametersOut:
        return await services.current_parameters(actor, code)

    @get("/{code:str}/parameters/history", summary="Every recorded parameter change", responses=API_ERRORS)
    async def parameter_history(self, actor: NamedDependency[Scope], code: FromPath[str]) -> list[ParametersOut]:
        return await services.parameter_history(actor, code)

    @post(
        "/{code:str}/parameters",
        opt=allow("manage_registry"),
        summary="Set parameters from a date (admin)",
        responses=API_BODY_ERRORS,
    )
    async def set_parameters(
        self, actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[ParametersIn]
    ) -> ParametersOut:
        return await services.set_parameters(actor, code, data)


class HomeController(Controller):
    path = "/api/v1/homes"
    tags = ["registry"]
    opt = {"access": USER}

    @get("/", summary="Homes in your scope", responses=API_ERRORS)
    async def list_homes(
        self, actor: NamedDependency[Scope], county: FromQuery[str | None] = None, q: FromQuery[str | None] = None
    ) -> list[HomeOut]:
        return await services.list_homes(actor, county_code=county, search=q)

    @post("/", opt=allow("manage_registry"), summary="Create a home (admin)", responses=API_BODY_ERRORS)
    async def create_home(self, actor: NamedDependency[Scope], data: JSONBody[HomeIn]) -> HomeOut:
        return await services.create_home(actor, data)

    @get("/{code:str}", summary="One home", responses=API_ERRORS)
    async def get_home(self, actor: NamedDependency[Scope], code: FromPath[str]) -> HomeOut:
        return await services.get_home(actor, code)

    @patch("/{code:str}", opt=allow("manage_registry"), summary="Change a home (admin)", responses=API_BODY_ERRORS)
    async def update_home(self, actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[HomePatch]) -> HomeOut:
        return await services.update_home(actor, code, data)


ROUTES = [CountyController, HomeController]
