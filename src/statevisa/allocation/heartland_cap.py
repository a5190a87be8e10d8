"""Heartland opt-in and cap: split the national cap among participating eligible counties.

docs/programs/heartland.md#opt-in-and-cap (default encoding, not bill text): only a county the
`heartland` program finds eligible may opt in; the cap of the fiscal year is apportioned among
participants by `apportionment_method` over `apportionment_weight`; the results are whole
numbers >= 0 that sum exactly to the cap; non-participants get 0; with `periods_per_year` P each
county's number is split into P equal-weight periods, leftovers to the earlier periods (10 over
4 quarters = 3, 3, 2, 2: the `equal` method of `apportion`, in closed form so it vectorises).
Row order is FIPS order, so the tie-break "larger weight, then lower FIPS" is `apportion`'s
"larger weight, then earlier row".
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from statevisa.allocation.apportion import METHODS, Method, apportion
from statevisa.allocation.heartland import Eligibility, HeartlandParameters, refusal_reason
from statevisa.errors import Problem, table_problem

NO_CEILING = "none"
WEIGHT_COLUMNS = {"population": "population", "prime_age": "prime_age_end"}


def participant_problems(
    result: Eligibility, fips: Sequence[str], file: object, weight: str = "population"
) -> list[Problem]:
    """Every participant (a row of `file`) that cannot opt in; empty when all can.

    A repeated code, a code outside the opt-in universe, an ineligible county (its failed test
    named, `refusal_reason`) and a county without the weight the cap is shared by are refused,
    all at once, each naming its row.
    """
    weight_col = WEIGHT_COLUMNS[weight]
    asked = pl.DataFrame({"fips": list(fips)}, schema={"fips": pl.String}).with_row_index("row")
    joined = asked.join(
        result.frame.with_columns(
            refusal_reason(result.threshold).alias("reason"), pl.col(weight_col).alias("__weight__")
        ),
        on="fips",
        how="left",
    ).sort("row")
    first = pl.col("row").min().over("fips")
    hint = pl.when(pl.col("fips").str.starts_with("09")).then(
        pl.lit(" (Connecticut takes part as its planning regions 09110-09190)")
    )
    code = (
        pl.when(pl.col("row") != first)
        .then(pl.lit("duplicate-id"))
        .when(pl.col("name").is_null())
        .then(pl.lit("unknown-county"))
        .when(pl.col("eligible").not_())
        .then(pl.lit("not-eligible"))
        .when(pl.col("__weight__").is_null())
        .then(pl.lit("no-weight"))
    )
    message = (
        pl.when(pl.col("row") != first)
        .then(pl.format("county {} is listed twice (first at row {})", "fips", first + 2))
        .when(pl.col("name").is_null())
        .then(
            pl.concat_str(
                pl.format("'{}' is not a county FIPS of the opt-in universe", "fips"),
                hint,
                ignore_nulls=True,
            )
        )
        .when(pl.col("eligible").not_())
        .then(pl.format("{} {}, {} is not eligible: {}", "fips", "name", "state", "reason"))
        .when(pl.col("__weight__").is_null())
        .then(pl.format(f"{{}} {{}}, {{}} has no {weight} weight (no data for it)", "fips", "name", "state"))
    )
    bad = joined.select("row", "fips", code.alias("code"), message.alias("message")).drop_nulls("code")
    return [
        table_problem(row["code"], row["message"], file, row["row"], row["fips"], "fips")
        for row in bad.iter_rows(named=True)
    ]


def allocate(result: Eligibility, participants: Sequence[str], params: HeartlandParameters) -> pl.DataFrame:
    """Share `params.cap_national` among `participants` (all already checked by `participant_problems`).

    Columns: fips, name, state, eligible, participating, weight, allocation, then
    period_1..period_P when P > 1, then method and basis. With method `none` there are no
    county ceilings: allocation is empty and the whole cap is one national pool. A violated
    precondition (unknown method, no participant, a missing weight) is a bug: ValueError.
    """
    method = params.apportionment_method
    if method != NO_CEILING and method not in METHODS:
        raise ValueError(f"unknown method {method!r} (choose: {', '.join((*METHODS, NO_CEILING))})")
    weight_col = WEIGHT_COLUMNS[params.apportionment_weight]
    frame = result.frame.with_columns(
        pl.col("fips").is_in(list(participants)).alias("participating"),
        pl.col(weight_col).alias("weight"),
    )
    chosen = frame.filter(pl.col("participating"))
    if chosen.height == 0:
        raise ValueError("no participating county: nothing to allocate")
    if chosen["weight"].null_count():
        missing = chosen.filter(pl.col("weight").is_null())["fips"].to_list()
        raise ValueError(f"no {weight_col} weight for {', '.join(missing)}")
    if method == NO_CEILING:
        shares = pl.Series("allocation", [None] * frame.height, dtype=pl.Int64)
        frame = frame.with_columns(shares)
    else:
        weights = chosen["weight"].cast(pl.Float64).to_numpy()
        typed: Method = next(m for m in METHODS if m == method)
        seats = apportion(weights, params.cap_national, typed, params.min_per_county)
        given = pl.DataFrame({"fips": chosen["fips"], "allocation": seats})
        frame = frame.join(given, on="fips", how="left").with_columns(pl.col("allocation").fill_null(0))
    periods = params.periods_per_year
    if periods < 1:
        raise ValueError(f"periods_per_year must be >= 1, got {periods}")
    if periods > 1:
        base, left = pl.col("allocation") // periods, pl.col("allocation") % periods
        frame = frame.with_columns(
            (base + (left > q).cast(pl.Int64)).alias(f"period_{q + 1}") for q in range(periods)
        )
    period_cols = [f"period_{q + 1}" for q in range(periods)] if periods > 1 else []
    return frame.select(
        "fips",
        "name",
        "state",
        "eligible",
        "participating",
        "weight",
        "allocation",
        *period_cols,
        pl.lit(method).alias("method"),
        pl.lit(result.basis).alias("basis"),
    ).sort("fips")
