"""The demo's staff (issue 11 point 8), written through the staffing tables for ``backend.demo``,
which must not touch them: the posts of each demo home with their certificates, training, leave
and duty roster, as the demo plans them (``DemoHome``). One transaction, and one audit record
per home (``staffing.demo_loaded``). A home that has any staff already gets nothing: loading the
demo twice creates nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backend.core import dates
from backend.core.db import transaction
from backend.core.errors import NotFound
from backend.core.ledger import Change, append_audit
from backend.core.security import Scope
from backend.registry import services as registry
from backend.staffing.tables import (
    CARER_CERTS,
    EMPLOYMENTS,
    POSTS,
    SHIFTS,
    TOPICS,
    RosterShift,
    StaffLeave,
    StaffMember,
    TrainingRecord,
)


@dataclass(frozen=True)
class DemoPost:
    """One post of a demo home, with its training ``(topic, trained_on, hours, provider)`` and
    leave ``(first_day, last_day, reason, approved_by)``."""

    staff_no: str
    name: str
    post: str
    hired_on: date
    employment: str = ""
    left_on: date | None = None
    left_reason: str = ""
    health_cert_expires: date | None = None
    fire_operator_cert: bool = False
    carer_cert: str = ""
    id_number: str = ""
    training: tuple[tuple[str, date, float, str], ...] = ()
    leave: tuple[tuple[date, date, str, str], ...] = ()


@dataclass
class DemoHome:
    """The staff of one demo home and its roster, as ``(day, shift, staff_no)``."""

    home_code: str
    posts: list[DemoPost] = field(default_factory=list)
    roster: list[tuple[date, str, str]] = field(default_factory=list)


def _check(home: DemoHome) -> None:
    """A plan the tables would not take is a bug of the demo: said before anything is written."""
    numbers = {post.staff_no for post in home.posts}
    if len(numbers) != len(home.posts):
        raise ValueError(f"{home.home_code}: a staff number twice")
    for post in home.posts:
        if post.post not in POSTS or post.employment not in EMPLOYMENTS or post.carer_cert not in CARER_CERTS:
            raise ValueError(f"{home.home_code} {post.staff_no}: unknown post, employment or level")
        if post.post == "cook" and post.health_cert_expires is None:
            raise ValueError(f"{home.home_code} {post.staff_no}: a cook without a health certificate")
        if any(topic not in TOPICS for topic, *_rest in post.training):
            raise ValueError(f"{home.home_code} {post.staff_no}: unknown training topic")
        if any(last < first for first, last, *_rest in post.leave):
            raise ValueError(f"{home.home_code} {post.staff_no}: a leave ending before it starts")
    if any(shift not in SHIFTS or number not in numbers for _day, shift, number in home.roster):
        raise ValueError(f"{home.home_code}: a roster row of an unknown shift or person")


async def seed_demo_staff(scope: Scope, plan: list[DemoHome]) -> dict[str, int]:
    """Write the planned staff of each home that has none yet; home code → posts written."""
    for home in plan:
        _check(home)
    written: dict[str, int] = {}
    now = dates.now_utc()
    async with transaction():
        for home in plan:
            try:
                await registry.get_home(scope, home.home_code)  # in the scope, or NotFound
            except NotFound:
                continue
            home_id = (await registry.homes_by_code([home.home_code]))[home.home_code]["id"]
            if await StaffMember.exists().where(StaffMember.home == home_id):
                continue
            ids: dict[str, int] = {}
            training = leave = 0
            for post in home.posts:
                row = StaffMember(
                    home=home_id,
                    staff_no=post.staff_no,
                    name=post.name,
                    post=post.post,
                    employment=post.employment,
                    hired_on=post.hired_on,
                    left_on=post.left_on,
                    left_reason=post.left_reason,
                    health_cert_expires=post.health_cert_expires,
                    fire_operator_cert=post.fire_operator_cert,
                    carer_cert=post.carer_cert,
                    id_number=post.id_number,
                    created_at=now,
                    updated_at=now,
                )
                await row.save()
                ids[post.staff_no] = row.id
                for topic, trained_on, hours, provider in post.training:
                    await TrainingRecord(
                        staff=row.id,
                        topic=topic,
                        trained_on=trained_on,
                        hours_tenths=round(hours * 10),
                        provider=provider,
                        created_at=now,
                        created_by=scope.username,
                    ).save()
                    training += 1
                for first_day, last_day, reason, approved_by in post.leave:
                    await StaffLeave(
                        staff=row.id,
                        first_day=first_day,
                        last_day=last_day,
                        reason=reason,
                        approved_by=approved_by,
                        recorded_at=now,
                        recorded_by=scope.username,
                    ).save()
                    leave += 1
            if home.roster:
                await RosterShift.insert(
                    *(
                        RosterShift(
                            home=home_id, day=day, shift=shift, staff=ids[number], recorded_at=now, recorded_by=scope.username
                        )
                        for day, shift, number in home.roster
                    )
                )
            written[home.home_code] = len(home.posts)
            after = {"staff": len(home.posts), "training": training, "leave": leave, "shifts": len(home.roster)}
            await append_audit(
                scope.user_id, scope.username, [Change("staffing.demo_loaded", "home", home.home_code, None, after)]
            )
    return written
