"""The `statevisa` command: one lazy group, one module per area, loaded only when used.

`statevisa --help` and `statevisa programs list` must not pay for Polars and NumPy, so
the top level knows each command by name and one line of help (`COMMANDS`) and imports
its module only when that command runs (or shows its own help). Each area module holds
Typer commands or a sub-app; each command parses its arguments, calls one service and
renders the result.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

from statevisa.errors import StatevisaError

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "statevisa.cli.demo:demo",
        "Run the shipped programs on synthetic people and on real Census data.",
    ),
    "programs": ("statevisa.cli.rules:programs_app", "The shipped programs: list, show."),
    "check": (
        "statevisa.cli.rules:check",
        "Check a policy file: exit 0 when valid, 2 with file:line:col messages.",
    ),
    "evaluate": ("statevisa.cli.rules:evaluate", "Evaluate a program for every row of a table."),
    "explain": ("statevisa.cli.rules:explain", "Explain one case: every output and the rules behind it."),
    "test": ("statevisa.cli.rules:test", "Run the YAML case tests beside the programs."),
    "allocate": (
        "statevisa.cli.allocate:allocate",
        "Apportion a total among states or counties by population.",
    ),
    "data": ("statevisa.cli.data:app", "Vendored reference data (Census, BLS, us-atlas) with provenance."),
    "heartland": (
        "statevisa.cli.heartland:app",
        "Heartland Visa (S. 5644) counties: eligibility, opt-in, caps.",
    ),
    "select": (
        "statevisa.cli.select:app",
        "Selection: ranked rounds, verifiable lotteries, stable matching.",
    ),
    "sim": ("statevisa.cli.sim:app", "Synthetic populations built from a program's declared inputs."),
    "wages": ("statevisa.cli.wages:app", "OEWS wage levels I-IV (DOL 2009 prevailing-wage guidance)."),
}
"""Command name → (module:attribute, one line of help for the top-level listing)."""


def load_command(name: str) -> Command:
    """Import the module behind `name` and turn its Typer app or function into a command.

    Typer vendors click as ``typer._click``; the lazy group is built on that copy so it needs
    no second dependency.
    """
    import typer
    import typer.main

    target, short = COMMANDS[name]
    module_name, attribute = target.split(":")
    found: Any = getattr(importlib.import_module(module_name), attribute)
    if isinstance(found, typer.Typer):
        group = typer.main.get_group(found)
        group.name = name
        return group
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    single.command(name, help=found.__doc__ or short, no_args_is_help=name == "allocate")(found)
    command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """A group whose commands are imported on first use; the listing uses the static help lines."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


app = LazyGroup(
    name="statevisa",
    help="Programs as code, allocation, selection and cooperation law for state immigration.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: user errors exit 2 with their messages on stderr, never a traceback."""
    try:
        app.main(args=argv, prog_name="statevisa")
    except StatevisaError as error:
        from statevisa.cli.common import print_errors

        print_errors(error.messages)
        sys.exit(2)
    except (RecursionError, MemoryError) as error:  # input the limits did not foresee: refuse it
        from statevisa.cli.common import print_errors

        why = "nested too deeply" if isinstance(error, RecursionError) else "too large for memory"
        print_errors([f"the input is {why} to process"])
        sys.exit(2)
    except OSError as error:  # a file the code did not expect to fail: still a named refusal
        from statevisa.cli.common import print_errors

        where = f"{error.filename}: " if error.filename else ""
        print_errors([f"{where}{error.strerror or error}"])
        sys.exit(2)
