"""Citizen ID numbers (公民身份号码, GB 11643-1999): checks, gender, birth date, masking, and
what an audit record says about whose full numbers a response showed.

Pure functions. Each failed check has its own message so a user knows what to correct:
length, characters, birth date, checksum (ISO 7064 MOD 11-2, ``X`` for 10), and — when a
gender is given — agreement with character 17 (odd for men, even for women).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from backend.core.i18n import N_

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

LENGTH = N_("An ID number has 18 characters.")
CHARACTERS = N_("The first 17 characters must be digits and the last a digit or X.")
BIRTH_DATE = N_("Characters 7–14 are not a valid birth date.")
CHECKSUM = N_("The last character (check digit) does not match: the number is mistyped.")
GENDER = N_("The gender does not agree with the ID number (character 17: odd for men, even for women).")


@dataclass(frozen=True)
class IdProblem:
    """Why an ID number failed: ``code`` for programs, ``message`` (an English msgid) for people."""

    code: str
    message: str


def normalise(text: str) -> str:
    return (text or "").strip().upper()


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def birth_date(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None


def gender_of(id_number: str) -> str:
    """``"M"`` or ``"F"`` from character 17."""
    return "M" if int(id_number[16]) % 2 == 1 else "F"


def id_problem(text: str, gender: str | None = None, today: date | None = None) -> IdProblem | None:
    """None when the number passes every check, else the first check it fails."""
    value = normalise(text)
    if len(value) != 18:
        return IdProblem("length", LENGTH)
    if not value[:17].isdigit() or not value[:17].isascii() or not (value[17].isdigit() or value[17] == "X"):
        return IdProblem("characters", CHARACTERS)
    born = birth_date(value)
    if born is None or born.year < 1880 or (today is not None and born > today):
        return IdProblem("birth_date", BIRTH_DATE)
    if check_character(value[:17]) != value[17]:
        return IdProblem("checksum", CHECKSUM)
    if gender is not None and gender != gender_of(value):
        return IdProblem("gender", GENDER)
    return None


def is_valid(text: str) -> bool:
    return id_problem(text) is None


def mask(id_number: str) -> str:
    """``620102********123X``: the first 6 and last 4 characters (domain-rules §9)."""
    value = normalise(id_number)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def digest(id_number: str) -> str:
    """The first 16 hex characters of the sha256 of the normalised number. An audit record names
    the persons whose full numbers were shown by these digests, not by the numbers: to find who
    saw a number, compute its digest and search the audit log for it."""
    return hashlib.sha256(normalise(id_number).encode("utf-8")).hexdigest()[:16]


def disclosure(numbers: Iterable[str], resident_ids: Iterable[int] = ()) -> dict[str, Any]:
    """The part of the audit record of ONE response that showed full ID numbers which says whose
    they were (one record per response, never one per person): how many distinct numbers, their
    digests (sorted), and the register's record ids of the persons when the response names them."""
    digests = sorted({digest(number) for number in numbers if normalise(number)})
    shown: dict[str, Any] = {"ids_shown": len(digests), "id_digests": digests}
    residents = sorted(set(resident_ids))
    if residents:
        shown["residents"] = residents
    return shown
