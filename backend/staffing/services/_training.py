"""Training records (issue 11 point 2): record one training of a post (topic, date, hours in
tenths, provider) and list a post's training. Natural key: the post, the topic and the date."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Invalid
from backend.core.i18n import _
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing.schemas import TrainingIn, TrainingOut
from backend.staffing.services._staff import _row, may_manage
from backend.staffing.tables import TOPICS, TrainingRecord

MAX_TENTHS = 10_000  # 1,000 hours: more is a typing error


def hours_text(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


def tenths_of(hours: float) -> int | None:
    """Hours with at most one decimal → tenths (None when not a positive number of that form)."""
    if isinstance(hours, bool) or not math.isfinite(hours):
        return None
    tenths = round(hours * 10)
    if abs(hours * 10 - tenths) > 1e-6 or tenths <= 0:
        return None
    return tenths


def check_training(topic: str, trained_on: date | None, tenths: int | None, provider: str) -> dict[str, str]:
    """Field → message for every rule a training record breaks."""
    errors: dict[str, str] = {}
    if topic not in TOPICS:
        errors["topic"] = _("Choose one of the training topics.")
    if trained_on is None:
        errors["trained_on"] = _("A value is required.")
    elif trained_on > dates.today():
        errors["trained_on"] = _("The date is in the future.")
    if tenths is None:
        errors["hours"] = _("Write the hours as a number above 0 with at most one decimal, such as 1.5.")
    elif tenths > MAX_TENTHS:
        errors["hours"] = _("At most {n} hours.").format(n=MAX_TENTHS // 10)
    if len(provider) > 100:
        errors["provider"] = _("At most {n} characters.").format(n=100)
    return errors


def _out(row: dict[str, Any], staff_no: str) -> TrainingOut:
    return TrainingOut(
        id=row["id"],
        staff_no=staff_no,
        topic=row["topic"],
        trained_on=row["trained_on"],
        hours=hours_text(row["hours_tenths"]),
        hours_tenths=row["hours_tenths"],
        provider=row["provider"],
        created_by=row["created_by"],
    )


async def list_training(scope: Scope, home_code: str, staff_no: str) -> list[TrainingOut]:
    """The post's training records, latest first; NotFound outside the scope."""
    home = await registry.find_home(scope, home_code)
    post = await _row(home["id"], staff_no)
    rows = await TrainingRecord.select().where(TrainingRecord.staff == post["id"])
    rows.sort(key=lambda row: (row["trained_on"], row["id"]), reverse=True)
    return [_out(row, staff_no) for row in rows]


async def record_training(scope: Scope, home_code: str, staff_no: str, data: TrainingIn) -> TrainingOut:
    """Record one training of the post (audited ``training.create``); the same topic on the same
    day is refused (it is the natural key of the ``training`` import)."""
    may_manage(scope)
    home = await registry.find_home(scope, home_code)
    provider = data.provider.strip()
    tenths = tenths_of(data.hours)
    if errors := check_training(data.topic, data.trained_on, tenths, provider):
        raise Invalid(errors)
    async with transaction():
        post = await _row(home["id"], staff_no)
        same = (TrainingRecord.staff == post["id"]) & (TrainingRecord.topic == data.topic)
        if await TrainingRecord.exists().where(same & (TrainingRecord.trained_on == data.trained_on)):
            raise Invalid({"trained_on": _("This training (same topic, same day) is already recorded.")})
        row = TrainingRecord(
            staff=post["id"],
            topic=data.topic,
            trained_on=data.trained_on,
            hours_tenths=tenths,
            provider=provider,
            created_at=dates.now_utc(),
            created_by=scope.username,
        )
        await row.save()
        after = {
            "topic": data.topic,
            "trained_on": data.trained_on.isoformat(),
            "hours": hours_text(tenths),
            "provider": provider,
        }
        key = f"{home['code']}/{staff_no}/{data.topic}/{data.trained_on.isoformat()}"
        await append_audit(scope.user_id, scope.username, [Change("training.create", "training", key, None, after)])
    return _out(await TrainingRecord.select().where(TrainingRecord.id == row.id).first(), staff_no)
