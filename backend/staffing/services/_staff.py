"""The staff register (issue 11 point 1): add a post, edit it, end it (with the departure warning
of point 5), a home's staff and one post. The checks a post must pass (``check_post``) and the
rule that one ID number holds posts only at dates that do not overlap (``overlap_errors``) are
shared with the ``staff`` import."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import msgspec

from backend.core import citizen_id, dates, formatting
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing.schemas import STAFF_NO_PATTERN, StaffIn, StaffOut, StaffPatch
from backend.staffing.services._breach import DEPARTURE, ProjectedChange, check_change, record_breach
from backend.staffing.tables import CARER, CARER_CERTS, COOK, EMPLOYMENTS, POSTS, StaffMember, TrainingRecord

HIRE_AHEAD_DAYS = 90  # a post may be entered up to this many days before its first day
EXPIRY_WARNING_DAYS = 30  # a health certificate expiring within this many days is marked
FIELDS = (
    "staff_no",
    "name",
    "post",
    "employment",
    "hired_on",
    "left_on",
    "left_reason",
    "health_cert_expires",
    "fire_operator_cert",
    "carer_cert",
    "id_number",
)
PATCH_FIELDS = tuple(name for name in FIELDS if name != "staff_no")
_NO_END = date.max


def may_manage(scope: Scope) -> None:
    require(scope, "manage_staff", _("Only the home's director and the county's staff manage the staff register."))


# --- the checks of one post -------------------------------------------------------------------


def normalised(values: dict[str, Any]) -> dict[str, Any]:
    """Texts stripped, the ID number upper-cased."""
    result = dict(values)
    for name in ("staff_no", "name", "post", "employment", "left_reason", "carer_cert"):
        if isinstance(result.get(name), str):
            result[name] = result[name].strip()
    if "id_number" in result:
        result["id_number"] = citizen_id.normalise(result["id_number"] or "")
    return result


def _date_errors(values: dict[str, Any], today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    hired_on, left_on = values.get("hired_on"), values.get("left_on")
    if hired_on is None:
        errors["hired_on"] = _("A value is required.")
    elif hired_on > today + timedelta(days=HIRE_AHEAD_DAYS):
        errors["hired_on"] = _("The hire date may be at most {days} days ahead.").format(days=HIRE_AHEAD_DAYS)
    elif hired_on.year < dates.FIRST_YEAR:
        errors["hired_on"] = _("The year must be between {first} and {last}.").format(
            first=dates.FIRST_YEAR, last=dates.LAST_YEAR
        )
    if hired_on is not None and left_on is not None and left_on < hired_on:
        errors["left_on"] = _("The leaving date cannot be before the hire date.")
    return errors


def check_post(values: dict[str, Any], today: date | None = None) -> dict[str, str]:
    """Field → message for every rule a post breaks (the values normalised); empty when it is valid."""
    today = today or dates.today()
    errors: dict[str, str] = {}
    if not re.fullmatch(STAFF_NO_PATTERN, values.get("staff_no") or ""):
        errors["staff_no"] = _("The staff number is 1–32 characters of letters, digits, '-' and '_'.")
    elif values["staff_no"].lower() == "new":
        errors["staff_no"] = _("This staff number is reserved: choose another.")
    if not values.get("name"):
        errors["name"] = _("A value is required.")
    elif len(values["name"]) > 50:
        errors["name"] = _("At most {n} characters.").format(n=50)
    if values.get("post") not in POSTS:
        errors["post"] = _("Choose one of the posts.")
    if (values.get("employment") or "") not in EMPLOYMENTS:
        errors["employment"] = _("Choose one of the forms of employment.")
    if (values.get("carer_cert") or "") not in CARER_CERTS:
        errors["carer_cert"] = _("Choose one of the carer certificate levels.")
    errors.update(_date_errors(values, today))
    if values.get("post") == COOK and values.get("health_cert_expires") is None:
        errors["health_cert_expires"] = _("A kitchen post needs the health certificate's expiry date.")
    if len(values.get("left_reason") or "") > 200:
        errors["left_reason"] = _("At most {n} characters.").format(n=200)
    number = values.get("id_number") or ""
    if number and (problem := citizen_id.id_problem(number, today=today)) is not None:
        errors["id_number"] = _(problem.message)
    return errors


# --- one ID number, posts that do not overlap -------------------------------------------------


def overlap(first: tuple[date, date | None], second: tuple[date, date | None]) -> bool:
    """Do two posts [hired_on, left_on) share a day? (left_on is the first day out of post.)"""
    return first[0] < (second[1] or _NO_END) and second[0] < (first[1] or _NO_END)


def visible(scope: Scope, home: dict[str, Any]) -> bool:
    """May the actor see this home (its name and its posts' dates)?"""
    if scope.is_admin:
        return True
    if scope.kind == "home":
        return home["id"] == scope.home_id
    return home["county"] == scope.county_id


def overlap_message(scope: Scope, home: dict[str, Any] | None, hired_on: date, left_on: date | None) -> str:
    """Names the other home and its dates when the actor may see it, else "another home" alone."""
    if home is None or not visible(scope, home):
        return _("This ID number holds a post in another home at the same time: one person's posts may not overlap.")
    if left_on is None:
        return _(
            "This ID number holds a post in {home} since {start} (still in post): one person's posts may not overlap."
        ).format(home=home["name"], start=formatting.day(hired_on))
    return _("This ID number holds a post in {home} from {start} to {end}: one person's posts may not overlap.").format(
        home=home["name"], start=formatting.day(hired_on), end=formatting.day(left_on)
    )


async def posts_of_numbers(numbers: set[str]) -> list[dict[str, Any]]:
    """Every post (in any home) held by one of these ID numbers."""
    wanted = sorted(number for number in numbers if number)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(wanted), 500):
        rows += await StaffMember.select(
            StaffMember.id,
            StaffMember.home,
            StaffMember.staff_no,
            StaffMember.id_number,
            StaffMember.hired_on,
            StaffMember.left_on,
        ).where(StaffMember.id_number.is_in(wanted[start : start + 500]))
    return rows


async def _check_overlap(scope: Scope, values: dict[str, Any], own_id: int | None) -> None:
    number = values.get("id_number") or ""
    if not number:
        return
    mine = (values["hired_on"], values["left_on"])
    others = [row for row in await posts_of_numbers({number}) if row["id"] != own_id]
    clash = next((row for row in others if overlap(mine, (row["hired_on"], row["left_on"]))), None)
    if clash is not None:
        home = (await registry.homes_by_id([clash["home"]])).get(clash["home"])
        raise Invalid({"id_number": overlap_message(scope, home, clash["hired_on"], clash["left_on"])})


# --- what a post looks like -------------------------------------------------------------------


def health_state(expires: date | None, today: date) -> str:
    if expires is None:
        return ""
    if expires < today:
        return "expired"
    if expires <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        return "expiring"
    return ""


async def _care_trained(staff_ids: list[int], today: date) -> set[int]:
    """The posts with a care-skills training (护理技能) dated today or earlier."""
    trained: set[int] = set()
    for start in range(0, len(staff_ids), 500):
        rows = await TrainingRecord.select(TrainingRecord.staff).where(
            TrainingRecord.staff.is_in(staff_ids[start : start + 500])
            & (TrainingRecord.topic == "care")
            & (TrainingRecord.trained_on <= today)
        )
        trained.update(row["staff"] for row in rows)
    return trained


def _out(row: dict[str, Any], home_code: str, trained: set[int], today: date) -> StaffOut:
    carer = row["post"] == CARER
    return StaffOut(
        id=row["id"],
        home_code=home_code,
        staff_no=row["staff_no"],
        name=row["name"],
        post=row["post"],
        employment=row["employment"],
        hired_on=row["hired_on"],
        left_on=row["left_on"],
        left_reason=row["left_reason"],
        health_cert_expires=row["health_cert_expires"],
        health_cert_state=health_state(row["health_cert_expires"], today),
        fire_operator_cert=bool(row["fire_operator_cert"]),
        carer_cert=row["carer_cert"],
        id_number_masked=citizen_id.mask(row["id_number"]) if row["id_number"] else "",
        current=row["left_on"] is None or row["left_on"] > today,
        trained_carer=carer and row["id"] in trained,
        untrained_carer=carer and row["id"] not in trained,
    )


async def _outs(rows: list[dict[str, Any]], home_code: str) -> list[StaffOut]:
    today = dates.today()
    trained = await _care_trained([row["id"] for row in rows if row["post"] == CARER], today)
    return [_out(row, home_code, trained, today) for row in rows]


def _sort_key(post: StaffOut):
    if post.current:
        return (0, post.staff_no)
    return (1, -post.left_on.toordinal() if post.left_on else 0, post.staff_no)


async def list_staff(scope: Scope, home_code: str, include_former: bool = True) -> list[StaffOut]:
    """The home's posts: those not yet ended first (by staff number), then the former ones
    (latest departure first) when ``include_former``. NotFound outside the scope."""
    home = await registry.find_home(scope, home_code)
    rows = await StaffMember.select().where(StaffMember.home == home["id"])
    posts = sorted(await _outs(rows, home["code"]), key=_sort_key)
    return posts if include_former else [post for post in posts if post.current]


async def _row(home_id: int, staff_no: str) -> dict[str, Any]:
    row = await StaffMember.select().where((StaffMember.home == home_id) & (StaffMember.staff_no == staff_no)).first()
    if row is None:
        raise NotFound(_("No such staff member."))
    return row


async def get_staff(scope: Scope, home_code: str, staff_no: str) -> StaffOut:
    """One post of the home; NotFound outside the scope or when there is none."""
    home = await registry.find_home(scope, home_code)
    return (await _outs([await _row(home["id"], staff_no)], home["code"]))[0]


# --- writes -----------------------------------------------------------------------------------


def audit_view(values: dict[str, Any]) -> dict[str, Any]:
    """A post as the audit log keeps it (dates as text, the ID number masked)."""
    shown: dict[str, Any] = {}
    for name in FIELDS:
        value = values.get(name)
        if isinstance(value, date):
            value = value.isoformat()
        if name == "id_number":
            value = citizen_id.mask(value) if value else ""
        shown[name] = value
    return shown


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: (values.get(name) or "") if name in ("employment", "left_reason", "carer_cert", "id_number") else values.get(name)
        for name in FIELDS
    }


async def create_staff(scope: Scope, home_code: str, data: StaffIn) -> StaffOut:
    """Add a post to the home (audited ``staff.create``). Refusals name the field, nothing written."""
    may_manage(scope)
    home = await registry.find_home(scope, home_code)
    values = normalised(msgspec.structs.asdict(data))
    values["fire_operator_cert"] = bool(values["fire_operator_cert"])
    if errors := check_post(values):
        raise Invalid(errors)
    now = dates.now_utc()
    async with transaction():
        if await StaffMember.exists().where((StaffMember.home == home["id"]) & (StaffMember.staff_no == values["staff_no"])):
            raise Invalid({"staff_no": _("This staff number is already used in this home.")})
        await _check_overlap(scope, values, None)
        row = StaffMember(home=home["id"], created_at=now, updated_at=now, **_stored(values))
        await row.save()
        change = Change("staff.create", "staff", f"{home['code']}/{values['staff_no']}", None, audit_view(values))
        await append_audit(scope.user_id, scope.username, [change])
    return await get_staff(scope, home["code"], values["staff_no"])


async def _departure(scope: Scope, home_id: int, before: dict[str, Any], left_on: date | None, confirm: bool) -> Any:
    """The warning to record when the post ends (or ends earlier) on ``left_on`` and the ratio
    breaks; refused (``confirm_breach``, the warning's message) unless confirmed."""
    if left_on is None or (before["left_on"] is not None and left_on >= before["left_on"]):
        return None
    warning = await check_change(home_id, DEPARTURE, ProjectedChange(on=left_on, staff_id=before["id"], left_on=left_on))
    if warning is not None and not confirm:
        raise Invalid({"confirm_breach": warning.message})
    return warning


async def _change(scope: Scope, home_code: str, staff_no: str, changes: dict[str, Any], confirm: bool, ending: bool) -> StaffOut:
    """Apply ``changes`` to the post in one transaction: the checks, the departure warning,
    the row, the confirmed breach and one audit record (``staff.end`` when the post ends)."""
    may_manage(scope)
    home = await registry.find_home(scope, home_code)
    async with transaction():
        before = await _row(home["id"], staff_no)
        if ending and before["left_on"] is not None:
            raise Invalid({"left_on": _("This post has already ended ({day}).").format(day=formatting.day(before["left_on"]))})
        values = normalised({**before, **changes})
        values["fire_operator_cert"] = bool(values["fire_operator_cert"])
        errors = check_post(values)
        newly_ended = before["left_on"] is None and values["left_on"] is not None
        if newly_ended and not values["left_reason"]:
            errors.setdefault("left_reason", _("Say why the post ends."))
        if errors:
            raise Invalid(errors)
        await _check_overlap(scope, values, before["id"])
        warning = await _departure(scope, home["id"], before, values["left_on"], confirm)
        stored = _stored(values)
        if any(stored[name] != before[name] for name in PATCH_FIELDS):
            await StaffMember.update({**stored, "updated_at": dates.now_utc()}).where(StaffMember.id == before["id"])
            action = "staff.end" if newly_ended else "staff.update"
            key = f"{home['code']}/{staff_no}"
            was, now_ = audit_view(before), audit_view(values)
            changed = [name for name in now_ if was.get(name) != now_[name]]  # only what changed
            change = Change(
                action, "staff", key, {name: was.get(name) for name in changed}, {name: now_[name] for name in changed}
            )
            await append_audit(scope.user_id, scope.username, [change])
        if warning is not None:
            await record_breach(scope, home["id"], warning, f"{staff_no} {values['name']}")
    return await get_staff(scope, home["code"], staff_no)


async def update_staff(scope: Scope, home_code: str, staff_no: str, patch: StaffPatch) -> StaffOut:
    """Change the fields sent (``staff.update``; ``staff.end`` when it sets ``left_on`` on a post
    in post). Setting or advancing ``left_on`` asks for ``confirm_breach`` when the ratio breaks."""
    changes = {name: getattr(patch, name) for name in PATCH_FIELDS if getattr(patch, name) is not msgspec.UNSET}
    return await _change(scope, home_code, staff_no, changes, patch.confirm_breach, ending=False)


async def end_staff(
    scope: Scope, home_code: str, staff_no: str, left_on: date, reason: str, confirm_breach: bool = False
) -> StaffOut:
    """End the post: ``left_on`` is the first day out of post, ``reason`` why (``staff.end``)."""
    return await _change(scope, home_code, staff_no, {"left_on": left_on, "left_reason": reason}, confirm_breach, ending=True)
