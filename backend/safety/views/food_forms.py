"""What the food pages' forms share: the checklist's items answered with big 合格/不合格/不适用
choices, the time it was done (``datetime-local``), the phone's ``client_id``, and reading them back
into an ``EntryIn``. Errors come back keyed by the service's field names (``items.<key>``,
``performed_at``, ``details…``)."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time
from typing import Any

from backend.core import dates
from backend.core.i18n import _
from backend.safety import rules, services
from backend.safety.schemas import AnswerIn

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def new_client_id() -> str:
    return uuid.uuid4().hex


def local_input(moment: datetime) -> str:
    """A moment as a ``datetime-local`` input's value (in TEKUN_TIMEZONE)."""
    return dates.local(moment).strftime(LOCAL_INPUT)


async def template_items(home: dict[str, Any], routine: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The template in force for the home and its items."""
    template = (await services.templates_in_force([home["county_id"]]))[home["county_id"]][routine]
    return template, json.loads(template["items"])


def read_answers(form: Any, items: list[dict[str, Any]]) -> list[AnswerIn]:
    """The answers given (an item left unanswered is left out: the service names it)."""
    answers = []
    for item in items:
        result = (form.get(f"item-{item['key']}") or "").strip()
        if result in rules.RESULTS:
            note = (form.get(f"note-{item['key']}") or "").strip()[:500]
            answers.append(AnswerIn(key=item["key"], result=result, note=note))
    return answers


def read_performed_at(form: Any, errors: dict[str, str]) -> datetime | None:
    text = (form.get("performed_at") or "").strip()
    try:
        return dates.parse_datetime(text)
    except ValueError:
        errors["performed_at"] = _("When was it done? Date and time, e.g. 2026-11-10 12:00.")
        return None


def client_id_of(form: Any) -> str:
    """The form's client_id (a fresh one if a hand-made request left it out or spoiled it)."""
    value = (form.get("client_id") or "").strip()
    ok = 8 <= len(value) <= 64 and all(ch.isalnum() or ch in "-_" for ch in value) and value.isascii()
    return value if ok else new_client_id()


def time_on(day: date, text: str) -> datetime | None:
    """``12:05`` on ``day`` (local) → an aware UTC moment; None when it is not a time."""
    try:
        return dates.combine_local(day, time.fromisoformat(text.strip()))
    except ValueError:
        return None


def item_values(form: Any, items: list[dict[str, Any]]) -> dict[str, str]:
    values = {}
    for item in items:
        for prefix in ("item-", "note-"):
            values[prefix + item["key"]] = (form.get(prefix + item["key"]) or "").strip()
    return values


def item_errors(errors: dict[str, str]) -> dict[str, str]:
    """``items.<key>`` → ``item-<key>`` (the field's name in the form)."""
    return {"item-" + field.removeprefix("items."): message for field, message in errors.items() if field.startswith("items.")}
