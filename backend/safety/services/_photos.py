"""Photos kept as evidence of an entry's item (issue 12 point 2; interfaces §7).

A photo is JPEG, PNG or HEIC of at most ``MAX_PHOTO_BYTES`` (10 MB), its type checked by its
content: the magic bytes and a full decode by Pillow in a bounded worker (``photo_worker``), never
on the event loop. The EXIF DateTimeOriginal is kept as ``taken_at`` (in TEKUN_TIMEZONE when the
photo names no offset); a JPEG thumbnail of 320 px is made. Files live under
``TEKUN_DATA_DIR/photos/<sha[:2]>/<sha>.<ext>`` and ``photos/thumbs/<sha>.jpg``: the same content
twice is one file (and two rows).

Nothing half-written: files are written to ``photos/.incoming`` first and moved into place only
after the transaction that adds the rows commits; a refusal or a failed transaction deletes the
temporary files, and a file already in place (another row's) is never touched.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from backend.core import dates
from backend.core.db import in_write_transaction, is_sqlite, transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.core.settings import get_settings
from backend.registry import services as registry
from backend.safety import photo_worker
from backend.safety.services._common import home_for, zone
from backend.safety.services._templates import items_of, template_rows
from backend.safety.tables import SafetyEntry, SafetyHazard, SafetyPhoto

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # per photo; a 48-megapixel phone JPEG is 6–9 MB
MAX_FORM_PHOTOS = 4  # photos sent with one entry form (more: on the entry page, one at a time)
CONTENT_TYPES = {kind: spec[1] for kind, spec in photo_worker.KINDS.items()}
EXTENSIONS = {kind: spec[2] for kind, spec in photo_worker.KINDS.items()}
KIND_NAMES = {"jpeg": "JPEG", "png": "PNG", "heic": "HEIC"}
_CLAIMS = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".heic": "heic",
    ".heif": "heic",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/heic": "heic",
    "image/heif": "heic",
}


class PhotoOut(msgspec.Struct, kw_only=True):
    id: int
    entry_id: int | None
    hazard_id: int | None
    item_key: str
    sha256: str
    content_type: str
    size: int
    width: int
    height: int
    taken_at: datetime | None
    uploaded_at: datetime
    uploaded_by: str
    href: str  # the full image (a page of the home, in scope only)
    thumb_href: str


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo that passed every check, not stored yet."""

    item_key: str
    sha256: str
    kind: str
    size: int
    width: int
    height: int
    taken_at: datetime | None
    data: bytes
    thumb: bytes


_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


@asynccontextmanager
async def writing() -> AsyncIterator[None]:
    """``transaction()``, on SQLite after this process's turn: its writers queue here, first come
    first served, instead of polling for the database's one write lock in SQLite's busy handler
    (which sleeps up to 100 ms between tries: with 20 saves at once, a tail of seconds). Inside a
    write transaction already, it joins it (no second turn)."""
    if not is_sqlite() or in_write_transaction():
        async with transaction():
            yield
        return
    loop = asyncio.get_running_loop()
    lock = _TURNS.get(loop) or _TURNS.setdefault(loop, asyncio.Lock())
    async with lock, transaction():
        yield


def photos_dir() -> Path:
    return get_settings().data_dir / "photos"


def photo_path(sha: str, kind: str) -> Path:
    return photos_dir() / sha[:2] / f"{sha}.{EXTENSIONS[kind]}"


def thumb_path(sha: str) -> Path:
    return photos_dir() / "thumbs" / f"{sha}.jpg"


def _claimed(filename: str, content_type: str) -> str | None:
    """The kind a file's name (or, without an extension, its declared type) claims."""
    suffix = Path(filename or "").suffix.lower()
    return _CLAIMS.get(suffix) or _CLAIMS.get((content_type or "").split(";")[0].strip().lower())


def _refusal(reason: str, filename: str, claimed: str | None) -> str:
    name = filename or _("the photo")
    if reason == "too_many_pixels":
        return _("{name}: the picture has more than {n} million pixels.").format(
            name=name, n=photo_worker.MAX_PIXELS // 1_000_000
        )
    if reason == "too_complex":
        return _("{name}: the picture could not be read within the time and memory allowed.").format(name=name)
    if claimed is not None:
        return _("{name} is named as a {kind} photo, but its content is not a JPEG, PNG or HEIC picture.").format(
            name=name, kind=KIND_NAMES[claimed]
        )
    return _("{name} is not a JPEG, PNG or HEIC picture (checked by its content).").format(name=name)


def _taken_at(taken: str, offset: str) -> datetime | None:
    """EXIF ``2026:11:10 09:30:00`` with its offset, else in TEKUN_TIMEZONE; None when unreadable."""
    if not taken:
        return None
    try:
        moment = datetime.strptime(taken[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if not dates.FIRST_YEAR <= moment.year <= dates.LAST_YEAR:
        return None
    try:
        if offset:
            return dates.instant(datetime.fromisoformat(moment.isoformat() + offset))
    except ValueError:
        pass
    return dates.instant(moment.replace(tzinfo=zone()))


async def check_photo(
    data: bytes, filename: str = "", content_type: str = "", item_key: str = "", field: str = "file"
) -> CheckedPhoto:
    """Every check of one photo (size, content, decoding in the worker); Invalid({field: …})."""
    name = Path(filename or "").name[:80]
    if not data:
        raise Invalid({field: _("Choose a photo to upload.")})
    if len(data) > MAX_PHOTO_BYTES:
        raise Invalid(
            {
                field: _("{name} is {size} MB; a photo may be at most {limit} MB.").format(
                    name=name or _("the photo"), size=f"{len(data) / 1024 / 1024:.1f}", limit=MAX_PHOTO_BYTES // 1024 // 1024
                )
            }
        )
    try:
        info = await photo_worker.inspect_photo(data)
    except photo_worker.PhotoRefused as refused:
        raise Invalid({field: _refusal(refused.reason, name, _claimed(filename, content_type))}) from None
    return CheckedPhoto(
        item_key=item_key,
        sha256=hashlib.sha256(data).hexdigest(),
        kind=info.kind,
        size=len(data),
        width=info.width,
        height=info.height,
        taken_at=_taken_at(info.taken, info.offset),
        data=data,
        thumb=info.thumb,
    )


def _write_temp(directory: Path, data: bytes) -> Path:
    path = directory / f"{secrets.token_hex(12)}.part"
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def _prepare(incoming: Path) -> None:
    incoming.mkdir(parents=True, exist_ok=True)
    _sweep(incoming)


STALE_SECONDS = 3600  # a temporary file this old was left by a process that died mid-upload


def _sweep(incoming: Path) -> None:
    limit = time.time() - STALE_SECONDS
    for path in incoming.glob("*.part"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            pass


class Stage:
    """What ``staged`` yields: set ``keep`` False when the rows were not written after all."""

    keep = True


@asynccontextmanager
async def staged(photos: list[CheckedPhoto]) -> AsyncIterator[Stage]:
    """Write the photos' files (those not in place yet) to temporary names; on a clean exit
    (the caller's transaction committed, ``keep`` still set) move them into place, else delete them."""
    incoming = photos_dir() / ".incoming"
    moves: list[tuple[Path, Path]] = []
    stage = Stage()
    try:
        if photos:
            await asyncio.to_thread(_prepare, incoming)
        for photo in photos:
            for final, data in ((photo_path(photo.sha256, photo.kind), photo.data), (thumb_path(photo.sha256), photo.thumb)):
                if not final.exists() and final not in {target for _temp, target in moves}:
                    # written and fsync'ed in a thread: a slow disk holds this request, not the event loop
                    moves.append((await asyncio.to_thread(_write_temp, incoming, data), final))
        yield stage
        for temp, final in moves if stage.keep else ():
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, final)  # the same content under the same name: a concurrent twin is harmless
    finally:
        for temp, _final in moves:
            temp.unlink(missing_ok=True)


async def insert_photos(scope: Scope, home_code: str, entry_id: int, photos: list[CheckedPhoto], now: datetime) -> list[dict]:
    """The rows and one audit record (in the caller's transaction)."""
    if not photos:
        return []
    rows = []
    for photo in photos:
        saved = await SafetyPhoto.insert(
            SafetyPhoto(
                entry=entry_id,
                item_key=photo.item_key,
                sha256=photo.sha256,
                content_type=CONTENT_TYPES[photo.kind],
                size=photo.size,
                width=photo.width,
                height=photo.height,
                taken_at=photo.taken_at,
                uploaded_at=now,
                uploaded_by=scope.username,
            )
        ).returning(SafetyPhoto.id)
        rows.append({"id": saved[0]["id"], "photo": photo})
    await append_audit(
        scope.user_id,
        scope.username,
        [
            Change(
                "safety.photo",
                "safety_photo",
                str(row["id"]),
                None,
                {
                    "home": home_code,
                    "entry": entry_id,
                    "item_key": row["photo"].item_key,
                    "sha256": row["photo"].sha256,
                    "size": row["photo"].size,
                },
            )
            for row in rows
        ],
    )
    return rows


def check_item_key(template: dict[str, Any], item_key: str, field: str = "item_key") -> None:
    if item_key and item_key not in {item["key"] for item in items_of(template)}:
        raise Invalid({field: _("This checklist has no item {key}.").format(key=item_key)})


async def _entry_in_scope(scope: Scope, entry_id: int, action: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The entry and its home, when the scope may ``action`` there (NotFound otherwise)."""
    entry = (
        await SafetyEntry.select(SafetyEntry.id, SafetyEntry.home, SafetyEntry.template).where(SafetyEntry.id == entry_id).first()
    )
    if entry is None:
        raise NotFound(_("No such entry."))
    found = (await registry.homes_by_id([entry["home"]])).get(entry["home"])
    if found is None:
        raise NotFound(_("No such entry."))
    home = await home_for(scope, found["code"], action)
    return entry, home


async def add_photo(
    scope: Scope, entry_id: int, data: bytes, filename: str = "", content_type: str = "", item_key: str = ""
) -> PhotoOut:
    """Attach one photo to an entry (to its item ``item_key``, or to the entry as a whole)."""
    entry, home = await _entry_in_scope(scope, entry_id, "record_safety")
    check_item_key((await template_rows([entry["template"]]))[entry["template"]], item_key.strip())
    photo = await check_photo(data, filename, content_type, item_key.strip())
    now = dates.now_utc()
    async with staged([photo]):
        async with writing():
            rows = await insert_photos(scope, home["code"], entry_id, [photo], now)
    return (await photos_out(await SafetyPhoto.select().where(SafetyPhoto.id == rows[0]["id"]), home["code"]))[0]


async def photos_out(rows: list[dict[str, Any]], home_code: str) -> list[PhotoOut]:
    return [
        PhotoOut(
            id=row["id"],
            entry_id=row["entry"],
            hazard_id=row["hazard"],
            item_key=row["item_key"],
            sha256=row["sha256"],
            content_type=row["content_type"],
            size=row["size"],
            width=row["width"],
            height=row["height"],
            taken_at=row["taken_at"],
            uploaded_at=row["uploaded_at"],
            uploaded_by=row["uploaded_by"],
            href=f"/homes/{home_code}/safety/photos/{row['id']}",
            thumb_href=f"/homes/{home_code}/safety/photos/{row['id']}/thumb",
        )
        for row in rows
    ]


async def entry_photos(scope: Scope, home_code: str, entry_id: int) -> list[PhotoOut]:
    """The photos of an entry of the home, in the order they came."""
    home = await home_for(scope, home_code, "view_safety")
    rows = await (
        SafetyPhoto.select()
        .where(
            SafetyPhoto.entry.is_in(
                SafetyEntry.select(SafetyEntry.id).where((SafetyEntry.id == entry_id) & (SafetyEntry.home == home["id"]))
            )
        )
        .order_by(SafetyPhoto.id)
    )
    return await photos_out(rows, home["code"])


async def photo_file(scope: Scope, home_code: str, photo_id: int, thumb: bool = False) -> tuple[Path, str]:
    """The file of a photo of the home (its entry's or hazard's) and its content type."""
    home = await home_for(scope, home_code, "view_safety")
    row = await SafetyPhoto.select().where(SafetyPhoto.id == photo_id).first()
    if row is None:
        raise NotFound(_("No such photo."))
    if row["entry"] is not None:
        owner = await SafetyEntry.select(SafetyEntry.home).where(SafetyEntry.id == row["entry"]).first()
    else:
        owner = await SafetyHazard.select(SafetyHazard.home).where(SafetyHazard.id == row["hazard"]).first()
    if owner is None or owner["home"] != home["id"]:
        raise NotFound(_("No such photo."))
    kind = next((kind for kind, value in CONTENT_TYPES.items() if value == row["content_type"]), "jpeg")
    path = thumb_path(row["sha256"]) if thumb else photo_path(row["sha256"], kind)
    if not path.is_file():
        raise NotFound(_("The photo's file is missing."))
    return path, "image/jpeg" if thumb else row["content_type"]
