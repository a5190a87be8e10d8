"""Heartland use cases: the county listing, one county explained, the cap shared among participants.

Each function takes the options of a run and the date whose parameters apply, and returns data
(it never prints). Every decision comes from the `heartland` policy file: the options become
scenario values of that file (`--combine` is `combine_mode`, `--growth-ratio` is
`growth_ratio`, `--no-prime-age` is `prime_age_enabled`, `--window` is `window_years`,
`--exclude` turns `housing_exclusion_enabled` on) or choose the county table it is evaluated
over (`--year`, `--universe`, the `--exclude` list), and the rules engine evaluates it, for
every county at once (`counties`, `allocate_cap`) or for one with its explanation
(`explain_county`), from the same table row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from statevisa.errors import InputError, Location, Problem, problem

if TYPE_CHECKING:
    import polars as pl

    from statevisa.allocation.heartland import Eligibility, HeartlandParameters
    from statevisa.allocation.heartland_inputs import CountyTable, Universe
    from statevisa.services.programs import Explanation, Opened

COMBINE_MODES = ("any", "all")
"""The values `--combine` takes (the policy file's constraint on `combine_mode` is the same)."""
DEFAULTS_DOC = "docs/programs/heartland.md#defaults"
"""Where a user reads what the default encoding is and why (printed with every result)."""
OPTION_OF = {"end_year": "--year", "window_years": "--window"}
"""Which command-line option sets a value the county table is measured over."""
FIPS_DIGITS = 5

T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    """The eligibility scenario of one run, as given on the command line (None: the file's value)."""

    year: int | None = None
    window: int | None = None
    combine: str | None = None
    growth_ratio: float | None = None
    prime_age: bool | None = None
    exclude: tuple[str, ...] = ()
    universe: str = "listing"
    vintage: int | None = None
    """The Census vintage to measure growth in (None: the newest that covers the window)."""

    def problems(self) -> list[Problem]:
        """Every option that cannot be used, each located at its option."""
        from statevisa.allocation.heartland_inputs import UNIVERSES

        found = []
        if self.combine is not None and self.combine not in COMBINE_MODES:
            found.append(problem("not-a-choice", f"'{self.combine}' is not any or all", field="--combine"))
        if self.growth_ratio is not None and not math.isfinite(self.growth_ratio):
            found.append(
                problem(
                    "not-a-number", f"'{self.growth_ratio}' is not a finite number", field="--growth-ratio"
                )
            )
        if self.window is not None and self.window < 1:
            found.append(
                problem("out-of-range", f"must be at least 1 year, got {self.window}", field="--window")
            )
        for code in self.exclude:
            if not is_county_fips(code):
                found.append(
                    problem(
                        "not-a-fips",
                        f"'{code}' is not a county FIPS (5 digits, e.g. 06037)",
                        field="--exclude",
                    )
                )
        if self.universe not in UNIVERSES:
            found.append(
                problem("not-a-choice", f"'{self.universe}' is not listing or opt-in", field="--universe")
            )
        return found

    def scenario(self) -> dict[str, str]:
        """The scenario values these options give the `heartland` policy file (text, as `--set`)."""
        sets: dict[str, str] = {}
        if self.combine is not None:
            sets["combine_mode"] = self.combine
        if self.growth_ratio is not None:
            sets["growth_ratio"] = repr(float(self.growth_ratio))
        if self.prime_age is not None:
            sets["prime_age_enabled"] = "true" if self.prime_age else "false"
        if self.window is not None:
            sets["window_years"] = str(self.window)
        if self.exclude:
            sets["housing_exclusion_enabled"] = "true"
        return sets


def is_county_fips(code: str) -> bool:
    """Five digits: the form of a county FIPS code (whether it exists is the table's question)."""
    return len(code) == FIPS_DIGITS and code.isascii() and code.isdigit()


@dataclass(frozen=True)
class Prepared:
    """The program fixed to the date with the run's scenario, its program-level values, the table."""

    opened: Opened
    parameters: HeartlandParameters
    table: CountyTable


def prepare(options: Options, on: dt.date) -> Prepared:
    """Check the options, open the `heartland` file on `on` with them, and measure the county table."""
    from statevisa.allocation import heartland_inputs as inputs
    from statevisa.services.policies import heartland_parameters
    from statevisa.services.programs import open_program

    found = options.problems()
    if found:
        raise InputError(found)
    sets = options.scenario()
    opened = open_program("heartland", on, sets)
    params = heartland_parameters(on, sets)
    choice = inputs.WindowChoice(params.window_years, options.year, options.vintage, params.prime_age)
    universe: Universe = "listing" if options.universe == "listing" else "opt-in"
    table = _at_options(lambda: inputs.table(universe, choice, options.exclude))
    return Prepared(opened, params, table)


def _at_options(build: Callable[[], T]) -> T:
    """Run `build`, locating a problem with a measured value at the option that sets it."""
    try:
        return build()
    except InputError as error:
        located = [
            replace(item, location=Location(field=OPTION_OF[item.location.field]))
            if item.location.field in OPTION_OF
            else item
            for item in error.problems
        ]
        raise InputError(located) from error


def evaluate(options: Options, on: dt.date) -> Eligibility:
    """Every county's decision: the `heartland` file evaluated over the whole county table."""
    from statevisa.allocation.heartland import decide

    prepared = prepare(options, on)
    return decide(prepared.opened.resolved, prepared.table)


# The county listing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """The listing in numbers: what `statevisa heartland counties` prints."""

    universe: str
    counties: int
    growth_window: str
    prime_age_window: str
    national_start: int
    national_end: int
    national_growth: float
    growth_ratio: float
    threshold: float
    slower_than_nation: int
    test_a_true: int
    test_a_tested: int
    test_b_true: int
    test_b_tested: int
    combine: str
    eligible: int
    flags: tuple[tuple[str, int], ...]
    housing_excluded: int
    basis: str


@dataclass(frozen=True)
class Listing:
    """The result of a listing run: its summary, its warnings, and what was written where."""

    summary: Summary
    warnings: tuple[str, ...]
    out: Path | None = None
    rows: int = 0


def summarise(result: Eligibility) -> Summary:
    """Count what the decisions say: tests passed of tested, eligible, flags, exclusions."""
    frame, table = result.frame, result.table
    flags = frame["flags"].value_counts(sort=True)
    return Summary(
        universe=table.universe_label,
        counties=frame.height,
        growth_window=table.windows.growth_label,
        prime_age_window=table.windows.prime_label,
        national_start=table.national_start,
        national_end=table.national_end,
        national_growth=table.national_growth,
        growth_ratio=result.growth_ratio,
        threshold=result.threshold,
        slower_than_nation=int(frame["slower_than_nation"].sum()),
        test_a_true=int(frame["test_growth"].sum()),
        test_a_tested=int(frame["test_growth"].count()),
        test_b_true=int(frame["test_prime_age"].sum()),
        test_b_tested=int(frame["test_prime_age"].count()),
        combine=result.combine,
        eligible=int(frame["eligible"].sum()),
        flags=tuple((str(flag), int(n)) for flag, n in flags.iter_rows() if flag),
        housing_excluded=int(frame["housing_excluded"].sum()),
        basis=result.basis,
    )


def counties(options: Options, on: dt.date, out: Path | None = None) -> Listing:
    """Every county's eligibility; with `out`, one row per county written there (nothing on error)."""
    from statevisa.allocation.heartland import records
    from statevisa.tables import check_output, write_table

    if out is not None:
        check_output(out)
    result = evaluate(options, on)
    if out is not None:
        write_table(records(result), out)
    return Listing(summarise(result), result.warnings, out, result.frame.height if out else 0)


# One county explained ----------------------------------------------------------------------


def explain_county(fips: str, options: Options, on: dt.date) -> Explanation:
    """One county's decision explained by the `heartland` file, from its row of the county table.

    The row is the one the listing evaluates, mapped to the program's inputs column by
    column, so the explanation is of the listing's decision, not of a re-measured county.
    """
    from statevisa.allocation.heartland_inputs import POLICY_INPUTS
    from statevisa.services.programs import explain_values

    if not is_county_fips(fips):
        raise InputError(
            problem("not-a-fips", f"'{fips}' is not a county FIPS (5 digits, e.g. 06037)", field="FIPS")
        )
    prepared = prepare(options, on)
    table = prepared.table
    found = table.frame.filter(table.frame["fips"] == fips)
    if found.height == 0:
        raise InputError(
            problem(
                "unknown-county",
                f"{fips} is not a county of the {table.universe} universe "
                f"(V{table.geography.vintage}, 50 states and DC)",
                field="FIPS",
            )
        )
    county = found.row(0, named=True)
    case: dict[str, object] = {name: county[name] for name in POLICY_INPUTS}
    windows = table.windows
    context: Mapping[str, object] = {
        "county": f"{county['name']}, {county['state']}",
        "vintage": f"V{windows.vintage.vintage} ({windows.vintage.source_file})",
        "growth window": windows.growth_label,
        "county population": f"{county['pop_start']:,} -> {county['pop_end']:,}"
        if county["pop_start"]
        else "no data",
        "national population": f"{table.national_start:,} -> {table.national_end:,}",
        "prime-age window": windows.prime_label,
        "basis": str(prepared.opened.resolved.scalar("encoding_basis")),
        "defaults": DEFAULTS_DOC,
    }
    return explain_values(prepared.opened, case, f"county {fips}", context)


# The cap among participating counties ------------------------------------------------------


@dataclass(frozen=True)
class CapOptions:
    """How the cap is shared, as given on the command line (None: the file's value)."""

    cap: int | None = None
    method: str | None = None
    weight: str | None = None
    minimum: int | None = None
    periods: int | None = None


@dataclass(frozen=True)
class Share:
    """One participating county's numbers (`allocation` None: one national pool, no ceiling)."""

    fips: str
    name: str
    state: str
    weight: int
    allocation: int | None


@dataclass(frozen=True)
class CapResult:
    """The cap shared: the rule used, each participant's share, and what was written where."""

    cap: int
    method: str
    basis: str
    shares: tuple[Share, ...]
    warnings: tuple[str, ...]
    out: Path | None = None
    rows: int = 0


def _cap_parameters(base: HeartlandParameters, given: CapOptions) -> HeartlandParameters:
    from statevisa.allocation.apportion import METHODS
    from statevisa.allocation.heartland import WEIGHTS
    from statevisa.allocation.heartland_cap import NO_CEILING

    found = []
    methods = (*METHODS, NO_CEILING)
    if given.method is not None and given.method not in methods:
        found.append(
            problem(
                "not-a-choice",
                f"'{given.method}' is unknown (choose: {', '.join(methods)})",
                field="--method",
            )
        )
    if given.weight is not None and given.weight not in WEIGHTS:
        found.append(
            problem("not-a-choice", f"'{given.weight}' is not {' or '.join(WEIGHTS)}", field="--weight")
        )
    for option, number, least in (
        ("--cap", given.cap, 0),
        ("--minimum", given.minimum, 0),
        ("--periods", given.periods, 1),
    ):
        if number is not None and number < least:
            found.append(
                problem("out-of-range", f"must be a whole number >= {least}, got {number}", field=option)
            )
    if found:
        raise InputError(found)
    weight = base.apportionment_weight
    if given.weight is not None:
        weight = next(w for w in WEIGHTS if w == given.weight)
    return replace(
        base,
        cap_national=base.cap_national if given.cap is None else given.cap,
        apportionment_method=base.apportionment_method if given.method is None else given.method,
        apportionment_weight=weight,
        min_per_county=base.min_per_county if given.minimum is None else given.minimum,
        periods_per_year=base.periods_per_year if given.periods is None else given.periods,
    )


def allocate_cap(
    participants: Path,
    cap: CapOptions,
    options: Options,
    on: dt.date,
    out: Path | None = None,
) -> CapResult:
    """Share the national cap among the counties listed in `participants` (a `fips` column).

    Eligibility is decided over the opt-in universe (current FIPS codes). Every participant
    that cannot opt in is refused with its row before anything is shared or written.
    """
    from statevisa.tables import check_output, read_table, write_table

    if out is not None:
        check_output(out, inputs=[participants])
    listed = read_table(participants, required=["fips"])
    codes = ["" if code is None else str(code).strip() for code in listed["fips"].to_list()]
    shared = share_cap(codes, cap, options, on, participants)
    if out is not None:
        write_table(shared.table, out)
    return replace(shared.result, out=out, rows=shared.table.height if out is not None else 0)


@dataclass(frozen=True)
class Shared:
    """The cap shared among participants: the summary, and the full table (every county)."""

    result: CapResult
    table: pl.DataFrame


def share_cap(codes: list[str], cap: CapOptions, options: Options, on: dt.date, source: object) -> Shared:
    """Share the national cap among the county codes given (from a file, or the opt-in register).

    A county that cannot opt in is refused naming its position in `source` before anything is
    shared.
    """
    from statevisa.allocation.heartland import decide
    from statevisa.allocation.heartland_cap import allocate, participant_problems

    prepared = prepare(replace(options, universe="opt-in"), on)
    params = _cap_parameters(prepared.parameters, cap)
    result = decide(prepared.opened.resolved, prepared.table)
    found = participant_problems(result, codes, source, params.apportionment_weight)
    if found:
        raise InputError(found)
    shares = allocate(result, codes, params)
    given = shares.filter(shares["participating"])
    summary = CapResult(
        cap=params.cap_national,
        method=params.apportionment_method,
        basis=result.basis,
        shares=tuple(
            Share(row["fips"], row["name"], row["state"], int(row["weight"]), row["allocation"])
            for row in given.iter_rows(named=True)
        ),
        warnings=result.warnings,
    )
    return Shared(summary, shares)
