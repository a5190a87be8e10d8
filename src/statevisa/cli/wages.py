"""`statevisa wages level`: the OEWS prevailing-wage level (I-IV) of an offered wage.

The method and its limits (state-level OEWS, percentile interpolation) are in
`statevisa.reference.wages` and docs/wages.md; the output repeats the essentials so that
a reader of a pasted result knows it is an estimate, not a DOL determination.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from statevisa.cli.common import stdout
from statevisa.errors import InputError
from statevisa.reference import wages

app = typer.Typer(help="OEWS wage levels I-IV (DOL 2009 prevailing-wage guidance).", no_args_is_help=True)


@app.command("level")
def level(
    state: Annotated[str, typer.Option("--state", help="State FIPS (06) or USPS code (CA).")],
    soc: Annotated[str, typer.Option("--soc", help="SOC 2018 occupation code, NN-NNNN.")],
    wage: Annotated[float, typer.Option("--wage", help="Offered wage.")],
    unit: Annotated[str, typer.Option("--unit", help="year or hour.")] = "year",
) -> None:
    """Print the wage level of `--wage` and the four thresholds for the state and occupation."""
    if unit not in ("year", "hour"):
        raise InputError(f"--unit must be 'year' or 'hour', not '{unit}'")
    if wage <= 0:
        raise InputError(f"--wage must be positive, got {wage:g}")
    found = wages.levels(state, soc, "year" if unit == "year" else "hour")
    reached = found.level(wage)
    money = "{:,.0f}" if unit == "year" else "{:,.2f}"
    stdout.print(
        f"{wages.level_name(reached)}: {money.format(wage)} a {unit} for {found.soc} "
        f"{found.title} in {found.state} ({found.state_fips})",
        markup=False,
    )
    table = Table(title=f"OEWS wage levels ({found.source})")
    table.add_column("level")
    table.add_column(f"threshold a {unit}", justify="right")
    table.add_column("basis")
    bases = (
        "~17th percentile (mean of the lowest third)",
        "I + (IV - I) / 3",
        "IV - (IV - I) / 3",
        "~67th percentile (mean of the upper two-thirds)",
    )
    for number, (threshold, basis) in enumerate(zip(found.thresholds, bases, strict=True), 1):
        mark = " <" if number == reached else ""
        table.add_row(f"{wages.level_name(number)}{mark}", money.format(threshold), basis)
    stdout.print(table)
    stdout.print(
        "Estimate from state OEWS percentiles by the DOL Nov 2009 guidance "
        "(see docs/wages.md); a prevailing wage determination uses the area of employment.",
        markup=False,
    )
