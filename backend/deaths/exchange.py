"""Exchange-file columns for deaths (interfaces.md §3 deaths)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from backend.core import dates
from backend.core.exchange import CellError, Column, as_text, datetime_cell, text
from backend.core.i18n import N_, _
from backend.residents.exchange import EXAMPLE_ID_NUMBER, id_number_cell


def date_or_datetime_cell(value: Any) -> date | datetime:
    """A date (time of day unknown) or a date-time in TEKUN_TIMEZONE (→ aware UTC)."""
    if isinstance(value, datetime):
        try:
            return dates.instant(value.replace(tzinfo=None))  # a spreadsheet's cell has no zone
        except ValueError as exc:
            raise CellError(_("Not a valid date or date and time (write 2026-11-02 or 2026-11-02 14:30).")) from exc
    if isinstance(value, date):
        return value
    raw = as_text(value)
    try:
        return dates.parse_datetime(raw)
    except ValueError:
        pass
    try:
        return dates.parse_date(raw)
    except ValueError as exc:
        raise CellError(_("Not a valid date or date and time (write 2026-11-02 or 2026-11-02 14:30).")) from exc


DEATH_COLUMNS = [
    Column(
        "id_number",
        "身份证号",
        id_number_cell,
        rule=N_("The ID number of a person in the register; the natural key."),
        example=EXAMPLE_ID_NUMBER,
    ),
    Column(
        "died_at",
        "死亡时间",
        date_or_datetime_cell,
        rule=N_(
            "A date, or a date and time (2026-11-02 14:30); a date alone means the time is unknown, and the report deadline runs from the end of that day."
        ),
        example="2026-11-02 06:15",
    ),
    Column(
        "reported_at",
        "报告时间",
        datetime_cell,
        rule=N_("A date and time; not before the time of death, not in the future."),
        example="2026-11-02 10:30",
    ),
    Column("place", "死亡地点", text(200), required=False, rule=N_("Optional; at most 200 characters."), example="本院"),
    Column("cause", "死亡原因", text(200), required=False, rule=N_("Optional; at most 200 characters."), example="心力衰竭"),
    Column(
        "certificate_no",
        "死亡证明编号",
        text(50),
        required=False,
        rule=N_("Optional; at most 50 characters."),
        example="YD-2026-001",
    ),
]
