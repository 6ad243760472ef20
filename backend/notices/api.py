"""JSON API of notices (/api/v1/notices): the token's user's own notices, newest first."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from backend.core.security import Scope
from backend.core.web import API_ERRORS, USER
from backend.notices import services
from backend.notices.schemas import NoticeOut

TAGS = ["notices"]


@get(
    "/api/v1/notices",
    opt={"access": USER},
    tags=TAGS,
    summary="The token's user's notices, newest first (unread_only=true for the unread ones)",
    responses=API_ERRORS,
)
async def list_notices(actor: NamedDependency[Scope], unread_only: FromQuery[bool] = False) -> list[NoticeOut]:
    return await services.list_notices(actor, unread_only=unread_only)


ROUTES = [list_notices]
