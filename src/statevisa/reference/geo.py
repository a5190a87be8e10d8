"""us-atlas TopoJSON (Census 2023 cartographic boundaries) for county and state maps.

The 2023 atlas's county ids match every county of the V2023 and V2024 population data
(checked at build). `counties_albers` is pre-projected with d3.geoAlbersUsa for a 975x610
viewport (draw it with an identity projection); it omits the territories.
"""

from __future__ import annotations

import json
from typing import Literal

from statevisa.errors import StatevisaError, problem
from statevisa.reference.catalog import text

Atlas = Literal["counties", "counties_albers", "states"]

_IDS: dict[str, str] = {
    "counties": "us_atlas_2023_counties",
    "counties_albers": "us_atlas_2023_counties_albers",
    "states": "us_atlas_2023_states",
}


def topojson_text(atlas: Atlas = "counties") -> str:
    """The TopoJSON document as text, for inlining into a chart spec without re-serialising."""
    return text(_IDS[atlas])


def topojson(atlas: Atlas = "counties") -> dict[str, object]:
    """The TopoJSON document parsed (objects `counties`, `states`, `nation`)."""
    parsed = json.loads(topojson_text(atlas))
    if not isinstance(parsed, dict):
        raise StatevisaError(
            problem("bad-vendored-data", f"vendored atlas '{atlas}' is not a TopoJSON object")
        )
    return {str(key): value for key, value in parsed.items()}


def county_ids(atlas: Atlas = "counties") -> set[str]:
    """The 5-digit FIPS ids of the atlas's county geometries."""
    objects = topojson(atlas)["objects"]
    if not isinstance(objects, dict):
        raise StatevisaError(problem("bad-vendored-data", f"vendored atlas '{atlas}' has no objects"))
    counties = objects.get("counties", {})
    geometries = counties.get("geometries", []) if isinstance(counties, dict) else []
    return {str(g["id"]) for g in geometries if isinstance(g, dict) and "id" in g}
