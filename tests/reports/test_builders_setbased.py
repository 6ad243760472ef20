"""The data of a county report is gathered set-based: each domain's read is called once for all
the homes of the county (each of those reads is one query per chunk of 900 keys), never once
per home."""

from __future__ import annotations

from backend.deaths import services as deaths
from backend.inspections import services as inspections
from backend.reports import builders
from backend.residents import services as residents
from backend.safety import services as safety
from backend.staffing import services as staffing
from backend.stipends import services as stipends
from tests.reports.builder_world import build_world

READS = [
    (staffing, "inputs_for"),
    (inspections, "on_time_rates"),
    (safety, "hazards_between"),
    (safety, "templates_in_force"),
    (deaths, "deaths_of_homes"),
    (stipends, "latest_run_findings"),
    (residents, "find_by_id_numbers"),
    (residents, "home_stays"),
]


async def test_county_report_reads_each_indicator_once_for_all_homes(world, monkeypatch):
    county = await build_world(world)
    calls: dict[str, list] = {}

    for module, name in READS:
        real = getattr(module, name)

        def wrap(real=real, name=name):
            async def counted(*args, **kwargs):
                calls.setdefault(name, []).append((args, kwargs))
                return await real(*args, **kwargs)

            return counted

        monkeypatch.setattr(module, name, wrap())
    for kind, key in (
        ("county-monthly", county.key),
        ("county-quarterly", f"{county.first.year}-Q{(county.first.month - 1) // 3 + 1}"),
    ):
        calls.clear()
        await builders.build(kind, county.inspector(), key, county.county)
        # home_stays: once inside staffing's inputs_for, once for the findings without a home on their line
        expected = {name: 2 if name == "home_stays" else 1 for _, name in READS}
        assert {name: len(made) for name, made in calls.items()} == expected, kind
        (args, _kwargs) = calls["hazards_between"][0]
        assert sorted(args[0]) == sorted(county.ids.values())  # the three homes in the one call
        assert sorted(calls["on_time_rates"][0][1]["home_ids"]) == sorted(county.ids.values())
