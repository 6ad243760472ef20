"""Safety JSON API: a county's checklist templates and their versions (issue 12 point 1).

``GET /api/v1/counties/{code}/safety-templates``: each routine's template in force in the county
with its history of versions (``view_safety``, the county in scope). ``POST
/api/v1/counties/{code}/safety-templates/{routine}`` (``manage_templates``: an administrator)
makes the county's next version from ``{"title": …, "items": [{"key", "label", "major",
"photo_on_fail"}, …]}`` (items in their new order; one left out is removed); 201 with the new
version, 400 naming each refused field (nothing written), 403 for another role, 404 for an
unknown county or routine. The frequency is the routine's and cannot be changed."""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.safety import services
from backend.safety.schemas import TemplateOut

TAGS = ["safety"]


@get(
    "/api/v1/counties/{code:str}/safety-templates",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="Each routine's checklist in force in the county, with its versions",
    responses=API_ERRORS,
)
async def county_templates(actor: NamedDependency[Scope], code: FromPath[str]) -> list[services.CountyTemplateOut]:
    return await services.county_templates(actor, code)


@post(
    "/api/v1/counties/{code:str}/safety-templates/{routine:str}",
    opt=allow("manage_templates"),
    tags=TAGS,
    summary="Make the county's next version of a routine's checklist (administrator)",
    responses=API_BODY_ERRORS,
)
async def new_version(
    actor: NamedDependency[Scope], code: FromPath[str], routine: FromPath[str], data: JSONBody[services.TemplateEditIn]
) -> TemplateOut:
    return await services.new_template_version(actor, code, routine, data)


ROUTES = [county_templates, new_version]
