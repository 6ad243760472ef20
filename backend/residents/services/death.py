"""What a death changes in the register, for the deaths domain: the person's record is locked
from the day of death on, their open re-assessment tasks are cancelled, and a placed person's
bed is released. The deaths services call ``record_death_effects`` inside the transaction in
which they write the death record (``core.db.transaction`` joins the outer one), so a report
and its consequences are written together or not at all."""

from __future__ import annotations

from datetime import date, datetime

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import Forbidden
from backend.core.i18n import _
from backend.core.ledger import append_rows
from backend.core.permissions import can
from backend.core.security import Scope
from backend.residents import rules
from backend.residents.services._common import FAR_FUTURE, placement_events, refresh_state
from backend.residents.tables import PLACEMENT_LEDGER, ReassessmentTask, Resident


async def record_death_effects(scope: Scope, resident_id: int, died_on: date, *, now: datetime | None = None) -> None:
    """The consequences in the register of a death on ``died_on`` (a report or a correction):

    * ``died_on`` is set, which locks the record (the residents services refuse anything dated
      after it: ``register.check_not_after_death``);
    * the open re-assessment tasks are cancelled (on the local date of ``now``);
    * a person still placed gets an end-of-stay event (a ``discharge`` on the day of death, or
      on the last recorded event's day if later, so the history stays in order) and the cached
      home is recomputed.

    The caller (the deaths services) has checked that ``scope`` may write for the person on that
    day (``find_resident_for_write``); this refuses only a role that may not record deaths."""
    if not (can(scope.role, "report_death") or can(scope.role, "import_deaths")):
        raise Forbidden(_("You may not report deaths."))
    now = now or dates.now_utc()
    async with transaction():
        await Resident.update({Resident.died_on: died_on}).where(Resident.id == resident_id)
        await ReassessmentTask.update({ReassessmentTask.cancelled_on: dates.local(now).date()}).where(
            (ReassessmentTask.resident == resident_id)
            & ReassessmentTask.done_on.is_null()
            & ReassessmentTask.cancelled_on.is_null()
        )
        events = await placement_events(resident_id)
        if rules.home_on(events, FAR_FUTURE) is None:
            return
        on = max([died_on, *(event.on for event in events)])
        await append_rows(
            PLACEMENT_LEDGER,
            [
                {
                    "resident": resident_id,
                    "kind": "discharge",
                    "home": None,
                    "event_date": on,
                    "note": _("End of stay: died on {day}").format(day=died_on.isoformat()),
                    "recorded_at": now,
                    "recorded_by": scope.username,
                }
            ],
        )
        await refresh_state(resident_id)
