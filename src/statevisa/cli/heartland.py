"""`statevisa heartland`: Heartland Visa (S. 5644) county eligibility, opt-in and caps.

Each command parses its options, calls one function of `statevisa.services.heartland` (where
the `heartland` policy file decides every county) and renders what comes back. Every output
says it comes from the "default encoding, not bill text" (a `basis` column in files and a note
on stderr pointing to docs/programs/heartland.md#defaults).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from statevisa.cli import Group
from statevisa.cli.common import stdout, tell, warn
from statevisa.cli.params import PATH, Argument, Number, Whole
from statevisa.cli.rules import on_option, parse_on, show_explanation, show_warnings

if TYPE_CHECKING:
    from statevisa.services.heartland import Options, Summary

app = Group(
    "heartland",
    help="Heartland Visa (S. 5644) counties: eligibility, opt-in and caps (default encoding, not bill text).",
    no_args_is_help=True,
)

METHOD_HELP = "hamilton, huntington-hill, webster, jefferson, adams, equal or none (one national pool)."
year_option = click.option("--year", type=Whole(), help="End year Y of the growth window (July 1).")
window_option = click.option("--window", type=Whole(), help="Window length W in years: Y - W -> Y.")
combine_option = click.option("--combine", help="any (test a OR b) or all.")
ratio_option = click.option(
    "--growth-ratio", type=Number(), help="Test (a): growth < ratio x national growth."
)
prime_option = click.option(
    "--prime-age/--no-prime-age",
    default=None,
    help="Use test (b), prime-age decline (default: the policy file's).",
)
exclude_option = click.option(
    "--exclude", multiple=True, help="Housing exclusion: a county FIPS to remove (repeatable)."
)
universe_option = click.option(
    "--universe", default="listing", help="listing (growth vintage) or opt-in (newest)."
)
out_option = click.option("--out", type=PATH, help="Write one row per county.")


def _options(
    year: int | None,
    window: int | None,
    combine: str | None,
    ratio: float | None,
    prime_age: bool | None,
    exclude: tuple[str, ...],
    universe: str = "listing",
) -> Options:
    from statevisa.services.heartland import Options

    return Options(year, window, combine, ratio, prime_age, exclude, universe)


def _note(basis: str, warnings: tuple[str, ...]) -> None:
    from statevisa.services.heartland import DEFAULTS_DOC

    tell(f"note: {basis} ({DEFAULTS_DOC}); every parameter is status unconfirmed")
    for message in warnings:
        warn(message)


def _summary_table(summary: Summary) -> object:
    from rich.table import Table

    table = Table(title=f"Heartland counties ({summary.basis})", show_header=False)
    table.add_column("item")
    table.add_column("value", justify="right")
    rows = [
        ("universe", f"{summary.universe}: {summary.counties:,} counties"),
        ("growth window", summary.growth_window),
        ("prime-age window", summary.prime_age_window),
        (
            "national growth",
            f"{summary.national_start:,} -> {summary.national_end:,} ({summary.national_growth:+.3%})",
        ),
        ("test (a) threshold", f"growth < {summary.growth_ratio} x national = {summary.threshold:+.3%}"),
        ("slower_than_nation", f"{summary.slower_than_nation:,}"),
        ("test (a) true", f"{summary.test_a_true:,} of {summary.test_a_tested:,}"),
        ("test (b) true", f"{summary.test_b_true:,} of {summary.test_b_tested:,}"),
        (f"eligible ({summary.combine})", f"{summary.eligible:,}"),
        *((f"flag {flag}", f"{n:,}") for flag, n in summary.flags),
        ("housing excluded", f"{summary.housing_excluded:,}"),
    ]
    for item, value in rows:
        table.add_row(item, value)
    return table


@app.command("counties")
@year_option
@window_option
@out_option
@combine_option
@ratio_option
@prime_option
@exclude_option
@universe_option
@on_option
def counties(
    year: int | None,
    window: int | None,
    out: Path | None,
    combine: str | None,
    growth_ratio: float | None,
    prime_age: bool | None,
    exclude: tuple[str, ...],
    universe: str,
    on: str | None,
) -> None:
    """County eligibility over the W years ending in Y, within one Census vintage."""
    from statevisa.services import heartland as service

    options = _options(year, window, combine, growth_ratio, prime_age, exclude, universe)
    listing = service.counties(options, parse_on(on), out)
    _note(listing.summary.basis, listing.warnings)
    stdout.print(_summary_table(listing.summary))
    if listing.out is not None:
        stdout.print(f"wrote {listing.rows:,} rows to {listing.out}", markup=False)


@app.command("explain")
@click.argument("fips", cls=Argument, help="A county FIPS code, e.g. 06037.")
@year_option
@window_option
@combine_option
@ratio_option
@prime_option
@exclude_option
@universe_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@on_option
def explain_county(
    fips: str,
    year: int | None,
    window: int | None,
    combine: str | None,
    growth_ratio: float | None,
    prime_age: bool | None,
    exclude: tuple[str, ...],
    universe: str,
    as_json: bool,
    on: str | None,
) -> None:
    """Explain one county's decision with the heartland policy file, from the vendored data."""
    from statevisa.services import heartland as service

    options = _options(year, window, combine, growth_ratio, prime_age, exclude, universe)
    explanation = service.explain_county(fips, options, parse_on(on))
    show_warnings(explanation.warnings)
    show_explanation(explanation, as_json)


@app.command("allocate")
@click.option("--participants", type=PATH, required=True, help="CSV/Parquet with a `fips` column.")
@out_option
@click.option("--cap", type=Whole(), help="National cap (default: the policy file's).")
@click.option("--method", help=METHOD_HELP)
@click.option("--weight", help="population or prime_age.")
@click.option("--minimum", type=Whole(), help="Minimum per county.")
@click.option("--periods", type=Whole(), help="Issuance periods a year (4 = quarterly).")
@year_option
@window_option
@combine_option
@ratio_option
@prime_option
@exclude_option
@on_option
def allocate_cap(
    participants: Path,
    out: Path | None,
    cap: int | None,
    method: str | None,
    weight: str | None,
    minimum: int | None,
    periods: int | None,
    year: int | None,
    window: int | None,
    combine: str | None,
    growth_ratio: float | None,
    prime_age: bool | None,
    exclude: tuple[str, ...],
    on: str | None,
) -> None:
    """Split the national cap among participating eligible counties (ineligible ones refused)."""
    from rich.table import Table

    from statevisa.services import heartland as service

    options = _options(year, window, combine, growth_ratio, prime_age, exclude)
    shares = service.CapOptions(cap, method, weight, minimum, periods)
    done = service.allocate_cap(participants, shares, options, parse_on(on), out)
    _note(done.basis, done.warnings)
    view = Table(title=f"Heartland cap {done.cap:,} by {done.method} ({done.basis})")
    for column in ("fips", "name", "state", "weight", "allocation"):
        view.add_column(column, justify="right" if column in ("weight", "allocation") else "left")
    for share in done.shares[:20]:
        shown = "pool" if share.allocation is None else f"{share.allocation:,}"
        view.add_row(share.fips, share.name, share.state, f"{share.weight:,}", shown)
    stdout.print(view)
    if len(done.shares) > 20:
        stdout.print(f"... {len(done.shares) - 20:,} more participating counties", markup=False)
    if done.out is not None:
        stdout.print(f"wrote {done.rows:,} rows to {done.out}", markup=False)
