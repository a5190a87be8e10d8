"""YAML case tests beside each program: named situations with their expected outputs.

Every case runs through both evaluators (per case and vectorised), so a case
test also proves that the two paths agree on it. A case may instead expect an
error, by a fragment of its message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statevisa.errors import PolicyError, StatevisaError
from statevisa.rules.cases import case_frame, evaluate_one, with_blanks
from statevisa.rules.evaluate import evaluate_case, evaluate_frame
from statevisa.rules.load import load_program
from statevisa.rules.load_parameters import parse_date
from statevisa.rules.model import Program, Value
from statevisa.rules.resolve import resolve
from statevisa.rules.source import decode_policy, mapping_items, parse_yaml
from statevisa.rules.validate import validate

CASE_KEYS = ("name", "on", "input", "expected", "error", "set")
FLOAT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class CaseTest:
    """One named situation."""

    name: str
    on: dt.date
    input: dict[str, object]
    expected: dict[str, object] = field(default_factory=dict)
    error: str | None = None
    scenario: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Outcome:
    """What one case test found; `problems` is empty when it passed."""

    file: Path
    case: CaseTest
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def case_files(root: Path) -> list[Path]:
    """Every case-test file under `root` (files in a program's `tests/` folder), sorted."""
    if root.is_file():
        return [root]
    return sorted(
        path for path in root.rglob("tests/*.yaml") if (path.parent.parent / "program.yaml").is_file()
    )


def load_cases(path: Path) -> tuple[Path, list[CaseTest]]:
    """The program a case file tests (the program.yaml above its tests/ folder) and its cases."""
    doc = parse_yaml(decode_policy(path.read_bytes(), str(path)), str(path))
    defaults = dict(mapping_items(doc.root.get("defaults") or CommentedMap()))
    raw = doc.root.get("cases")
    if not isinstance(raw, CommentedSeq) or not raw:
        raise PolicyError(f"{path}:1:1: a case file needs a non-empty 'cases' list")
    cases = []
    for index, body in enumerate(raw):
        line = doc.item_span(raw, index).line
        if not isinstance(body, CommentedMap):
            raise PolicyError(f"{path}:{line}:1: a case must be a mapping")
        unknown = [str(key) for key in body if str(key) not in CASE_KEYS]
        on = parse_date(body.get("on"))
        if unknown or on is None or "name" not in body or ("expected" in body) == ("error" in body):
            raise PolicyError(
                f"{path}:{line}:1: a case needs name, on (ISO date), input and either expected or error"
                + (f"; unknown key(s): {', '.join(unknown)}" if unknown else "")
            )
        values = {**defaults, **dict(mapping_items(body.get("input") or CommentedMap()))}
        values.setdefault("id", str(body["name"]).split()[0])
        cases.append(
            CaseTest(
                name=str(body["name"]),
                on=on,
                input=values,
                expected=dict(mapping_items(body.get("expected") or CommentedMap())),
                error=str(body["error"]) if "error" in body else None,
                scenario={k: str(v) for k, v in mapping_items(body.get("set") or CommentedMap())},
                line=line,
            )
        )
    return path.parent.parent / "program.yaml", cases


def run_case_file(path: Path, program: Program | None = None) -> list[Outcome]:
    """Run every case of one file through both evaluators.

    Cases that share a date and scenario are validated and evaluated as one table (the
    way a real file is); the per-case evaluator then runs on each validated row. A batch
    that fails validation falls back to one case at a time, so each error lands on its case.
    """
    program_path, cases = load_cases(path)
    program = program or load_program(program_path)
    results: dict[int, list[str]] = {}
    groups: dict[tuple[dt.date, tuple[tuple[str, str], ...]], list[int]] = {}
    for index, case in enumerate(cases):
        if case.error is not None:
            results[index] = _run_alone(program, case, path)
        else:
            groups.setdefault((case.on, tuple(sorted(case.scenario.items()))), []).append(index)
    for indices in groups.values():
        results.update(_run_batch(program, [cases[i] for i in indices], indices, path))
    return [Outcome(path, case, tuple(results[i])) for i, case in enumerate(cases)]


def _run_batch(
    program: Program, cases: list[CaseTest], indices: list[int], path: Path
) -> dict[int, list[str]]:
    first = cases[0]
    try:
        resolved = resolve(program, first.on, first.scenario)
        rows = [{**with_blanks(program, case.input), "id": str(n)} for n, case in enumerate(cases)]
        columns = list(dict.fromkeys(name for row in rows for name in row))
        frame = case_frame({name: [row.get(name) for row in rows] for name in columns})
        typed = validate(resolved, frame, path.name)
        vectorised = evaluate_frame(resolved, typed).to_dicts()
    except StatevisaError:
        return {index: _run_alone(program, case, path) for index, case in zip(indices, cases, strict=True)}
    found: dict[int, list[str]] = {}
    for index, case, row, frame_out in zip(
        indices, cases, typed.iter_rows(named=True), vectorised, strict=True
    ):
        try:
            single = evaluate_case(resolved, row)
        except StatevisaError as error:
            found[index] = [f"unexpected error: {'; '.join(error.messages)}"]
            continue
        found[index] = _agree(single.outputs, frame_out) + _compare(single.outputs, case.expected, program)
    return found


def _run_alone(program: Program, case: CaseTest, path: Path) -> list[str]:
    source = f"{path.name}:{case.line}"
    try:
        resolved = resolve(program, case.on, case.scenario)
        single = evaluate_one(resolved, case.input, source).outputs
        frame_input = case_frame({name: [value] for name, value in with_blanks(program, case.input).items()})
        frame = evaluate_frame(resolved, validate(resolved, frame_input, source)).row(0, named=True)
    except StatevisaError as error:
        if case.error is not None and any(case.error in message for message in error.messages):
            return []
        return [f"unexpected error: {'; '.join(error.messages)}"]
    if case.error is not None:
        return [f"expected an error containing {case.error!r}, got outputs {single}"]
    return _agree(single, frame) + _compare(single, case.expected, program)


def _agree(single: Mapping[str, Value], frame: Mapping[str, object]) -> list[str]:
    return [
        f"per-case and vectorised disagree on {name}: {single[name]!r} vs {frame[name]!r}"
        for name in single
        if not _same(single[name], frame[name])
    ]


def _compare(actual: Mapping[str, Value], expected: Mapping[str, object], program: Program) -> list[str]:
    problems = []
    for name, want in expected.items():
        if name not in actual:
            problems.append(f"'{name}' is not an output of {program.id} (outputs: {', '.join(actual)})")
        elif not _same(actual[name], want):
            problems.append(f"{name}: expected {want!r}, got {actual[name]!r}")
    return problems


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a == b and type(a) is type(b))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= FLOAT_TOLERANCE * max(1.0, abs(a), abs(b))
    return a == b
