"""Registry use cases: the only code that reads or writes the registry tables.

Every function for the pages and the API takes the acting ``Scope``: admins see everything,
inspectors and finance staff their county, directors their home (and, read-only, its county).
Outside the scope is NotFound. Only admins change the registry.

The other domains use the registry through the functions listed under "for the other domains"
(set-based look-ups by id or code, the parameters in force), never through its tables. One
private module per use case: ``_counties``, ``_homes``, ``_parameters``, ``_imports``,
``_lookups``; ``_common`` holds what they share.
"""

from backend.registry.services._common import audit, find_county, find_home, require_admin
from backend.registry.services._counties import (
    create_county,
    get_county,
    list_counties,
    update_county,
)
from backend.registry.services._homes import create_home, get_home, list_homes, update_home
from backend.registry.services._imports import import_counties, import_homes
from backend.registry.services._lookups import (
    counties_by_id,
    county_ids,
    homes_by_code,
    homes_by_id,
    lock_home,
)

# issue 13 (reports): the homes open on a day
from backend.registry.services._open import homes_open_on  # noqa: E402
from backend.registry.services._parameters import (
    _parameter_rows,
    county_parameters,
    current_parameters,
    parameter_history,
    parameters_in_force,
    parameters_on,
    set_parameters,
)

# isort: split
# issue 13: closing a home, and the homes task generation reads
from backend.registry.services._closing import close_home, homes_for_tasks

__all__ = [
    # counties and homes (pages, API, command line)
    "create_county",
    "create_home",
    "find_county",
    "find_home",
    "get_county",
    "get_home",
    "list_counties",
    "list_homes",
    "update_county",
    "update_home",
    # per-county parameters
    "current_parameters",
    "parameter_history",
    "parameters_on",
    "set_parameters",
    # imports (interfaces.md §3)
    "import_counties",
    "import_homes",
    # for the other domains
    "counties_by_id",
    "county_ids",
    "county_parameters",
    "homes_by_code",
    "homes_by_id",
    "lock_home",
    "parameters_in_force",
    # the admin check and the audit of registry changes
    "audit",
    "require_admin",
    # issue 13
    "close_home",
    "homes_for_tasks",
    # TEMPORARY: the stipends domain still calls it until its own branch moves to
    # county_parameters (issue 9); remove it then (tests/test_boundaries.py lists it).
    "_parameter_rows",
    # issue 13 (reports)
    "homes_open_on",
]
