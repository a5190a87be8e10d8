"""`statevisa heartland`: Heartland Visa (S. 5644) county eligibility, opt-in and caps.

Thin shell over `statevisa.allocation.heartland` (the pure core) and `heartland_inputs`
(vintage and window resolution). Every output says it comes from the "default encoding, not
bill text" (heartland.md §5, §8 item 13): a `basis` column in files and a note on stderr.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from statevisa.allocation import heartland_inputs as inputs
from statevisa.allocation.apportion import METHODS
from statevisa.allocation.heartland import (
    BASIS,
    Combine,
    Eligibility,
    HeartlandParameters,
    Weight,
)
from statevisa.allocation.heartland_cap import NO_CEILING, allocate, participant_problems
from statevisa.cli.common import stderr, stdout, warn
from statevisa.cli.rules import OnOption, open_program, parse_on, show_explanation
from statevisa.errors import InputError
from statevisa.reference.codes import is_county_fips
from statevisa.services.policies import heartland_parameters
from statevisa.services.programs import explain_values
from statevisa.tables import read_table, row_label, write_table

app = typer.Typer(
    help="Heartland Visa (S. 5644) counties: eligibility, opt-in and caps (default encoding, not bill text).",
    no_args_is_help=True,
)

YearOpt = Annotated[int | None, typer.Option("--year", help="End year Y of the growth window (July 1).")]
WindowOpt = Annotated[int | None, typer.Option("--window", help="Window length W in years: Y - W -> Y.")]
CombineOpt = Annotated[
    str | None, typer.Option("--combine", help="any (test a OR b) or all.", show_default=False)
]
RatioOpt = Annotated[
    float | None,
    typer.Option("--growth-ratio", help="Test (a): growth < ratio x national growth."),
]
PrimeOpt = Annotated[
    bool, typer.Option("--prime-age/--no-prime-age", help="Use test (b), prime-age decline.")
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="Housing exclusion: a county FIPS to remove (repeatable)."),
]


def _combine(value: str | None, default: Combine) -> Combine:
    if value is None:
        return default
    if value == "any":
        return "any"
    if value == "all":
        return "all"
    raise InputError(f"--combine must be 'any' or 'all', not '{value}'")


def _parameters(
    year: int | None,
    window: int | None,
    combine: str | None,
    ratio: float | None,
    prime_age: bool,
    exclude: list[str] | None,
    on: dt.date,
) -> HeartlandParameters:
    """The default encoding in force on `on`, with the options given on the command line applied."""
    base = heartland_parameters(on)
    for code in exclude or []:
        if not is_county_fips(code):
            raise InputError(f"--exclude '{code}': a county FIPS has 5 digits, e.g. 06037")
    return replace(
        base,
        end_year=year if year is not None else base.end_year,
        window_years=window if window is not None else base.window_years,
        combine=_combine(combine, base.combine),
        growth_ratio=ratio if ratio is not None else base.growth_ratio,
        prime_age=replace(base.prime_age, enabled=prime_age),
        housing_exclusion=frozenset(exclude or []),
    )


def _note(result: Eligibility) -> None:
    stderr.print(f"note: {BASIS} (heartland.md §5); every parameter is status unconfirmed", markup=False)
    for message in result.warnings:
        warn(message)


def _explained(result: Eligibility, windows: inputs.Windows, params: HeartlandParameters) -> pl.DataFrame:
    """The §5.3 columns, then what rule 10 asks each decision to record."""
    return result.frame.with_columns(
        pl.lit(result.national_start).alias("national_start"),
        pl.lit(result.national_end).alias("national_end"),
        pl.lit(f"V{windows.vintage.vintage}").alias("vintage"),
        pl.lit(windows.vintage.source_file).alias("source_file"),
        pl.lit(windows.growth_label).alias("growth_window"),
        pl.lit(windows.prime_label).alias("prime_age_window"),
        pl.lit(result.threshold).alias("threshold"),
        pl.lit(params.combine).alias("combine"),
        pl.lit(BASIS).alias("basis"),
    )


def _summary(
    result: Eligibility, windows: inputs.Windows, params: HeartlandParameters, universe: str
) -> Table:
    frame = result.frame
    tested = frame["test_prime_age"].is_not_null().sum()
    flags = frame["flags"].value_counts().filter(pl.col("flags") != "")
    table = Table(title=f"Heartland counties ({BASIS})", show_header=False)
    table.add_column("item")
    table.add_column("value", justify="right")
    rows = [
        ("universe", f"{universe}: {frame.height:,} counties"),
        ("growth window", windows.growth_label),
        ("prime-age window", windows.prime_label),
        (
            "national growth",
            f"{result.national_start:,} -> {result.national_end:,} ({result.national_growth:+.3%})",
        ),
        (
            "test (a) threshold",
            f"growth < {params.growth_ratio} x national = {result.threshold:+.3%}",
        ),
        ("slower_than_nation", f"{frame['slower_than_nation'].sum():,}"),
        ("test (a) true", f"{frame['test_growth'].sum():,} of {frame['test_growth'].count():,}"),
        ("test (b) true", f"{frame['test_prime_age'].sum():,} of {tested:,}"),
        (f"eligible ({params.combine})", f"{frame['eligible'].sum():,}"),
        *((f"flag {f}", f"{n:,}") for f, n in flags.iter_rows()),
        ("housing excluded", f"{frame['housing_excluded'].sum():,}"),
    ]
    for item, value in rows:
        table.add_row(item, value)
    return table


@app.command("counties")
def counties(
    year: YearOpt = None,
    window: WindowOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write one row per county.")] = None,
    combine: CombineOpt = None,
    growth_ratio: RatioOpt = None,
    prime_age: PrimeOpt = True,
    exclude: ExcludeOpt = None,
    universe: Annotated[
        str, typer.Option("--universe", help="listing (growth vintage) or opt-in (newest).")
    ] = "listing",
    on: OnOption = None,
) -> None:
    """County eligibility over the W years ending in Y, within one Census vintage."""
    params = _parameters(year, window, combine, growth_ratio, prime_age, exclude, parse_on(on))
    if universe == "listing":
        result, windows = inputs.listing(params)
        label = f"listing (V{windows.vintage.vintage})"
    elif universe == "opt-in":
        result, windows, newest = inputs.opt_in(params)
        label = f"opt-in (V{newest.vintage} FIPS)"
    else:
        raise InputError(f"--universe must be 'listing' or 'opt-in', not '{universe}'")
    _note(result)
    if out is not None:
        write_table(_explained(result, windows, params), out)
    stdout.print(_summary(result, windows, params, label))
    if out is not None:
        stdout.print(f"wrote {result.frame.height:,} rows to {out}", markup=False)


@app.command("explain")
def explain_county(
    fips: Annotated[str, typer.Argument(help="A county FIPS code, e.g. 06037.")],
    year: YearOpt = None,
    window: WindowOpt = None,
    combine: CombineOpt = None,
    growth_ratio: RatioOpt = None,
    prime_age: PrimeOpt = True,
    exclude: ExcludeOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    on: OnOption = None,
) -> None:
    """Explain one county's decision with the heartland policy file, from the vendored data."""
    if not is_county_fips(fips):
        raise InputError(f"'{fips}': a county FIPS has 5 digits, e.g. 06037")
    date = parse_on(on)
    params = _parameters(year, window, combine, growth_ratio, prime_age, exclude, date)
    result, windows = inputs.listing(params)
    found = result.frame.filter(pl.col("fips") == fips)
    if found.height == 0:
        raise InputError(
            f"{fips}: not a county of the listing universe (V{windows.vintage.vintage}, 50 states and DC)"
        )
    county = found.row(0, named=True)
    case: dict[str, object] = {
        "id": fips,
        "has_growth_data": county["growth"] is not None,
        "growth": county["growth"],
        "national_growth": result.national_growth,
        "has_prime_age_data": params.prime_age.enabled and county["prime_age_start"] is not None,
        "prime_age_start": county["prime_age_start"],
        "prime_age_end": county["prime_age_end"],
        "on_housing_exclusion_list": fips in params.housing_exclusion,
    }
    given = {
        "combine_mode": combine,
        "growth_ratio": growth_ratio,
        "prime_age_enabled": None if prime_age else False,
    }
    scenario = {name: str(value).lower() for name, value in given.items() if value is not None}
    opened = open_program("heartland", date, scenario)
    context = {
        "county": f"{county['name']}, {county['state']}",
        "vintage": f"V{windows.vintage.vintage} ({windows.vintage.source_file})",
        "growth window": windows.growth_label,
        "county population": f"{county['pop_start']:,} -> {county['pop_end']:,}"
        if county["pop_start"]
        else "no data",
        "national population": f"{result.national_start:,} -> {result.national_end:,}",
        "prime-age window": windows.prime_label,
        "basis": BASIS,
    }
    show_explanation(explain_values(opened, case, f"county {fips}", context), as_json)


@app.command("allocate")
def allocate_cap(
    participants: Annotated[Path, typer.Option("--participants", help="CSV/Parquet with a `fips` column.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write one row per county.")] = None,
    cap: Annotated[int | None, typer.Option("--cap", help="National cap (default 50,000).")] = None,
    method: Annotated[
        str | None, typer.Option("--method", help=f"{', '.join(METHODS)} or {NO_CEILING}.")
    ] = None,
    weight: Annotated[str | None, typer.Option("--weight", help="population or prime_age.")] = None,
    minimum: Annotated[int | None, typer.Option("--minimum", help="Minimum per county.")] = None,
    periods: Annotated[
        int | None, typer.Option("--periods", help="Issuance periods a year (4 = quarterly).")
    ] = None,
    year: YearOpt = None,
    window: WindowOpt = None,
    combine: CombineOpt = None,
    growth_ratio: RatioOpt = None,
    prime_age: PrimeOpt = True,
    exclude: ExcludeOpt = None,
    on: OnOption = None,
) -> None:
    """Split the national cap among participating eligible counties (ineligible ones refused)."""
    params = _parameters(year, window, combine, growth_ratio, prime_age, exclude, parse_on(on))
    chosen_method = method if method is not None else params.apportionment_method
    if chosen_method not in (*METHODS, NO_CEILING):
        raise InputError(
            f"--method '{chosen_method}' is unknown (choose: {', '.join((*METHODS, NO_CEILING))})"
        )
    chosen_weight: Weight = params.apportionment_weight
    if weight is not None:
        if weight not in ("population", "prime_age"):
            raise InputError(f"--weight must be 'population' or 'prime_age', not '{weight}'")
        chosen_weight = "population" if weight == "population" else "prime_age"
    for name, number in (("--cap", cap), ("--minimum", minimum), ("--periods", periods)):
        if number is not None and number < (1 if name == "--periods" else 0):
            raise InputError(f"{name} must be a whole number >= {int(name == '--periods')}")
    params = replace(
        params,
        cap_national=cap if cap is not None else params.cap_national,
        apportionment_method=chosen_method,
        apportionment_weight=chosen_weight,
        min_per_county=minimum if minimum is not None else params.min_per_county,
        periods_per_year=periods if periods is not None else params.periods_per_year,
    )
    table = read_table(participants, required=["fips"])
    codes = [str(code).strip() for code in table["fips"].to_list()]
    result, _, _ = inputs.opt_in(params)
    problems = participant_problems(result, codes)
    if problems:
        raise InputError(f"{participants}: {row_label(i, codes[i])}: {reason}" for i, reason in problems)
    try:
        shares = allocate(result, codes, params)
    except ValueError as error:
        raise InputError(f"{participants}: {error}") from error
    _note(result)
    if out is not None:
        write_table(shares, out)
    given = shares.filter(pl.col("participating"))
    view = Table(title=f"Heartland cap {params.cap_national:,} by {chosen_method} ({BASIS})")
    for column in ("fips", "name", "state", "weight", "allocation"):
        view.add_column(column, justify="right" if column in ("weight", "allocation") else "left")
    for row in given.head(20).iter_rows(named=True):
        allocation = row["allocation"]
        view.add_row(
            row["fips"],
            row["name"],
            row["state"],
            f"{row['weight']:,}",
            "pool" if allocation is None else f"{allocation:,}",
        )
    stdout.print(view)
    if given.height > 20:
        stdout.print(f"... {given.height - 20:,} more participating counties", markup=False)
    if out is not None:
        stdout.print(f"wrote {shares.height:,} rows to {out}", markup=False)
