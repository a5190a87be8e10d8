"""The Heartland core and the heartland policy file decide every real county the same way.

`allocation.heartland` computes eligibility with Polars over whole vintages; the
`heartland` program encodes the same rules (heartland.md §5.2) for `statevisa explain`.
Both read the same parameters, and this test holds their decisions equal on the
shipped data, so the explanation a caseworker reads is the decision the listing made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest

from statevisa.allocation import heartland_inputs as inputs
from statevisa.allocation.heartland import Combine
from statevisa.rules.evaluate import evaluate_frame
from statevisa.rules.resolve import resolve
from statevisa.rules.validate import validate
from statevisa.services.policies import heartland_parameters
from statevisa.services.programs import shipped_program

ON = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("year", "window", "combine"), [(2017, 7, "any"), (2020, 10, "any"), (2020, 10, "all")]
)
def test_policy_file_agrees_with_the_core_on_every_county(year: int, window: int, combine: Combine) -> None:
    params = replace(heartland_parameters(ON), end_year=year, window_years=window, combine=combine)
    result, _ = inputs.listing(params)
    core = result.frame
    counties = core.select(
        pl.col("fips").alias("id"),
        pl.col("growth").is_not_null().alias("has_growth_data"),
        pl.col("growth"),
        pl.lit(result.national_growth).alias("national_growth"),
        pl.col("prime_age_start").is_not_null().alias("has_prime_age_data"),
        pl.col("prime_age_start"),
        pl.col("prime_age_end"),
        pl.lit(False).alias("on_housing_exclusion_list"),
    )
    resolved = resolve(shipped_program("heartland"), ON, {"combine_mode": combine})
    decided = evaluate_frame(resolved, validate(resolved, counties, "counties"))
    assert decided.height == core.height == 3_143
    assert decided["eligible"].to_list() == core["eligible"].to_list()
    assert decided["flags"].to_list() == core["flags"].to_list()
    assert decided["slower_than_nation"].to_list() == core["slower_than_nation"].fill_null(False).to_list()
