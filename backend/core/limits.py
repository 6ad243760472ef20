"""Bounds on what one request may carry: integers in paths and queries, JSON body size and depth.

Absurd input (a page number of 2**63, a record id beyond the database's integer, a body of
thousands of nested ``[``) is refused at the edge with 400 (or 413 for a body too large) and a
message naming what was wrong, before it reaches a service or the database, so it never becomes a
server error.

- Integers: declare route parameters with the annotated types below (``RecordId``, ``PageNumber``,
  ``PageSize``); Litestar checks the bounds and answers 400 naming the parameter.
- Body size: ``MAX_BODY_BYTES`` is the application-wide ``request_max_body_size`` (the import
  upload declares its own, larger limit on its handler).
- JSON depth: msgspec decodes a body recursively and raises ``RecursionError`` (not a decode
  error) past Python's recursion limit, which Litestar does not catch. ``BoundedRequest`` is the
  application's request class: it measures the depth of a JSON body before it is decoded and
  refuses anything nested deeper than ``MAX_JSON_DEPTH``.
"""

from __future__ import annotations

from itertools import accumulate
from typing import Annotated, Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.params import PathParameter, QueryParameter

from backend.core.i18n import _

# Record ids are positive 32-bit integers (a SERIAL key on PostgreSQL and CockroachDB's
# INT4-sized serial columns): anything else cannot name a record.
MAX_RECORD_ID = 2**31 - 1
# Pages of a list: 100 000 pages of 500 rows is far beyond any province's register.
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 500
MAX_BODY_BYTES = 256 * 1024  # JSON bodies and forms: the largest honest one is a few KB
MAX_JSON_DEPTH = 32  # honest API bodies nest two or three levels


def record_id(description: str = "A record id") -> Any:
    """A path parameter that names a record: an integer 1 … MAX_RECORD_ID."""
    return PathParameter(ge=1, le=MAX_RECORD_ID, description=description)


RecordId = Annotated[int, record_id()]
ResidentId = Annotated[int, record_id("The person's record id")]
PageNumber = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="Page number, from 1")]
PageSize = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Rows per page")]


# --- JSON nesting ---------------------------------------------------------------------------

_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and -1 as signed bytes


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than ``limit``.

    Cheap, in C-speed steps: a body with at most ``limit`` brackets cannot be too deep (every
    honest API body). Otherwise escapes and strings are cut out (a JSON string holds no raw
    quote, so the text between the 2nd and 3rd quote, the 4th and 5th… lies outside strings),
    the brackets left become +1 and -1, and the deepest running sum is the depth. Exact for
    valid JSON; for malformed JSON it counts at least as deep as a decoder would go before
    failing, so nothing reaches the decoder deeper than ``limit``.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside_strings = b"".join(unescaped.split(b'"')[::2])
    steps = memoryview(outside_strings.translate(_STEPS, _NOT_BRACKETS)).cast("b")
    return max(accumulate(steps), default=0) > limit


class BoundedRequest(Request):
    """The application's request: a JSON body nested too deeply is refused before decoding."""

    async def json(self) -> Any:
        body = await self.body()
        if json_depth_exceeds(body):
            raise ValidationException(
                detail=_("The JSON body is nested more than {limit} levels deep.").format(limit=MAX_JSON_DEPTH)
            )
        return await super().json()
