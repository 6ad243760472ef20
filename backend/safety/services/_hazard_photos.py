"""The evidence photos of a hazard's fix, checked and stored exactly as the entries' photos are
(``_photos``): JPEG, PNG or HEIC within the size limit, decoded in the bounded photo worker (never
on the event loop), the EXIF time kept, a thumbnail made, the file under
``TEKUN_DATA_DIR/photos/<sha256[:2]>/<sha256>.<ext>``, one ``safety_photo`` row (``hazard`` set).

``check_photos`` checks every file before anything is written; the caller writes the rows inside
``_photos.staged(...)``, which moves the files into place only once its transaction committed, so
a refusal or a failed transaction leaves no file behind."""

from __future__ import annotations

from datetime import datetime

from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.safety.services._photos import CONTENT_TYPES, MAX_PHOTO_BYTES, CheckedPhoto, check_photo

MAX_PHOTOS = 6
__all__ = ["MAX_PHOTOS", "MAX_PHOTO_BYTES", "check_photos", "photo_rows"]


async def check_photos(contents: list[bytes], field: str = "photos") -> list[CheckedPhoto]:
    """Every photo checked (in the worker); Invalid({field: …}) naming the first refused."""
    if len(contents) > MAX_PHOTOS:
        raise Invalid({field: _("At most {n} photos at once.").format(n=MAX_PHOTOS)})
    checked = []
    for content in contents:
        checked.append(await check_photo(content, field=field))
    return checked


def photo_rows(hazard_id: int, photos: list[CheckedPhoto], now: datetime, username: str) -> list[dict]:
    return [
        {
            "hazard": hazard_id,
            "entry": None,
            "item_key": "",
            "sha256": photo.sha256,
            "content_type": CONTENT_TYPES[photo.kind],
            "size": photo.size,
            "width": photo.width,
            "height": photo.height,
            "taken_at": photo.taken_at,
            "uploaded_at": now,
            "uploaded_by": username,
        }
        for photo in photos
    ]
