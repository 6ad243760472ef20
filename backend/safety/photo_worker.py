"""Photos from phones are decoded in a child process that cannot hurt the server.

``inspect_photo(data)`` (the parent's side, async: the event loop only waits) starts a fresh
``python -I`` per photo, at most ``WORKERS`` at once per process, hands it the bytes on stdin and
waits at most ``TIMEOUT_SECONDS``, then kills it. The child limits its own address space
(``MEMORY_BYTES``, ``RLIMIT_AS``) and CPU time, writes no core file, dies with its parent and gets
no database URL, secret or data dir (only PATH and the language). It checks the magic bytes
(JPEG, PNG or HEIC), decodes the whole image with Pillow (pillow-heif for HEIC), refuses a format
that disagrees with the magic bytes or more than ``MAX_PIXELS`` pixels, reads EXIF
DateTimeOriginal (and OffsetTimeOriginal when present), and makes a JPEG thumbnail of at most
``THUMB_PX`` px on its longer side. It answers one JSON object (the thumbnail in base64): data,
never code. A child stopped by a limit, or that dies otherwise, is a refusal (``PhotoRefused``
with a reason code; ``services._photos`` words it), never an error of the server.

This module imports nothing of ``backend`` at its top, so that the child starts in a few tens of
milliseconds (Pillow and pillow-heif are all it loads).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

WORKERS = 2  # photos decoded at once per server process (the others wait their turn)
TIMEOUT_SECONDS = 20.0
MEMORY_BYTES = 1024 * 1024 * 1024  # a 108-megapixel phone JPEG decodes in about 330 MB
MAX_PIXELS = 120_000_000
THUMB_PX = 320
THUMB_QUALITY = 80

KINDS = {"jpeg": ("JPEG", "image/jpeg", "jpg"), "png": ("PNG", "image/png", "png"), "heic": ("HEIF", "image/heic", "heic")}
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})

_ROOT = str(Path(__file__).resolve().parent.parent.parent)  # the directory holding `backend`
_BOOT = f"import sys; sys.path.insert(0, {_ROOT!r}); from backend.safety.photo_worker import child_main; child_main()"
_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE")
_slots: list[asyncio.Semaphore] = []


class PhotoRefused(Exception):
    """The photo is refused; ``reason``: ``not_image`` (no JPEG, PNG or HEIC by its content),
    ``undecodable`` (the magic bytes say so, the decoder does not agree), ``too_many_pixels``,
    ``too_complex`` (a time or memory limit stopped the worker)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PhotoInfo:
    kind: str  # jpeg, png or heic
    width: int
    height: int
    taken: str  # EXIF DateTimeOriginal as written ("2026:11:10 09:30:00"), "" when none
    offset: str  # EXIF OffsetTimeOriginal ("+08:00"), "" when none
    thumb: bytes  # a JPEG


def sniff(head: bytes) -> str | None:
    """The kind the magic bytes name, or None."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "heic"
    return None


def _semaphore() -> asyncio.Semaphore:
    if not _slots:
        _slots.append(asyncio.Semaphore(WORKERS))
    return _slots[0]


async def inspect_photo(data: bytes) -> PhotoInfo:
    """Check and decode one photo in a worker; PhotoRefused when it is not a good photo."""
    if sniff(data[:16]) is None:
        raise PhotoRefused("not_image")  # no process for a text file named .jpg
    async with _semaphore():
        returncode, out = await _run(data)
    if returncode != 0:
        raise PhotoRefused("too_complex")
    try:
        answer = json.loads(out)
    except ValueError:
        raise PhotoRefused("too_complex") from None
    if not answer.get("ok"):
        raise PhotoRefused(str(answer.get("reason", "undecodable")))
    return PhotoInfo(
        kind=answer["kind"],
        width=int(answer["width"]),
        height=int(answer["height"]),
        taken=str(answer["taken"]),
        offset=str(answer["offset"]),
        thumb=base64.b64decode(answer["thumb"]),
    )


async def _run(data: bytes) -> tuple[int, bytes]:
    env = {name: os.environ[name] for name in _ENVIRONMENT if name in os.environ}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        "-c",
        _BOOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
        cwd="/",
    )
    try:
        out, _err = await asyncio.wait_for(process.communicate(data), TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        return -signal.SIGKILL, b""
    except BaseException:  # cancelled (the client went away, the server stops): no orphan
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    return process.returncode or 0, out


# --- the child ------------------------------------------------------------------------------


def _limit_self() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    seconds = int(TIMEOUT_SECONDS) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:  # die with the parent (Linux)
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _exif_time(image) -> tuple[str, str]:
    try:
        exif = image.getexif().get_ifd(0x8769)  # the Exif IFD
    except Exception:  # noqa: BLE001 - a broken EXIF block only loses the time
        return "", ""
    taken, offset = exif.get(36867), exif.get(36881)  # DateTimeOriginal, OffsetTimeOriginal
    clean = lambda value: value.strip("\x00 ")[:32] if isinstance(value, str) else ""  # noqa: E731
    return clean(taken), clean(offset)


def examine(data: bytes) -> dict:
    """The child's work (also callable in-process by tests): a JSON-able answer."""
    import io
    import warnings

    from PIL import Image, ImageOps

    kind = sniff(data[:16])
    if kind is None:
        return {"ok": False, "reason": "not_image"}
    if kind == "heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    try:
        image = Image.open(io.BytesIO(data), formats=[KINDS[kind][0]])
        if image.width * image.height > MAX_PIXELS:
            return {"ok": False, "reason": "too_many_pixels"}
        width, height = image.size
        taken, offset = _exif_time(image)
        if kind == "jpeg":
            image.draft("RGB", (THUMB_PX * 2, THUMB_PX * 2))  # every block is still decoded, at 1/2..1/8 scale
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((THUMB_PX, THUMB_PX))
        thumb = io.BytesIO()
        image.save(thumb, "JPEG", quality=THUMB_QUALITY)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return {"ok": False, "reason": "too_many_pixels"}
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - whatever the decoder says, the photo is refused
        return {"ok": False, "reason": "undecodable"}
    if image.width < 1 or image.height < 1:
        return {"ok": False, "reason": "undecodable"}
    return {
        "ok": True,
        "kind": kind,
        "width": width,
        "height": height,
        "taken": taken,
        "offset": offset,
        "thumb": base64.b64encode(thumb.getvalue()).decode("ascii"),
    }


def child_main() -> None:
    _limit_self()
    try:
        answer = examine(sys.stdin.buffer.read())
        out = json.dumps(answer).encode("ascii")
    except MemoryError:
        os._exit(3)
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    os._exit(0)
