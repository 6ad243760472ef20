"""The words of a notice, rendered from its kind and facts when it is shown (in the reader's
language) and for its e-mail (always in Chinese, the language of the deployment's staff)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

from backend.core import formatting
from backend.core.i18n import N_, reset_language, set_language
from backend.core.i18n import gettext as _
from backend.notices import rules

TITLES: dict[str, str] = {
    rules.DIRECTOR_DAILY: N_("Today's tasks"),
    rules.MAJOR_HAZARD: N_("Major hazard"),
    rules.OUTBREAK: N_("Outbreak report"),
    rules.DRILL_OVERDUE: N_("Evacuation drill overdue"),
    rules.LATE_DEATH: N_("Death reported late"),
}


def _day(value: str | None) -> str:
    if not value:
        return ""
    try:
        return formatting.day(date.fromisoformat(value))
    except ValueError:
        return value


def _tasks_today(facts: dict) -> str:
    return _("{home}: tasks due today {due}, tasks overdue {overdue}.").format(
        home=facts.get("home_name", ""), due=facts.get("due_today", 0), overdue=facts.get("overdue", 0)
    )


def _major_hazard(facts: dict) -> str:
    return _("{home}: major hazard “{title}”, to be fixed by {deadline}.").format(
        home=facts.get("home_name", ""), title=facts.get("title", ""), deadline=_day(facts.get("deadline"))
    )


def _outbreak(facts: dict) -> str:
    return _("{home}: outbreak report of {cases} cases, not yet acknowledged by the county.").format(
        home=facts.get("home_name", ""), cases=facts.get("cases", 0)
    )


def _drill(facts: dict) -> str:
    return _("{home}: the evacuation drill of {period} is overdue.").format(
        home=facts.get("home_name", ""), period=facts.get("period", "")
    )


HOURS_SHOWN = 48  # a late report up to two days late is told in hours, later in whole days


def _late_death(facts: dict) -> str:
    home, limit, hours = facts.get("home_name", ""), facts.get("deadline_hours", 0), facts.get("hours", 0)
    try:
        late = float(hours)
    except (TypeError, ValueError):
        late = 0.0
    if late > HOURS_SHOWN:
        return _("{home}: a death was reported {days} days after it happened (the limit is {limit} hours).").format(
            home=home, days=int(late // 24), limit=limit
        )
    return _("{home}: a death was reported {hours} hours after it happened (the limit is {limit} hours).").format(
        home=home, hours=hours, limit=limit
    )


TEXTS: dict[str, Callable[[dict], str]] = {
    rules.DIRECTOR_DAILY: _tasks_today,
    rules.MAJOR_HAZARD: _major_hazard,
    rules.OUTBREAK: _outbreak,
    rules.DRILL_OVERDUE: _drill,
    rules.LATE_DEATH: _late_death,
}


def title(kind: str) -> str:
    return _(TITLES[kind]) if kind in TITLES else kind


def text(kind: str, facts: dict) -> str:
    render = TEXTS.get(kind)
    return render(facts) if render else ""


@contextmanager
def chinese():
    marker = set_language("zh_CN")
    try:
        yield
    finally:
        reset_language(marker)


def email(kind: str, facts: dict, link: str) -> tuple[str, str]:
    """(subject, plain-text body) of a notice's e-mail, in Chinese, with the link to act on it."""
    with chinese():
        subject = _("[tekun] {title}").format(title=title(kind))
        body = "\n\n".join(
            [
                text(kind, facts),
                _("Open: {link}").format(link=link),
                _("This message was sent by tekun because you asked for notices by e-mail on your account page."),
            ]
        )
    return subject, body + "\n"
