"""CLI for the rules engine: programs list/show, check, evaluate, explain, test.

Each command parses its arguments, calls one function of `statevisa.services.programs` and
renders what it returns. The forms ``check FILE``, ``evaluate PROGRAM --input --on --out``
and ``explain PROGRAM --case [--on] [--json]`` are contracts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import click

from statevisa.cli import Group
from statevisa.cli.common import BUSY_ROWS, busy, stdout, tell, warn
from statevisa.cli.params import PATH, Argument
from statevisa.cli.render import Format, emit, format_option
from statevisa.errors import InputError, problem
from statevisa.services import programs as service

programs = Group("programs", help="The shipped programs.", no_args_is_help=True)


def parse_on(value: str | None, option: str = "--on") -> dt.date:
    """`--on YYYY-MM-DD`; today when absent (the edge is the only place that reads the clock)."""
    if value is None:
        return dt.date.today()
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            problem("not-a-date", f"'{value}' is not a date (use YYYY-MM-DD)", field=option)
        ) from None


def parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    """`--set NAME=VALUE` options as a mapping."""
    found: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(problem("not-name-value", f"'{item}' is not NAME=VALUE", field="--set"))
        found[name.strip()] = value.strip()
    return found


on_option = click.option("--on", help="Evaluation date YYYY-MM-DD (default: today).")
set_option = click.option(
    "--set", "set_", multiple=True, help="Scenario value for a parameter, NAME=VALUE (repeatable)."
)
program_argument = click.argument(
    "program", cls=Argument, help="A shipped program id or a path to a program file."
)


def show_warnings(warnings: tuple[str, ...]) -> None:
    for message in warnings:
        warn(message)


def open_program(reference: str, on: dt.date, sets: dict[str, str]) -> service.Opened:
    """Open a program for a command and print its warnings on stderr."""
    opened = service.open_program(reference, on, sets)
    show_warnings(opened.warnings)
    return opened


@programs.command("list")
@format_option
def programs_list(fmt: Format) -> None:
    """List the shipped programs: id, title, jurisdiction, status, version, folder."""
    records = [vars(item) for item in service.list_programs()]
    if fmt is Format.table:  # the short fields never wrap; the title takes what width is left
        whole = ("id", "jurisdiction", "status", "version")
        emit(records, [*whole, "title"], fmt, title="Shipped programs", keep_whole=whole)
        return
    emit(records, ["id", "title", "jurisdiction", "status", "version", "folder"], fmt)


@programs.command("bundle")
@click.argument("program", metavar="PROGRAM")
def programs_bundle(program: str) -> None:
    """Print a program (id, program.yaml or folder) as the JSON body the API's upload takes."""
    import json

    from statevisa.services.program_versions import shipped_files

    click.echo(json.dumps({"files": shipped_files(program)}, ensure_ascii=False))


@programs.command("show")
@program_argument
@on_option
@format_option
def programs_show(program: str, on: str | None, fmt: Format) -> None:
    """Show a program on a date: each parameter in force with its status and source; inputs; outputs."""
    view = service.show_program(program, parse_on(on))
    prog = view.program
    show_warnings(view.notices)
    if fmt is not Format.table:
        emit(
            [vars(row) for row in view.parameters],
            ["name", "value", "in_force", "status", "source", "open"],
            fmt,
        )
        return
    stdout.print(f"{prog.title} ({prog.id} {prog.version}, {prog.jurisdiction}, {prog.status})", markup=False)
    if prog.description:
        stdout.print(" ".join(prog.description.split()), markup=False)
    rows = [
        {
            "parameter": row.name,
            "value": "OPEN: no value" if row.open else ("none in force" if row.status is None else row.value),
            "in force": row.in_force,
            "status": row.status or "",
            "source": row.source or "",
        }
        for row in view.parameters
    ]
    emit(rows, ["parameter", "value", "in force", "status", "source"], fmt,
         title=f"Parameters on {view.on}", keep_whole=("parameter", "in force", "status"))  # fmt: skip
    emit([vars(item) for item in view.inputs], ["name", "type", "description"], fmt,
         title="Inputs (one row per person)", keep_whole=("name",))  # fmt: skip
    stdout.print("outputs: " + ", ".join(view.outputs), markup=False)


@click.command("check")
@click.argument("file", cls=Argument, type=PATH, help="A program.yaml to check.")
def check(file: Path) -> None:
    """Check a policy file: exit 0 when valid, 2 with file:line:col messages otherwise."""
    program = service.check(file)
    click.echo(
        f"{file}: ok: {program.id} {program.version}, {len(program.inputs)} inputs, "
        f"{len(program.parameters)} parameters, {len(program.rules)} rules"
    )


@click.command("evaluate")
@program_argument
@click.option("--input", type=PATH, required=True, help="People to evaluate: .csv or .parquet.")
@click.option("--out", type=PATH, required=True, help="Where to write id and every output: .csv or .parquet.")
@on_option
@set_option
@click.option(
    "--keep", multiple=True, help="Copy this input column to the output, after the outputs (repeatable)."
)
def evaluate(
    program: str, input: Path, out: Path, on: str | None, set_: tuple[str, ...], keep: tuple[str, ...]
) -> None:
    """Evaluate a program for every row of a table; writes nothing unless every row is valid."""
    date, sets = parse_on(on), parse_sets(set_)
    large = input.is_file() and input.stat().st_size > 50_000_000
    with busy(f"evaluating {input}", BUSY_ROWS if large else 0):
        done = service.evaluate_table(program, input, out, date, sets, keep)
    show_warnings(done.warnings)
    tell(f"{done.program.id}: {done.rows:,} rows evaluated on {done.on} → {out}")


@click.command("explain")
@program_argument
@click.option("--case", type=PATH, required=True, help="One case as a JSON object of input values.")
@on_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@set_option
def explain(program: str, case: Path, on: str | None, as_json: bool, set_: tuple[str, ...]) -> None:
    """Explain one case: every output, the rules, inputs and dated, cited parameters behind it."""
    explanation = service.explain_case(program, case, parse_on(on), parse_sets(set_))
    show_warnings(explanation.warnings)
    show_explanation(explanation, as_json)


def show_explanation(explanation: service.Explanation, as_json: bool) -> None:
    """Print one case's explanation as a tree (or JSON): outputs, why, what is unconfirmed, sources."""
    from statevisa.cli.render import render, roots
    from statevisa.rules.explain import show

    if as_json:
        click.echo(json.dumps(explanation.to_json(), indent=2, ensure_ascii=False, allow_nan=False))
        return
    resolved, result = explanation.resolved, explanation.result
    prog = resolved.program
    stdout.print(
        f"[bold]{prog.title}[/bold] ({prog.id} {prog.version}), "
        f"case [bold]{explanation.case.get('id', '?')}[/bold], on {resolved.on.isoformat()}"
    )
    for key, item in explanation.context.items():
        stdout.print(f"  {key}: {item}", markup=False)
    stdout.print("  ".join(f"{name} [cyan]{show(value)}[/cyan]" for name, value in result.outputs.items()))
    for trace in roots(list(result.traces.values())):
        stdout.print(render(trace))
    flagged = explanation.unconfirmed
    if flagged:
        stdout.print(
            f"[bold yellow]Not confirmed law on {resolved.on}[/bold yellow] ({len(flagged)} parameters)"
        )
        for item in flagged:
            value = "has a value" if item.has_value else "OPEN: no value"
            note = f" — {item.note}" if item.note else ""
            stdout.print(f"  {item.name}: {item.status.value}, {value} [{item.cite}]{note}", markup=False)
    if prog.references:
        stdout.print("[bold]Sources[/bold]")
        for ref in prog.references.values():
            stdout.print(f"  {ref.key}  {ref.title}" + (f" <{ref.url}>" if ref.url else ""), markup=False)


@click.command("test")
@click.argument(
    "path",
    cls=Argument,
    type=PATH,
    required=False,
    help="A case file, a program folder or a tree (default: all shipped).",
)
@format_option
def test(path: Path | None, fmt: Format) -> None:
    """Run the YAML case tests beside the programs, through both evaluators."""
    from statevisa.programs import PROGRAMS_DIR

    records: list[Mapping[str, object]] = []
    for found in service.run_case_tests(path):
        if isinstance(found, service.CaseFileError):
            name, result, problems = "(file)", "error", found.messages
        else:
            name, result, problems = found.case.name, "pass" if found.passed else "FAIL", found.problems
        records.append(
            {
                "file": _short(found.file, PROGRAMS_DIR),
                "case": name,
                "result": result,
                "problems": "; ".join(problems),
            }
        )
    passed = sum(1 for r in records if r["result"] == "pass")
    failed = len(records) - passed
    emit(records, ["file", "case", "result", "problems"], fmt, title="Case tests")
    if fmt is Format.table:
        stdout.print(f"{passed} passed, {failed} failed")
    if failed:
        raise click.exceptions.Exit(1)


def _short(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
