"""A county's own checklist versions (issue 12 point 1): an administrator edits a routine's
template for one county, which adds that county's next version (a new ``safety_template`` row,
never an UPDATE). Past entries point at the version they were recorded with, so their display
and counts never move; the homes of other counties keep theirs.

The version number is the routine's highest version for this county or the national default,
plus one (so a county's first edit of a default at version 1 is version 2). The frequency is the
routine's and is copied, never edited: the periods, the slots and the status of every entry hang
on it. Writer: ``manage_templates`` (an administrator); readers: ``view_safety`` in scope."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import msgspec

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import AUDIT, Change, append_audit, canonical, reserve
from backend.core.permissions import require
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety.schemas import TemplateOut
from backend.safety.services._templates import ROUTINES, _in_force, items_of, template_out
from backend.safety.tables import SafetyTemplate

ITEM_KEY = re.compile(r"[a-z0-9_]{1,40}")
MAX_TITLE = 100
MAX_LABEL = 100
MAX_ITEMS = 60


class TemplateItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    key: Annotated[str, msgspec.Meta(max_length=60)]
    label: Annotated[str, msgspec.Meta(max_length=300)]
    major: bool = False
    photo_on_fail: bool = False


class TemplateEditIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A county's next version of a routine: the title and the items in their new order (an item
    left out is removed; a new key is added). The frequency is the routine's, not sent."""

    title: Annotated[str, msgspec.Meta(max_length=300)]
    items: list[TemplateItemIn]


class TemplateVersionOut(msgspec.Struct, kw_only=True):
    id: int
    version: int
    county: str | None  # None: the national default
    title: str
    items: int
    created_at: datetime
    created_by: str


class CountyTemplateOut(msgspec.Struct, kw_only=True):
    """One routine for a county: the template in force and every version it could have (the
    national default's and the county's own), newest first."""

    routine: str
    in_force: TemplateOut
    own: bool  # the county's own version is in force (not the national default)
    versions: list[TemplateVersionOut]


async def _rows(county_id: int, routine: str | None = None) -> list[dict[str, Any]]:
    query = SafetyTemplate.select().where(SafetyTemplate.county.is_null() | (SafetyTemplate.county == county_id))
    if routine is not None:
        query = query.where(SafetyTemplate.routine == routine)
    return await query.order_by(SafetyTemplate.version, ascending=False).order_by(SafetyTemplate.id, ascending=False)


def _version_out(row: dict[str, Any], county_code: str) -> TemplateVersionOut:
    return TemplateVersionOut(
        id=row["id"],
        version=row["version"],
        county=county_code if row["county"] is not None else None,
        title=row["title"],
        items=len(items_of(row)),
        created_at=row["created_at"],
        created_by=row["created_by"],
    )


async def county_templates(scope: Scope, county_code: str) -> list[CountyTemplateOut]:
    """Each routine's template in force in the county, with its history of versions."""
    require(scope, "view_safety")
    county = await registry.find_county(scope, county_code)
    rows = await _rows(county["id"])
    in_force = _in_force(rows, county["id"])
    out = []
    for routine, row in in_force.items():
        versions = [_version_out(other, county["code"]) for other in rows if other["routine"] == routine]
        own = row["county"] is not None
        out.append(
            CountyTemplateOut(
                routine=routine, in_force=template_out(row, county["code"] if own else None), own=own, versions=versions
            )
        )
    return out


async def county_template(scope: Scope, county_code: str, routine: str) -> CountyTemplateOut:
    """One routine of ``county_templates`` (NotFound when the routine has no template)."""
    for item in await county_templates(scope, county_code):
        if item.routine == routine:
            return item
    raise NotFound(_("There is no checklist {routine}.").format(routine=routine))


def _check(data: TemplateEditIn) -> tuple[str, list[dict[str, Any]], dict[str, str]]:
    """The cleaned title and items, and the refusals (field → message)."""
    errors: dict[str, str] = {}
    title = " ".join(data.title.split())
    if not title:
        errors["title"] = _("Give the checklist a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("At most {n} characters.").format(n=MAX_TITLE)
    if not data.items:
        errors["items"] = _("A checklist needs at least one item.")
    elif len(data.items) > MAX_ITEMS:
        errors["items"] = _("A checklist has at most {n} items.").format(n=MAX_ITEMS)
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(data.items):
        key, label = item.key.strip(), " ".join(item.label.split())
        if not ITEM_KEY.fullmatch(key):
            errors[f"items[{index}].key"] = _("A key is 1–40 lowercase letters, digits or _.")
        elif key in seen:
            errors[f"items[{index}].key"] = _("The key {key} is used twice in this checklist.").format(key=key)
        seen.add(key)
        if not label:
            errors[f"items[{index}].label"] = _("Write what is checked.")
        elif len(label) > MAX_LABEL:
            errors[f"items[{index}].label"] = _("At most {n} characters.").format(n=MAX_LABEL)
        items.append({"key": key, "label": label, "major": bool(item.major), "photo_on_fail": bool(item.photo_on_fail)})
    return title, items, errors


def _changes(before: dict[str, Any], title: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """What the new version changes, for the audit record (empty when nothing)."""
    old = {item["key"]: item for item in items_of(before)}
    new = {item["key"]: item for item in items}
    changed: dict[str, Any] = {}
    if title != before["title"]:
        changed["template_title"] = title
    if added := [key for key in new if key not in old]:
        changed["items_added"] = added
    if removed := [key for key in old if key not in new]:
        changed["items_removed"] = removed
    if relabelled := [key for key in new if key in old and new[key]["label"] != old[key]["label"]]:
        changed["items_relabelled"] = relabelled
    flags = [
        f"{key}.{flag}={'yes' if new[key][flag] else 'no'}"
        for key in new
        if key in old
        for flag in ("major", "photo_on_fail")
        if bool(new[key][flag]) != bool(old[key][flag])
    ]
    if flags:
        changed["items_flags"] = flags
    kept_new = [key for key in new if key in old]
    kept_old = [key for key in old if key in new]
    if kept_new != kept_old:
        changed["items_reordered"] = True
    return changed


async def new_template_version(
    scope: Scope, county_code: str, routine: str, data: TemplateEditIn, now: datetime | None = None
) -> TemplateOut:
    """Make the county's next version of ``routine`` (Forbidden unless ``manage_templates``;
    Invalid naming each refused field, nothing written)."""
    require(scope, "manage_templates")
    county = await registry.find_county(scope, county_code)
    if routine not in ROUTINES:
        raise NotFound(_("There is no checklist {routine}.").format(routine=routine))
    title, items, errors = _check(data)
    if errors:
        raise Invalid(errors)
    now = now or dates.now_utc()
    async with transaction():
        # The audit chain's head, locked first: two administrators saving at once get versions
        # n+1 and n+2, never two rows with the same number.
        await reserve(AUDIT, 0)
        rows = await _rows(county["id"], routine)
        current = _in_force(rows, county["id"]).get(routine)
        if current is None:
            raise NotFound(_("There is no checklist {routine}.").format(routine=routine))
        changed = _changes(current, title, items)
        if not changed:
            raise Invalid({"items": _("Nothing was changed: this would be the same checklist again.")})
        version = max(row["version"] for row in rows) + 1
        inserted = await SafetyTemplate.insert(
            SafetyTemplate(
                county=county["id"],
                routine=routine,
                version=version,
                title=title,
                frequency=current["frequency"],
                items=canonical(items),
                created_at=now,
                created_by=scope.username,
            )
        ).returning(SafetyTemplate.id)
        row = await SafetyTemplate.select().where(SafetyTemplate.id == inserted[0]["id"]).first()
        assert row is not None
        await append_audit(
            scope.user_id,
            scope.username,
            [
                Change(
                    "safety.template_version",
                    "safety_template",
                    str(row["id"]),
                    None,
                    {"county": county["code"], "routine": routine, "template_version": version, **changed},
                )
            ],
        )
    return template_out(row, county["code"])
