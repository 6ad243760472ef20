"""Shared by the safety tests: a home with its director, and entries built from the template in force."""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.core import dates
from backend.core.security import Scope
from backend.registry import services as registry
from backend.safety import services
from backend.safety.schemas import AnswerIn, EntryIn


def director_scope(home: dict, username: str = "director.test") -> Scope:
    return Scope(user_id=None, username=username, role="director", county_id=home["county_id"], home_id=home["id"])


async def home_row(code: str) -> dict:
    return await registry.find_home(Scope.system("test"), code)


async def template(code: str, routine: str):
    home = await home_row(code)
    return (await services.templates_in_force([home["county_id"]]))[home["county_id"]][routine]


async def entry_in(
    code: str,
    routine: str = "fire_patrol",
    performed_at: datetime | None = None,
    fail: dict[str, str] | None = None,
    client_id: str | None = None,
    **extra,
) -> EntryIn:
    """An entry answering every item of the template in force: ``pass``, or ``fail`` with the
    note given for the keys in ``fail``."""
    import json

    row = await template(code, routine)
    fail = fail or {}
    items = [
        AnswerIn(key=item["key"], result="fail" if item["key"] in fail else "pass", note=fail.get(item["key"], ""))
        for item in json.loads(row["items"])
    ]
    return EntryIn(
        client_id=client_id or uuid.uuid4().hex,
        routine=routine,
        performed_at=performed_at or dates.now_utc(),
        items=items,
        **extra,
    )
