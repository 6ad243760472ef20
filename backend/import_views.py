"""The upload page for exchange files: each kind's columns and templates, errors or a preview
first, then a confirmed write that said what it would do."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery
from litestar.response import Template

from backend.core import citizen_id, xlsx
from backend.core.errors import Forbidden, NotFound
from backend.core.exchange import ExchangeError, get_limits, too_large
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.settings import get_settings
from backend.core.web import page
from backend.importers import (
    KIND_EFFECTS,
    KIND_LABELS,
    KINDS,
    kinds_for,
    run_import,
    template_csv,
    template_xlsx,
)
from backend.registry.schemas import ImportResult

# TEKUN_IMPORT_MAX_FILE_MB (default 50): the same limit as `tekun import`'s; the body may be a
# little larger (the multipart envelope and the form's other fields).
MAX_UPLOAD_BYTES = get_limits().max_file_bytes


def _stash_dir() -> Path:
    path = get_settings().data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


STASH_HOURS = 24
WORKER_NICE = 10


def _sweep(directory: Path) -> None:
    """Forget previews nobody confirmed within STASH_HOURS."""
    limit = time.time() - STASH_HOURS * 3600
    for path in directory.glob("*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _stash(user_id: int, kind: str, filename: str, data: bytes) -> str:
    upload_id = secrets.token_urlsafe(16)
    directory = _stash_dir()
    _sweep(directory)
    (directory / f"{upload_id}.bin").write_bytes(data)
    (directory / f"{upload_id}.json").write_text(json.dumps({"user_id": user_id, "kind": kind, "filename": filename}))
    return upload_id


def _unstash(user_id: int, upload_id: str) -> tuple[str, str, bytes] | None:
    if not upload_id.replace("-", "").replace("_", "").isalnum():
        return None
    directory = _stash_dir()
    meta_path = directory / f"{upload_id}.json"
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    if meta["user_id"] != user_id:
        return None
    return meta["kind"], meta["filename"], (directory / f"{upload_id}.bin").read_bytes()


def _discard(upload_id: str) -> None:
    for suffix in (".bin", ".json"):
        (_stash_dir() / f"{upload_id}{suffix}").unlink(missing_ok=True)


# The page is open to every role that may import some kind; each user sees only their kinds.


def _kinds(request: Request) -> list[str]:
    kinds = kinds_for(request.scope["user"].role)
    if not kinds:
        raise Forbidden(_("Your role imports no files."))
    return kinds


def shown_example(example: str) -> str:
    """An example as the page shows it: an ID number in its three parts (area, date of birth,
    sequence and check character), so that no page ever carries a full ID number as such."""
    if citizen_id.is_valid(example):
        return f"{example[:6]} {example[6:14]} {example[14:]}"
    return example


def _catalogue(kinds: list[str]) -> list[dict[str, Any]]:
    """Each kind the user may import with its columns, read from the reader's own column map."""
    return [
        {
            "name": kind,
            "label": _(KIND_LABELS[kind]),
            "columns": [
                {
                    "zh": column.zh,
                    "key": column.key,
                    "required": column.required,
                    "rule": _(column.rule) if column.rule else "",
                    "example": shown_example(column.example),
                }
                for column in KINDS[kind].columns
            ],
        }
        for kind in kinds
    ]


def _what_will_happen(result: ImportResult) -> list[str]:
    """The confirmation step: what writing the previewed file will do, before it is done."""
    lines = []
    if result.created:
        lines.append(_("{count} new records will be added.").format(count=result.created))
    if result.updated:
        lines.append(_("{count} records already recorded will be changed, as listed below.").format(count=result.updated))
    if result.unchanged:
        lines.append(_("{count} rows are the same as what is recorded: they change nothing.").format(count=result.unchanged))
    if not (result.created or result.updated):
        lines.append(_("Nothing in this file differs from what is recorded: writing it changes nothing."))
    elif result.kind in KIND_EFFECTS:
        lines.append(_(KIND_EFFECTS[result.kind]))
    lines.append(
        _(
            "Every row is written in one go, or none. The write cannot be undone here: a wrong value is put right by importing a corrected file or on the record's own page."
        )
    )
    return lines


def _page(
    request: Request,
    status_code: int = 200,
    *,
    kinds: list[str],
    kind: str = "",
    result: ImportResult | None = None,
    errors: list | None = None,
    upload_id: str | None = None,
    filename: str = "",
) -> Template:
    names = {column.key: column.zh for column in KINDS[kind].columns} if kind in KINDS else {}
    return page(
        request,
        "import.html",
        status_code=status_code,
        kinds=kinds,
        kind=kind,
        result=result,
        errors=errors or [],
        upload_id=upload_id,
        filename=filename,
        limits=get_limits(),
        catalogue=_catalogue(kinds),
        kind_labels={name: _(label) for name, label in KIND_LABELS.items()},
        column_names=names,
        what=_what_will_happen(result) if result is not None and result.dry_run else [],
    )


@get("/import", opt=allow("use_imports"))
async def import_page(request: Request) -> Template:
    return _page(request, kinds=_kinds(request))


@post("/import", opt=allow("use_imports"), status_code=200, request_max_body_size=MAX_UPLOAD_BYTES + 1024 * 1024)
async def import_preview(request: Request) -> Template:
    user = request.scope["user"]
    form = await request.form()
    kind = str(form.get("kind", ""))
    upload = form.get("file")
    kinds = _kinds(request)
    if kind not in kinds:
        return _page(request, 400, kinds=kinds, errors=[_("Choose what the file holds.")])
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, 400, kinds=kinds, kind=kind, errors=[_("Choose a file to upload.")])
    data = await upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        return _page(request, 400, kinds=kinds, kind=kind, errors=[too_large(get_limits())])
    try:
        # Read in a parse worker (memory and time limits, lower priority): pages stay quick.
        result = await run_import(user.scope, kind, upload.filename, data, dry_run=True, nice=WORKER_NICE)
    except ExchangeError as refused:
        return _page(request, 400, kinds=kinds, kind=kind, errors=refused.errors, filename=upload.filename)
    upload_id = _stash(user.id, kind, upload.filename, data)
    return _page(request, kinds=kinds, kind=kind, result=result, upload_id=upload_id, filename=upload.filename)


@post("/import/confirm", opt=allow("use_imports"), status_code=200)
async def import_confirm(request: Request) -> Template:
    user = request.scope["user"]
    form = await request.form()
    upload_id = str(form.get("upload_id", ""))
    kinds = _kinds(request)
    stashed = _unstash(user.id, upload_id)
    if stashed is None:
        return _page(request, 400, kinds=kinds, errors=[_("This upload has expired; upload the file again.")])
    kind, filename, data = stashed
    try:
        result = await run_import(user.scope, kind, filename, data, dry_run=False, nice=WORKER_NICE)
    except ExchangeError as refused:
        return _page(request, 400, kinds=kinds, kind=kind, errors=refused.errors, filename=filename)
    _discard(upload_id)
    return _page(request, kinds=kinds, kind=kind, result=result, filename=filename)


# --- templates to fill in ------------------------------------------------------------------------


def _template_kind(request: Request, kind: str) -> str:
    """The kind asked for: unknown → 404; one the user's role may not import → 403."""
    if kind not in KINDS:
        raise NotFound(_("There is no such kind of file."))
    if kind not in _kinds(request):
        raise Forbidden(_("Your role may not import this kind of file."))
    return kind


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@get("/import/template.xlsx", opt=allow("use_imports"))
async def import_template_xlsx(request: Request, kind: FromQuery[str] = "") -> Response:
    """The kind's template (header row and one example row), as the reader reads it."""
    kind = _template_kind(request, kind)
    return _download(template_xlsx(kind), xlsx.MEDIA_TYPE, f"tekun-{kind}-template.xlsx")


@get("/import/template.csv", opt=allow("use_imports"))
async def import_template_csv(request: Request, kind: FromQuery[str] = "") -> Response:
    """The kind's template as CSV in UTF-8 with a BOM (Excel reads the Chinese headers)."""
    kind = _template_kind(request, kind)
    return _download(template_csv(kind), "text/csv", f"tekun-{kind}-template.csv")


ROUTES = [import_page, import_preview, import_confirm, import_template_xlsx, import_template_csv]
