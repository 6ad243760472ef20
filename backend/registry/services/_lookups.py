"""What the other domains need of the registry, set-based (one query per chunk of keys, never
one per row). The callers have checked their own scope: these read by id or code, without one,
except ``county_ids``, which is the scope's own counties."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from backend.core.db import is_sqlite
from backend.core.security import Scope
from backend.registry.services._common import _county_where
from backend.registry.tables import County, Home

_CHUNK = 900  # keys per query (SQLite's limit on host parameters is far above)


def _chunks(values: Iterable[Any]) -> list[list[Any]]:
    wanted = sorted(set(values))
    return [wanted[start : start + _CHUNK] for start in range(0, len(wanted), _CHUNK)]


async def county_ids(scope: Scope, codes: Iterable[str] | None = None) -> dict[str, int]:
    """County code → id of the counties in the scope (all of them for an administrator), of
    these ``codes`` only when given; a code out of scope or unknown is absent."""
    condition = _county_where(scope)

    async def select(where=None) -> dict[str, int]:
        query = County.select(County.id, County.code)
        for clause in (condition, where):
            if clause is not None:
                query = query.where(clause)
        return {row["code"]: row["id"] for row in await query}

    if codes is None:
        return await select()
    result: dict[str, int] = {}
    for chunk in _chunks(code for code in codes if code):
        result.update(await select(County.code.is_in(chunk)))
    return result


async def counties_by_id(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """County id → {id, code, name, province}."""
    result: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for row in await County.select(County.id, County.code, County.name, County.province).where(County.id.is_in(chunk)):
            result[row["id"]] = row
    return result


def _home_fields():
    return (Home.id, Home.code, Home.name, Home.county, Home.beds)


async def homes_by_code(codes: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Home code → {id, code, name, county (its id), beds}; every home when ``codes`` is None."""
    if codes is None:
        return {row["code"]: row for row in await Home.select(*_home_fields())}
    result: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(code for code in codes if code):
        for row in await Home.select(*_home_fields()).where(Home.code.is_in(chunk)):
            result[row["code"]] = row
    return result


async def homes_by_id(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Home id → {id, code, name, county (its id), beds}."""
    result: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(home_id for home_id in ids if home_id is not None):
        for row in await Home.select(*_home_fields()).where(Home.id.is_in(chunk)):
            result[row["id"]] = row
    return result


async def lock_home(home_id: int) -> None:
    """Lock the home's row until the caller's transaction ends, so that two admissions to the
    same home wait for each other before counting its free beds (PostgreSQL; on SQLite the
    write transaction already holds the whole database)."""
    if is_sqlite():
        return
    await Home.select(Home.id).where(Home.id == home_id).lock_rows()
