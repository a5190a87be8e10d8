"""The Heartland county map: every county's eligibility, who opted in, and each participant's cap.

One call answers the map page for a window, a vintage and a sharing method: the `heartland`
policy file decides every county of the opt-in universe (current FIPS codes, the ones the
atlas draws), the opt-in register says who participates today, and the cap is shared among
the participants with the method chosen, beside the caps on record (shared with the file's
own method when the counties opted in). A participant that the chosen window would not make
eligible is named instead of shared, since the Act lets only eligible counties take visas.
Everything here is an aggregate of public data and public decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from statevisa.errors import InputError, Problem
from statevisa.services import caps, heartland
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.programs import Explanation

PROGRAM = "heartland"


@dataclass(frozen=True)
class Participant:
    fips: str
    name: str
    state: str
    weight: int
    share: int | None
    on_record: int | None
    """The cap stored for this county (None: none stored for the year)."""


@dataclass(frozen=True)
class CountyMap:
    """The map, its summary and the caps, for one choice of window, vintage and method."""

    counties: pl.DataFrame
    """fips, name, state, population, eligible, status, participating, cap, growth, flags."""
    summary: heartland.Summary
    participants: tuple[Participant, ...]
    method: str
    cap_total: int
    share_problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    year: int


def _options(window: int | None, vintage: int | None) -> heartland.Options:
    return heartland.Options(window=window, vintage=vintage, universe="opt-in")


def county_map(
    ctx: Context, window: int | None, vintage: int | None, method: str | None, year: int | None = None
) -> CountyMap:
    """Every county decided, the participants today, and the cap shared with `method`."""
    ctx.authorize("participation.read", Resource("Participation", PROGRAM, "US"))
    options = _options(window, vintage)
    result = heartland.evaluate(options, ctx.today)
    codes = caps.participating(ctx, PROGRAM, ctx.today)
    year = year or ctx.today.year
    stored = {view.jurisdiction: view.cap for view in caps.listing(ctx, PROGRAM, year)}
    problems: tuple[Problem, ...] = ()
    shares: dict[str, int | None] = {}
    used_method, total = method or "", 0
    weights: dict[str, int] = {}
    if codes:
        try:
            shared = heartland.share_cap(
                codes, heartland.CapOptions(method=method), options, ctx.today, "the opt-in register"
            )
            shares = {s.fips: s.allocation for s in shared.result.shares}
            weights = {s.fips: s.weight for s in shared.result.shares}
            used_method, total = shared.result.method, shared.result.cap
        except InputError as error:
            problems = tuple(error.problems)
    frame = result.frame.select(
        "fips", "name", "state", "population", "eligible", "growth", "prime_age_change", "flags"
    ).with_columns(
        pl.col("fips").is_in(codes).alias("participating"),
        pl.col("fips").replace_strict(shares, default=None, return_dtype=pl.Int64).alias("cap"),
        pl.when(pl.col("eligible"))
        .then(pl.lit("eligible"))
        .when(pl.col("flags") != "")
        .then(pl.lit("not eligible, partial data"))
        .otherwise(pl.lit("not eligible"))
        .alias("status"),
    )
    names = {row["fips"]: row for row in frame.filter(pl.col("participating")).iter_rows(named=True)}
    participants = tuple(
        Participant(
            code,
            str(names[code]["name"]) if code in names else code,
            str(names[code]["state"]) if code in names else "",
            weights.get(code, 0),
            shares.get(code),
            stored.get(code),
        )
        for code in codes
    )
    return CountyMap(
        frame,
        heartland.summarise(result),
        participants,
        used_method,
        total,
        problems,
        result.warnings,
        year,
    )


def explain(ctx: Context, fips: str, window: int | None, vintage: int | None) -> Explanation:
    """One county's decision under the map's window and vintage, with its explanation tree."""
    ctx.authorize("participation.read", Resource("Participation", PROGRAM, "US"))
    return heartland.explain_county(fips, _options(window, vintage), ctx.today)
