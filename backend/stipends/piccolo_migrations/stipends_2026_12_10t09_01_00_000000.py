"""The findings stored before ``finding.facts`` existed: their English ``detail`` text (the forms
``rules.classify`` wrote) turned into facts, so every finding is shown in the reader's language.
A text this recognises is replaced by its facts (``detail`` emptied); one it does not is left as
it is (and shown as it is).

Self-contained on purpose (a migration must not change when the code it once matched does)."""

import json
import re

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-10T09:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "finding.facts from the English detail of older findings"

_MONEY = r"(-?\d+)\.(\d{2})"


def _fen(whole: str, cents: str) -> int:
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int(cents))


def _amounts(match):
    groups = match.groups()
    return {"expected_basic": _fen(*groups[0:2]), "paid_basic": _fen(*groups[2:4]),
            "expected_care": _fen(*groups[4:6]), "paid_care": _fen(*groups[6:8])}


# (code, pattern, facts from the match): the texts rules.classify wrote before 2026-12.
_PATTERNS = [
    ("INVALID_ID", r"ID check failed: (\w+)", lambda m: {"id_problem": m[1]}),
    ("UNKNOWN_PERSON", r"not in the register", lambda m: {}),
    ("DUPLICATE_PAYMENT", r"also paid by (.+)", lambda m: {"other_payment_ref": m[1]}),
    ("PAID_AFTER_DEATH", r"died (\d{4}-\d{2}-\d{2})", lambda m: {"died_on": m[1]}),
    ("NOT_ENTITLED", r"approved (\d{4}-\d{2}-\d{2}): entitled from (\d{4}-\d{2})",
     lambda m: {"reason": "not_approved", "approved_on": m[1], "entitled_from": m[2] + "-01"}),
    ("NOT_ENTITLED", r"support ended (\d{4}-\d{2}-\d{2})", lambda m: {"reason": "ended", "ended_on": m[1]}),
    ("NOT_ENTITLED", r"registered in county (\S+)", lambda m: {"reason": "other_county", "registered_county": m[1]}),
    ("MODE_MISMATCH", r"paid as (concentrated|dispersed); register: (concentrated|dispersed)",
     lambda m: {"paid_mode": m[1], "register_mode": m[2]}),
    ("UNASSESSED", r"care paid but no assessment before (\d{4}-\d{2}-\d{2})",
     lambda m: {"register_tier": "unassessed", "assessed_before": m[1]}),
    ("TIER_MISMATCH", r"care paid for (\w+); assessed (\w+)", lambda m: {"paid_tier": m[1], "register_tier": m[2]}),
    ("AMOUNT_MISMATCH", rf"basic expected {_MONEY} paid {_MONEY}; care expected {_MONEY} paid {_MONEY}", _amounts),
    ("MISSING_PAYMENT", r"entitled: (\w+), (\w+)", lambda m: {"register_mode": m[1], "register_tier": m[2]}),
    ("NAME_MISMATCH", r"register name: (.*)", lambda m: {"register_name": m[1]}),
]


def facts_of(code: str, detail: str):
    """The facts an old detail text states (None: not recognised)."""
    for known, pattern, build in _PATTERNS:
        if known != code:
            continue
        match = re.fullmatch(pattern, detail or "")
        if match:
            return build(match)
    return None


class RawSQL(Table, tablename="finding", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="stipends", description=DESCRIPTION)

    async def run():
        rows = await RawSQL.raw("SELECT id, code, detail FROM finding WHERE detail <> ''")
        for row in rows:
            facts = facts_of(row["code"], row["detail"])
            if facts is not None:  # recognised: the facts replace the text
                await RawSQL.raw("UPDATE finding SET facts = {}, detail = '' WHERE id = {}",
                                 json.dumps(facts, ensure_ascii=False, sort_keys=True), row["id"])

    manager.add_raw(run)
    return manager
