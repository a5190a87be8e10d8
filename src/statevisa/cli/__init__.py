"""The `statevisa` command: one lazy click group, one module per area, loaded only when used.

`statevisa --help` and `statevisa programs list` must not pay for Polars and NumPy, so the
top level knows each command by name and one line of help (`COMMANDS`) and imports its module
only when that command runs (or shows its own help). Each command parses its arguments, calls
one service and renders the result.

Adding an area is one line in `COMMANDS`. Write `statevisa/cli/<area>.py` holding
``app = Group("<area>", help=..., no_args_is_help=True)`` (this module's `Group`) and its
commands (``@app.command("verb")`` with ``@click.option`` typed by `statevisa.cli.params`),
importing services, Polars and NumPy inside the command bodies; then add
``"<area>": ("statevisa.cli.<area>:app", "One line of help.")``. A single command works the
same way (a `click.Command` instead of a group). The CLI is plain click, not Typer: see
CONTRIBUTING.md for why.
"""

from __future__ import annotations

import importlib
import sys

import click

from statevisa.errors import StatevisaError

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "statevisa.cli.demo:demo",
        "Run the shipped programs on synthetic people and on real Census data.",
    ),
    "programs": ("statevisa.cli.rules:programs", "The shipped programs: list, show."),
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
    "lab": (
        "statevisa.cli.lab:app",
        "The scenario lab: run a scenario, sweep its settings (locally or on Dask), export a report.",
    ),
    "db": ("statevisa.cli.platform:db", "The platform's database: create or upgrade its schema."),
    "serve": ("statevisa.cli.platform:serve", "Serve the API and the web pages on the platform's database."),
    "admin": ("statevisa.cli.platform:admin", "Administration: issue bearer tokens for the API."),
    "audit": (
        "statevisa.cli.platform:audit",
        "The transparency log: signed heads, proofs, verification, export.",
    ),
    "cooperation": (
        "statevisa.cli.cooperation:app",
        "Cooperation with federal enforcement: decide requests, 287(g) registry, capacity model.",
    ),
    "applications": (
        "statevisa.cli.operations:applications",
        "Applications: load a state office's file of them in one pass.",
    ),
    "rounds": ("statevisa.cli.operations:rounds", "Selection rounds: replay an exported round."),
    "cases": ("statevisa.cli.operations:cases", "Cases: the compliance sweep."),
    "identity": (
        "statevisa.cli.identity:app",
        "Certify a travel document (MRZ); find one person across states.",
    ),
}
"""Command name → (module:attribute, one line of help for the top-level listing)."""


def load_command(name: str) -> click.Command:
    """Import the module behind `name` and return its click command or group, named `name`."""
    target, _ = COMMANDS[name]
    module_name, attribute = target.split(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"COMMANDS[{name!r}]: {target} is not a click.Command or click.Group")
    command.name = name
    return command


class Group(click.Group):
    """A click group that lists its commands in the order they were added, each with its whole
    first sentence (click sorts them and cuts the sentence at the terminal's width)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        rows = [(name, self.commands[name].get_short_help_str(sys.maxsize)) for name in names]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class LazyGroup(Group):
    """A group whose commands are imported on first use; the listing uses the static help lines."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


app = LazyGroup(
    name="statevisa",
    help="Programs as code, allocation, selection and cooperation law for state immigration.",
    no_args_is_help=True,
    context_settings={"show_default": True},
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
