"""Deaths use cases: the only code that reads or writes the deaths tables.

A death report, in ONE transaction: the death record is appended to its ledger; the person's
``died_on`` is set (which locks their record: the residents services refuse anything dated after
it); their open re-assessment tasks are cancelled; a placed person's bed is released by an
end-of-stay event (a ``discharge`` dated on the day of death) and the cached home cleared; the
last entitled month and the funeral subsidy are fixed from the county parameters in force on the
day of death; a late report opens a notice for the county. A correction is a new record naming the
one it corrects; everything is audited.
"""

from backend.core import death_times
from backend.deaths.services._common import (
    local_iso,
    parse_month_param,
    times_of_death,
)
from backend.deaths.services._imports import import_deaths
from backend.deaths.services._notices import (
    home_late_reports,
    late_notices,
    mark_notice_seen,
    open_notice_count,
)
from backend.deaths.services._plan import DeathPlan
from backend.deaths.services._register import (
    county_deaths,
    death_history,
    death_of,
    export_rows,
    list_deaths,
)
from backend.deaths.services._report import correct_death, report_death
from backend.deaths.services._subsidy import set_funeral_subsidy, subsidy_history, subsidy_on

death_times.provide(times_of_death)  # the residents' pages show the time of death through core

__all__ = [
    "DeathPlan",
    "correct_death",
    "county_deaths",
    "death_history",
    "death_of",
    "export_rows",
    "home_late_reports",
    "import_deaths",
    "late_notices",
    "list_deaths",
    "local_iso",
    "mark_notice_seen",
    "open_notice_count",
    "parse_month_param",
    "report_death",
    "set_funeral_subsidy",
    "subsidy_history",
    "subsidy_on",
    "times_of_death",
]

# Issue 13 (the compliance reports): the deaths of a period in many homes at once.
from backend.deaths.services._for_reports import deaths_of_homes  # noqa: E402

__all__ += ["deaths_of_homes"]
