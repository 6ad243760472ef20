"""``tekun staffing ratio --home H --from D1 --to D2 --json`` matches interfaces §5 for a hand-built
home: every day's numbers, the whole JSON document, compared key by key; bad input exits 2."""

from __future__ import annotations

from datetime import timedelta

from backend.core import dates
from tests.cli.helpers import as_json, tekun
from tests.staffing import ratio_helpers as h


async def hand_built_home(world):
    """Four days around today, T-2 … T+1, with these numbers:

    - residents: 10 since T-100, three of them partly dependent from T-50 (county assessment);
      one more admitted on T-1;
    - staff: a manager hired T-200 who left on T-1 (not in post from that day); two carers hired
      T-200, the second on leave on T-1, the first on T+1; a cook hired today; a post of another
      home (never counted);
    - the county's carer ratio: 1 carer per dependent resident from today (none before)."""
    today = dates.today()
    county = await world.county()
    home = await world.home(county)
    other = await world.home(county)
    for index in range(10):
        await h.resident(county, home, today - timedelta(days=100), today - timedelta(days=50) if index < 3 else None)
    await h.resident(county, home, today - timedelta(days=1))
    await h.post(home, today - timedelta(days=200), left_on=today - timedelta(days=1))
    first = await h.post(home, today - timedelta(days=200), post="carer")
    second = await h.post(home, today - timedelta(days=200), post="carer")
    await h.leave(second, today - timedelta(days=1), today - timedelta(days=1))
    await h.leave(first, today + timedelta(days=1), today + timedelta(days=1))
    await h.post(home, today, post="cook", health_cert_expires=today + timedelta(days=300))
    await h.post(other, today - timedelta(days=200))
    await h.carer_ratio(county, 1)
    return home


def day(offset, residents, staff, carers, required_staff, required_carers, compliant, shortfall):
    return {
        "date": (dates.today() + timedelta(days=offset)).isoformat(),
        "residents": residents,
        "dependent_residents": 3,
        "staff": staff,
        "carers": carers,
        "required_staff": required_staff,
        "required_carers": required_carers,
        "compliant": compliant,
        "shortfall": shortfall,
    }


async def test_the_json_matches_interfaces_section_5_for_a_hand_built_home(world):
    home = await hand_built_home(world)
    today = dates.today()
    result = tekun(
        "staffing", "ratio", "--home", home, "--from", (today - timedelta(days=2)).isoformat(),
        "--to", (today + timedelta(days=1)).isoformat(), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert as_json(result) == {
        "home": home,
        "days": [
            day(-2, 10, 3, 2, 1, None, True, 0),  # three in post, no carer ratio yet
            day(-1, 11, 1, 1, 2, None, False, 1),  # the manager left, a carer on leave, one admitted
            day(0, 11, 3, 2, 2, 3, False, 1),  # the cook hired; from today 1 carer per dependent
            day(1, 11, 2, 1, 2, 3, False, 2),  # the first carer on leave: two carers short
        ],
    }
    # the keys in the order of interfaces §5, one JSON document on stdout, the summary on stderr
    assert list(as_json(result)["days"][0]) == [
        "date", "residents", "dependent_residents", "staff", "carers",
        "required_staff", "required_carers", "compliant", "shortfall",
    ]  # fmt: skip
    assert f"home {home}: 4 day(s), 3 below the ratio" in result.stderr


async def test_without_json_the_days_go_to_stderr(world):
    home = await hand_built_home(world)
    today = dates.today().isoformat()
    result = tekun("staffing", "ratio", "--home", home, "--from", today, "--to", today)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert f"{today}: residents 11 (dependent 3), staff 3/2, carers 2/3: BELOW (short 1)" in result.stderr


async def test_bad_input_exits_2(world):
    home = await world.home()
    today = dates.today()
    cases = {
        "unknown home": ("--home", "NO-SUCH-HOME", "--from", today.isoformat(), "--to", today.isoformat()),
        "from after to": ("--home", home, "--from", today.isoformat(), "--to", (today - timedelta(days=1)).isoformat()),
        "too long": ("--home", home, "--from", "2020-01-01", "--to", "2026-01-01"),
        "not a date": ("--home", home, "--from", "2026-13-01", "--to", today.isoformat()),
        "missing --to": ("--home", home, "--from", today.isoformat()),
    }
    for case, arguments in cases.items():
        result = tekun("staffing", "ratio", *arguments, "--json")
        assert result.returncode == 2, (case, result.stderr)
        assert result.stdout == "", case
    assert "--to" in tekun("staffing", "ratio", *cases["from after to"]).stderr
    assert "NO-SUCH-HOME" in tekun("staffing", "ratio", *cases["unknown home"]).stderr
