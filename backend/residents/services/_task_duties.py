"""What task generation (issue 13) reads of the register: the residents of any homes (and any
other residents asked for by id: a task's subject who has since left or died), their open and
closed re-assessment duties, and their assessments (corrections left out), set-based."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.residents.tables import Assessment, ReassessmentTask, Resident

_CHUNK = 500


def _chunks(values) -> list[list[int]]:
    wanted = sorted(set(values))
    return [wanted[start : start + _CHUNK] for start in range(0, len(wanted), _CHUNK)]


async def review_duties(home_ids: list[int], resident_ids: list[int], since: date) -> dict[str, list[dict[str, Any]]]:
    """{"residents": [{id, home, last_assessed_on, died_on, ended_on}], "reassessments": [{resident,
    reported_on, due_on, done_on, cancelled_on}] (due on or after ``since``), "assessments":
    [{resident, assessed_on, recorded_at}] (on or after a year before ``since``)} of the residents
    now in ``home_ids`` and of ``resident_ids``."""
    people: dict[int, dict[str, Any]] = {}
    columns = (Resident.id, Resident.home, Resident.last_assessed_on, Resident.died_on, Resident.ended_on)
    for chunk in _chunks(home_ids):
        for row in await Resident.select(*columns).where(Resident.home.is_in(chunk)):
            people[row["id"]] = row
    for chunk in _chunks(set(resident_ids) - set(people)):
        for row in await Resident.select(*columns).where(Resident.id.is_in(chunk)):
            people[row["id"]] = row
    reassessments: list[dict[str, Any]] = []
    assessments: list[dict[str, Any]] = []
    year_before = date(since.year - 1, since.month, min(since.day, 28))
    for chunk in _chunks(people):
        reassessments += await ReassessmentTask.select(
            ReassessmentTask.resident,
            ReassessmentTask.reported_on,
            ReassessmentTask.due_on,
            ReassessmentTask.done_on,
            ReassessmentTask.cancelled_on,
        ).where(ReassessmentTask.resident.is_in(chunk) & (ReassessmentTask.due_on >= since))
        assessments += await Assessment.select(Assessment.resident, Assessment.assessed_on, Assessment.recorded_at).where(
            Assessment.resident.is_in(chunk) & (Assessment.assessed_on >= year_before) & Assessment.corrects.is_null()
        )
    return {"residents": list(people.values()), "reassessments": reassessments, "assessments": assessments}
