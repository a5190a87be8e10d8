"""Diversity Visa (program `diversity-visa`): eligibility thresholds, regional shares,
per-region random ranks, rank cut-offs and the per-country ceiling.

Sources and their tags are in docs/programs/diversity-visa.md; statute
INA 203(c), 8 U.S.C. 1153(c), read through mirrors
(http://greencard-us.org/law.htm) for subparagraphs (A)-(C) only. What is
unconfirmed (docs/programs/diversity-visa.md#open-items) stays behind explicit
arguments: the regional split of steps 5-8 needs ``provisional=True``, and the
base of the 7% ceiling (55,000 or the numbers actually available) is always the
caller's choice and is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.rules.resolve import Resolved
from statevisa.selection.lottery import entry_tags, order_by_key, race_keys

POLICY_PARAMETERS = (
    "high_admission_state_threshold", "region_share_numerator", "region_share_denominator",
    "per_country_cap_percent",
)  # fmt: skip
"""The parameters of the `diversity-visa` program file that make up `DiversityRules`."""


@dataclass(frozen=True)
class DiversityRules:
    """The statutory thresholds, read from the `diversity-visa` policy file.

    A state with MORE than `state_threshold` admissions over 5 years is high-admission
    (INA 203(c)(1)(B)(ii)); a region with MORE than `region_share` of the world's
    admissions is high-admission (203(c)(1)(B)(i)); no country may receive more than
    `per_country_rate` of the year's numbers, on a base that is an open item
    (docs/programs/diversity-visa.md#open-items).
    """

    state_threshold: int
    region_share: Fraction
    per_country_rate: Fraction


def rules_from(policy: Resolved) -> DiversityRules:
    """The thresholds in force on the policy's date."""
    value = policy.scalar
    return DiversityRules(
        state_threshold=int(value("high_admission_state_threshold")),
        region_share=Fraction(int(value("region_share_numerator")), int(value("region_share_denominator"))),
        per_country_rate=Fraction(int(value("per_country_cap_percent")), 100),
    )


def high_admission_states(admissions: NDArray[np.int64], rules: DiversityRules) -> NDArray[np.bool_]:
    """States whose natives are ineligible: more than the threshold (exactly at it is not)."""
    result: NDArray[np.bool_] = admissions > rules.state_threshold
    return result


def high_admission_regions(region_admissions: NDArray[np.int64], rules: DiversityRules) -> NDArray[np.bool_]:
    """Regions with more than the share of the world total, compared exactly in integers."""
    world = int(region_admissions.sum())
    share = rules.region_share
    result: NDArray[np.bool_] = region_admissions * share.denominator > world * share.numerator
    return result


def regional_shares(
    populations: NDArray[np.int64],
    high_admission: NDArray[np.bool_],
    high_region_percent: Fraction,
    numbers: int,
    *,
    provisional: bool = False,
) -> list[Fraction]:
    """Numbers per region, as exact fractions (steps 5-7 of docs/programs/diversity-visa.md,
    "Regional allocation", unconfirmed).

    The low-admission regions share `high_region_percent` % of `numbers` by
    population, the high-admission regions the rest. These steps are our reading [U]
    until INA 203(c)(1)(D)-(E) is read, so the call refuses to
    run unless `provisional` is set; rounding to whole visas is left to the
    caller, because the statute's rounding is not known either.
    """
    if not provisional:
        raise ValueError(
            "regional shares follow unconfirmed steps (INA 203(c)(1)(D)-(E) not read); "
            "pass provisional=True to use the provisional reading of docs/programs/diversity-visa.md, "
            "'Regional allocation', steps 5-8"
        )
    populations = populations.astype(np.int64)
    shares: list[Fraction] = []
    low_total = int(populations[~high_admission].sum())
    high_total = int(populations[high_admission].sum())
    low_pool = Fraction(numbers) * high_region_percent / 100
    high_pool = Fraction(numbers) - low_pool
    for population, high in zip(populations.tolist(), high_admission.tolist(), strict=True):
        pool, total = (high_pool, high_total) if high else (low_pool, low_total)
        shares.append(pool * population / total if total else Fraction(0))
    return shares


@dataclass(frozen=True)
class CountryCeiling:
    """The per-country ceiling with the base it was computed from, so reports can show it."""

    base: int
    rate: Fraction
    value: int

    def describe(self) -> str:
        """Say which base was used, e.g. "7% of 55,000 = 3,850"."""
        return f"{float(self.rate * 100):g}% of {self.base:,} = {self.value:,}"


def per_country_ceiling(base: int, rules: DiversityRules) -> CountryCeiling:
    """The per-country ceiling (7%) of `base` numbers, rounded down (a country never exceeds it)."""
    rate = rules.per_country_rate
    return CountryCeiling(base=base, rate=rate, value=int(rate * base))


def regional_ranks(
    entry_ids: pl.Series, region: pl.Series, region_seeds: Mapping[str, bytes]
) -> NDArray[np.int64]:
    """Each entry's rank number (case number) within its region, from 1.

    Each region draws a random permutation with its own committed seed (docs/lottery.md,
    section 3 step 2 and test 9), so replaying one region never touches another.
    """
    ranks = np.zeros(len(entry_ids), dtype=np.int64)
    codes = region.cast(pl.String)
    missing = set(codes.unique().to_list()) - set(region_seeds)
    if missing:
        raise ValueError(f"no seed for region(s): {', '.join(sorted(missing))}")
    for name, seed in region_seeds.items():
        rows = np.flatnonzero((codes == name).to_numpy())
        ids = entry_ids.gather(rows)
        tags = entry_tags(seed, ids)
        order = order_by_key(race_keys(tags, None), tags, ids, len(rows))
        ranks[rows[order]] = np.arange(1, len(rows) + 1, dtype=np.int64)
    return ranks


def may_proceed(
    ranks: NDArray[np.int64],
    region: pl.Series,
    country: pl.Series,
    region_cutoffs: Mapping[str, int],
    country_cutoffs: Mapping[str, int],
) -> NDArray[np.bool_]:
    """Whether each selectee's rank is below the month's cut-off (the country's if it has one).

    A rank equal to the cut-off may not proceed ("below"; docs/programs/diversity-visa.md).
    """
    regional = region.cast(pl.String).replace_strict(region_cutoffs, return_dtype=pl.Int64)
    by_country = country.cast(pl.String).replace_strict(country_cutoffs, default=None, return_dtype=pl.Int64)
    cutoff = by_country.fill_null(regional).to_numpy()
    result: NDArray[np.bool_] = ranks < cutoff
    return result


def within_limits(
    issue_order: NDArray[np.int64],
    region: pl.Series,
    country: pl.Series,
    country_ceiling: CountryCeiling,
    region_allocation: Mapping[str, int],
) -> NDArray[np.bool_]:
    """Which selectees can receive a number, taking them in `issue_order` (smaller first).

    A selectee is refused once their country has reached the ceiling or their
    region its allocation (docs/programs/diversity-visa.md). Counting per country first
    and then per region among those left is the same as one pass in order,
    because a country lies in one region and an exhausted region refuses
    everyone after it anyway.
    """
    frame = pl.DataFrame(
        {"order": issue_order, "region": region.cast(pl.String), "country": country.cast(pl.String)}
    ).with_row_index("row")
    ordered = frame.sort("order").with_columns(
        (pl.col("row").cum_count().over("country") <= country_ceiling.value).alias("country_ok")
    )
    allocation = pl.col("region").replace_strict(region_allocation, return_dtype=pl.Int64)
    ordered = ordered.with_columns(
        (
            pl.col("country_ok")
            & (pl.col("country_ok").cast(pl.Int64).cum_sum().over("region") <= allocation)
        ).alias("ok")
    )
    result = np.zeros(frame.height, dtype=np.bool_)
    result[ordered["row"].to_numpy()] = ordered["ok"].to_numpy()
    return result
