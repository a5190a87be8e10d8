"""Program use cases: find, load, check, open on a date, list, show, evaluate, explain, test.

Each function takes typed arguments and returns data (never prints): the CLI renders what
comes back, and the API and the web will call the same functions. Warnings a user should see
(a notice in force, parameters that are not confirmed law) come back as data too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from statevisa.errors import InputError, PolicyError, problem
from statevisa.programs import PROGRAMS_DIR, find_program, shipped_id, shipped_paths
from statevisa.rules.model import Brackets, Program, Scalar, Shape, Status
from statevisa.rules.resolve import Resolved, Unconfirmed, resolve, unconfirmed
from statevisa.services.cache import cached_program

if TYPE_CHECKING:
    from statevisa.rules.casetests import Outcome
    from statevisa.rules.evaluate import CaseResult

FLAGGED = (Status.UNCONFIRMED, Status.DEFAULT, Status.SCENARIO)
MAX_CASE_BYTES = 1_000_000
"""A case is one person's inputs: a JSON document larger than this is not one."""
MAX_CASE_DEPTH = 20


def load(reference: str | Path) -> Program:
    """A program by id, file or folder, checked; through the disk cache.

    A shipped file whose parsed id differs from its ``id:`` line (the index the lookup used)
    is refused rather than silently answering for another program.
    """
    path = find_program(str(reference))
    program = cached_program(path, _parse)
    declared = shipped_id(path) if not isinstance(reference, Path) else None
    if declared is not None and declared != program.id:
        raise PolicyError(
            problem("id-mismatch", f"declares id '{program.id}' but is indexed as '{declared}'", file=path)
        )
    return program


def _parse(path: Path) -> Program:
    """Parse a policy file; a file too complex for the stack or memory is refused, not a crash.

    The size and depth limits of `rules.source` and `rules.parse` refuse every hostile file we
    know of; this is the boundary for one they miss (a chain of thousands of rules, say).
    """
    # the YAML and grammar machinery loads only when the cache cannot answer
    from statevisa.rules.load import load_program

    try:
        return load_program(path)
    except (RecursionError, MemoryError) as error:
        why = "nested too deeply" if isinstance(error, RecursionError) else "too large to hold in memory"
        raise PolicyError(problem("too-complex", f"the program is {why} to check", file=path)) from None


@cache
def shipped_program(program_id: str) -> Program:
    """A shipped program, loaded once per process."""
    return load(program_id)


def in_force(program_id: str, on: dt.date, names: Sequence[str]) -> Resolved:
    """The named parameters of a shipped program in force on `on`, with periods and citations."""
    return resolve(shipped_program(program_id), on, names=names)


@dataclass(frozen=True)
class Opened:
    """A program fixed to a date, and what a user should be told about it."""

    resolved: Resolved
    warnings: tuple[str, ...] = ()

    @property
    def program(self) -> Program:
        return self.resolved.program


def warnings_for(resolved: Resolved) -> tuple[str, ...]:
    """The notices in force on the date, then the parameters used that are not confirmed law."""
    program = resolved.program
    found = [" ".join(notice.message.split()) for notice in program.notices_on(resolved.on)]
    flagged = sorted(
        f"{name} ({value.status})" for name, value in resolved.values.items() if value.status in FLAGGED
    )
    if flagged:
        found.append(f"{program.id} uses parameters that are not confirmed law: {', '.join(flagged)}")
    return tuple(found)


def open_program(reference: str | Path, on: dt.date, sets: Mapping[str, str] | None = None) -> Opened:
    """Load a program by id or path and fix it to `on`, with scenario values `sets`."""
    program = (
        shipped_program(reference) if isinstance(reference, str) and _is_id(reference) else load(reference)
    )
    resolved = resolve(program, on, dict(sets or {}))
    return Opened(resolved, warnings_for(resolved))


def _is_id(reference: str) -> bool:
    return not reference.endswith((".yaml", ".yml")) and not Path(reference).exists()


# Listing and showing -----------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """One program as a listing shows it."""

    id: str
    title: str
    jurisdiction: str
    status: str
    version: str
    folder: str


def list_programs() -> list[Summary]:
    """Every shipped program, in folder order."""
    found = []
    for path in shipped_paths():
        program = load(path)
        folder = str(path.parent.relative_to(PROGRAMS_DIR))
        found.append(
            Summary(
                program.id, program.title, program.jurisdiction, program.status.value, program.version, folder
            )
        )
    return found


@dataclass(frozen=True)
class ParameterRow:
    """A parameter on a date: its value in force (None: OPEN or none in force), period, status, source."""

    name: str
    value: str | None
    in_force: str
    status: str | None
    source: str | None
    open: bool = False


@dataclass(frozen=True)
class InputRow:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class ProgramView:
    """What `programs show` displays: the program's header, parameters on the date, inputs, outputs."""

    program: Program
    on: dt.date
    notices: tuple[str, ...]
    parameters: tuple[ParameterRow, ...]
    inputs: tuple[InputRow, ...]
    outputs: tuple[str, ...]


def show_program(reference: str, on: dt.date) -> ProgramView:
    """A program on a date: every parameter in force with its period, status and source."""
    prog = load(reference)
    rows = []
    for spec in prog.parameters.values():
        period = spec.period_on(on)
        if period is None:
            periods = "; ".join(p.label() for p in spec.periods)
            rows.append(ParameterRow(spec.name, None, periods, None, None))
            continue
        value = None if period.shape is None else describe_shape(period.shape)
        rows.append(
            ParameterRow(
                spec.name,
                value,
                period.label(),
                period.status.value,
                period.citation.short(),
                period.shape is None,
            )
        )
    inputs = tuple(
        InputRow(
            item.name,
            str(item.type),
            item.description + (f" (from {item.source} by {item.source_key})" if item.source else ""),
        )
        for item in prog.inputs.values()
    )
    notices = tuple(" ".join(n.message.split()) for n in prog.notices_on(on))
    return ProgramView(prog, on, notices, tuple(rows), inputs, ("id", *prog.outputs))


def describe_shape(shape: Shape, limit: int = 60) -> str:
    """A parameter value in one short line: the number, or the table's first entries."""
    from statevisa.rules.explain import show

    if isinstance(shape, Scalar):
        return show(shape.value)
    if isinstance(shape, Brackets):
        parts = [f"{shape.label(i)}: {describe_shape(sub)}" for i, sub in enumerate(shape.shapes)]
    else:
        parts = [f"{key}: {describe_shape(sub)}" for key, sub in shape.entries]
    text = "{" + ", ".join(parts) + "}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Checking, evaluating, explaining ---------------------------------------------------------


def check(path: Path) -> Program:
    """Check a policy file; raises PolicyError with every problem found."""
    return load(path)


@dataclass(frozen=True)
class Evaluated:
    """What an evaluation wrote: how many rows, for which program and date, where."""

    program: Program
    on: dt.date
    rows: int
    out: Path
    warnings: tuple[str, ...]


def evaluate_table(
    reference: str,
    input: Path,
    out: Path,
    on: dt.date,
    sets: Mapping[str, str] | None = None,
    keep: Sequence[str] = (),
) -> Evaluated:
    """Evaluate a program for every row of a table; writes nothing unless every row is valid."""
    from statevisa.rules.evaluate import evaluate_frame
    from statevisa.rules.validate import validate
    from statevisa.tables import check_output, read_table, write_table

    check_output(out, inputs=[input])
    opened = open_program(reference, on, sets)
    frame = read_table(input)
    result = evaluate_frame(opened.resolved, validate(opened.resolved, frame, str(input)), str(input))
    kept = list(dict.fromkeys(keep))
    absent = [name for name in kept if name not in frame.columns]
    clash = [name for name in kept if name in result.columns]
    if absent or clash:
        raise InputError(
            [problem("unknown-column", f"{input} has no column '{name}'", field="--keep") for name in absent]
            + [
                problem("output-column", f"'{name}' is already an output column", field="--keep")
                for name in clash
            ]
        )
    write_table(result.hstack(frame.select(kept)), out)
    return Evaluated(opened.program, on, result.height, out, opened.warnings)


@dataclass(frozen=True)
class Explanation:
    """One case decided and explained: the outputs, the traces behind them, what is not confirmed law."""

    resolved: Resolved
    case: Mapping[str, object]
    result: CaseResult
    unconfirmed: tuple[Unconfirmed, ...]
    warnings: tuple[str, ...] = ()
    context: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The document `explain --json` prints (schema_version 1)."""
        from statevisa.rules.explain import SCHEMA_VERSION, json_value

        prog = self.resolved.program
        return {
            "schema_version": SCHEMA_VERSION,
            "program": {"id": prog.id, "title": prog.title, "version": prog.version,
                        "jurisdiction": prog.jurisdiction, "status": prog.status.value},
            "on": self.resolved.on.isoformat(),
            "case": self.case.get("id"),
            **({"context": dict(self.context)} if self.context else {}),
            "outputs": {name: json_value(value) for name, value in self.result.outputs.items()},
            "notices": [" ".join(n.message.split()) for n in prog.notices_on(self.resolved.on)],
            "explanation": [trace.to_json() for trace in self.result.traces.values()],
            "unconfirmed": [
                {"name": u.name, "status": u.status.value, "has_value": u.has_value,
                 "cite": u.cite, "note": u.note}
                for u in self.unconfirmed
            ],
        }  # fmt: skip


def explain_values(
    opened: Opened, values: Mapping[str, object], source: str, context: Mapping[str, object] | None = None
) -> Explanation:
    """Validate and evaluate one case of an opened program, with its explanation."""
    from statevisa.rules.cases import evaluate_one

    resolved = opened.resolved
    result = evaluate_one(resolved, values, source)
    flagged = tuple(unconfirmed(resolved.program, resolved.on))
    return Explanation(resolved, values, result, flagged, opened.warnings, dict(context or {}))


def explain_case(
    reference: str, case: Path, on: dt.date, sets: Mapping[str, str] | None = None
) -> Explanation:
    """Explain the case in a JSON file: every output, the rules, inputs and parameters behind it."""
    opened = open_program(reference, on, sets)
    return explain_values(opened, read_case(case), str(case))


def read_case(path: Path) -> dict[str, object]:
    """One case: a JSON object of input values, UTF-8, of a sane size and depth."""
    if not path.is_file():
        raise InputError(problem("no-such-file", "no such file", file=path))
    raw = path.read_bytes()
    if len(raw) > MAX_CASE_BYTES:
        raise InputError(
            problem(
                "too-large",
                f"{len(raw):,} bytes is too large for one case (limit {MAX_CASE_BYTES:,})",
                file=path,
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            problem("not-utf8", f"not UTF-8 text (byte {error.start}: {raw[error.start]:#04x})", file=path)
        ) from None
    return parse_case(text, str(path))


def parse_case(text: str, source: str) -> dict[str, object]:
    """A case from JSON text; nested structures are refused before they can exhaust the stack."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_CASE_DEPTH:
                raise InputError(
                    problem(
                        "too-deep",
                        f"nested deeper than {MAX_CASE_DEPTH} levels: a case is a flat object of values",
                        file=source,
                    )
                )
        elif char in "]}":
            depth -= 1
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise InputError(
            problem(
                "invalid-json",
                f"not valid JSON: {error.msg}",
                file=source,
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    except ValueError as error:
        raise InputError(problem("invalid-json", str(error), file=source)) from None
    if not isinstance(data, dict):
        raise InputError(
            problem("not-an-object", "a case must be a JSON object of input values", file=source)
        )
    return data


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows: give a finite number")


# Case tests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFileError:
    """A case file (or its program) that could not be read: the problems instead of outcomes."""

    file: Path
    messages: tuple[str, ...]


def run_case_tests(root: Path | None = None) -> list[Outcome | CaseFileError]:
    """Run the YAML case tests beside the programs under `root` (default: every shipped one)."""
    from statevisa.rules.casetests import case_files, run_case_file

    root = root or PROGRAMS_DIR
    files = case_files(root)
    if not files:
        raise InputError(
            problem("no-case-tests", "no case tests found (expected <program>/tests/*.yaml)", file=root)
        )
    found: list[Outcome | CaseFileError] = []
    for file in files:
        try:
            program = load(file.parent.parent / "program.yaml")
            found.extend(run_case_file(file, program))
        except PolicyError as error:
            found.append(CaseFileError(file, tuple(error.messages)))
    return found
