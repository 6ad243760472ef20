"""The evidence photos of a hazard's fix, stored the way the entries' photos are: the file under
``TEKUN_DATA_DIR/photos/<sha256[:2]>/<sha256>.<ext>``, one ``safety_photo`` row (``hazard`` set).

Deliberately minimal (JPEG and PNG, checked by their magic bytes and by Pillow decoding them,
size-limited; no thumbnail, no EXIF time): it should later share its code with the entries'
photo service (``_photos.py``), written at the same time by another part of issue 12.

``check_photos`` reads and checks every file before anything is written; ``store_files`` writes
the files inside the caller's transaction and returns the paths it created, which the caller
removes when the transaction fails (``remove_files``), so a refusal leaves no orphan file."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.settings import get_settings
from backend.safety.services._photos import MAX_PHOTO_BYTES

MAX_PHOTOS = 6
_KINDS = {b"\xff\xd8\xff": ("image/jpeg", "jpg", "JPEG"), b"\x89PNG\r\n\x1a\n": ("image/png", "png", "PNG")}


@dataclass(frozen=True)
class CheckedPhoto:
    content: bytes
    sha256: str
    content_type: str
    ext: str
    width: int
    height: int


def _kind(content: bytes) -> tuple[str, str, str] | None:
    return next((kind for magic, kind in _KINDS.items() if content.startswith(magic)), None)


def check_photo(content: bytes, field: str) -> CheckedPhoto:
    """A JPEG or PNG within the size limit that Pillow decodes as what its bytes claim."""
    from PIL import Image

    if not content:
        raise Invalid({field: _("The photo is empty.")})
    if len(content) > MAX_PHOTO_BYTES:
        raise Invalid({field: _("A photo may be at most {mb} MB.").format(mb=MAX_PHOTO_BYTES // (1024 * 1024))})
    kind = _kind(content)
    if kind is None:
        raise Invalid({field: _("Only JPEG and PNG photos are accepted.")})
    content_type, ext, pillow_format = kind
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != pillow_format:
                raise ValueError(image.format)
            width, height = image.size
            image.load()  # decodes it whole: a truncated or forged file fails here
    except Exception:  # noqa: BLE001 - Pillow raises many kinds; every one is a refusal
        raise Invalid({field: _("This file is not a readable JPEG or PNG photo.")}) from None
    return CheckedPhoto(content, hashlib.sha256(content).hexdigest(), content_type, ext, width, height)


def check_photos(contents: list[bytes], field: str = "photos") -> list[CheckedPhoto]:
    if len(contents) > MAX_PHOTOS:
        raise Invalid({field: _("At most {n} photos at once.").format(n=MAX_PHOTOS)})
    errors: dict[str, str] = {}
    checked = []
    for content in contents:
        try:
            checked.append(check_photo(content, field))
        except Invalid as invalid:
            errors.update(invalid.errors)
    if errors:
        raise Invalid(errors)
    return checked


def photo_path(sha256: str, ext: str) -> Path:
    return get_settings().data_dir / "photos" / sha256[:2] / f"{sha256}.{ext}"


def store_files(photos: list[CheckedPhoto]) -> list[Path]:
    """Write the files not yet on disk (content-addressed: the same photo twice is one file);
    the paths created, for ``remove_files`` if the transaction fails."""
    created = []
    try:
        for photo in photos:
            path = photo_path(photo.sha256, photo.ext)
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.part")
            temporary.write_bytes(photo.content)
            os.replace(temporary, path)
            created.append(path)
    except BaseException:
        remove_files(created)
        raise
    return created


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def photo_rows(hazard_id: int, photos: list[CheckedPhoto], now: datetime, username: str) -> list[dict]:
    return [
        {
            "hazard": hazard_id,
            "entry": None,
            "item_key": "",
            "sha256": photo.sha256,
            "content_type": photo.content_type,
            "size": len(photo.content),
            "width": photo.width,
            "height": photo.height,
            "taken_at": None,
            "uploaded_at": now,
            "uploaded_by": username,
        }
        for photo in photos
    ]
