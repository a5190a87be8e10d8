"""Heartland inputs: resolve the windows and vintages, and cut the vendored data to them.

This is the thin layer between the vendored reference data and the pure core in
`heartland.py`: it decides which vintage serves which window (heartland.md §5.1
eligibility.end_year / vintage / prime_age.window, §5.2 rules 1 and 7) and hands the core
frames that each come from exactly one vintage. Two universes (§5.1 eligibility.universe):
the *listing* universe is the counties of the growth window's vintage (V2020: 3,143), the
*opt-in* universe the counties of the newest vintage (V2024: 3,144, Connecticut's planning
regions), so that applications and weights use current FIPS codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from statevisa.allocation.heartland import Eligibility, HeartlandParameters, evaluate
from statevisa.errors import InputError
from statevisa.reference import population as pop
from statevisa.reference.population import COUNTY_VINTAGES, Vintage

PRIME_AGE_VINTAGE = Vintage(2023, "prime_age_county_v2023", 2020, 2023, "cc-est2023-syasex")


@dataclass(frozen=True)
class Windows:
    """The resolved growth and prime-age windows, recorded in every explanation (§5.2 rule 10)."""

    vintage: Vintage
    start: int
    end: int
    prime_start: int | None
    prime_end: int | None

    @property
    def growth_label(self) -> str:
        return f"July 1 {self.start} -> July 1 {self.end}, V{self.vintage.vintage}"

    @property
    def prime_label(self) -> str:
        if self.prime_start is None:
            return "prime-age test disabled"
        return f"July 1 {self.prime_start} -> July 1 {self.prime_end}, V{PRIME_AGE_VINTAGE.vintage}"


def resolve_windows(params: HeartlandParameters) -> Windows:
    """Apply §5.1: end year default, one covering vintage, and the prime-age span.

    Without `end_year`, the end is the last year of the newest vintage whose July 1
    estimates span `window_years` (2020 for the 10-year default). With it, the window
    Y - W -> Y must lie in one vintage, else `InputError` (rule 7: 2015 -> 2024 is refused).
    """
    w = params.window_years
    if w < 1:
        raise InputError(f"--window must be at least 1 year, got {w}")
    if params.end_year is None:
        spanning = [
            v
            for v in COUNTY_VINTAGES
            if v.last_year - v.first_year >= w and params.vintage in (None, v.vintage)
        ]
        if not spanning:
            raise InputError(f"no single vendored vintage spans a {w}-year window")
        chosen = max(spanning, key=lambda v: v.vintage)
        end = chosen.last_year
    else:
        end = params.end_year
        try:
            chosen = pop.county_vintage([end - w, end], params.vintage)
        except InputError as error:
            raise InputError(
                f"the window July 1 {end - w} -> July 1 {end} is not covered by a single "
                f"vendored vintage: {error.messages[0]}"
            ) from error
    prime_start, prime_end = _prime_window(params, end - w, end)
    return Windows(chosen, end - w, end, prime_start, prime_end)


def _prime_window(params: HeartlandParameters, start: int, end: int) -> tuple[int | None, int | None]:
    test = params.prime_age
    if not test.enabled:
        return None, None
    if test.band != (25, 54):
        raise InputError(f"only the 25-54 band is vendored, not {test.band[0]}-{test.band[1]}")
    if test.start_year is not None or test.end_year is not None:
        a = test.start_year if test.start_year is not None else PRIME_AGE_VINTAGE.first_year
        b = test.end_year if test.end_year is not None else PRIME_AGE_VINTAGE.last_year
        if not PRIME_AGE_VINTAGE.covers([a, b]) or a >= b:
            raise InputError(f"prime-age window {a} -> {b} is not within {PRIME_AGE_VINTAGE.label}")
        return a, b
    if PRIME_AGE_VINTAGE.covers([start, end]):
        return start, end
    return PRIME_AGE_VINTAGE.first_year, PRIME_AGE_VINTAGE.last_year


def growth_frame(windows: Windows) -> pl.DataFrame:
    """fips, name, state, pop_start, pop_end: every county of the window's vintage."""
    series = pop.county_series([windows.start, windows.end], windows.vintage.vintage)
    wide = series.pivot("year", index=["fips", "name", "state"], values="population")
    return wide.select(
        "fips",
        "name",
        "state",
        pl.col(str(windows.start)).alias("pop_start"),
        pl.col(str(windows.end)).alias("pop_end"),
    )


def prime_frame(windows: Windows) -> pl.DataFrame:
    """fips, prime_age_start, prime_age_end for the counties with age data (no Texas, no PR)."""
    if windows.prime_start is None:
        return pl.DataFrame(
            schema={"fips": pl.String, "prime_age_start": pl.Int64, "prime_age_end": pl.Int64}
        )
    frame = pop.prime_age_county().filter(pl.col("year").is_in([windows.prime_start, windows.prime_end]))
    wide = frame.pivot("year", index="fips", values="age_25_54")
    return wide.select(
        "fips",
        pl.col(str(windows.prime_start)).alias("prime_age_start"),
        pl.col(str(windows.prime_end)).alias("prime_age_end"),
    )


def listing(params: HeartlandParameters) -> tuple[Eligibility, Windows]:
    """`statevisa heartland counties`: the growth vintage's counties, population at the end year."""
    windows = resolve_windows(params)
    growth = growth_frame(windows)
    universe = growth.select("fips", "name", "state", pl.col("pop_end").alias("population"))
    return evaluate(universe, growth, prime_frame(windows), params), windows


def opt_in_universe() -> tuple[pl.DataFrame, Vintage]:
    """The newest vintage's counties with their newest-year population (the weights, §5.1)."""
    newest = max(COUNTY_VINTAGES, key=lambda v: v.vintage)
    frame = pop.county_population(newest.last_year, newest.vintage)
    return frame, newest


def opt_in(params: HeartlandParameters) -> tuple[Eligibility, Windows, Vintage]:
    """Eligibility over the opt-in universe: newest-vintage FIPS, tests from their own windows."""
    windows = resolve_windows(params)
    universe, newest = opt_in_universe()
    result = evaluate(universe, growth_frame(windows), prime_frame(windows), params)
    return result, windows, newest
