"""Photos from phones are decoded in a child process that cannot hurt the server.

``inspect_photo(data)`` (the parent's side, async: the event loop only waits) hands the photo to
one of at most ``WORKERS`` warm child processes (``python -I``, kept in a pool and reused: a fresh
process per photo cost ~60 ms of start-up), framed bytes on its stdin, and waits at most
``TIMEOUT_SECONDS`` for the answer, else kills it. Each child limits its own address space
(``MEMORY_BYTES``, ``RLIMIT_AS``) and its CPU time per photo, writes no core file, dies with its
parent and gets no database URL, secret or data dir (only PATH and the language). A child that
refuses a photo, fails, is stopped by a limit or has decoded ``MAX_USES`` photos is ended and
replaced by a fresh one. It checks the magic bytes
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
import atexit
import base64
import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

WORKERS = 2  # photos decoded at once per server process (the others wait their turn)
TIMEOUT_SECONDS = 20.0  # per photo
MAX_USES = 200  # photos one worker decodes before it is replaced
MEMORY_BYTES = 1024 * 1024 * 1024  # a 108-megapixel phone JPEG decodes in about 330 MB
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo (8064×6048) fits; a decoded 50 Mpx RGB image is ~150 MB
THUMB_PX = 320
THUMB_QUALITY = 80
MAX_PHOTO_INPUT = 64 * 1024 * 1024  # what a worker reads at most (services limit photos to 10 MB)

KINDS = {"jpeg": ("JPEG", "image/jpeg", "jpg"), "png": ("PNG", "image/png", "png"), "heic": ("HEIF", "image/heic", "heic")}
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})

_ROOT = str(Path(__file__).resolve().parent.parent.parent)  # the directory holding `backend`
_BOOT = f"import sys; sys.path.insert(0, {_ROOT!r}); from backend.safety.photo_worker import child_main; child_main()"
_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE")
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()
_MAX_ANSWER = 8 * 1024 * 1024  # a thumbnail in base64 is tens of KB


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
    """The bound on photos decoded at once, one per event loop (a test's loop or the server's)."""
    loop = asyncio.get_running_loop()
    semaphore = _slots.get(loop)
    if semaphore is None:
        semaphore = _slots[loop] = asyncio.Semaphore(WORKERS)
    return semaphore


async def inspect_photo(data: bytes) -> PhotoInfo:
    """Check and decode one photo in a worker; PhotoRefused when it is not a good photo."""
    if sniff(data[:16]) is None:
        raise PhotoRefused("not_image")  # no process for a text file named .jpg
    async with _semaphore():
        # The waiting is done in a thread (pipes and a deadline), the decoding in the worker
        # process: the event loop only awaits. A cancelled request lets its photo finish (at
        # most TIMEOUT_SECONDS) and the worker goes back to the pool.
        returncode, out = await asyncio.to_thread(_POOL.run, data)
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


_HEADER = struct.Struct(">Q")  # the length of what follows, on both pipes


class _Worker:
    """One long-lived child (``python -I``, the limits of ``_limit_self``), a photo at a time."""

    def __init__(self) -> None:
        env = {name: os.environ[name] for name in _ENVIRONMENT if name in os.environ}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd="/",
            close_fds=True,
        )
        self.uses = 0
        self.timed_out = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()  # type: ignore[union-attr]
            except OSError:
                pass

    def run(self, data: bytes) -> tuple[int, bytes]:
        """Send one photo, read its answer by the deadline; (0, answer) or (a failure code, b"")."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        self.uses += 1
        try:
            self.process.stdin.write(_HEADER.pack(len(data)) + data)  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
            header = self._read(_HEADER.size, deadline)
            answer = self._read(_HEADER.unpack(header)[0], deadline)
        except (OSError, ValueError, struct.error):  # the child died (a limit) or spoke nonsense
            self.kill()
            return self.process.returncode or -signal.SIGKILL, b""
        except TimeoutError:
            self.timed_out = True
            self.kill()
            return -signal.SIGKILL, b""
        return 0, answer

    def _read(self, size: int, deadline: float) -> bytes:
        if size > _MAX_ANSWER:
            raise ValueError("answer too long")
        fd = self.process.stdout.fileno()  # type: ignore[union-attr]
        chunks, left = [], size
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise OSError("the photo worker stopped")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)


class _Pool:
    """At most ``WORKERS`` warm children, reused across photos. A child that fails, refuses a
    photo, hits a limit or has served ``MAX_USES`` photos is ended and replaced by a fresh one."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []

    def _take(self) -> _Worker:
        with self.lock:
            while self.idle:
                worker = self.idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker()

    def run(self, data: bytes) -> tuple[int, bytes]:
        worker = self._take()
        returncode, out = worker.run(data)
        if returncode == -signal.SIGKILL and worker.uses > 1 and not worker.timed_out:
            # A warm child killed from outside before this photo (PR_SET_PDEATHSIG follows the
            # thread that started it, which may have ended): once more on a fresh one.
            worker = _Worker()
            returncode, out = worker.run(data)
        if returncode == 0 and worker.alive() and worker.uses < MAX_USES and b'"ok": true' in out[:16]:
            with self.lock:
                if len(self.idle) < WORKERS:
                    self.idle.append(worker)
                    return returncode, out
        worker.kill()
        return returncode, out

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.kill()


_POOL = _Pool()
atexit.register(_POOL.close)


# --- the child ------------------------------------------------------------------------------


def _limit_self() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, _CPU_LIFETIME)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:  # die with the parent (Linux)
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


_CPU_LIFETIME = (MAX_USES * 4, MAX_USES * 4 + 1)  # seconds of CPU in a worker's whole life


def _limit_photo() -> None:
    """CPU time for the next photo: what the worker used so far plus the per-photo allowance
    (the soft limit, SIGXCPU kills; the hard one stays the lifetime's)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (min(used + int(TIMEOUT_SECONDS) + 2, _CPU_LIFETIME[0]), _CPU_LIFETIME[1]))


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


def _read_exactly(stream, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def child_main() -> None:
    """Photos one after the other: a length and the bytes in, a length and the JSON answer out;
    ends when the parent closes the pipe (or dies)."""
    _limit_self()
    import PIL.Image  # noqa: F401 - loaded once, before the first photo

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = _read_exactly(stdin, _HEADER.size)
        if header is None:
            os._exit(0)
        (size,) = _HEADER.unpack(header)
        if size > MAX_PHOTO_INPUT:
            os._exit(4)
        data = _read_exactly(stdin, size)
        if data is None:
            os._exit(0)
        _limit_photo()
        try:
            out = json.dumps(examine(data)).encode("ascii")
        except MemoryError:
            os._exit(3)
        stdout.write(_HEADER.pack(len(out)) + out)
        stdout.flush()
