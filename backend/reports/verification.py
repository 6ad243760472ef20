"""The verification code and QR code printed on every issued report (issue 13, point 5).

A code is 12 characters of Crockford's base32 (digits and capitals without I, L, O, U: nothing
to misread when typed from paper) in three groups, ``7K3M-Q9XA-2HTR`` (60 random bits). The QR
code (segno, inline SVG) encodes the verify address ``{TEKUN_PUBLIC_URL}/reports/verify/{code}``;
without ``TEKUN_PUBLIC_URL`` it encodes the path alone (a deployment sets the address its phones
reach). The code ties the paper to its ``report_file`` row, whose sha256 is also in the audit
chain; the file itself is checked by its sha256 (``tekun report verify``, ``/reports/verify``).
"""

from __future__ import annotations

import os
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
GROUPS, GROUP_LENGTH = 3, 4
_CHAR = "[0-9A-HJKMNP-TV-Z]"
CODE_PATTERN = re.compile(rf"(?<![0-9A-Z]){_CHAR}{{4}}-{_CHAR}{{4}}-{_CHAR}{{4}}(?![0-9A-Z])")
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    """A fresh random code, ``XXXX-XXXX-XXXX``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def normalise_code(text: str) -> str | None:
    """A code as typed (lower case, spaces, no dashes, O for 0, I or L for 1) → its canonical
    form, or None when it cannot be a code."""
    chars = re.sub(r"[\s\-]", "", text or "").upper().translate(_CONFUSABLE)
    if len(chars) != GROUPS * GROUP_LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def find_code(text: str) -> str | None:
    """The first verification code in a report's extracted text (None when there is none)."""
    match = CODE_PATTERN.search(text or "")
    return match.group(0) if match else None


def verify_url(code: str) -> str:
    base = os.environ.get("TEKUN_PUBLIC_URL", "").strip().rstrip("/")
    return f"{base}/reports/verify/{code}"


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (error correction M, black on white)."""
    import segno

    return segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2, dark="#000", light="#fff")


def verification_context(code: str) -> dict[str, str]:
    """What ``templates/reports/_base.html`` prints as ``verification``."""
    url = verify_url(code)
    return {"code": code, "qr_svg": qr_svg(url), "url": url}
