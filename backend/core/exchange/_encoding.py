"""Which text encoding a CSV file is in: UTF-8 (with or without BOM) or GB18030, nothing else.

GB18030 decodes almost any byte string, Big5 and Shift-JIS files included (as nonsense), so a
file that is not UTF-8 is decoded as GB18030 only when charset-normalizer finds GB18030 at least
as likely as any other encoding; otherwise it is refused, naming the encoding it looks like.
"""

from __future__ import annotations

import re

from backend.core.exchange._model import refuse
from backend.core.i18n import _

_BOM = b"\xef\xbb\xbf"
_GB = frozenset({"gb18030", "gbk", "gb2312", "hz"})
_SAMPLE = 64 * 1024
# How much more "chaos" (charset-normalizer's measure of implausible text) GB18030 may show than
# the likeliest encoding and still be chosen: on the register's own files GB18030 is always the
# likeliest; a two-row file may show 0.013 against EUC-KR's 0; Korean or Japanese text read as
# GB18030 shows 0.15 or more.
_TOLERANCE = 0.05
_NON_ASCII = re.compile(rb"[\x80-\xff]")
# charset-normalizer's codec names → the names people know
_NAMES = {
    "big5": "Big5",
    "big5hkscs": "Big5",
    "cp950": "Big5",
    "cp932": "Shift-JIS",
    "shift_jis": "Shift-JIS",
    "shift_jis_2004": "Shift-JIS",
    "shift_jisx0213": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "euc_jis_2004": "EUC-JP",
    "euc_jisx0213": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP",
    "cp949": "EUC-KR",
    "euc_kr": "EUC-KR",
    "johab": "Johab",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "utf_32": "UTF-32",
}


def _save_as_utf8(found: str | None) -> str:
    if found:
        return _(
            "The file is neither UTF-8 nor GB18030 text; it looks like {encoding}. Save it as “CSV UTF-8” and upload it again."
        ).format(encoding=found)
    return _("The file is neither UTF-8 nor GB18030 text. Save it as “CSV UTF-8” and upload it again.")


def _sample(data: bytes) -> bytes:
    """Up to 64 KB of whole lines from the first line with a non-ASCII byte (the lines the
    encodings differ on). A line break byte never occurs inside a GB18030, Big5 or Shift-JIS
    character, so cutting at one never splits a character."""
    first = _NON_ASCII.search(data)
    start = 0 if first is None else data.rfind(b"\n", 0, first.start()) + 1
    sample = data[start : start + _SAMPLE]
    if start + _SAMPLE < len(data):
        cut = sample.rfind(b"\n")
        sample = sample[: cut + 1] if cut > 0 else sample
    return sample


def _likely_encodings(data: bytes) -> list[tuple[str, float]]:
    """(codec, chaos) of every encoding charset-normalizer finds plausible, the likeliest first."""
    from charset_normalizer import from_bytes

    return [(match.encoding, match.chaos) for match in from_bytes(_sample(data))]


def _name(codec: str) -> str:
    return _NAMES.get(codec, codec.upper().replace("_", "-"))


def decode_csv(data: bytes) -> str:
    """The file's text; refuses (ExchangeError) anything but UTF-8 and GB18030."""
    if data.startswith(_BOM):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise refuse(
                _(
                    "The file starts with the UTF-8 mark but is not UTF-8 (byte {position}). Save it as “CSV UTF-8” and upload it again."
                ).format(position=exc.start + 4)
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) >= 2 and data[:4096].count(0) * 4 > min(len(data), 4096)):
        raise refuse(_save_as_utf8("UTF-16"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    likely = _likely_encodings(data)
    if text is not None and likely:
        least = min(chaos for _codec, chaos in likely)
        if any(codec in _GB and chaos <= least + _TOLERANCE for codec, chaos in likely):
            return text
    others = [codec for codec, _chaos in likely if codec not in _GB]
    raise refuse(_save_as_utf8(_name(others[0]) if others else None))
