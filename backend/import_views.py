"""The upload page for exchange files: errors or a preview first, then a confirmed write."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from litestar import Request, get, post
from litestar.datastructures import UploadFile

from backend.core.errors import Forbidden
from backend.core.exchange import ExchangeError, get_limits, too_large
from backend.core.i18n import _
from backend.core.permissions import allow
from backend.core.settings import get_settings
from backend.core.web import page
from backend.importers import kinds_for, run_import

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
    (directory / f"{upload_id}.json").write_text(
        json.dumps({"user_id": user_id, "kind": kind, "filename": filename})
    )
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


@get("/import", opt=allow("use_imports"))
async def import_page(request: Request) -> object:
    return page(request, "import.html", kinds=_kinds(request), kind="", result=None, errors=[], upload_id=None, filename="", limits=get_limits())


@post("/import", opt=allow("use_imports"), status_code=200, request_max_body_size=MAX_UPLOAD_BYTES + 1024 * 1024)
async def import_preview(request: Request) -> object:
    user = request.scope["user"]
    form = await request.form()
    kind = str(form.get("kind", ""))
    upload = form.get("file")
    kinds = _kinds(request)
    context = {"kinds": kinds, "kind": kind, "result": None, "errors": [], "upload_id": None, "filename": "", "limits": get_limits()}
    if kind not in kinds:
        return page(request, "import.html", status_code=400, **{**context, "errors": [_("Choose what the file holds.")]})
    if not isinstance(upload, UploadFile) or not upload.filename:
        return page(request, "import.html", status_code=400, **{**context, "errors": [_("Choose a file to upload.")]})
    data = await upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        return page(request, "import.html", status_code=400, **{**context, "errors": [too_large(get_limits())]})
    context["filename"] = upload.filename
    try:
        # Read in a parse worker (memory and time limits, lower priority): pages stay quick.
        result = await run_import(user.scope, kind, upload.filename, data, dry_run=True, nice=WORKER_NICE)
    except ExchangeError as refused:
        return page(request, "import.html", status_code=400, **{**context, "errors": refused.errors})
    upload_id = _stash(user.id, kind, upload.filename, data)
    return page(request, "import.html", **{**context, "result": result, "upload_id": upload_id})


@post("/import/confirm", opt=allow("use_imports"), status_code=200)
async def import_confirm(request: Request) -> object:
    user = request.scope["user"]
    form = await request.form()
    upload_id = str(form.get("upload_id", ""))
    kinds = _kinds(request)
    context = {"kinds": kinds, "kind": "", "result": None, "errors": [], "upload_id": None, "filename": "", "limits": get_limits()}
    stashed = _unstash(user.id, upload_id)
    if stashed is None:
        return page(request, "import.html", status_code=400, **{**context, "errors": [_("This upload has expired; upload the file again.")]})
    kind, filename, data = stashed
    context.update(kind=kind, filename=filename)
    try:
        result = await run_import(user.scope, kind, filename, data, dry_run=False, nice=WORKER_NICE)
    except ExchangeError as refused:
        return page(request, "import.html", status_code=400, **{**context, "errors": refused.errors})
    _discard(upload_id)
    return page(request, "import.html", **{**context, "result": result})


ROUTES = [import_page, import_preview, import_confirm]
