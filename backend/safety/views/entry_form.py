"""The phone form that records one entry of a checklist (issue 12 point 2), the entry's page, a
photo added there later, and the photo files (in scope only).

- ``GET/POST /homes/{code}/safety/new/{routine}``: one card per item with big 合格 / 不合格 / 不适用
  choices (radio buttons, no JavaScript needed), a note, a photo input where a failure wants one;
  the time performed (now by default) and a note. A hidden ``client_id`` made when the form is
  shown: a double tap or a resubmission lands on the one stored entry. Photos are checked before
  anything is written; any refusal shows the form again, answers kept, a message by each field.
  ``?corrects=ID``: a correction of that entry (a reason required). Food samples and morning
  checks have forms of their own (``links.OWN_FORMS``): 404 here.
- ``GET /homes/{code}/safety/entries/{id}``: the answers, who and when (补录 with both times),
  photos, 照片待补 with an upload form, the hazards it opened, corrections, a 更正 button.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from backend.core import dates, forms, people
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.limits import MAX_RECORD_ID, record_id
from backend.core.permissions import allow
from backend.core.web import page, redirect
from backend.registry import services as registry
from backend.safety import labels, links, rules, services
from backend.safety.schemas import AnswerIn, EntryIn

EntryId = Annotated[int, record_id("The entry's record id")]
PhotoId = Annotated[int, record_id("The photo's record id")]
FORM_BODY_BYTES = services.MAX_FORM_PHOTOS * services.MAX_PHOTO_BYTES + 1024 * 1024
PHOTO_BODY_BYTES = services.MAX_PHOTO_BYTES + 256 * 1024
CLIENT_ID = forms.Text(max_length=64, min_length=8, pattern=r"[A-Za-z0-9_-]+")
NOTE_CHARS, REASON_CHARS = 500, 200


def _scope(request: Request):
    return request.scope["user"].scope


async def _template(request: Request, code: str, routine: str, corrects: int | None = None) -> tuple[Any, Any]:
    """The home and the template in force for ``routine`` (404: unknown, or a form of its own);
    for a correction, the version the corrected entry was recorded with."""
    home = await registry.get_home(_scope(request), code)
    if routine in links.OWN_FORMS:
        raise NotFound(_("This checklist has a form of its own."))
    if corrects is not None:
        return home, await services.entry_template(_scope(request), code, corrects)
    template = next((t for t in await services.list_templates(_scope(request), code) if t.routine == routine), None)
    if template is None:
        raise NotFound(_("There is no checklist {routine}.").format(routine=routine))
    return home, template


def _local_input(moment) -> str:
    return dates.local(moment).strftime("%Y-%m-%dT%H:%M")


async def _form(
    request: Request,
    code: str,
    routine: str,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
    photos_lost: bool = False,
) -> Template:
    home, template = await _template(request, code, routine, _corrects_param(values.get("corrects")))
    corrected = None
    if values.get("corrects"):
        corrected = await services.get_entry(_scope(request), code, int(values["corrects"]))
    return page(
        request,
        "safety/entry_form.html",
        status_code=status_code,
        home=home,
        checklist=template,
        values=values,
        errors=errors,
        corrected=corrected,
        names=await people.display_names([corrected.recorded_by] if corrected else []),
        photos_lost=photos_lost,
        results=[(result, labels.labels(labels.RESULT_LABELS)[result]) for result in rules.RESULTS],
        action=request.url.path,
        now=_local_input(dates.now_utc()),
        today_href=links.today_href(code),
        entry_href=links.entry_href,
    )


def _corrects_param(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_RECORD_ID:
        raise NotFound(_("No such entry."))
    return int(raw)


@get("/homes/{code:str}/safety/new/{routine:str}", opt=allow("record_safety"))
async def entry_form(
    request: Request, code: FromPath[str], routine: FromPath[str], corrects: FromQuery[str | None] = None
) -> Template:
    values: dict[str, str] = {"client_id": uuid.uuid4().hex, "performed_at": _local_input(dates.now_utc())}
    corrected_id = _corrects_param(corrects)
    if corrected_id is not None:
        corrected = await services.get_entry(_scope(request), code, corrected_id)
        if corrected.routine != routine:
            raise NotFound(_("No such entry."))
        values |= {"corrects": str(corrected.id), "performed_at": _local_input(corrected.performed_at), "note": corrected.note}
        for answer in corrected.items:
            values[f"result.{answer.key}"] = answer.result
            values[f"note.{answer.key}"] = answer.note
    return await _form(request, code, routine, values, {})


async def _read(form: Any, template: Any) -> tuple[dict[str, str], dict[str, str], list[AnswerIn], list[services.Upload]]:
    """The texts as typed, the errors the form itself finds, the answers and the photos."""
    values = {name: value.strip() for name, value in form.multi_items() if isinstance(value, str) and name != "_csrf_token"}
    errors: dict[str, str] = {}
    answers, uploads = [], []
    for item in template.items:
        result, note = values.get(f"result.{item.key}", ""), values.get(f"note.{item.key}", "")
        if len(note) > NOTE_CHARS:
            errors[f"note.{item.key}"] = _("At most {count} characters (this has {length}).").format(
                count=NOTE_CHARS, length=len(note)
            )
        if result in rules.RESULTS:
            answers.append(AnswerIn(key=item.key, result=result, note=note[:NOTE_CHARS]))
        for upload in form.getall(f"photo.{item.key}", []):
            if isinstance(upload, UploadFile) and upload.filename:
                uploads.append(services.Upload(item.key, upload.filename, upload.content_type or "", await upload.read()))
    for name, limit in (("note", NOTE_CHARS), ("correction_reason", REASON_CHARS)):
        if len(values.get(name, "")) > limit:
            errors[name] = _("At most {count} characters (this has {length}).").format(count=limit, length=len(values[name]))
    return values, errors, answers, uploads


@post(
    "/homes/{code:str}/safety/new/{routine:str}",
    opt=allow("record_safety", multiline=("note", "correction_reason")),
    status_code=200,
    request_max_body_size=FORM_BODY_BYTES,
)
async def record_entry(request: Request, code: FromPath[str], routine: FromPath[str]) -> Template | Redirect:
    scope = _scope(request)
    form = await request.form()
    _home, template = await _template(request, code, routine, _corrects_param(form.get("corrects")))
    values, errors, answers, uploads = await _read(form, template)
    try:
        client_id = CLIENT_ID(values.get("client_id", ""))
    except (forms.Missing, forms.Refused):
        client_id = uuid.uuid4().hex  # a form without its id (tampered): recorded, not idempotent
        values["client_id"] = client_id
    try:
        performed_at = forms.DateTime()(values.get("performed_at", ""))
    except forms.Missing:
        errors["performed_at"] = _("A value is required.")
    except forms.Refused as refused:
        errors["performed_at"] = str(refused)
    try:
        corrects = _corrects_param(values.get("corrects"))
    except NotFound:
        corrects, errors["corrects"] = None, _("There is no such entry of this checklist in this home to correct.")
    if not errors:
        data = EntryIn(
            client_id=client_id,
            routine=routine,
            performed_at=performed_at,
            items=answers,
            note=values.get("note", ""),
            corrects=corrects,
            correction_reason=values.get("correction_reason", ""),
        )
        try:
            entry, created = await services.record_entry_with_photos(scope, code, data, uploads)
        except Invalid as invalid:
            errors.update(invalid.errors)
        else:
            flash = _("The entry is recorded.") if created else _("This entry was already recorded; here it is.")
            if created and entry.hazards:
                flash = _("The entry is recorded; {n} hazard(s) opened.").format(n=len(entry.hazards))
            return redirect(links.entry_href(code, entry.id), flash=flash)
    if values.get("corrects") and "corrects" in errors:
        values.pop("corrects")
    return await _form(request, code, routine, values, errors, status_code=400, photos_lost=bool(uploads))


# --- the entry's page ---------------------------------------------------------------------------


async def _entry_page(
    request: Request, code: str, entry_id: int, errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    scope = _scope(request)
    home = await registry.get_home(scope, code)
    entry = await services.get_entry(scope, code, entry_id)
    photos: dict[str, list] = {}
    for photo in await services.entry_photos(scope, code, entry_id):
        photos.setdefault(photo.item_key, []).append(photo)
    return page(
        request,
        "safety/entry.html",
        status_code=status_code,
        home=home,
        entry=entry,
        photos=photos,
        names=await people.display_names([entry.recorded_by]),
        checked=(await services.morning_results([entry.id])).get(entry.id, []),
        symptom_labels=labels.labels(labels.SYMPTOM_LABELS),
        errors=errors or {},
        result_labels=labels.labels(labels.RESULT_LABELS),
        hazard_status_labels=labels.labels(labels.HAZARD_STATUS_LABELS),
        hazard_href=links.hazard_href,
        entry_href=links.entry_href,
        correct_href=f"{links.new_entry_href(code, entry.routine)}?corrects={entry.id}",
        today_href=links.today_href(code),
        history_href=links.history_href(code),
    )


@get("/homes/{code:str}/safety/entries/{entry_id:int}", opt=allow("view_safety"))
async def entry_page(request: Request, code: FromPath[str], entry_id: EntryId) -> Template:
    return await _entry_page(request, code, entry_id)


@post(
    "/homes/{code:str}/safety/entries/{entry_id:int}/photos",
    opt=allow("record_safety"),
    status_code=200,
    request_max_body_size=PHOTO_BODY_BYTES,
)
async def add_photo(request: Request, code: FromPath[str], entry_id: EntryId) -> Template | Redirect:
    scope = _scope(request)
    await services.get_entry(scope, code, entry_id)  # another home's entry: 404 before anything is read
    form = await request.form()
    upload, item_key = form.get("file"), str(form.get("item_key") or "").strip()
    field = f"photo.{item_key}"
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _entry_page(request, code, entry_id, {field: _("Choose a photo to upload.")}, 400)
    try:
        await services.add_photo(scope, entry_id, await upload.read(), upload.filename, upload.content_type or "", item_key)
    except Invalid as invalid:
        return await _entry_page(request, code, entry_id, {field: next(iter(invalid.errors.values()))}, 400)
    return redirect(links.entry_href(code, entry_id), flash=_("The photo is added."))


def _photo_response(path, content_type: str) -> File:
    return File(
        path=path,
        media_type=content_type,
        content_disposition_type="inline",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=86400"},
    )


@get("/homes/{code:str}/safety/photos/{photo_id:int}", opt=allow("view_safety"), media_type="image/jpeg")
async def photo(request: Request, code: FromPath[str], photo_id: PhotoId) -> File:
    return _photo_response(*await services.photo_file(_scope(request), code, photo_id))


@get("/homes/{code:str}/safety/photos/{photo_id:int}/thumb", opt=allow("view_safety"), media_type="image/jpeg")
async def photo_thumb(request: Request, code: FromPath[str], photo_id: PhotoId) -> File:
    return _photo_response(*await services.photo_file(_scope(request), code, photo_id, thumb=True))


ROUTES = [entry_form, record_entry, entry_page, add_photo, photo, photo_thumb]
