"""A finding's facts in words, in the reader's language: the pages (``detail(code, facts)`` in a
template), the PDF report and the recovery list (in Chinese, ``in_chinese``) all say them the
same way. The facts are data (``rules.Facts``); only this module turns them into sentences.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from backend.core import citizen_id, formatting
from backend.core.i18n import _, reset_language, set_language
from backend.stipends import rules
from backend.stipends.labels import label

ID_PROBLEMS = {
    "length": citizen_id.LENGTH,
    "characters": citizen_id.CHARACTERS,
    "birth_date": citizen_id.BIRTH_DATE,
    "checksum": citizen_id.CHECKSUM,
    "gender": citizen_id.GENDER,
}


@contextlib.contextmanager
def in_chinese() -> Iterator[None]:
    """Labels and sentences in Simplified Chinese whatever the reader's language (the PDF report
    and the recovery list are Chinese documents for filing and signing)."""
    token = set_language("zh_CN")
    try:
        yield
    finally:
        reset_language(token)


def _amounts(f: rules.Facts) -> str:
    return _(
        "Basic living: expected {expected_basic}, paid {paid_basic}; care: expected {expected_care}, paid {paid_care}"
    ).format(
        expected_basic=formatting.cny(f.expected_basic or 0),
        paid_basic=formatting.cny(f.paid_basic or 0),
        expected_care=formatting.cny(f.expected_care or 0),
        paid_care=formatting.cny(f.paid_care or 0),
    )


def _invalid_id(f: rules.Facts) -> str:
    problem = ID_PROBLEMS.get(f.id_problem or "")
    return _("The ID number fails its check: {problem}").format(problem=_(problem) if problem else f.id_problem)


def _not_entitled(f: rules.Facts) -> str:
    if f.reason == "not_approved":
        return _("Approved on {approved_on}: entitled from {month}").format(
            approved_on=formatting.day(f.approved_on), month=formatting.month(f.entitled_from)
        )
    if f.reason == "ended":
        return _("Support ended on {ended_on}").format(ended_on=formatting.day(f.ended_on))
    if f.reason == "other_county":
        return _("Registered in another county: {county}").format(county=f.registered_county_name or f.registered_county)
    return ""


def _missing(f: rules.Facts) -> str:
    mode, tier = label("mode", f.register_mode or ""), label("tier", f.register_tier or "")
    if f.expected_basic is None:  # a finding stored before the amounts were kept
        return _("Entitled as {mode}, {tier}; nothing paid").format(mode=mode, tier=tier)
    return _("Entitled as {mode}, {tier}: basic living {basic}, care {care}; nothing paid").format(
        mode=mode,
        tier=tier,
        basic=formatting.cny(f.expected_basic),
        care=formatting.cny(f.expected_care or 0),
    )


def _after_death(f: rules.Facts) -> str:
    if f.last_entitled_month is None:  # a finding stored before the last month was kept
        return _("Died on {died_on}").format(died_on=formatting.day(f.died_on))
    return _("Died on {died_on}; entitled up to {month}").format(
        died_on=formatting.day(f.died_on), month=formatting.month(f.last_entitled_month)
    )


def _unassessed(f: rules.Facts) -> str:
    if f.paid_care is None:  # a finding stored before the amounts were kept
        return _("Care paid, but no assessment before {day}").format(day=formatting.day(f.assessed_before))
    return _("Care of {amount} paid, but no assessment before {day}").format(
        amount=formatting.cny(f.paid_care), day=formatting.day(f.assessed_before)
    )


def _mode(f: rules.Facts) -> str:
    """MODE_MISMATCH, saying which of the four signs it was (interfaces §4)."""
    paid_mode, register_mode = label("mode", f.paid_mode or ""), label("mode", f.register_mode or "")
    if f.mode_evidence == "home_code":
        return _("A home code is given, but the person is {register_mode} for the month").format(register_mode=register_mode)
    if f.mode_evidence == "basic":
        return _("Basic living of {amount} is the {paid_mode} amount; registered as {register_mode}").format(
            amount=formatting.cny(f.paid_basic or 0), paid_mode=paid_mode, register_mode=register_mode
        )
    if f.mode_evidence == "care":
        return _("Care of {amount} is the {paid_mode} amount for “{tier}”; registered as {register_mode}").format(
            amount=formatting.cny(f.paid_care or 0),
            paid_mode=paid_mode,
            tier=label("tier", f.register_tier or ""),
            register_mode=register_mode,
        )
    if f.mode_evidence == "named":
        return _("The line names {paid_mode}; registered as {register_mode}").format(
            paid_mode=paid_mode, register_mode=register_mode
        )
    return _("Paid as {paid_mode}; registered as {register_mode}").format(paid_mode=paid_mode, register_mode=register_mode)


_SENTENCES: dict[str, Callable[[rules.Facts], str]] = {
    "INVALID_ID": _invalid_id,
    "UNKNOWN_PERSON": lambda f: _("The ID number is valid but names nobody in the register"),
    "DUPLICATE_PAYMENT": lambda f: _("Line {ref} already pays this person for the month").format(ref=f.other_payment_ref),
    "PAID_AFTER_DEATH": _after_death,
    "NOT_ENTITLED": _not_entitled,
    "MODE_MISMATCH": _mode,
    "UNASSESSED": _unassessed,
    "TIER_MISMATCH": lambda f: _("Care paid for “{paid_tier}”; assessed as “{register_tier}”").format(
        paid_tier=label("tier", f.paid_tier or ""), register_tier=label("tier", f.register_tier or "")
    ),
    "AMOUNT_MISMATCH": _amounts,
    "MISSING_PAYMENT": _missing,
    "NAME_MISMATCH": lambda f: _("Name in the register: {name}").format(name=f.register_name),
}


def describe(code: str, facts: rules.Facts, legacy: str = "") -> str:
    """The facts of a finding with code ``code`` as one sentence in the current language.
    ``legacy``: the stored text of an old finding that was never turned into facts (shown as it
    is: the migration turned every text it knew)."""
    if legacy:
        return legacy
    return _SENTENCES[code](facts)
