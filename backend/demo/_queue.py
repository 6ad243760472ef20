"""The demo's admission queue: in 永登县, a few dispersed persons of different tiers who applied
for a place in a home over the last months (by themselves, through the township, or by the
county), one of them offered a place in 苦水镇敬老院; the one not yet assessed is a person
confirmed (认定) a fortnight before the anchor, registered here, whose entitlement starts after
the months the demo pays. Nobody is admitted from it, so the stipend
findings the demo plants stay as they are. Loaded once: a county whose queue has any
application (open or closed) gets none again."""

from __future__ import annotations

from datetime import date, timedelta

from backend.core.errors import NotFound
from backend.core.security import Scope
from backend.demo._people import People
from backend.residents import services as residents
from backend.residents.queue_schemas import ApplicationIn, OfferIn
from backend.residents.schemas import ResidentIn

QUEUE_COUNTY = "620121"
OFFER_HOME = "YD-03"
# (tier, days before the anchor it was applied for, who applied, preferred home, note)
APPLICATIONS = [
    ("full_loss", 75, "township", "YD-01", "独居，卧床，邻居代为照料，村委会报乡镇申请入住"),
    ("partial", 60, "self", "YD-03", "本人申请，希望入住离家近的苦水镇敬老院"),
    ("partial", 41, "township", None, "行走需要搀扶，乡镇走访后代为申请"),
    ("self_care", 90, "self", "YD-02", "本人申请，年事已高，不愿独居"),
    ("unassessed", 12, "county", None, "县民政局走访发现，需先行能力评估"),
    ("full_loss", 20, "township", None, "术后失能，家中无人照料"),
]


async def _dispersed_by_tier(scope: Scope) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    page = await residents.search_register(
        scope, residents.RegisterFilter(county_code=QUEUE_COUNTY, status="dispersed", mode="dispersed"), per_page=500
    )
    for person in sorted(page.items, key=lambda item: item.id):
        if person.died_on is None and person.ended_on is None and person.home_code is None:
            found.setdefault(person.tier, []).append(person.id)
    return found


async def _newly_confirmed(scope: Scope, anchor: date) -> int:
    """A person confirmed two weeks ago, not assessed yet (the county's assessment is due)."""
    people = People(20261010)
    while True:
        born = people.birth_date(anchor)
        number = people.id_number(QUEUE_COUNTY, born, "F")
        try:
            await residents.find_by_id_number(scope, number)
        except NotFound:
            break
    out = await residents.register_resident(
        scope,
        ResidentIn(id_number=number, name=people.name("F"), county_code=QUEUE_COUNTY, approved_on=anchor - timedelta(days=14)),
    )
    return out.id


async def load_queue(scope: Scope, anchor: date) -> None:
    if await residents.admission_queue(scope, QUEUE_COUNTY) or await residents.closed_applications(scope, QUEUE_COUNTY, 1):
        return
    pool = await _dispersed_by_tier(scope)
    pool.setdefault("unassessed", []).append(await _newly_confirmed(scope, anchor))
    made = []
    for tier, days, applicant, home, note in APPLICATIONS:
        candidates = pool.get(tier) or []
        if not candidates:
            continue
        application = await residents.record_application(
            scope,
            ApplicationIn(
                resident_id=candidates.pop(0),
                applicant=applicant,
                applied_on=anchor - timedelta(days=days),
                preferred_home_code=home,
                note=note,
            ),
        )
        made.append(application)
    offered = next((item for item in made if item.preferred_home_code == OFFER_HOME), None)
    if offered is not None:
        await residents.offer_place(scope, offered.id, OfferIn(home_code=OFFER_HOME, offered_on=anchor - timedelta(days=6)))
