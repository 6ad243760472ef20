"""Translations: English message ids, a Simplified Chinese catalog, the language of the request.

The language is held in a context variable set per request (cookie ``tekun_lang``, else
TEKUN_LANGUAGE), so services, templates and error handlers all speak the user's language.
Catalogs are Babel ``.po`` files. In a checkout (and an editable install) the ``.po`` is compiled in
memory when first used, so an edited catalog needs no build step; an installed wheel carries the
``.mo`` that setup.py compiled at build time instead (and no ``.po``).
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from backend.core.settings import LANGUAGES, get_settings

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}

_current: ContextVar[str | None] = ContextVar("tekun_language", default=None)


# The language of the message ids: it needs no catalog.
SOURCE_LANGUAGE = "en"


@cache
def translations(language: str) -> _gettext.NullTranslations:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po_path, mo_path = folder / "messages.po", folder / "messages.mo"
    if po_path.exists():  # a checkout: the catalog as edited (a stray .mo there is ignored)
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(fp=buffer)
    if mo_path.exists():  # an installed wheel
        with mo_path.open("rb") as handle:
            return Translations(fp=handle)
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    # A broken installation, not a reason to show English pages without saying so.
    raise RuntimeError(f"no translation catalog for {language}: neither {po_path} nor {mo_path} exists")


def current_language() -> str:
    return _current.get() or get_settings().language


def set_language(language: str | None):
    """Set the language for the current context; returns a token for ``reset_language``."""
    return _current.set(language if language in LANGUAGES else None)


def reset_language(token) -> None:
    _current.reset(token)


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current_language()).pgettext(context, message)


_ = gettext


def babel_locale() -> str:
    return "zh_Hans_CN" if current_language() == "zh_CN" else "en"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message
