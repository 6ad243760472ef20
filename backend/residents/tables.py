"""Residents tables: the register, placement events, assessments (both instruments), re-assessment
tasks, admission applications. Placements and assessments are append-only ledgers (hash-chained);
the register row keeps the *current* home, mode and tier as a cache recomputed from them after
every event."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.core.ledger import LedgerSpec, register_ledger
from backend.registry.tables import County, Home


class Resident(Table):
    """A tekun person (特困供养人员) of either support mode, identified by the citizen ID number."""

    id_number = Varchar(length=18, unique=True)  # the unique constraint is its index
    name = Varchar(length=50, index=True)
    gender = Varchar(length=1)  # M / F, from the ID number
    birth_date = Date()
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)
    approved_on = Date()  # 认定日期: entitlement starts the month after
    ended_on = Date(null=True, default=None)  # support ended for a reason other than death
    end_reason = Varchar(length=200, default="")
    # Date of death (local date) from the death record in force; kept by the deaths domain.
    died_on = Date(null=True, default=None, index=True)
    # 城乡类别: urban or rural; "" = the county's default area, read for each month from the
    # county parameter in force then (docs/architecture.md, "Stipends": areas).
    area = Varchar(length=8, default="")
    # Cache of the latest state, recomputed from the ledgers below after each event:
    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    admitted_on = Date(null=True, default=None)  # start of the current stay
    tier = Varchar(length=12, default="unassessed", index=True)
    last_assessed_on = Date(null=True, default=None)
    created_at = Timestamptz()


class Placement(Table):
    """A placement event (append-only): ``admit`` to a home, ``transfer`` to another home,
    ``discharge`` to dispersed support. ``seq`` also orders events of the same day.
    Indexed on (resident, event_date, seq, kind) by a raw-SQL migration: "the placement in
    force on a day" is an index seek, without a sort or a table read."""

    resident = ForeignKey(references=Resident, on_delete=OnDelete.restrict)
    kind = Varchar(length=10)
    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, null=True, default=None)
    event_date = Date()
    note = Varchar(length=300, default="")
    # 紧急收住 (domain rules §2): an admission without a recent county assessment, with its reason
    emergency = Boolean(default=False)
    emergency_reason = Varchar(length=300, default="")
    recorded_at = Timestamptz()
    recorded_by = Varchar(length=150)
    seq = Integer(unique=True)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


# Who recorded a self-care assessment (domain rules §2): only the county's set the tier.
COUNTY = "county"
HOME = "home"


class Assessment(Table):
    """A self-care assessment (生活自理能力评估): six answers (True = can do it alone) and the
    tier derived from them by rules.care_tier. Append-only; a correction is a new record that
    names the one it corrects. ``authority`` is ``county`` for the county's assessments (an
    inspector's, an assessor's, an administrator's, the county's import), which alone set the
    tier, and ``home`` for a home's care observation (护理观察), kept and shown, never the tier.
    Indexed on (resident, authority, assessed_on, seq, tier) by a raw-SQL migration: "the tier
    in force on a day" is an index seek, without a sort or a table read."""

    resident = ForeignKey(references=Resident, on_delete=OnDelete.restrict)
    assessed_on = Date(index=True)
    eat = Boolean()
    dress = Boolean()
    transfer = Boolean()
    toilet = Boolean()
    walk = Boolean()
    bathe = Boolean()
    tier = Varchar(length=12)
    assessor = Varchar(length=100, default="")
    reason = Varchar(length=20, default="")  # admission / annual / change / import / correction
    corrects = Integer(null=True, default=None)  # id of the assessment this one corrects
    authority = Varchar(length=8, default=COUNTY)
    recorded_at = Timestamptz()
    recorded_by = Varchar(length=150)
    seq = Integer(unique=True)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class CapabilityAssessment(Table):
    """A GB/T 42195-2022 capability assessment (老年人能力评估): item scores, the 90-point total,
    the level before and after adjustments. Separate from the self-care tier: it never changes
    the stipend tier."""

    resident = ForeignKey(references=Resident, on_delete=OnDelete.restrict, index=True)
    assessed_on = Date()
    scores = Text()  # canonical JSON {item: score}
    total = Integer()
    base_level = Integer()
    coma = Boolean(default=False)
    dementia = Boolean(default=False)
    risk_events = Integer(default=0)
    level = Integer()
    assessor = Varchar(length=100, default="")
    recorded_at = Timestamptz()
    recorded_by = Varchar(length=150)
    seq = Integer(unique=True)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class ReassessmentTask(Table):
    """A re-assessment owed after a condition-change report (``reason`` change) or an emergency
    admission (``reason`` emergency_admission), due within 10 working days."""

    resident = ForeignKey(references=Resident, on_delete=OnDelete.restrict, index=True)
    reason = Varchar(length=20, default="change")
    reported_on = Date()
    reported_by = Varchar(length=100, default="")
    note = Varchar(length=300, default="")
    due_on = Date(index=True)
    done_on = Date(null=True, default=None)
    assessment = Integer(null=True, default=None)
    cancelled_on = Date(null=True, default=None)
    created_at = Timestamptz()
    created_by = Varchar(length=150)


class AdmissionApplication(Table):
    """A dispersed person's application to live in a home (入住申请), waiting in the county's
    admission queue (domain-rules §2, "Priority admission"). ``status``: ``open`` (waiting),
    ``offered`` (a place in a home offered), ``admitted`` (the admission recorded through the
    placement ledger) or ``withdrawn`` (closed with a reason). A declined offer returns it to
    ``open`` with its date (and place in the queue) kept. ``open_for`` holds the person's id while
    the application is open or offered and NULL once closed: its unique constraint allows one
    open application per person on every database."""

    resident = ForeignKey(references=Resident, on_delete=OnDelete.restrict, index=True)
    county = ForeignKey(references=County, on_delete=OnDelete.restrict, index=True)  # the person's (never changes)
    applicant = Varchar(length=12)  # self / township / county
    applied_on = Date()
    preferred_home = ForeignKey(references=Home, on_delete=OnDelete.restrict, null=True, default=None)
    note = Varchar(length=300, default="")
    status = Varchar(length=10, default="open", index=True)
    open_for = Integer(null=True, default=None, unique=True)
    offered_home = ForeignKey(references=Home, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    offered_on = Date(null=True, default=None)
    offers_declined = Integer(default=0)
    closed_on = Date(null=True, default=None)
    close_reason = Varchar(length=200, default="")
    created_at = Timestamptz()
    created_by = Varchar(length=150)


PLACEMENT_LEDGER = register_ledger(
    LedgerSpec(
        "placement",
        Placement,
        ("resident", "kind", "home", "event_date", "note", "recorded_at", "recorded_by"),
        optional=(("emergency", False), ("emergency_reason", "")),
    )
)
ASSESSMENT_LEDGER = register_ledger(
    LedgerSpec(
        "assessment",
        Assessment,
        (
            "resident",
            "assessed_on",
            "eat",
            "dress",
            "transfer",
            "toilet",
            "walk",
            "bathe",
            "tier",
            "assessor",
            "reason",
            "corrects",
            "recorded_at",
            "recorded_by",
        ),
        optional=(("authority", COUNTY),),
    )
)
CAPABILITY_LEDGER = register_ledger(
    LedgerSpec(
        "capability_assessment",
        CapabilityAssessment,
        (
            "resident",
            "assessed_on",
            "scores",
            "total",
            "base_level",
            "coma",
            "dementia",
            "risk_events",
            "level",
            "assessor",
            "recorded_at",
            "recorded_by",
        ),
    )
)
