"""A home's monthly claim: generated from the register with the reconciliation's own entitlement,
submitted by the director, checked by reconciliation and approved by finance, frozen, corrected
by a new version; scope and bad input."""

from datetime import date

import pytest

from backend.core.errors import Forbidden, Invalid, NotFound
from backend.core.i18n import _
from backend.registry import services as registry
from backend.stipends import claims, services
from backend.stipends.tables import Claim, ClaimLine, StipendLine
from tests.stipends.helpers import FULL_LOSS, SYSTEM, assess, import_standard, person, place

JUNE = date(2026, 6, 1)


async def county_with_homes(world):
    county = await world.county()
    home_a = await world.home(county=county, beds=100, name="甲院")
    home_b = await world.home(county=county, beds=100, name="乙院")
    await import_standard(county)
    partial = await person(county, home_a, name="张三")  # concentrated, partial: 600 + 300
    unassessed = await person(county, home_a, name="李四", assessed=None)  # concentrated, no care: 600
    await person(county, home_b, name="王五")  # the other home
    await person(county, None, name="赵六")  # dispersed
    await person(
        county, home_a, name="钱七", approved_on=date(2026, 6, 5), admitted_on=date(2026, 6, 6), assessed=None
    )  # from July
    newcomer = await person(county, None, name="孙八")
    await place(newcomer["id"], "admit", JUNE, home_a)  # admitted on the 1st: concentrated from July
    director = await world.user("director", home=home_a)
    finance = await world.user("finance", county=county)
    return {
        "county": county,
        "home_a": home_a,
        "home_b": home_b,
        "partial": partial,
        "unassessed": unassessed,
        "director": director.scope,
        "finance": finance.scope,
        "newcomer": newcomer,
    }


def amounts(claim) -> list[tuple[str, str, str, str, str]]:
    return [(line.name, line.support_mode, line.tier, line.basic_amount, line.care_amount) for line in claim.items]


async def test_generate_gives_the_entitled_residents_with_the_standard_amounts(world):
    w = await county_with_homes(world)
    claim = await claims.generate_claim(w["director"], w["home_a"], date(2026, 6, 17))
    expected = sorted(
        [
            (w["partial"]["id_number"], ("张三", "concentrated", "partial", "600.00", "300.00")),
            (w["unassessed"]["id_number"], ("李四", "concentrated", "unassessed", "600.00", "0.00")),
        ]
    )
    assert amounts(claim) == [values for _id, values in expected]
    assert [line.id_number for line in claim.items] == [id_number for id_number, _ in expected]
    assert (claim.month, claim.version, claim.state, claim.total, claim.lines) == ("2026-06", 1, "draft", "1500.00", 2)
    assert [line.payment_ref for line in claim.items] == [f"{w['home_a']}-202606-v1-0001", f"{w['home_a']}-202606-v1-0002"]
    # July: the person approved in June and the one admitted on 1 June are in too.
    july = await claims.generate_claim(w["director"], w["home_a"], date(2026, 7, 1))
    assert sorted(line.name for line in july.items) == sorted(["孙八", "李四", "张三", "钱七"])
    # Generating June again while a draft replaces its lines, same claim and version.
    await assess(w["unassessed"]["id"], date(2026, 5, 3), FULL_LOSS)
    again = await claims.generate_claim(w["director"], w["home_a"], JUNE)
    assert (again.id, again.version) == (claim.id, 1)
    assert ("李四", "concentrated", "full_loss", "600.00", "500.00") in amounts(again)
    assert await ClaimLine.count().where(ClaimLine.claim == claim.id) == 2
    # Nothing goes to the claim lines the reconciliation reads before submission.
    assert await StipendLine.count().where((StipendLine.source == "claims") & (StipendLine.county.code == w["county"])) == 0


async def test_submit_reconcile_approve_freezes_and_a_correction_is_version_2(world):
    w = await county_with_homes(world)
    draft = await claims.generate_claim(w["director"], w["home_a"], JUNE)
    with pytest.raises(Forbidden):
        await claims.submit_claim(w["finance"], draft.id)
    submitted = await claims.submit_claim(w["director"], draft.id)
    assert submitted.state == "submitted"
    lines = await StipendLine.select().where((StipendLine.source == "claims") & (StipendLine.county.code == w["county"]))
    assert sorted((line["payment_ref"], line["basic_amount"] + line["care_amount"], line["imported_by"]) for line in lines) == [
        (item.payment_ref, int(float(item.total) * 100), w["director"].username) for item in submitted.items
    ]
    with pytest.raises(Invalid) as error:
        await claims.submit_claim(w["director"], draft.id)
    assert "claim" in error.value.errors

    # Finance: not before a reconciliation; a director never approves.
    with pytest.raises(Invalid) as error:
        await claims.approve_claim(w["finance"], draft.id)
    assert error.value.errors["claim"] == _("Check the claim with the reconciliation first.")
    with pytest.raises(Forbidden):
        await claims.approve_claim(w["director"], draft.id)
    report = await claims.reconcile_claim(w["finance"], draft.id)
    refs = {item.payment_ref for item in submitted.items}
    assert [f for f in report.findings if f.payment_ref in refs] == []  # the claim matches the register
    assert sorted(f.name for f in report.findings if f.code == "MISSING_PAYMENT") == ["孙八", "王五", "赵六"]
    assert await claims.claim_findings(w["finance"], await claims.get_claim(w["finance"], draft.id)) == []

    # Stale check: a register change after the check (a person registered through the residents
    # services, entitled in June and not claimed) refuses the approval until checked again.
    await person(w["county"], None, name="周九")
    with pytest.raises(Invalid) as error:
        await claims.approve_claim(w["finance"], draft.id)
    assert error.value.errors["claim"] == _(
        "The month's claims or the register changed after the check: reconcile again before approving."
    )
    report = await claims.reconcile_claim(w["finance"], draft.id)
    assert "周九" in {f.name for f in report.findings if f.code == "MISSING_PAYMENT"}
    approved = await claims.approve_claim(w["finance"], draft.id)
    assert approved.state == "approved" and approved.approved_by == w["finance"].username and approved.run_id == report.run_id

    # Frozen: register edits afterwards do not change it.
    await assess(w["partial"]["id"], date(2026, 5, 2), FULL_LOSS)
    assert amounts(await claims.get_claim(w["finance"], draft.id)) == amounts(approved)
    with pytest.raises(Invalid):
        await claims.approve_claim(w["finance"], draft.id)

    # A correction: version 2, from the register as it is now; submitting it supersedes version 1.
    correction = await claims.generate_claim(w["director"], w["home_a"], JUNE)
    assert (correction.version, correction.state) == (2, "draft") and correction.id != draft.id
    assert ("张三", "concentrated", "full_loss", "600.00", "500.00") in amounts(correction)
    assert (await claims.get_claim(w["director"], draft.id)).state == "approved"  # until version 2 is submitted
    await claims.submit_claim(w["director"], correction.id)
    assert (await claims.get_claim(w["director"], draft.id)).state == "superseded"
    current = await StipendLine.select(StipendLine.payment_ref).where(
        (StipendLine.source == "claims") & (StipendLine.county.code == w["county"])
    )
    assert sorted(row["payment_ref"] for row in current) == [item.payment_ref for item in correction.items]
    assert all("-v2-" in row["payment_ref"] for row in current)
    listed = await claims.list_claims(w["director"], home_code=w["home_a"])
    assert [(c.version, c.state, c.lines, c.total) for c in listed] == [
        (2, "submitted", 2, "1700.00"),
        (1, "superseded", 2, "1500.00"),
    ]
    # The approved version-1 claim keeps its lines.
    assert amounts(await claims.get_claim(w["finance"], draft.id)) == amounts(approved)


async def test_claims_stay_in_scope(world):
    w = await county_with_homes(world)
    claim = await claims.generate_claim(w["director"], w["home_a"], JUNE)
    director_b = (await world.user("director", home=w["home_b"])).scope
    with pytest.raises(NotFound):
        await claims.get_claim(director_b, claim.id)
    with pytest.raises(NotFound):
        await claims.submit_claim(director_b, claim.id)
    with pytest.raises(NotFound):
        await claims.generate_claim(director_b, w["home_a"], JUNE)
    assert await claims.list_claims(director_b) == []
    other_finance = (await world.user("finance", county=await world.county())).scope
    with pytest.raises(NotFound):
        await claims.get_claim(other_finance, claim.id)
    with pytest.raises(NotFound):
        await claims.approve_claim(other_finance, claim.id)
    assert await claims.list_claims(other_finance) == []
    inspector = (await world.user("inspector", county=w["county"])).scope
    assert [c.id for c in await claims.list_claims(inspector)] == [claim.id]
    with pytest.raises(Forbidden):
        await claims.generate_claim(inspector, w["home_a"], JUNE)
    await claims.submit_claim(w["director"], claim.id)
    with pytest.raises(Forbidden):
        await claims.reconcile_claim(inspector, claim.id)


async def test_bad_input_is_refused_and_nothing_is_written(world):
    w = await county_with_homes(world)
    empty_county = await world.county()
    empty_home = await world.home(county=empty_county)
    before = await Claim.count()
    bad_month = _("Not a valid month (write 2026-11).")
    nobody = _("No resident of this home is entitled to a stipend for {month}.").format(month="2025-01")
    out_of_range = _("Choose a month from 2000 to 2099.")
    for month, words in (
        ("2026-13", bad_month),
        ("六月", bad_month),
        ("", bad_month),
        ("2025-01", nobody),
        ("0001-01", out_of_range),
        ("9999-12", out_of_range),
    ):
        with pytest.raises(Invalid) as error:
            await claims.generate_claim_text(w["director"], w["home_a"], month)
        assert words in error.value.errors["month"], month
    with pytest.raises(Invalid) as error:
        await claims.generate_claim(SYSTEM, empty_home, JUNE)
    assert error.value.errors["month"] == _(
        "{name} ({code}) has no stipend standard in force for {month}: import the standards first."
    ).format(name=(await registry.find_county(SYSTEM, empty_county))["name"], code=empty_county, month="2026-06")
    assert await Claim.count() == before
    # Reconciling a draft is refused (submit it first).
    draft = await claims.generate_claim(w["director"], w["home_a"], JUNE)
    with pytest.raises(Invalid):
        await claims.reconcile_claim(w["finance"], draft.id)
    assert (await claims.get_claim(w["finance"], draft.id)).run_id == ""
    assert await services.list_runs(w["finance"], w["county"]) == []
