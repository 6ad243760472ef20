"""Staffing tables: the staff posts of each home (with their certificates), training records,
leave (请销假), the duty roster of day and night shifts, and the ratio breaches someone confirmed
(domain-rules §3, interfaces §3 ``staff`` and ``training``).

A post is one person's employment in one home (``home`` + ``staff_no``, the natural key of the
``staff`` import); ending a post sets ``left_on`` and keeps the row, so the daily ratio of past
days stays what it was."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.registry.tables import Home

# Posts (岗位) and their keys; the carers (护理) are the ones the carer ratio counts.
POSTS = ("manager", "carer", "cook", "medical", "security", "other")
CARER = "carer"
COOK = "cook"
EMPLOYMENTS = ("", "civil", "public_welfare", "purchased", "contract", "other")
CARER_CERTS = ("", "junior", "intermediate", "senior", "technician")
TOPICS = ("fire", "care", "food", "infection", "other")
SHIFTS = ("day", "night")


class StaffMember(Table, tablename="staff_member"):
    """A staff post (工作人员) in a home: in post from ``hired_on``; ``left_on`` is the first day
    the person is no longer in post (离职日期: not counted on that day). Certificates: the health
    certificate's expiry (健康证, required for kitchen staff), the fire-facility operator
    certificate (消防设施操作员证) and the carer's vocational level (养老护理员)."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    staff_no = Varchar(length=32)
    name = Varchar(length=50)
    post = Varchar(length=12)
    employment = Varchar(length=16, default="")
    hired_on = Date()
    left_on = Date(null=True, default=None)
    left_reason = Varchar(length=200, default="")
    health_cert_expires = Date(null=True, default=None)
    fire_operator_cert = Boolean(default=False)
    carer_cert = Varchar(length=12, default="")
    id_number = Varchar(length=18, default="", index=True)  # optional; checked when given
    created_at = Timestamptz()
    updated_at = Timestamptz()


class TrainingRecord(Table, tablename="training_record"):
    """One training a staff member attended (培训): topic, date, hours (in tenths of an hour, so
    1.5 h is 15), provider. Natural key: the post, the topic and the date."""

    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.restrict, index=True)
    topic = Varchar(length=12)
    trained_on = Date()
    hours_tenths = Integer()
    provider = Varchar(length=100, default="")
    created_at = Timestamptz()
    created_by = Varchar(length=150)


class StaffLeave(Table, tablename="staff_leave"):
    """Leave of whole days (请假): ``first_day`` to ``last_day`` inclusive, approved by someone
    (审批人). ``returned_on`` (销假) is the day the person came back early: the leave then ends the
    day before. A cancelled leave (``cancelled_at``) removes no one."""

    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.restrict, index=True)
    first_day = Date(index=True)
    last_day = Date()
    reason = Varchar(length=200, default="")
    approved_by = Varchar(length=100)
    returned_on = Date(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    recorded_at = Timestamptz()
    recorded_by = Varchar(length=150)


class RosterShift(Table, tablename="roster_shift"):
    """One person on one shift (值班) of one day: ``shift`` is ``day`` or ``night`` (the night
    shift of a day runs into the next morning). Unique per day, shift and post."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    day = Date()
    shift = Varchar(length=5)
    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz()
    recorded_by = Varchar(length=150)


class RatioBreach(Table, tablename="ratio_breach"):
    """A breach of the staff ratio that someone was warned of and confirmed (确认低于配比): the
    home, the first day below the ratio, what caused it (``admission``, ``departure``,
    ``leave``), the numbers of that day, and who confirmed it and when."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    first_day = Date()
    cause = Varchar(length=12)
    subject = Varchar(length=100, default="")  # the person admitted or the staff member leaving
    residents = Integer()
    staff = Integer()
    required_staff = Integer()
    carers = Integer()
    required_carers = Integer(null=True, default=None)
    message = Varchar(length=300, default="")
    confirmed_at = Timestamptz()
    confirmed_by = Varchar(length=150)
