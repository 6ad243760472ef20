"""Schemas of leave (请销假) and the duty roster (值班表): the API bodies and the services' answers
(msgspec). Dates are ISO days; a week is named by its Monday."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

MAX_ID = 2**31 - 1
StaffId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class LeaveIn(msgspec.Struct, kw_only=True):
    """A whole-day leave of one post: ``first_day`` to ``last_day`` inclusive, who approved it.
    ``confirm_breach``: the home would fall below the staff ratio and the user confirms it."""

    staff_id: StaffId
    first_day: date
    last_day: date
    approved_by: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    reason: Annotated[str, msgspec.Meta(max_length=200)] = ""
    confirm_breach: bool = False


class ReturnIn(msgspec.Struct, kw_only=True):
    """销假: the day the person came back (the leave ends the day before)."""

    returned_on: date


class LeaveOut(msgspec.Struct, kw_only=True):
    id: int
    staff_id: int
    staff_no: str
    name: str
    first_day: date
    last_day: date
    ends_on: date | None  # the last day of leave after an early return (None: came back on the first day)
    reason: str
    approved_by: str
    returned_on: date | None
    cancelled: bool
    cancelled_at: datetime | None
    recorded_at: datetime
    recorded_by: str
    breach: str = ""  # the warning the user confirmed when the leave was recorded


Shift = Literal["day", "night"]


class ShiftIn(msgspec.Struct, kw_only=True):
    """The people on one shift of one day (an empty list: nobody)."""

    day: date
    shift: Shift
    staff_ids: Annotated[list[StaffId], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)


class DutyWeekIn(msgspec.Struct, kw_only=True):
    """A week's roster: the shifts not listed have nobody on them (the save replaces the week)."""

    shifts: Annotated[list[ShiftIn], msgspec.Meta(max_length=14)] = msgspec.field(default_factory=list)


class OnDutyOut(msgspec.Struct, kw_only=True):
    staff_id: int
    staff_no: str
    name: str
    fire_operator_cert: bool


class ShiftOut(msgspec.Struct, kw_only=True):
    day: date
    shift: Shift
    staff: list[OnDutyOut]


class GapOut(msgspec.Struct, kw_only=True):
    """A shift left short: ``empty`` (nobody on the night) or ``operators`` (fewer than two
    certified fire-facility operators, in a home with a fire control room)."""

    day: date
    shift: Shift
    kind: Literal["empty", "operators"]
    on_duty: int
    certified: int
    message: str


class DayLeaveOut(msgspec.Struct, kw_only=True):
    day: date
    staff: list[OnDutyOut]


class DutyWeekOut(msgspec.Struct, kw_only=True):
    home_code: str
    week: date  # the Monday
    has_fire_control_room: bool
    shifts: list[ShiftOut]
    gaps: list[GapOut]
    on_leave: list[DayLeaveOut]
    saved: bool = False
