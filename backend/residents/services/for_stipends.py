"""What the stipends domain reads from the register, set-based (a fixed number of queries for any
number of persons: the reconciliation of a province month reads 120,000 persons at once).

The public reads of the residents domain for the stipends domain (docs/architecture.md: a domain
reads another's data through its services, never its tables). Nothing here writes. Two of them
compose with the caller's own query, so that a month's reconciliation stays one pass of the
database over its lines (benchmarks/RESULTS.md): ``month_states_of`` adds to each row of the
caller's query what the register says of the person that row names, ``unnamed_candidates``
finds the persons who may be entitled and whom no row of the caller's query names. The caller's
query is SQL over the caller's own tables; the SQL here is over the register's only.

These take no scope: their callers (the stipend services) have checked the acting user's scope
on the county first, and what they read decides entitlements rather than being shown.
``person_record`` is the scoped read of one person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from backend.core.bulk import chunks, fetch_tuples
from backend.core.security import Scope
from backend.residents import rules
from backend.residents.services._common import assessment_records, find_resident, placement_events
from backend.residents.tables import Resident

_INTO_A_HOME = ", ".join(f"'{kind}'" for kind in rules.INTO_A_HOME)

# What the register says of the person a row ``x`` names (``x.id_key``, in county ``x.county``,
# as ``x.name``), for the month whose first day is the parameter (five times):
#   current: 1 when a person of that county, approved before the month, not ended before it,
#            alive on its first day, with exactly that name;
#   placed:  1 when in a home at the end of the day before the first day (concentrated);
#   tier:    the last county assessment's tier before the first day (None: never assessed by the
#            county, or nobody); a home's care observations never count (domain rules §2);
#   area:    the register's area (urban, rural; "" = the county's default; None: nobody).
_STATE_COLUMNS = f"""
       CASE WHEN r.county = x.county AND r.approved_on < {{}} AND (r.ended_on IS NULL OR r.ended_on >= {{}})
                 AND (r.died_on IS NULL OR r.died_on >= {{}}) AND r.name = x.name THEN 1 ELSE 0 END AS current,
       CASE WHEN (SELECT p.kind FROM placement p WHERE p.resident = r.id AND p.event_date < {{}}
                  ORDER BY p.event_date DESC, p.seq DESC LIMIT 1) IN ({_INTO_A_HOME}) THEN 1 ELSE 0 END AS placed,
       (SELECT a.tier FROM assessment a WHERE a.resident = r.id AND a.authority = 'county' AND a.assessed_on < {{}}
         ORDER BY a.assessed_on DESC, a.seq DESC LIMIT 1) AS tier,
       r.area AS area"""

# A person who may be entitled for the month: approved before its first day, not ended before
# it, not dead before ``died_since`` (parameters: the first day twice, ``died_since``).
_MAY_BE_ENTITLED = "r.approved_on < {} AND (r.ended_on IS NULL OR r.ended_on >= {}) AND (r.died_on IS NULL OR r.died_on >= {})"


def _ints(values: Iterable[int]) -> str:
    """Integer ids read from the database, written into the SQL (a parameter per id costs the
    query builder more than the query itself); never an empty list."""
    return ",".join(str(int(value)) for value in values) or "0"


async def month_states_of(named_sql: str, args: tuple, keep: tuple[str, ...], month: date) -> list[tuple]:
    """Each row of the caller's query ``named_sql`` (``{}`` parameters ``args``; its columns
    include ``id_key``, ``county`` and ``name``) as its columns ``keep`` followed by ``current``,
    ``placed``, ``tier`` and ``area`` (see ``_STATE_COLUMNS``), for ``month`` (its first day): one query,
    the register joined by ID number. Run it inside a transaction or ``db.reading()``."""
    kept = ", ".join(f"x.{name}" for name in keep)
    sql = f"SELECT {kept},{_STATE_COLUMNS}\nFROM ({named_sql}) x LEFT JOIN resident r ON r.id_number = x.id_key"
    return await fetch_tuples(sql, month, month, month, month, month, *args)


async def unnamed_candidates(county_ids: list[int], month: date, died_since: date, named_sql: str, args: tuple) -> list[int]:
    """The register's ids of the persons of ``county_ids`` who may be entitled for ``month``
    (approved before it, not ended before it, not dead before ``died_since``) and whom no row of
    the caller's query ``named_sql`` (columns ``county`` and ``id_key``) names in their own
    county: one query."""
    sql = (
        f"SELECT r.id FROM resident r WHERE r.county IN ({_ints(county_ids)}) AND {_MAY_BE_ENTITLED}"
        f" AND NOT EXISTS (SELECT 1 FROM ({named_sql}) x WHERE x.county = r.county AND x.id_key = r.id_number)"
    )
    return [row[0] for row in await fetch_tuples(sql, month, month, died_since, *args)]


async def candidates(county_ids: list[int], month: date, died_since: date) -> list[int]:
    """The register's ids of the persons of ``county_ids`` who may be entitled for ``month``."""
    sql = f"SELECT r.id FROM resident r WHERE r.county IN ({_ints(county_ids)}) AND {_MAY_BE_ENTITLED}"
    return [row["id"] for row in await Resident.raw(sql, month, month, died_since)]


@dataclass(frozen=True)
class PersonRecord:
    """A register entry with its placement and assessment history (before a day, or all)."""

    id: int
    id_number: str
    name: str
    county_id: int
    county_code: str
    county_name: str
    approved_on: date
    ended_on: date | None
    died_on: date | None
    placements: tuple[rules.PlacementEvent, ...] = ()
    assessments: tuple[rules.AssessmentRecord, ...] = ()
    area: str = ""  # urban, rural; "" = the county's default area (a county parameter)


async def resident_ids(id_numbers: Iterable[str], county_id: int | None = None) -> dict[str, int]:
    """ID number → the register's id for those of ``id_numbers`` that name a person (of
    ``county_id`` only, when given)."""
    found: dict[str, int] = {}
    for chunk in chunks(sorted(set(id_numbers)), 900):
        query = Resident.select(Resident.id, Resident.id_number).where(Resident.id_number.is_in(chunk))
        if county_id is not None:
            query = query.where(Resident.county == county_id)
        for row in await query:
            found[row["id_number"]] = row["id"]
    return found


async def person_records(ids: Iterable[int], before: date) -> dict[int, PersonRecord]:
    """The persons ``ids`` with their placements and assessments dated before ``before``, by id:
    three queries per 5,000 persons."""
    out: dict[int, PersonRecord] = {}
    for chunk in chunks(sorted(set(ids)), 5000):
        listed = _ints(chunk)
        rows = await Resident.raw(
            "SELECT r.id, r.id_number, r.name, r.county, c.code AS county_code, c.name AS county_name, r.approved_on, "
            f"r.ended_on, r.died_on, r.area FROM resident r JOIN county c ON c.id = r.county WHERE r.id IN ({listed})"
        )
        placements: dict[int, list[rules.PlacementEvent]] = defaultdict(list)
        for row in await Resident.raw(
            f"SELECT resident, event_date, seq, kind, home FROM placement WHERE resident IN ({listed}) AND event_date < {{}}",
            before,
        ):
            placements[row["resident"]].append(rules.PlacementEvent(row["event_date"], row["seq"], row["kind"], row["home"]))
        assessments: dict[int, list[rules.AssessmentRecord]] = defaultdict(list)
        for row in await Resident.raw(
            f"SELECT resident, assessed_on, seq, tier FROM assessment WHERE resident IN ({listed}) AND authority = 'county'"
            " AND assessed_on < {}",
            before,
        ):
            assessments[row["resident"]].append(rules.AssessmentRecord(row["assessed_on"], row["seq"], row["tier"]))
        for row in rows:
            out[row["id"]] = PersonRecord(
                id=row["id"],
                id_number=row["id_number"],
                name=row["name"],
                county_id=row["county"],
                county_code=row["county_code"],
                county_name=row["county_name"],
                approved_on=row["approved_on"],
                ended_on=row["ended_on"],
                died_on=row["died_on"],
                placements=tuple(placements[row["id"]]),
                assessments=tuple(assessments[row["id"]]),
                area=row["area"] or "",
            )
    return out


async def person_record(scope: Scope, resident_id: int) -> PersonRecord:
    """One person in ``scope`` (NotFound otherwise) with their whole placement and assessment
    history (a person's payment history beside their entitlement)."""
    row = await find_resident(scope, resident_id)
    return PersonRecord(
        id=row["id"],
        id_number=row["id_number"],
        name=row["name"],
        county_id=row["county_id"],
        county_code=row["county_code"],
        county_name=row.get("county_name") or "",
        approved_on=row["approved_on"],
        ended_on=row["ended_on"],
        died_on=row["died_on"],
        placements=tuple(await placement_events(resident_id)),
        assessments=tuple(await assessment_records(resident_id)),
        area=row.get("area") or "",
    )
