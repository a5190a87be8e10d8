"""Population estimates: PEP county vintages 2020 and 2023, the V2024 states and the county panel."""

from __future__ import annotations

import polars as pl

from .common import POPEST_ORIGINAL, PUBLIC_DOMAIN, Census, Dataset, july1_columns, long_format

PANEL = "population/county_population_2000_2024_long.csv"
PANEL_ORIGIN = {
    "repo": "Jose-Simon/US-County-Population-Dashboard",
    "path": "county_population_2000_2024_long.csv",
    "commit": "f2fea982cf6d2d2526984af3a8d4dc61cc50d46f",
    "snapshot_head": "b17e23d62bea946fbd31c92a00e8fcab42eb52e2",
}
PANEL_LICENCE = PUBLIC_DOMAIN + "; the third-party panel's README says MIT"


def pep_counties(census: Census, ds: Dataset, rel: str, years: range, extra: dict[str, str]) -> pl.DataFrame:
    """Wide Census co-est file -> long (fips, level, ..., year, reference, population).

    FIPS are rebuilt with zfill because the V2023 copy lost its leading zeros.
    """
    raw = census.csv(rel, encoding="utf8").with_columns(
        pl.col("STATE").str.zfill(2).alias("state_fips"),
        pl.col("COUNTY").str.zfill(3).alias("county"),
        pl.col("SUMLEV").str.zfill(3).alias("sumlev"),
    )
    is_state = pl.col("sumlev") == "040"
    base = raw.select(
        pl.when(is_state)
        .then(pl.col("state_fips"))
        .otherwise(pl.col("state_fips") + pl.col("county"))
        .alias("fips"),
        pl.when(is_state).then(pl.lit("state")).otherwise(pl.lit("county")).alias("level"),
        "state_fips",
        pl.col("CTYNAME").alias("name"),
        pl.col("STNAME").alias("state"),
        *july1_columns("POPESTIMATE", years),
        *[pl.col(src).replace("X", None).cast(pl.Int64).alias(dst) for src, dst in extra.items()],
    )
    value_cols = [c for c in base.columns if ":" in c]
    ds.caveats.append(
        f"{int(base.select(pl.col(value_cols).is_null().sum()).sum_horizontal().item())} "
        "source cells read 'X' (no value: a county that did not exist then) and are dropped."
    )
    return (
        long_format(base, ["fips", "level", "state_fips", "name", "state"])
        .drop_nulls("population")
        .select("fips", "level", "state_fips", "name", "state", "year", "reference", "population")
        .sort("level", "fips", "year", "reference")
    )


def county_sums_match(frame: pl.DataFrame, year: int) -> int:
    """Number of states whose county sum differs from the state row in `year` (July 1)."""
    july = frame.filter((pl.col("year") == year) & (pl.col("reference") == "july1"))
    sums = (
        july.filter(pl.col("level") == "county")
        .group_by("state_fips")
        .agg(pl.col("population").sum().alias("sum"))
    )
    states = july.filter(pl.col("level") == "state").select("state_fips", "population")
    joined = states.join(sums, on="state_fips", how="full", coalesce=True)
    return int(
        joined.filter(pl.col("sum") != pl.col("population")).height
        + joined.filter(pl.col("sum").is_null() | pl.col("population").is_null()).height
    )


def build_pep_v2020(census: Census) -> tuple[Dataset, pl.DataFrame]:
    rel = "population/co-est2020-alldata.csv"
    ds = Dataset(
        "pep_county_v2020",
        "County and state population estimates, Vintage 2020",
        "population",
        "V2020 (July 1, 2010-2020; April 1, 2010 census and estimates base)",
        [
            census.source(
                rel,
                repo="cogsandsquigs/scifair-2021-2022",
                path="data/co-est2020-alldata.csv",
                commit="199e586f7e49780d1e6f09b36c93bea038b5ef25",
                snapshot_head="7dc6506d771e29cc7ba4e2e50cedc73340b79f93",
                blob="594b4a8d9639adca8cfa40519d5456e76bb9fdda",
                original=POPEST_ORIGINAL + "2010-2020/counties/totals/co-est2020-alldata.csv",
            )
        ],
        PUBLIC_DOMAIN + "; the upstream repository's AGPL-3.0 covers its code, not this file",
        "Kept SUMLEV 040/050 rows, POPESTIMATE2010-2020 (reference july1), CENSUS2010POP "
        "(census) and ESTIMATESBASE2010 (base); components of change dropped; long format.",
        [
            "Connecticut has its 8 old counties (09001-09015).",
            "Alaska already shows Chugach (02063) and Copper River (02066).",
        ],
    )
    extra = {"CENSUS2010POP": "census:2010", "ESTIMATESBASE2010": "base:2010"}
    frame = pep_counties(census, ds, rel, range(2010, 2021), extra)
    counties = frame.filter((pl.col("level") == "county") & (pl.col("reference") == "july1"))
    ds.check("county rows", counties["fips"].n_unique(), 3143)
    ds.check("state rows (50 + DC)", frame.filter(pl.col("level") == "state")["fips"].n_unique(), 51)
    ds.check("states whose county sum differs from the state row, 2020", county_sums_match(frame, 2020), 0)
    ds.check_value(
        "Los Angeles CENSUS2010POP", frame, "population", 9818605, fips="06037", reference="census"
    )
    ds.check_value(
        "Los Angeles POPESTIMATE2020",
        frame,
        "population",
        9943046,
        fips="06037",
        reference="july1",
        year=2020,
    )
    ds.check_total(
        "US sum of counties 2020", counties.filter(pl.col("year") == 2020), "population", 329484123
    )
    wide = counties.pivot("year", index="fips", values="population")
    ds.check(
        "counties with POPESTIMATE2020 < POPESTIMATE2010", int((wide["2020"] < wide["2010"]).sum()), 1710
    )
    return ds, frame


def build_pep_v2023(census: Census) -> tuple[Dataset, pl.DataFrame]:
    rel = "population/co-est2023-alldata.csv"
    ds = Dataset(
        "pep_county_v2023",
        "County and state population estimates, Vintage 2023",
        "population",
        "V2023 (July 1, 2020-2023; April 1, 2020 estimates base)",
        [
            census.source(
                rel,
                repo="cshnican/language_and_disease_transmission",
                path="data/co-est2023-alldata.csv",
                commit="98ea8f23f9d804be874cb3e2bada841d9d0e997a",
                snapshot_head="5fe2574d543c98ae796818e3f491de8afd875d44",
                blob="11d77bcd188b76bb5545cac0ead0e59fccbbc93e",
                original=POPEST_ORIGINAL + "2020-2023/counties/totals/co-est2023-alldata.csv",
            )
        ],
        PUBLIC_DOMAIN + "; the upstream repository states no licence",
        "Leading zeros restored (STATE zfill 2, COUNTY zfill 3, SUMLEV zfill 3: a spreadsheet "
        "save had stripped them); kept POPESTIMATE2020-2023 (july1) and ESTIMATESBASE2020 (base); "
        "components dropped; long format.",
        ["Connecticut appears as its 9 planning regions (09110-09190)."],
    )
    frame = pep_counties(census, ds, rel, range(2020, 2024), {"ESTIMATESBASE2020": "base:2020"})
    counties = frame.filter((pl.col("level") == "county") & (pl.col("reference") == "july1"))
    ds.check("county rows", counties["fips"].n_unique(), 3144)
    ds.check("states whose county sum differs from the state row, 2023", county_sums_match(frame, 2023), 0)
    ds.check_value(
        "Los Angeles 2023", frame, "population", 9663345, fips="06037", reference="july1", year=2023
    )
    ds.check_total(
        "US sum of counties 2023", counties.filter(pl.col("year") == 2023), "population", 334914895
    )
    return ds, frame


def build_state_v2024(census: Census) -> tuple[Dataset, pl.DataFrame]:
    rel = "population/NST-EST2024-ALLDATA.csv"
    ds = Dataset(
        "pep_state_v2024",
        "State population estimates, Vintage 2024",
        "population",
        "V2024 (July 1, 2020-2024; April 1, 2020 estimates base)",
        [
            census.source(
                rel,
                repo="mitsuoxv/tidytuesday",
                path="data/NST-EST2024-ALLDATA.csv",
                commit="32bfedd8fed7e37f53a3c62781955b6de0f3ca18",
                snapshot_head="3cc75fc2b6db3d590e1022c066b03900ef265c04",
                blob="abcd9ca42df7b806b3b8a84ca1674c447c293446",
                original=POPEST_ORIGINAL + "2020-2024/state/totals/NST-EST2024-ALLDATA.csv",
            )
        ],
        PUBLIC_DOMAIN,
        "Kept the US row (level nation, fips 00), 50 states + DC (level state) and Puerto Rico "
        "(level territory); regions and divisions dropped; POPESTIMATE2020-2024 and "
        "ESTIMATESBASE2020; long format.",
    )
    raw = census.csv(rel).filter(pl.col("SUMLEV").is_in(["010", "040"]))
    level = (
        pl.when(pl.col("SUMLEV") == "010")
        .then(pl.lit("nation"))
        .when(pl.col("STATE") == "72")
        .then(pl.lit("territory"))
        .otherwise(pl.lit("state"))
    )
    wide = raw.select(
        pl.col("STATE").alias("fips"),
        level.alias("level"),
        pl.col("NAME").alias("name"),
        *july1_columns("POPESTIMATE", range(2020, 2025)),
        pl.col("ESTIMATESBASE2020").cast(pl.Int64).alias("base:2020"),
    )
    frame = (
        long_format(wide, ["fips", "level", "name"])
        .select("fips", "level", "name", "year", "reference", "population")
        .sort("fips", "year", "reference")
    )
    ds.check("state rows (50 + DC)", frame.filter(pl.col("level") == "state")["fips"].n_unique(), 51)
    for what, fips, expected in [
        ("US", "00", 340110988),
        ("California", "06", 39431263),
        ("Texas", "48", 31290831),
    ]:
        ds.check_value(f"{what} 2024", frame, "population", expected, fips=fips, year=2024, reference="july1")
    return ds, frame


def read_panel(
    census: Census, ds_id: str, title: str, vintage: str, transform: str, caveats: list[str]
) -> tuple[Dataset, pl.DataFrame]:
    """The third-party long county panel (2000-2024) and the record of a dataset cut from it."""
    ds = Dataset(
        ds_id,
        title,
        "population",
        vintage,
        [census.source(PANEL, **PANEL_ORIGIN)],
        PANEL_LICENCE,
        transform,
        caveats,
    )
    return ds, census.csv(PANEL, infer_schema=True, schema_overrides={"FIPS": pl.String})


def build_county_v2024(census: Census, states: pl.DataFrame) -> tuple[Dataset, pl.DataFrame]:
    ds, panel = read_panel(
        census,
        "pep_county_v2024",
        "County population estimates, Vintage 2024 (2021-2024 only)",
        "V2024 (July 1, 2021-2024)",
        "Kept years 2021-2024 of the third-party long panel, which equal Census V2024 exactly "
        "(checked per state against NST-EST2024); no July 2020 county value exists in V2024 here.",
        [
            "The original co-est2024-alldata.csv was not found; this panel is the only V2024 county source.",
            "Connecticut appears as its 9 planning regions.",
        ],
    )
    frame = (
        panel.filter(pl.col("Year") >= 2021)
        .select(
            pl.col("FIPS").alias("fips"),
            pl.lit("county").alias("level"),
            pl.col("FIPS").str.slice(0, 2).alias("state_fips"),
            pl.col("County").alias("name"),
            pl.col("State").alias("state"),
            pl.col("Year").cast(pl.Int16).alias("year"),
            pl.lit("july1").alias("reference"),
            pl.col("Population").cast(pl.Int64).alias("population"),
        )
        .sort("fips", "year")
    )
    ds.check("county rows", frame["fips"].n_unique(), 3144)
    sums = frame.group_by("state_fips", "year").agg(pl.col("population").sum().alias("sum"))
    nst = states.filter(
        (pl.col("level") == "state") & (pl.col("reference") == "july1") & (pl.col("year") >= 2021)
    )
    joined = nst.join(sums, left_on=["fips", "year"], right_on=["state_fips", "year"], how="left")
    ds.check(
        "state-years 2021-2024 whose county sum differs from NST-EST2024",
        joined.filter(pl.col("sum") != pl.col("population")).height,
        0,
    )
    ds.check_value("Los Angeles 2024", frame, "population", 9757179, fips="06037", year=2024)
    return ds, frame


def build_census_panel(census: Census) -> tuple[Dataset, pl.DataFrame]:
    ds, panel = read_panel(
        census,
        "county_census_years",
        "County census-year counts 2000, 2010, 2020 (third-party panel)",
        "census-type counts (April 1); 2020 is close to, not equal to, the 2020 Census",
        "Kept only the years 2000, 2010 and 2020 of the long panel: cross-checks and published "
        "comparisons only, never mixed with a PEP vintage.",
        ["Reference dates differ from PEP July 1 estimates; use only for comparisons."],
    )
    frame = (
        panel.filter(pl.col("Year").is_in([2000, 2010, 2020]))
        .select(
            pl.col("FIPS").alias("fips"),
            pl.col("County").alias("name"),
            pl.col("State").alias("state"),
            pl.col("Year").cast(pl.Int16).alias("year"),
            pl.col("Population").cast(pl.Int64).alias("population"),
        )
        .sort("fips", "year")
    )
    ds.check("counties per year", frame.group_by("year").len()["len"].unique().to_list(), [3143])
    for year, expected in [(2000, 281424600), (2020, 331449390)]:
        ds.check_total(f"US {year}", frame.filter(pl.col("year") == year), "population", expected)
    return ds, frame
