"""The `statevisa` command: one Typer app, one sub-module per area.

Each area module exposes Typer commands or a sub-app and is registered here; the
areas themselves stay thin and call pure core functions.
"""

from __future__ import annotations

import sys

import typer

from statevisa.cli import allocate, demo, rules, select_h1b, select_place
from statevisa.cli import data as data_cli
from statevisa.cli import heartland as heartland_cli
from statevisa.cli import select as select_cli
from statevisa.cli import sim as sim_cli
from statevisa.cli import wages as wages_cli
from statevisa.cli.common import print_errors
from statevisa.errors import StatevisaError

app = typer.Typer(
    name="statevisa",
    help="Programs as code, allocation, selection and cooperation law for state immigration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

demo.register(app)
rules.register(app)
allocate.register(app)
app.add_typer(data_cli.app, name="data")
app.add_typer(heartland_cli.app, name="heartland")
select_h1b.register(select_cli.app)
select_place.register(select_cli.app)
app.add_typer(select_cli.app, name="select")
app.add_typer(sim_cli.app, name="sim")
app.add_typer(wages_cli.app, name="wages")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: user errors exit 2 with their messages on stderr, never a traceback."""
    try:
        app(args=argv, prog_name="statevisa")
    except StatevisaError as error:
        print_errors(error.messages)
        sys.exit(2)
