"""Safety-ledger tables (issue 12; domain rules §4, §5, §5b, §6, §6b; interfaces §7).

- ``safety_template``: a routine's checklist (fire patrol, food samples, disinfection…), one row per
  version. National defaults have no county (seeded by a migration, version 1); an administrator's
  edit for a county adds that county's next version. Rows are never changed: an entry points at
  the version it was recorded with, so its display and counts never move.
- ``safety_entry``: one performed routine (append-only, hash-chained **per home**: the ledger
  ``safety_entry:<home id>``). A correction is a new entry pointing at the one it corrects.
- ``safety_photo``: evidence attached to an entry's item (or to a hazard's fix), stored under
  ``TEKUN_DATA_DIR/photos`` by sha256.
- ``food_sample``: the samples of a ``food_sample`` entry (留样), with their discard.
- ``morning_check``: the kitchen staff checked by a ``morning_check`` entry (晨检).
- ``safety_hazard``: a hazard (隐患) opened by a failed item, an expired canteen licence or by hand,
  closed item by item (逐条销号): by the home when ordinary, by the county when major.
- ``canteen_licence``: the home's 食品经营许可证 (the latest row is in force).
- ``outbreak_report``: a suspected outbreak reported to the county (domain rules §5b).
- ``safety_home_setting``: a home's meal windows and night-patrol slots (domain rules §6b).
"""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.core.ledger import LedgerSpec, register_ledger
from backend.registry.tables import County, Home
from backend.staffing.tables import StaffMember


class SafetyTemplate(Table, tablename="safety_template"):
    """A routine's checklist, one row per version (never updated). ``county`` is None for the
    national default. ``items`` is canonical JSON: ``[{"key", "label", "major", "photo_on_fail"}]``
    (labels in Chinese, as the ledger is kept). ``frequency``: ``meal``, ``daily``, ``nightly``,
    ``monthly``, ``half_yearly``, ``yearly`` or ``event`` (domain rules §6b)."""

    county = ForeignKey(references=County, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    routine = Varchar(length=32)
    version = Integer()
    title = Varchar(length=100)
    frequency = Varchar(length=16)
    items = Text()
    created_at = Timestamptz()
    created_by = Varchar(length=150)


class SafetyEntry(Table, tablename="safety_entry"):
    """One performed routine (a patrol, a meal's samples, a day's disinfection…), append-only.

    ``period`` and ``slot`` are where ``performed_at`` falls (rules.slot_of: ``2026-11-10`` and
    ``lunch``, ``22``, or ``""`` for a routine with one occurrence per period); ``late`` is set when
    it was recorded after the slot's end plus the grace (补录). ``items`` is canonical JSON
    ``[{"key", "result", "note"}]`` in the template's order; ``details`` the routine's own data
    (canonical JSON, ``""`` when none). ``client_id`` is the phone's (unique per home)."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    template = ForeignKey(references=SafetyTemplate, on_delete=OnDelete.restrict)
    routine = Varchar(length=32)
    period = Varchar(length=10)
    slot = Varchar(length=12, default="")
    performed_at = Timestamptz()
    recorded_at = Timestamptz()
    late = Boolean(default=False)
    actor_id = Integer(null=True, default=None)
    recorded_by = Varchar(length=150)
    client_id = Varchar(length=64)
    items = Text()
    failed = Integer(default=0)
    note = Varchar(length=500, default="")
    details = Text(default="")
    corrects = Integer(null=True, default=None)  # the id of the entry this one corrects
    correction_reason = Varchar(length=200, default="")
    seq = Integer()
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


SAFETY_LEDGER = register_ledger(
    LedgerSpec(
        "safety_entry",
        SafetyEntry,
        (
            "home",
            "template",
            "routine",
            "period",
            "slot",
            "performed_at",
            "recorded_at",
            "late",
            "actor_id",
            "recorded_by",
            "client_id",
            "items",
            "failed",
            "note",
            "details",
            "corrects",
            "correction_reason",
        ),
        partition="home",
    )
)


class SafetyHazard(Table, tablename="safety_hazard"):
    """A hazard (隐患) in the home's rectification ledger (整治台账).

    ``source``: ``entry`` (a failed item: ``entry`` and ``item_key``), ``licence`` (an expired
    canteen licence) or ``manual``. ``status``: ``open`` → ``fixed`` (the home recorded the fix;
    a major hazard waits there for the county) → ``closed``; a rejected verification sends it back
    to ``open``. ``deadline`` comes from the county's parameters by severity."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    source = Varchar(length=12)
    entry = ForeignKey(references=SafetyEntry, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    routine = Varchar(length=32, default="")
    item_key = Varchar(length=40, default="")
    title = Varchar(length=200)
    note = Varchar(length=500, default="")
    major = Boolean(default=False)
    opened_on = Date()  # in TEKUN_TIMEZONE
    opened_at = Timestamptz()
    opened_by = Varchar(length=150)
    deadline = Date()
    owner = Varchar(length=100, default="")
    plan = Varchar(length=1000, default="")
    status = Varchar(length=8, default="open", index=True)
    fixed_at = Timestamptz(null=True, default=None)
    fixed_by = Varchar(length=150, default="")
    fix_note = Varchar(length=1000, default="")
    verified_at = Timestamptz(null=True, default=None)
    verified_by = Varchar(length=150, default="")
    verify_note = Varchar(length=500, default="")
    closed_on = Date(null=True, default=None)


class SafetyPhoto(Table, tablename="safety_photo"):
    """A photo kept as evidence: of an entry's item (``entry`` + ``item_key``) or of a hazard's fix
    (``hazard``). The file is ``photos/<sha256[:2]>/<sha256>.<ext>`` under ``TEKUN_DATA_DIR``, its
    thumbnail ``photos/thumbs/<sha256>.jpg``; ``taken_at`` is the EXIF time when the photo has one."""

    entry = ForeignKey(references=SafetyEntry, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    hazard = ForeignKey(references=SafetyHazard, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    item_key = Varchar(length=40, default="")
    sha256 = Varchar(length=64, index=True)
    content_type = Varchar(length=20)
    size = Integer()
    width = Integer()
    height = Integer()
    taken_at = Timestamptz(null=True, default=None)
    uploaded_at = Timestamptz()
    uploaded_by = Varchar(length=150)


class FoodSample(Table, tablename="food_sample"):
    """One dish's sample of a meal (留样): weight in grams (≥ 125, domain rules §5), when it was
    taken, the fridge, the person responsible; ``discard_after`` = taken + 48 h. ``discarded_at``
    is recorded later (the only change a sample allows); earlier than ``discard_after`` is flagged."""

    entry = ForeignKey(references=SafetyEntry, on_delete=OnDelete.restrict, index=True)
    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    meal = Varchar(length=12)
    dish = Varchar(length=100)
    grams = Integer()
    taken_at = Timestamptz()
    fridge = Varchar(length=50, default="")
    keeper = Varchar(length=50)
    discard_after = Timestamptz()
    discarded_at = Timestamptz(null=True, default=None)
    discarded_by = Varchar(length=150, default="")


class MorningCheck(Table, tablename="morning_check"):
    """One kitchen worker's morning check (晨检) in a ``morning_check`` entry: fit, or sent off duty
    with the symptom (``symptom``: fever, diarrhoea, skin_wound, sore_throat, other)."""

    entry = ForeignKey(references=SafetyEntry, on_delete=OnDelete.restrict, index=True)
    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.restrict, index=True)
    fit = Boolean()
    symptom = Varchar(length=20, default="")
    note = Varchar(length=200, default="")


class CanteenLicence(Table, tablename="canteen_licence"):
    """The home's canteen licence (食品经营许可证): the latest row recorded is in force."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    number = Varchar(length=50)
    expires_on = Date()
    recorded_at = Timestamptz()
    recorded_by = Varchar(length=150)


class OutbreakReport(Table, tablename="outbreak_report"):
    """A suspected outbreak (疑似聚集性疫情, domain rules §5b): the symptom, how many residents, the
    onset that made it reportable (``onset_at``), when it was reported (the server's clock), and
    the county's acknowledgement. On time when reported within 24 h of ``onset_at``."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, index=True)
    symptom = Varchar(length=20)
    cases = Integer()
    onset_at = Timestamptz()
    reported_at = Timestamptz()
    reported_by = Varchar(length=150)
    late = Boolean(default=False)
    note = Varchar(length=500, default="")
    acknowledged_at = Timestamptz(null=True, default=None)
    acknowledged_by = Varchar(length=150, default="")


class SafetyHomeSetting(Table, tablename="safety_home_setting"):
    """A home's meal windows (``HH:MM-HH:MM`` each) and night-patrol slots (``22,0,2,4``), and whether it
    has a canteen (without one the food routines are not due)."""

    home = ForeignKey(references=Home, on_delete=OnDelete.restrict, unique=True)
    breakfast = Varchar(length=11, default="06:00-09:00")
    lunch = Varchar(length=11, default="11:00-13:30")
    dinner = Varchar(length=11, default="17:00-19:30")
    night_slots = Varchar(length=40, default="22,0,2,4")
    has_canteen = Boolean(default=True)
    updated_at = Timestamptz()
    updated_by = Varchar(length=150)
