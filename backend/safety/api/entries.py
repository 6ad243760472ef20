"""JSON API of the safety ledgers' entries (interfaces §7): the templates in force for a home,
recording an entry (idempotent by the phone's ``client_id``: 201 when written, 200 with the stored
entry when seen before), a home's entries, one entry, and a photo sent after its entry."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Response

from backend.core.limits import record_id
from backend.core.permissions import allow
from backend.core.security import Scope
from backend.core.web import API_BODY_ERRORS, API_ERRORS
from backend.safety import services
from backend.safety.schemas import EntryIn, EntryOut, TemplateOut

TAGS = ["safety"]
EntryId = Annotated[int, record_id("The entry's record id")]
PHOTO_BODY_BYTES = services.MAX_PHOTO_BYTES + 256 * 1024  # the photo and the multipart envelope


@get(
    "/api/v1/homes/{code:str}/safety-templates",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="The checklist templates in force for the home (the county's own version, else the national default)",
    responses=API_ERRORS,
)
async def home_templates(actor: NamedDependency[Scope], code: FromPath[str]) -> list[TemplateOut]:
    return await services.list_templates(actor, code)


@post(
    "/api/v1/homes/{code:str}/safety-entries",
    opt=allow("record_safety"),
    tags=TAGS,
    summary="Record an entry (201 with its hazards); the same client_id again answers the stored entry (200) and writes nothing",
    responses={
        200: ResponseSpec(data_container=EntryOut, description="This client_id was recorded before: the stored entry"),
        **API_BODY_ERRORS,
    },
    status_code=201,
)
async def record_entry(actor: NamedDependency[Scope], code: FromPath[str], data: JSONBody[EntryIn]) -> Response[EntryOut]:
    entry, created = await services.record_entry(actor, code, data)
    return Response(entry, status_code=201 if created else 200)


@get(
    "/api/v1/homes/{code:str}/safety-entries",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="The home's entries, newest first (at most 200); from/to: the days they were performed",
    responses=API_ERRORS,
)
async def home_entries(
    actor: NamedDependency[Scope],
    code: FromPath[str],
    routine: Annotated[str | None, QueryParameter(max_length=32)] = None,
    first: Annotated[date | None, QueryParameter(name="from")] = None,
    last: Annotated[date | None, QueryParameter(name="to")] = None,
) -> list[EntryOut]:
    return await services.list_entries(actor, code, routine, first, last)


@get(
    "/api/v1/homes/{code:str}/safety-entries/{entry_id:int}",
    opt=allow("view_safety"),
    tags=TAGS,
    summary="One entry: its answers, photos counted per item (photo_pending: 照片待补), hazards and corrections",
    responses=API_ERRORS,
)
async def one_entry(actor: NamedDependency[Scope], code: FromPath[str], entry_id: EntryId) -> EntryOut:
    return await services.get_entry(actor, code, entry_id)


@post(
    "/api/v1/safety-entries/{entry_id:int}/photos",
    opt=allow("record_safety"),
    tags=TAGS,
    summary="Attach a photo to an entry: multipart/form-data with file (JPEG, PNG or HEIC up to 10 MB, checked by content) and optional item_key",
    responses=API_BODY_ERRORS,
    status_code=201,
    request_max_body_size=PHOTO_BODY_BYTES,
)
async def entry_photo(request: Request, actor: NamedDependency[Scope], entry_id: EntryId) -> services.PhotoOut:
    """The body is ``multipart/form-data`` (``file``; ``item_key`` optional), read here rather than
    declared as ``data``: a JSON body is not what this route takes (400: choose a photo)."""
    form = await request.form()
    upload, item_key = form.get("file"), form.get("item_key")
    if not isinstance(upload, UploadFile):  # no file: refused after the scope check ("choose a photo")
        return await services.add_photo(actor, entry_id, b"", "", "", item_key if isinstance(item_key, str) else "")
    return await services.add_photo(
        actor,
        entry_id,
        await upload.read(),
        upload.filename or "",
        upload.content_type or "",
        item_key if isinstance(item_key, str) else "",
    )


ROUTES = [home_templates, record_entry, home_entries, one_entry, entry_photo]
