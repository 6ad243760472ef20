"""Warnings before a breach of the staff ratio (issue 11 point 5): an admission, a staff member's
departure or an approved leave that would put the home below the ratio on some day says so and
asks for confirmation; a confirmed breach is recorded (``ratio_breach``) with who confirmed it.

``check_change`` projects the home's series with the change applied, from the day of the change
to ``WARNING_DAYS`` days after it (or after today, if later), and compares it with the series
without it: a warning when some day is below the ratio and worse than it would have been (the
change causes or deepens the breach). The first such day is the one the message names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from backend.core import dates, formatting
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing import rules
from backend.staffing.services._ratio import inputs_for
from backend.staffing.tables import RatioBreach

WARNING_DAYS = 30
ADMISSION, DEPARTURE, LEAVE = "admission", "departure", "leave"
CAUSES = (ADMISSION, DEPARTURE, LEAVE)


@dataclass(frozen=True)
class ProjectedChange:
    """A change to project: ``admit`` residents more from ``on`` (tier of the newcomer, for the
    carer ratio); the post ``staff_id`` ends on ``left_on``; or a leave ``(staff_id, first, last)``."""

    on: date
    admit: int = 0
    admit_tier: str = "unassessed"
    staff_id: int | None = None
    left_on: date | None = None
    leave: tuple[date, date] | None = None


@dataclass(frozen=True)
class BreachWarning:
    """The first day the change would leave the home below the ratio, and the sentence to show."""

    cause: str
    day: rules.DayRatio
    message: str


def _applied(inputs, change: ProjectedChange):
    stays = list(inputs.stays)
    stays += [rules.Stay(change.on, None, ((change.on, change.admit_tier),))] * change.admit
    posts = dict(inputs.posts)
    if change.staff_id is not None and change.staff_id in posts:
        post = posts[change.staff_id]
        if change.left_on is not None:
            posts[change.staff_id] = replace(post, left_on=change.left_on)
        if change.leave is not None:
            posts[change.staff_id] = replace(post, leaves=post.leaves + (change.leave,))
    return stays, list(posts.values())


def breach_message(cause: str, day: rules.DayRatio) -> str:
    """ "入住后需要 6 名工作人员，现有 5 名（2026年12月3日起）" and the carers' half when they are short."""
    when = formatting.day(day.day)
    if cause == ADMISSION:
        text = _("After this admission the home needs {required} staff and has {staff} (from {day}).")
    elif cause == DEPARTURE:
        text = _("After this departure the home needs {required} staff and has {staff} (from {day}).")
    else:
        text = _("During this leave the home needs {required} staff and has {staff} (from {day}).")
    message = text.format(required=day.required_staff, staff=day.staff, day=when)
    if day.required_carers is not None and day.carers < day.required_carers:
        message += " " + _("It needs {required} carers and has {carers}.").format(required=day.required_carers, carers=day.carers)
    return message


async def check_change(home_id: int, cause: str, change: ProjectedChange) -> BreachWarning | None:
    """The warning for ``change`` in the home (None: the ratio holds, or the change does not make
    it worse on any day of the horizon). The caller has checked its scope."""
    last = max(change.on, dates.today()) + timedelta(days=WARNING_DAYS)
    if change.leave is not None:
        last = max(last, change.leave[1])
    inputs = (await inputs_for([home_id], change.on, last)).get(home_id)
    if inputs is None:
        return None
    before = inputs.series(change.on, last)
    stays, posts = _applied(inputs, change)
    after = rules.ratio_series(change.on, last, stays, posts, inputs.timeline)
    for was, will in zip(before, after, strict=True):
        if not will.compliant and will.shortfall > was.shortfall:
            return BreachWarning(cause, will, breach_message(cause, will))
    return None


async def record_breach(scope: Scope, home_id: int, warning: BreachWarning, subject: str = "") -> None:
    """Record a breach someone was warned of and confirmed, in the caller's transaction, with one
    audit change (``staffing.breach_confirmed``)."""
    day = warning.day
    row = RatioBreach(
        home=home_id,
        first_day=day.day,
        cause=warning.cause,
        subject=subject[:100],
        residents=day.residents,
        staff=day.staff,
        required_staff=day.required_staff,
        carers=day.carers,
        required_carers=day.required_carers,
        message=warning.message[:300],
        confirmed_at=dates.now_utc(),
        confirmed_by=scope.username,
    )
    await row.save()
    home = (await registry.homes_by_id([home_id])).get(home_id, {})
    after = {
        "home": home.get("code", str(home_id)),  # the audit page names homes by code
        "first_day": day.day.isoformat(),
        "breach_cause": warning.cause,
        "subject": subject,
        "required_staff": day.required_staff,
        "staff": day.staff,
        "message": warning.message,
    }
    await append_audit(
        scope.user_id, scope.username, [Change("staffing.breach_confirmed", "ratio_breach", str(row.id), None, after)]
    )
