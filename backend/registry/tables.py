"""Registry tables: counties, homes, per-county parameters with effective dates."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class County(Table):
    """A county or district (县/区), identified by its 6-digit GB/T 2260 division code."""

    code = Varchar(length=6, unique=True, index=True)
    name = Varchar(length=100)
    province = Varchar(length=50)
    created_at = Timestamptz()


class Home(Table):
    """A support home (供养服务设施/敬老院), supervised by its county's civil-affairs bureau."""

    code = Varchar(length=32, unique=True, index=True)
    name = Varchar(length=100)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    beds = Integer(default=0)
    address = Varchar(length=300, default="")
    has_fire_control_room = Boolean(default=False)
    created_at = Timestamptz()
    # Issue 13: the day the home closed (None while open); its tasks after that day are cancelled.
    closed_on = Date(null=True, default=None)


class CountyParameter(Table):
    """The county's local settings from ``effective_from`` on (domain-rules.md: [default] values).

    A change is a new row; the row in force on a day is the latest with effective_from <= day.
    """

    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    effective_from = Date()
    residents_per_staff = Integer()
    dependents_per_carer = Integer(null=True, default=None)
    death_report_deadline_hours = Integer()
    extra_months_after_death = Integer()
    inspections_per_year = Integer()
    # Issue 10: the assessment an admission needs (domain-rules §2) and the area a person belongs to
    # when the register does not say (domain-rules §8).
    admission_assessment_max_age_days = Integer(default=90)
    default_area = Varchar(length=8, default="rural")
    # Issue 12: the days to rectify a hazard, by severity (domain-rules §6).
    hazard_days_major = Integer(default=1)
    hazard_days_ordinary = Integer(default=7)
    created_at = Timestamptz()
    created_by = Varchar(length=150)
