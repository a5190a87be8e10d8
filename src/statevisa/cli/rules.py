"""CLI for the rules engine: programs list, check, evaluate, explain, test.

Each command is a thin wrapper: parse arguments, call the engine, print. The
forms ``check FILE``, ``evaluate PROGRAM --input --on --out`` and
``explain PROGRAM --case [--on] [--json]`` are contracts (issue 3).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from statevisa.cli.common import BUSY_ROWS, busy, stderr, stdout, warn
from statevisa.errors import InputError, PolicyError
from statevisa.programs import PROGRAMS_DIR, find_program, shipped_paths
from statevisa.rules.cases import evaluate_one
from statevisa.rules.casetests import case_files, run_case_file
from statevisa.rules.evaluate import CaseResult, evaluate_frame
from statevisa.rules.explain import SCHEMA_VERSION, Trace, json_value, render, show
from statevisa.rules.load import load_program
from statevisa.rules.model import Brackets, Program, Scalar, Shape, Status
from statevisa.rules.resolve import Resolved, resolve, unconfirmed
from statevisa.rules.validate import validate
from statevisa.tables import read_table, table_format, write_table

programs_app = typer.Typer(help="The shipped programs.", no_args_is_help=True)


def parse_on(value: str | None) -> dt.date:
    """`--on YYYY-MM-DD`; today when absent."""
    if value is None:
        return dt.date.today()
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--on: '{value}' is not a date (use YYYY-MM-DD)") from None


def parse_sets(values: list[str] | None) -> dict[str, str]:
    """`--set NAME=VALUE` options as a mapping."""
    found: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--set: '{item}' is not NAME=VALUE")
        found[name.strip()] = value.strip()
    return found


OnOption = Annotated[str | None, typer.Option("--on", help="Evaluation date YYYY-MM-DD (default: today).")]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Scenario value for a parameter, NAME=VALUE (repeatable)."),
]


def open_program(reference: str, on: dt.date, sets: dict[str, str]) -> Resolved:
    """Load a program by id or path, fix it to `on`, and print its notices and flagged statuses."""
    program = load_program(find_program(reference))
    resolved = resolve(program, on, sets)
    for notice in program.notices_on(on):
        warn(" ".join(notice.message.split()))
    flagged = sorted(
        f"{name} ({value.status})"
        for name, value in resolved.values.items()
        if value.status in (Status.UNCONFIRMED, Status.DEFAULT, Status.SCENARIO)
    )
    if flagged:
        warn(f"{program.id} uses parameters that are not confirmed law: {', '.join(flagged)}")
    return resolved


@programs_app.command("list")
def programs_list() -> None:
    """List the shipped programs: id, title, jurisdiction, status."""
    table = Table("id", "title", "jurisdiction", "status", "version", title="Shipped programs")
    for path in shipped_paths():
        program = load_program(path)
        table.add_row(program.id, program.title, program.jurisdiction, program.status, program.version)
    stdout.print(table)


@programs_app.command("show")
def programs_show(
    program: Annotated[str, typer.Argument(help="A shipped program id or a path to a program file.")],
    on: OnOption = None,
) -> None:
    """Show a program on a date: each parameter in force with its status and source; inputs; outputs."""
    date = parse_on(on)
    prog = load_program(find_program(program))
    stdout.print(
        f"[bold]{escape(prog.title)}[/bold] ({prog.id} {prog.version}, {prog.jurisdiction}, {prog.status})"
    )
    if prog.description:
        stdout.print(" ".join(prog.description.split()), markup=False)
    for notice in prog.notices_on(date):
        warn(" ".join(notice.message.split()))
    table = Table(title=f"Parameters on {date}")
    for header in ("parameter", "value", "in force", "status", "source"):
        table.add_column(header, no_wrap=header in ("parameter", "in force", "status"))
    for spec in prog.parameters.values():
        period = spec.period_on(date)
        if period is None:
            periods = "; ".join(p.label() for p in spec.periods)
            table.add_row(spec.name, "[dim]none in force[/dim]", escape(periods), "", "")
            continue
        value = (
            "[yellow]OPEN: no value[/yellow]"
            if period.shape is None
            else escape(describe_shape(period.shape))
        )
        status = (
            period.status.value
            if period.status.value == "confirmed"
            else f"[yellow]{period.status.value}[/yellow]"
        )
        table.add_row(spec.name, value, period.label(), status, escape(period.citation.short()))
    stdout.print(table)
    inputs = Table("input", "type", "description", title="Inputs (one row per person)")
    for item in prog.inputs.values():
        source = f" (from {item.source} by {item.source_key})" if item.source else ""
        inputs.add_row(item.name, escape(str(item.type)), escape(item.description + source))
    stdout.print(inputs)
    stdout.print("outputs: id, " + ", ".join(prog.outputs), markup=False)


def describe_shape(shape: Shape, limit: int = 60) -> str:
    """A parameter value in one short line: the number, or the table's first entries."""
    if isinstance(shape, Scalar):
        return show(shape.value)
    if isinstance(shape, Brackets):
        parts = [f"{shape.label(i)}: {describe_shape(sub)}" for i, sub in enumerate(shape.shapes)]
    else:
        parts = [f"{key}: {describe_shape(sub)}" for key, sub in shape.entries]
    text = "{" + ", ".join(parts) + "}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check(file: Annotated[Path, typer.Argument(help="A program.yaml to check.")]) -> None:
    """Check a policy file: exit 0 when valid, 2 with file:line:col messages otherwise."""
    program = load_program(file)
    typer.echo(
        f"{file}: ok: {program.id} {program.version}, {len(program.inputs)} inputs, "
        f"{len(program.parameters)} parameters, {len(program.rules)} rules"
    )


def evaluate(
    program: Annotated[str, typer.Argument(help="A shipped program id or a path to a program file.")],
    input: Annotated[Path, typer.Option("--input", help="People to evaluate: .csv or .parquet.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write id and every output: .csv or .parquet.")],
    on: OnOption = None,
    set_: SetOption = None,
    keep: Annotated[
        list[str] | None,
        typer.Option("--keep", help="Copy this input column to the output, after the outputs (repeatable)."),
    ] = None,
) -> None:
    """Evaluate a program for every row of a table; writes nothing unless every row is valid."""
    table_format(out)
    resolved = open_program(program, parse_on(on), parse_sets(set_))
    large = input.is_file() and input.stat().st_size > 50_000_000
    with busy(f"reading {input}", BUSY_ROWS if large else 0):
        frame = read_table(input)
    with busy(f"validating and evaluating {frame.height:,} rows", frame.height):
        result = evaluate_frame(resolved, validate(resolved, frame, str(input)))
    kept = list(dict.fromkeys(keep or []))
    absent = [name for name in kept if name not in frame.columns]
    clash = [name for name in kept if name in result.columns]
    if absent or clash:
        raise InputError(
            [f"--keep {name}: {input} has no column '{name}'" for name in absent]
            + [f"--keep {name}: '{name}' is already an output column" for name in clash]
        )
    write_table(result.hstack(frame.select(kept)), out)
    stderr.print(
        f"{resolved.program.id}: {result.height:,} rows evaluated on {resolved.on} → {out}",
        markup=False,
    )


def explain(
    program: Annotated[str, typer.Argument(help="A shipped program id or a path to a program file.")],
    case: Annotated[Path, typer.Option("--case", help="One case as a JSON object of input values.")],
    on: OnOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    set_: SetOption = None,
) -> None:
    """Explain one case: every output, the rules, inputs and dated, cited parameters behind it."""
    resolved = open_program(program, parse_on(on), parse_sets(set_))
    values = _read_case(case)
    show_explanation(resolved, values, evaluate_one(resolved, values, str(case)), as_json)


def show_explanation(
    resolved: Resolved,
    values: Mapping[str, object],
    result: CaseResult,
    as_json: bool,
    context: Mapping[str, object] | None = None,
) -> None:
    """Print one case's explanation as a tree (or JSON): outputs, why, what is unconfirmed, sources.

    `context` adds facts the caller computed before the rules ran (for a county: the vintage
    and windows its inputs come from); they print first and appear under "context" in JSON.
    """
    prog = resolved.program
    flagged = unconfirmed(prog, resolved.on)
    if as_json:
        document = {
            "schema_version": SCHEMA_VERSION,
            "program": {"id": prog.id, "title": prog.title, "version": prog.version,
                        "jurisdiction": prog.jurisdiction, "status": prog.status},
            "on": resolved.on.isoformat(),
            "case": values.get("id"),
            **({"context": dict(context)} if context else {}),
            "outputs": {name: json_value(value) for name, value in result.outputs.items()},
            "notices": [" ".join(n.message.split()) for n in prog.notices_on(resolved.on)],
            "explanation": [trace.to_json() for trace in result.traces.values()],
            "unconfirmed": [
                {"name": u.name, "status": u.status.value, "has_value": u.has_value,
                 "cite": u.cite, "note": u.note}
                for u in flagged
            ],
        }  # fmt: skip
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))
        return
    stdout.print(
        f"[bold]{prog.title}[/bold] ({prog.id} {prog.version}), case [bold]{values.get('id', '?')}[/bold], "
        f"on {resolved.on.isoformat()}"
    )
    for key, item in (context or {}).items():
        stdout.print(f"  {key}: {item}", markup=False)
    stdout.print("  ".join(f"{name} [cyan]{show(value)}[/cyan]" for name, value in result.outputs.items()))
    for trace in roots(list(result.traces.values())):
        stdout.print(render(trace))
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


def roots(traces: list[Trace]) -> list[Trace]:
    """The outputs no other output already explains (score explains core, spouse, ...)."""
    inside: set[str] = set()
    stack = [child for trace in traces for child in trace.children]
    while stack:
        node = stack.pop()
        inside.add(node.name)
        stack.extend(node.children)
    return [trace for trace in traces if trace.name not in inside]


def _read_case(path: Path) -> dict[str, object]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: a case must be a JSON object of input values")
    return data


def test(
    path: Annotated[
        Path | None,
        typer.Argument(help="A case file, a program folder or a tree (default: all shipped)."),
    ] = None,
) -> None:
    """Run the YAML case tests beside the programs, through both evaluators."""
    root = path or PROGRAMS_DIR
    files = case_files(root)
    if not files:
        raise InputError(f"{root}: no case tests found (expected <program>/tests/*.yaml)")
    programs: dict[Path, Program] = {}
    table = Table("file", "case", "result", title="Case tests")
    passed = failed = 0
    for file in files:
        program_path = file.parent.parent / "program.yaml"
        try:
            program = programs.get(program_path) or load_program(program_path)
            programs[program_path] = program
            outcomes = run_case_file(file, program)
        except PolicyError as error:
            failed += 1
            table.add_row(_short(file), "(file)", "[red]error[/red]: " + "; ".join(error.messages))
            continue
        for outcome in outcomes:
            if outcome.passed:
                passed += 1
                table.add_row(_short(file), outcome.case.name, "[green]pass[/green]")
            else:
                failed += 1
                table.add_row(
                    _short(file),
                    outcome.case.name,
                    "[red]FAIL[/red]: " + "; ".join(outcome.problems),
                )
    stdout.print(table)
    stdout.print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROGRAMS_DIR))
    except ValueError:
        return str(path)


def register(app: typer.Typer) -> None:
    """Attach the rules commands to the main app."""
    app.add_typer(programs_app, name="programs")
    app.command()(check)
    app.command()(evaluate)
    app.command()(explain)
    app.command()(test)
