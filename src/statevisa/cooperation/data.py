"""The enforcement data vendored with the cooperation package, read once per process.

`scripts/vendor_enforcement.py` writes each table as Parquet with a ``.provenance.json``
beside it (origin, licence, transformation, the published counts re-checked at build time);
nothing here reads outside the package, so a fresh clone needs no other copy.
"""

from __future__ import annotations

import io
import json
from functools import cache
from importlib.resources import files

import polars as pl

PARTICIPATING = "ice_287g_participating"
PENDING = "ice_287g_pending"
ARRESTS = "ice_arrests_by_state"
COUNTY_AGENCIES = "fbi_lee_county_agencies"


@cache
def table(name: str) -> pl.DataFrame:
    """One vendored table (immutable, so the cached frame is shared safely)."""
    payload = files("statevisa.cooperation").joinpath("data", f"{name}.parquet").read_bytes()
    return pl.read_parquet(io.BytesIO(payload))


@cache
def provenance(name: str) -> dict[str, object]:
    """The provenance record of one vendored table."""
    text = files("statevisa.cooperation").joinpath("data", f"{name}.provenance.json").read_text("utf-8")
    record: dict[str, object] = json.loads(text)
    return record
