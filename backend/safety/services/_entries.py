"""Ledger entries (issue 12 point 2; interfaces §7): recording one performed routine, idempotent by
the phone's ``client_id``, append-only and hash-chained per home; a correction is a new entry
pointing at the one it corrects. A failed item opens a hazard in the same transaction.

Writers: ``record_safety`` (the home's director; an administrator); readers: ``view_safety``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import msgspec

from backend.core import dates
from backend.core.errors import Invalid, NotFound
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit, append_rows, canonical, reserve
from backend.core.security import Scope
from backend.safety import rules
from backend.safety.schemas import AnswerOut, EntryIn, EntryOut, HazardOut, TemplateOut
from backend.safety.services._common import clocks_for, home_for, zone
from backend.safety.services._details import HANDLERS
from backend.safety.services._hazards import hazard_out, hazards_of_entries, open_entry_hazards
from backend.safety.services._photos import (
    MAX_FORM_PHOTOS,
    CheckedPhoto,
    check_item_key,
    check_photo,
    insert_photos,
    staged,
    writing,
)
from backend.safety.services._templates import items_of, template_out, template_rows, templates_in_force
from backend.safety.tables import SAFETY_LEDGER, SafetyEntry, SafetyPhoto


def _check_items(template_items: list[dict[str, Any]], answers: list[Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The answers in the template's order, and the errors (every item answered once, none unknown)."""
    errors: dict[str, str] = {}
    by_key: dict[str, Any] = {}
    known = {item["key"] for item in template_items}
    for index, answer in enumerate(answers):
        if answer.key not in known:
            errors[f"items[{index}].key"] = _("This checklist has no item {key}.").format(key=answer.key)
        elif answer.key in by_key:
            errors[f"items[{index}].key"] = _("The item {key} is answered twice.").format(key=answer.key)
        else:
            by_key[answer.key] = answer
    ordered = []
    for item in template_items:
        answer = by_key.get(item["key"])
        if answer is None:
            errors[f"items.{item['key']}"] = _("Answer “{label}”: pass, fail or not applicable.").format(label=item["label"])
            continue
        ordered.append({"key": item["key"], "result": answer.result, "note": answer.note.strip()})
    return ordered, errors


@dataclass(frozen=True)
class _Checked:
    template: dict[str, Any]
    answers: list[dict[str, Any]]
    placed: rules.Placed
    clock: Any
    handler: Any
    parsed: Any


async def _check_correction(home: dict[str, Any], data: EntryIn) -> dict[str, str]:
    """A correction names an entry of the same home and checklist, and says why."""
    errors: dict[str, str] = {}
    if data.corrects is not None:
        corrected = (
            await SafetyEntry.select(SafetyEntry.routine)
            .where((SafetyEntry.id == data.corrects) & (SafetyEntry.home == home["id"]))
            .first()
        )
        if corrected is None or corrected["routine"] != data.routine:
            errors["corrects"] = _("There is no such entry of this checklist in this home to correct.")
        if not data.correction_reason.strip():
            errors["correction_reason"] = _("Say why the entry is corrected.")
    elif data.correction_reason.strip():
        errors["corrects"] = _("Name the entry this one corrects.")
    return errors


async def _validate(home: dict[str, Any], data: EntryIn, performed_at: datetime, now: datetime) -> _Checked:
    """Every check of an entry before anything is written; Invalid names each refused field."""
    template = (await templates_in_force([home["county_id"]]))[home["county_id"]].get(data.routine)
    if data.corrects is not None:  # a correction answers the version the corrected entry was recorded with
        corrected = (
            await SafetyEntry.select(SafetyEntry.template, SafetyEntry.routine)
            .where((SafetyEntry.id == data.corrects) & (SafetyEntry.home == home["id"]))
            .first()
        )
        if corrected is not None and corrected["routine"] == data.routine:
            template = (await template_rows([corrected["template"]]))[corrected["template"]]
    if template is None:
        raise Invalid({"routine": _("There is no checklist {routine}.").format(routine=data.routine)})
    answers, errors = _check_items(items_of(template), data.items)
    problem = rules.check_performed_at(performed_at, now)
    if problem == "future":
        errors["performed_at"] = _("The time it was done lies in the future.")
    elif problem == "too_old":
        errors["performed_at"] = _("An entry can be back-filled at most {n} days later.").format(n=rules.MAX_BACKFILL_DAYS)
    clock = (await clocks_for([home["id"]]))[home["id"]]
    placed = rules.place(template["frequency"], performed_at, zone(), clock.meals, clock.slots)
    if placed is None:
        errors["performed_at"] = _("A night patrol is done between the night's first slot and the morning.")
    errors.update(await _check_correction(home, data))
    handler = HANDLERS.get(data.routine)
    parsed = None
    if handler is not None:
        if data.details is None and handler.required:
            errors["details"] = _("This checklist needs its own details.")
        elif data.details is not None:
            try:
                parsed = await handler.check(home, data.details, performed_at)
            except Invalid as exc:
                errors.update(exc.errors)
    elif data.details:
        errors["details"] = _("This checklist takes no details.")
    if errors:
        raise Invalid(errors)
    assert placed is not None
    return _Checked(template, answers, placed, clock, handler, parsed)


async def _stored(home_id: int, client_id: str) -> dict[str, Any] | None:
    return await SafetyEntry.select().where((SafetyEntry.home == home_id) & (SafetyEntry.client_id == client_id)).first()


async def record_entry(scope: Scope, home_code: str, data: EntryIn, now: datetime | None = None) -> tuple[EntryOut, bool]:
    """Record one entry; (the entry, True) when written, (the stored one, False) when this
    ``client_id`` was recorded before (nothing is written). Invalid names every refused field."""
    home = await home_for(scope, home_code, "record_safety")
    now = now or dates.now_utc()
    performed_at = dates.instant(data.performed_at)
    if (existing := await _stored(home["id"], data.client_id)) is not None:
        return (await entries_out([existing], home["code"]))[0], False
    checked = await _validate(home, data, performed_at, now)
    template, answers, placed, clock, handler, parsed = (
        checked.template,
        checked.answers,
        checked.placed,
        checked.clock,
        checked.handler,
        checked.parsed,
    )
    deadline = rules.deadline_of(template["frequency"], placed, zone(), clock.meals, clock.slots)
    row = {
        "home": home["id"],
        "template": template["id"],
        "routine": data.routine,
        "period": placed.period,
        "slot": placed.slot,
        "performed_at": performed_at,
        "recorded_at": now,
        "late": rules.is_late(now, deadline),
        "actor_id": scope.user_id,
        "recorded_by": scope.username,
        "client_id": data.client_id,
        "items": canonical(answers),
        "failed": len(rules.failed_items(answers)),
        "note": data.note.strip(),
        "details": canonical(handler.canonical(parsed)) if handler is not None and parsed is not None else "",
        "corrects": data.corrects,
        "correction_reason": data.correction_reason.strip(),
    }
    async with writing():
        # The home's chain head, locked first: a second request with the same client_id waits
        # here and then finds the first one's entry (one entry, also when sent concurrently).
        await reserve(SAFETY_LEDGER.head_name(home["id"]), 0)
        if (existing := await _stored(home["id"], data.client_id)) is not None:
            written = False
        else:
            await append_rows(SAFETY_LEDGER, [row])
            existing = await _stored(home["id"], data.client_id)
            assert existing is not None
            if handler is not None and parsed is not None:
                await handler.write(existing["id"], home, parsed)
            hazards = await open_entry_hazards(scope, home, existing, items_of(template), answers, now)
            await append_audit(
                scope.user_id,
                scope.username,
                [
                    Change(
                        "safety.entry",
                        "safety_entry",
                        str(existing["id"]),
                        None,
                        {
                            "home": home["code"],
                            "routine": data.routine,
                            "period": placed.period,
                            "slot": placed.slot,
                            "failed": row["failed"],
                            "hazards": [hazard["id"] for hazard in hazards],
                            **({"corrects": data.corrects} if data.corrects else {}),
                        },
                    )
                ],
            )
            written = True
    if written:  # just written: no photos, no corrections yet, its hazards at hand (no queries)
        return _shaped([existing], home["code"], {template["id"]: template}, {}, {}, {existing["id"]: hazards})[0], True
    return (await entries_out([existing], home["code"]))[0], False


async def entries_out(rows: list[dict[str, Any]], home_code: str) -> list[EntryOut]:
    """Entries as shown (labels from the version each was recorded with; photos, hazards and
    later corrections looked up once for all)."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    templates = await template_rows([row["template"] for row in rows])
    photos: dict[tuple[int, str], int] = {}
    for photo in await SafetyPhoto.select(SafetyPhoto.entry, SafetyPhoto.item_key).where(SafetyPhoto.entry.is_in(ids)):
        key = (photo["entry"], photo["item_key"])
        photos[key] = photos.get(key, 0) + 1
    # A correction is of the same home: bounded to the homes shown, on the partial index
    # safety_entry_home_corrects (a look-up, not a scan of the whole ledger).
    # No ORDER BY: SQLite would rather walk the home's index in id order; sorted here (the latest
    # correction of an entry wins).
    homes = sorted({row["home"] for row in rows})
    where = SafetyEntry.home == homes[0] if len(homes) == 1 else SafetyEntry.home.is_in(homes)
    found = await SafetyEntry.select(SafetyEntry.id, SafetyEntry.corrects).where(where & SafetyEntry.corrects.is_in(ids))
    corrections = {row["corrects"]: row["id"] for row in sorted(found, key=lambda row: row["id"])}
    hazards = await hazards_of_entries(ids)
    return _shaped(rows, home_code, templates, photos, corrections, hazards)


def _shaped(
    rows: list[dict[str, Any]],
    home_code: str,
    templates: dict[int, dict[str, Any]],
    photos: dict[tuple[int, str], int],
    corrections: dict[int, int],
    hazards: dict[int, list[dict[str, Any]]],
) -> list[EntryOut]:
    today = dates.today()
    out = []
    for row in rows:
        template = templates[row["template"]]
        labels = {item["key"]: item for item in items_of(template)}
        answers = []
        for answer in json.loads(row["items"]):
            item = labels[answer["key"]]
            count = photos.get((row["id"], answer["key"]), 0)
            answers.append(
                AnswerOut(
                    key=answer["key"],
                    label=item["label"],
                    result=answer["result"],
                    note=answer["note"],
                    major=item["major"],
                    photo_on_fail=item["photo_on_fail"],
                    photos=count,
                    photo_pending=answer["result"] == rules.FAIL and item["photo_on_fail"] and count == 0,
                )
            )
        out.append(
            EntryOut(
                id=row["id"],
                home=home_code,
                client_id=row["client_id"],
                routine=row["routine"],
                title=template["title"],
                template_version=template["version"],
                period=row["period"],
                slot=row["slot"],
                performed_at=row["performed_at"],
                recorded_at=row["recorded_at"],
                late=bool(row["late"]),
                recorded_by=row["recorded_by"],
                items=answers,
                failed=row["failed"],
                note=row["note"],
                corrects=row["corrects"],
                correction_reason=row["correction_reason"],
                corrected_by=corrections.get(row["id"]),
                photo_pending=any(answer.photo_pending for answer in answers),
                hazards=[hazard_out(hazard, home_code, today) for hazard in hazards.get(row["id"], [])],
            )
        )
    return out


async def get_entry(scope: Scope, home_code: str, entry_id: int) -> EntryOut:
    home = await home_for(scope, home_code, "view_safety")
    row = await SafetyEntry.select().where((SafetyEntry.id == entry_id) & (SafetyEntry.home == home["id"])).first()
    if row is None:
        raise NotFound(_("No such entry."))
    return (await entries_out([row], home["code"]))[0]


@dataclass(frozen=True)
class Upload:
    """A photo sent with the entry form, for the item ``item_key``."""

    item_key: str
    filename: str
    content_type: str
    data: bytes


async def record_entry_with_photos(
    scope: Scope, home_code: str, data: EntryIn, uploads: list[Upload], now: datetime | None = None
) -> tuple[EntryOut, bool]:
    """``record_entry`` with the photos sent with the form: every photo is checked (in the photo
    worker) before anything is written; a bad photo refuses the whole entry (``photo.<item
    key>``), with the entry's own field errors. The entry, its hazards and its photos are written
    in one transaction; a ``client_id`` seen before answers the stored entry (photos ignored)."""
    home = await home_for(scope, home_code, "record_safety")
    now = now or dates.now_utc()
    if (existing := await _stored(home["id"], data.client_id)) is not None:
        return (await entries_out([existing], home["code"]))[0], False
    errors: dict[str, str] = {}
    template = (await templates_in_force([home["county_id"]]))[home["county_id"]].get(data.routine)
    checked: list[CheckedPhoto] = []
    if len(uploads) > MAX_FORM_PHOTOS:
        errors["photos"] = _("At most {n} photos with one entry; add more on the entry's page.").format(n=MAX_FORM_PHOTOS)
    for upload in uploads if template is not None and not errors else ():
        field = f"photo.{upload.item_key}"
        try:
            check_item_key(template, upload.item_key, field)
            checked.append(await check_photo(upload.data, upload.filename, upload.content_type, upload.item_key, field))
        except Invalid as refused:
            errors.update(refused.errors)
    try:
        await _validate(home, data, dates.instant(data.performed_at), now)
    except Invalid as refused:
        errors = {**refused.errors, **errors}
    if errors:
        raise Invalid(errors)
    async with staged(checked) as stage:
        async with writing():
            entry, written = await record_entry(scope, home["code"], data, now)
            stage.keep = written
            if written:
                await insert_photos(scope, home["code"], entry.id, checked, now)
    if written and checked:
        entry = (await entries_out(await SafetyEntry.select().where(SafetyEntry.id == entry.id), home["code"]))[0]
    return entry, written


MAX_LISTED = 200  # entries in one answer of list_entries (the newest)


async def list_entries(
    scope: Scope,
    home_code: str,
    routine: str | None = None,
    first: date | None = None,
    last: date | None = None,
    limit: int = MAX_LISTED,
) -> list[EntryOut]:
    """A home's entries, newest first (by ``performed_at``), at most ``limit`` (≤ MAX_LISTED);
    ``first``/``last``: the days (in TEKUN_TIMEZONE) they were performed."""
    home = await home_for(scope, home_code, "view_safety")
    if first is not None and last is not None and last < first:
        raise Invalid({"to": _("The last day is before the first.")})
    where = SafetyEntry.home == home["id"]
    if routine:
        where &= SafetyEntry.routine == routine
    if first is not None:
        where &= SafetyEntry.performed_at >= dates.combine_local(first, time(0))
    if last is not None:
        where &= SafetyEntry.performed_at < dates.combine_local(last + timedelta(days=1), time(0))
    rows = await (
        SafetyEntry.select()
        .where(where)
        .order_by(SafetyEntry.performed_at, ascending=False)
        .order_by(SafetyEntry.id, ascending=False)
        .limit(max(1, min(limit, MAX_LISTED)))
    )
    return await entries_out(rows, home["code"])


def details_of(row: dict[str, Any]) -> Any:
    return msgspec.json.decode(row["details"]) if row["details"] else None


__all__ = ["HazardOut", "Upload", "entries_out", "get_entry", "list_entries", "record_entry", "record_entry_with_photos"]


async def entry_template(scope: Scope, home_code: str, entry_id: int) -> TemplateOut:
    """The checklist version an entry of the home was recorded with (a correction answers it)."""
    home = await home_for(scope, home_code, "view_safety")
    row = (
        await SafetyEntry.select(SafetyEntry.template)
        .where((SafetyEntry.id == entry_id) & (SafetyEntry.home == home["id"]))
        .first()
    )
    if row is None:
        raise NotFound(_("No such entry."))
    return template_out((await template_rows([row["template"]]))[row["template"]])
