"""Prime-age (25-54) population: the V2023 county file and the V2023 civilian state file."""

from __future__ import annotations

import polars as pl

from .common import POPEST_ORIGINAL, PUBLIC_DOMAIN, Census, Dataset

INFLUENZA_REPO = "twallema/influenza-USA"
INFLUENZA_HEAD = "45b952efd297d1d25bdc1e10b580789aa87e26fa"


def build_prime_age_county(census: Census, v2023: pl.DataFrame) -> tuple[Dataset, pl.DataFrame]:
    rel = "population/cc-est2023-syasex_prime-age-25-54_county.csv"
    ds = Dataset(
        "prime_age_county_v2023",
        "County population aged 25-54, Vintage 2023 (derived)",
        "population",
        "V2023 (April 1, 2020 base; July 1, 2020-2023)",
        [
            census.source(
                rel,
                repo=INFLUENZA_REPO,
                path="data/raw/demography/counties/cc-est2023-syasex-XX.csv",
                snapshot_head=INFLUENZA_HEAD,
                original=POPEST_ORIGINAL + "2020-2023/counties/asrh/",
            )
        ],
        PUBLIC_DOMAIN,
        "From the derived shared file (sums of TOT_POP over ages 0-85 and of TOT_POP/MALE/FEMALE "
        "over ages 25-54 per county and YEAR code, per SOURCES.md section 6); YEAR 1 -> base 2020, "
        "YEAR 2-5 -> july1 2020-2023. Puerto Rico kept (the loaders drop it by default).",
        [
            "Texas (state 48, 254 counties) is missing: its source file could not be obtained.",
            "Connecticut appears as its 9 planning regions.",
        ],
    )
    year_code = pl.col("YEAR").cast(pl.Int16)
    frame = (
        census.csv(rel)
        .select(
            pl.col("FIPS").alias("fips"),
            pl.col("STATE").alias("state_fips"),
            pl.col("CTYNAME").alias("name"),
            pl.col("STNAME").alias("state"),
            pl.when(year_code == 1).then(pl.lit(2020, pl.Int16)).otherwise(year_code + 2018).alias("year"),
            pl.when(year_code == 1).then(pl.lit("base")).otherwise(pl.lit("july1")).alias("reference"),
            pl.col("TOT_POP").cast(pl.Int64).alias("population"),
            pl.col("AGE2554_TOT").cast(pl.Int64).alias("age_25_54"),
            pl.col("AGE2554_MALE").cast(pl.Int64).alias("age_25_54_male"),
            pl.col("AGE2554_FEM").cast(pl.Int64).alias("age_25_54_female"),
        )
        .sort("fips", "year", "reference")
    )
    ds.check("rows", frame.height, 14840)
    ds.check("counties (incl. 78 PR)", frame["fips"].n_unique(), 2968)
    ds.check("Texas counties", frame.filter(pl.col("state_fips") == "48").height, 0)
    pep = v2023.filter(pl.col("level") == "county").select(
        "fips", "year", "reference", pl.col("population").alias("pep")
    )
    joined = frame.filter(pl.col("state_fips") != "72").join(
        pep, on=["fips", "year", "reference"], how="left"
    )
    ds.check(
        "non-PR county-year totals differing from pep_county_v2023",
        joined.filter(pl.col("pep").is_null() | (pl.col("pep") != pl.col("population"))).height,
        0,
    )
    for year, expected in [(2020, 4320668), (2023, 4138281)]:
        what = f"Los Angeles 25-54 July {year}"
        ds.check_value(what, frame, "age_25_54", expected, fips="06037", year=year, reference="july1")
    july = frame.filter(pl.col("reference") == "july1").pivot("year", index="fips", values="age_25_54")
    ds.check(
        "counties losing 25-54 population July 2020 -> July 2023",
        int((july["2023"] < july["2020"]).sum()),
        1425,
    )
    return ds, frame


def civilian_sums(raw: pl.DataFrame, column: str, reference: str, year: int) -> pl.DataFrame:
    """Per state: civilian total (AGE 0-85), aged 25-54, and the AGE=999 all-ages row of `column`."""
    values = raw.with_columns(pl.col(column).cast(pl.Int64).alias("v"))
    ages = values.filter(pl.col("AGE") != 999)
    part = (
        ages.group_by("STATE", "NAME")
        .agg(
            pl.col("v").sum().alias("civilian_population"),
            pl.col("v").filter(pl.col("AGE").is_between(25, 54)).sum().alias("civilian_age_25_54"),
        )
        .join(
            values.filter(pl.col("AGE") == 999).select("STATE", pl.col("v").alias("all_ages")),
            on="STATE",
        )
    )
    return part.with_columns(pl.lit(year, pl.Int16).alias("year"), pl.lit(reference).alias("reference"))


def build_prime_age_state(census: Census) -> tuple[Dataset, pl.DataFrame]:
    rel = "population/sc-est2023-agesex-civ.csv"
    ds = Dataset(
        "prime_age_state_civilian_v2023",
        "State civilian population, total and aged 25-54, Vintage 2023",
        "population",
        "V2023 (April 1, 2020 base; July 1, 2020-2023)",
        [
            census.source(
                rel,
                repo=INFLUENZA_REPO,
                path="data/raw/demography/states/sc-est2023-agesex-civ.csv",
                commit="22fa5166d06651b6a13ba3942f3b466b14fb41fb",
                snapshot_head=INFLUENZA_HEAD,
                original=POPEST_ORIGINAL + "2020-2023/state/asrh/sc-est2023-agesex-civ.csv",
            )
        ],
        PUBLIC_DOMAIN + "; the upstream repository's CC BY-NC-SA 4.0 covers its own work, not Census numbers",
        "SEX=0 (both sexes) rows; civilian total = sum over AGE 0-85 (the AGE=999 all-ages row is "
        "dropped before summing and used as a check); age_25_54 = sum over AGE 25-54; long format.",
        ["Civilian population only; state level only: it cannot decide a county test."],
    )
    raw = census.csv(rel).filter(pl.col("SEX") == "0").with_columns(pl.col("AGE").cast(pl.Int16))
    cols = {
        "ESTBASE2020_CIV": ("base", 2020),
        **{f"POPEST{y}_CIV": ("july1", y) for y in range(2020, 2024)},
    }
    both = pl.concat([civilian_sums(raw, col, ref, year) for col, (ref, year) in cols.items()])
    ds.check(
        "state-dates whose age sum differs from the AGE=999 row",
        both.filter(pl.col("civilian_population") != pl.col("all_ages")).height,
        0,
    )
    frame = both.select(
        pl.col("STATE").str.zfill(2).alias("fips"),
        pl.col("NAME").alias("name"),
        "year",
        "reference",
        "civilian_population",
        "civilian_age_25_54",
    ).sort("fips", "year", "reference")
    ds.check_value(
        "US civilian 2023 (ages 0-85)",
        frame,
        "civilian_population",
        333849724,
        fips="00",
        year=2023,
        reference="july1",
    )
    for year, expected in [(2020, 11799344), (2023, 12379255)]:
        what = f"Texas civilian 25-54, July {year}"
        ds.check_value(what, frame, "civilian_age_25_54", expected, fips="48", year=year, reference="july1")
    return ds, frame
