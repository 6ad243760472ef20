"""Photos made for the safety tests: JPEG (with an EXIF time), PNG and HEIC (pillow-heif)."""

from __future__ import annotations

import io

from backend.core.settings import get_settings


def jpeg(taken: str | None = "2026:11:10 09:30:00", offset: str | None = None, size=(640, 480), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
        if offset:
            exif.get_ifd(0x8769)[36881] = offset
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(size=(300, 200), color=(10, 120, 40)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", size, (*color, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def heic(size=(400, 300), color=(30, 30, 200)) -> bytes:
    import pillow_heif
    from PIL import Image

    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", size, color)).save(buffer, quality=60)
    return buffer.getvalue()


def files_on_disk() -> set[str]:
    """Every file under the data dir but the database's (what a refusal must leave unchanged)."""
    root = get_settings().data_dir
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file() and "sqlite" not in path.name}
