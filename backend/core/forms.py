"""HTML forms parsed into typed structs, with every refusal in the user's language next to its field.

A form is a ``msgspec.Struct`` whose fields carry a parser in their annotation::

    class PlacementForm(forms.Form):
        kind: Annotated[str, forms.Choice(PLACEMENT_KINDS, N_("Choose admission, transfer or discharge."))]
        event_date: Annotated[date, forms.Date()]
        home_code: Annotated[str, forms.Text(required=False, max_length=20)] = ""
        note: Annotated[str, forms.Text(required=False, max_length=300)] = ""

    parsed = await forms.read(request, PlacementForm)
    if parsed.ok:
        ...  # parsed.data is a PlacementForm with typed values
    # else: parsed.values (what was typed, to show again) and parsed.errors (field → message)

Checks that need the database stay in the services (they raise ``Invalid`` with field errors, which
``parsed.merge`` adds). One set of parsers: text, integer, date, month, money (yuan → fen), yes/no,
choice. Messages are English msgids translated when the form is read (Chinese by default).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import msgspec

from backend.core import dates, money
from backend.core.errors import Invalid
from backend.core.i18n import N_, _

F = TypeVar("F", bound="Form")


class Form(msgspec.Struct, kw_only=True):
    """Base of every form struct (fields annotated with a parser, see the module docstring)."""


class Missing(Exception):
    """Raised by a parser for an empty value that is required."""


class Refused(Exception):
    """Raised by a parser with the (translated) reason a value is refused."""


@dataclass(frozen=True, kw_only=True)
class Parser:
    """Turns the text typed into one field into a value, or raises Refused / Missing."""

    required: bool = True
    empty: Any = None  # the value of an empty optional field

    def parse(self, raw: str) -> Any:  # pragma: no cover - every parser overrides it
        raise NotImplementedError

    def __call__(self, raw: str) -> Any:
        if raw == "":
            if self.required:
                raise Missing()
            return self.empty
        return self.parse(raw)


@dataclass(frozen=True)
class Text(Parser):
    """Text, stripped; ``max_length`` in characters; ``pattern`` a full-match regular expression
    with ``pattern_message`` saying what is expected. Line breaks only where ``multiline``."""

    max_length: int = 200
    min_length: int = 0
    pattern: str | None = None
    pattern_message: str = N_("This value is not in the expected form.")
    multiline: bool = False
    empty: Any = field(default="", kw_only=True)

    def parse(self, raw: str) -> str:
        if not self.multiline and ("\n" in raw or "\r" in raw):
            raise Refused(_("Write this on one line."))
        if len(raw) > self.max_length:
            raise Refused(_("At most {count} characters (this has {length}).").format(count=self.max_length, length=len(raw)))
        if len(raw) < self.min_length:
            raise Refused(_("At least {count} characters.").format(count=self.min_length))
        if self.pattern and not re.fullmatch(self.pattern, raw):
            raise Refused(_(self.pattern_message))
        return raw


@dataclass(frozen=True)
class Integer(Parser):
    minimum: int | None = None
    maximum: int | None = None

    def parse(self, raw: str) -> int:
        if not re.fullmatch(r"[+-]?\d{1,15}", raw):
            raise Refused(_("Write a whole number, such as 12."))
        value = int(raw)
        if self.minimum is not None and value < self.minimum:
            raise Refused(_("At least {minimum}.").format(minimum=self.minimum))
        if self.maximum is not None and value > self.maximum:
            raise Refused(_("At most {maximum}.").format(maximum=self.maximum))
        return value


@dataclass(frozen=True)
class Date(Parser):
    """``2026-11-02``, ``2026/11/02`` or ``2026年11月2日``; years FIRST_YEAR..LAST_YEAR.
    ``not_in_future``: refused when after today (in TEKUN_TIMEZONE)."""

    not_in_future: bool = False

    def parse(self, raw: str) -> date:
        try:
            value = dates.parse_date(raw)
        except ValueError:
            if dates.looks_like_date(raw):
                raise Refused(_("There is no such date (check the day of the month).")) from None
            raise Refused(_("Not a valid date (write 2026-11-02).")) from None
        if not dates.FIRST_YEAR <= value.year <= dates.LAST_YEAR:
            raise Refused(_("The year must be between {first} and {last}.").format(first=dates.FIRST_YEAR, last=dates.LAST_YEAR))
        if self.not_in_future and value > dates.today():
            raise Refused(_("The date is in the future."))
        return value


@dataclass(frozen=True)
class DateTime(Parser):
    """A date and time (``2026-11-02T14:30`` as a datetime-local field sends it, or
    ``2026-11-02 14:30``) in TEKUN_TIMEZONE → aware UTC; years FIRST_YEAR..LAST_YEAR."""

    def parse(self, raw: str) -> datetime:
        try:
            return dates.parse_datetime(raw)
        except ValueError:
            raise Refused(_("Not a valid date and time (write 2026-11-02 14:30).")) from None


@dataclass(frozen=True)
class Month(Parser):
    """``2026-11``, ``2026/11`` or ``2026年11月`` → the first day of that month."""

    def parse(self, raw: str) -> date:
        try:
            value = dates.parse_month(raw)
        except ValueError:
            raise Refused(_("Not a valid month (write 2026-11).")) from None
        if not dates.FIRST_YEAR <= value.year <= dates.LAST_YEAR:
            raise Refused(_("The year must be between {first} and {last}.").format(first=dates.FIRST_YEAR, last=dates.LAST_YEAR))
        return value


@dataclass(frozen=True)
class Money(Parser):
    """An amount in yuan (``1234.5``, ``1,234.50``, ``¥1234.50``) → integer fen."""

    minimum_fen: int = 0
    maximum_fen: int = 100_000_000_00  # a hundred million yuan

    def parse(self, raw: str) -> int:
        try:
            value = money.parse_yuan(raw)
        except ValueError:
            raise Refused(_("Write an amount in yuan with at most two decimals, such as 1234.50.")) from None
        if value < self.minimum_fen:
            raise Refused(_("At least {amount}.").format(amount=money.cny(self.minimum_fen)))
        if value > self.maximum_fen:
            raise Refused(_("At most {amount}.").format(amount=money.cny(self.maximum_fen)))
        return value


_YES = {"1", "yes", "y", "true", "on", "是"}
_NO = {"0", "no", "n", "false", "off", "否"}


@dataclass(frozen=True, kw_only=True)
class YesNo(Parser):
    """A checkbox or a yes/no choice; an absent or empty box is "no"."""

    required: bool = False
    empty: Any = False

    def parse(self, raw: str) -> bool:
        folded = raw.lower()
        if folded in _YES:
            return True
        if folded in _NO:
            return False
        raise Refused(_("Choose yes or no."))


@dataclass(frozen=True)
class Choice(Parser):
    """One of ``options`` (the values sent by a select or radio buttons)."""

    options: tuple[str, ...] = ()
    message: str = N_("Choose one of the options.")
    empty: Any = field(default="", kw_only=True)

    def parse(self, raw: str) -> str:
        if raw not in self.options:
            raise Refused(_(self.message))
        return raw


@dataclass
class Parsed(Generic[F]):
    """The result of reading a form: typed ``data`` when nothing was refused, else ``None``;
    ``values`` are the texts as typed (to show the form again), ``errors`` field → message."""

    form: type[F]
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    data: F | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.data is not None

    def error(self, name: str, message: str) -> None:
        """Refuse a field for a reason the parsers cannot know (e.g. before the approval date)."""
        self.errors.setdefault(name, message)
        self.data = None

    def merge(self, invalid: Invalid) -> None:
        """Add the field errors a service refused the data with."""
        for name, message in invalid.errors.items():
            self.error(name, message)


_PARSERS: dict[type, dict[str, Parser]] = {}


def fields_of(form: type[Form]) -> dict[str, Parser]:
    """Each field of a form struct and its parser (read from the annotations once)."""
    if form not in _PARSERS:
        hints = typing.get_type_hints(form, include_extras=True)
        found: dict[str, Parser] = {}
        for name in form.__struct_fields__:
            parsers = [meta for meta in getattr(hints[name], "__metadata__", ()) if isinstance(meta, Parser)]
            if len(parsers) != 1:
                raise TypeError(f"{form.__name__}.{name} needs exactly one parser in its annotation")
            found[name] = parsers[0]
        _PARSERS[form] = found
    return _PARSERS[form]


def _raw(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):  # an uploaded file where text was expected
        return ""
    return value.strip()


def parse(form: type[F], data: Mapping[str, Any]) -> Parsed[F]:
    """Parse submitted form data (a mapping of field name → text) into ``form``."""
    parsers = fields_of(form)
    values = {name: _raw(data, name) for name in parsers}
    parsed: Parsed[F] = Parsed(form=form, values=values)
    typed: dict[str, Any] = {}
    for name, parser in parsers.items():
        try:
            typed[name] = parser(values[name])
        except Missing:
            parsed.errors[name] = _("A value is required.")
        except Refused as refused:
            parsed.errors[name] = str(refused)
    if not parsed.errors:
        parsed.data = form(**typed)
    return parsed


async def read(request: Any, form: type[F]) -> Parsed[F]:
    """Read and parse the request's form body."""
    return parse(form, await request.form())


def values_of(form: type[Form], data: Mapping[str, Any]) -> dict[str, str]:
    """The texts of a form's fields as submitted (to show a form again after a refusal)."""
    return {name: _raw(data, name) for name in fields_of(form)}


# Confirmation steps: an irreversible action is posted twice. The first post (without the
# ``confirmed`` field) parses and checks the form and answers a page that says what will happen,
# carrying every value as a hidden field; the second post carries ``confirmed=yes``.
CONFIRMED = "confirmed"


def confirmed(data: Mapping[str, Any]) -> bool:
    return _raw(data, CONFIRMED) == "yes"
