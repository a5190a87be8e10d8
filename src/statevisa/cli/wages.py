"""`statevisa wages level`: the OEWS prevailing-wage level (I-IV) of an offered wage.

The method and its limits (state-level OEWS, percentile interpolation) are in
`statevisa.reference.wages` and docs/wages.md; the output repeats the essentials so that
a reader of a pasted result knows it is an estimate, not a DOL determination.
"""

from __future__ import annotations

import click

from statevisa.cli import Group
from statevisa.cli.common import stdout
from statevisa.cli.params import Number

app = Group("wages", help="OEWS wage levels I-IV (DOL 2009 prevailing-wage guidance).", no_args_is_help=True)


@app.command("level")
@click.option("--state", required=True, help="State FIPS (06) or USPS code (CA).")
@click.option("--soc", required=True, help="SOC 2018 occupation code, NN-NNNN.")
@click.option("--wage", type=Number(), required=True, help="Offered wage.")
@click.option("--unit", default="year", help="year or hour.")
def level(state: str, soc: str, wage: float, unit: str) -> None:
    """Print the wage level of `--wage` and the four thresholds for the state and occupation."""
    from rich.table import Table

    from statevisa.services.reference import wage_level

    found = wage_level(state, soc, wage, unit)
    levels = found.levels
    money = "{:,.0f}" if levels.unit == "year" else "{:,.2f}"
    stdout.print(
        f"{found.name}: {money.format(wage)} a {levels.unit} for {levels.soc} "
        f"{levels.title} in {levels.state} ({levels.state_fips})",
        markup=False,
    )
    table = Table(title=f"OEWS wage levels ({levels.source})")
    table.add_column("level")
    table.add_column(f"threshold a {levels.unit}", justify="right")
    table.add_column("basis")
    for name, threshold, basis, reached in found.rows:
        table.add_row(f"{name}{' <' if reached else ''}", money.format(threshold), basis)
    stdout.print(table)
    stdout.print(
        "Estimate from state OEWS percentiles by the DOL Nov 2009 guidance "
        "(see docs/wages.md); a prevailing wage determination uses the area of employment.",
        markup=False,
    )
