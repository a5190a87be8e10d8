"""FIPS codes: the Census 2020 state and county code reference files."""

from __future__ import annotations

import polars as pl

from .common import PUBLIC_DOMAIN, Census, Dataset

CODES_ORIGIN = {
    "repo": "twallema/influenza-USA",
    "commit": "1a0a740eeb410c2b76da5198b513a89b9ce7cf25",
    "snapshot_head": "45b952efd297d1d25bdc1e10b580789aa87e26fa",
}


def read_codes(
    census: Census, ds_id: str, title: str, name: str, transform: str, caveats: list[str]
) -> tuple[Dataset, pl.DataFrame]:
    """One pipe-separated code file `codes/<name>` (all text) and its dataset record."""
    rel = f"codes/{name}"
    ds = Dataset(
        ds_id,
        title,
        "codes",
        "2020",
        [
            census.source(
                rel,
                path=f"data/raw/fips_codes/{name}",
                original="Census 2020 FIPS code reference files",
                **CODES_ORIGIN,
            )
        ],
        PUBLIC_DOMAIN,
        transform,
        caveats,
    )
    return ds, census.csv(rel, separator="|")


def build_codes(census: Census) -> list[tuple[Dataset, pl.DataFrame]]:
    st, raw = read_codes(
        census,
        "fips_states_2020",
        "State FIPS codes, USPS codes and names (2020)",
        "national_state2020.txt",
        "Renamed columns; codes kept as zero-padded text.",
        [],
    )
    states = raw.select(
        pl.col("STATEFP").alias("fips"),
        pl.col("STATE").alias("usps"),
        pl.col("STATE_NAME").alias("name"),
        pl.col("STATENS").alias("gnis"),
    )
    st.check("rows (50 states, DC, AS, GU, MP, PR, UM, VI)", states.height, 57)
    co, raw = read_codes(
        census,
        "fips_counties_2020",
        "County FIPS codes and names (2020 geography)",
        "national_county2020.txt",
        "fips = STATEFP + COUNTYFP; renamed columns.",
        ["2020 geography: Connecticut's 8 old counties; Alaska includes 02063 and 02066."],
    )
    counties = raw.select(
        (pl.col("STATEFP") + pl.col("COUNTYFP")).alias("fips"),
        pl.col("STATEFP").alias("state_fips"),
        pl.col("STATE").alias("usps"),
        pl.col("COUNTYNAME").alias("name"),
        pl.col("CLASSFP").alias("classfp"),
        pl.col("FUNCSTAT").alias("funcstat"),
    )
    co.check("rows", counties.height, 3235)
    co.check("state codes", counties["state_fips"].n_unique(), 57)
    return [(st, states), (co, counties)]
