"""Every chart builder gives a valid Vega-Lite spec whose named data the page carries inline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from altair.vegalite.v6.schema.core import Root

from statevisa.web import charts

ATLAS = "/atlas/us-albers.json"
COUNTY = {"fips": "06037", "name": "Los Angeles County", "state": "California", "status": "eligible",
          "eligible": True, "participating": True, "cap": 13972, "growth": 0.0124}  # fmt: skip
STATE = {"fips": "06", "name": "California", "population": 39_431_263, "hamilton": 33404, "webster": 33404,
         "adams": 33402, "spread": 2}  # fmt: skip
ROUND = {"id": 1, "kind": "ranked", "jurisdiction": "06", "program_id": "pilot", "entries": 9, "invited": 3,
         "cutoff": 41.5, "created_at": dt.datetime(2026, 1, 5, 9), "drawn_at": None}  # fmt: skip


def _names(spec: Any) -> set[str]:
    """Every named data source a spec refers to, however deeply."""
    if isinstance(spec, dict):
        own = {spec["name"]} if set(spec) == {"name"} else set()
        return own.union(*(_names(value) for value in spec.values()))
    if isinstance(spec, list):
        return set().union(*(_names(value) for value in spec))
    return set()


BUILT = {
    "timeline": lambda: charts.parameter_timeline(
        [
            {
                "parameter": "cap",
                "start": dt.date(2017, 5, 4),
                "end": None,
                "value": "5000",
                "status": "reported",
                "cite": "S1",
            }
        ],
        dt.date(2026, 3, 2),
    ),
    "county map": lambda: charts.county_map([COUNTY], "participation", ATLAS),
    "method grid": lambda: charts.method_grid([STATE], ["hamilton", "webster", "adams"], "hamilton"),
    "method bars": lambda: charts.method_differences([STATE], ["hamilton", "webster", "adams"], "hamilton"),
    "state map": lambda: charts.state_map([STATE], "spread", "spread", ATLAS, ["hamilton", "adams"]),
    "cut-offs": lambda: charts.cutoffs([ROUND]),
    "invitations": lambda: charts.invitations([ROUND]),
}


@pytest.mark.parametrize("name", BUILT)
def test_each_spec_is_valid_vega_lite_with_its_data_inline(name: str) -> None:
    spec = BUILT[name]()
    Root.from_dict(spec, validate=True)
    assert _names(spec) <= set(spec["datasets"])
    assert spec["description"]


def test_the_county_map_joins_decisions_to_the_atlas_shapes_by_fips() -> None:
    spec = charts.county_map([COUNTY], "eligibility", ATLAS)
    counties = spec["layer"][0]
    assert counties["data"] == {"url": ATLAS, "format": {"type": "topojson", "feature": "counties"}}
    assert counties["transform"][0]["lookup"] == "id"
    assert spec["datasets"]["counties"] == [
        {"fips": "06037", "name": "Los Angeles County, California", "category": "eligible", "cap": 13972,
         "growth": 1.24}
    ]  # fmt: skip
    assert charts.palette("participation")["participating"] == "#D55E00"
