"""A lab scenario: one program's parameters, caps, county participation and cooperation choices.

A scenario file (YAML, see docs/lab.md) says what to change and what to compute, each part
optional but at least one present::

    title: W visa with a larger population pool
    on: 2026-03-01                 # the date whose parameters apply
    program: w-visa                # a shipped program
    set: {population_pool: 300000} # scenario values, as `--set NAME=VALUE`
    people: {count: 20000, seed: 1} # synthetic applicants evaluated by the program
    caps: {year: 2024, method: huntington-hill}
    heartland: {window: 10, vintage: 2020, participants: 10, cap: 50000, method: webster}
    cooperation: {...}             # capacity-model scenarios, in that model's own format

Every problem is reported at once at its line and column. A scenario is plain data (it
crosses process and machine boundaries in a sweep), and `with_values` gives the scenario of
one point of a sweep: the same file with some numbers changed, each named by its path
(``set.population_pool``, ``heartland.window``, ``cooperation.task_force_productivity``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statevisa.errors import InputError, problem
from statevisa.rules.source import Document, Problems, key_text

KEYS = ("title", "on", "program", "set", "people", "caps", "heartland", "cooperation")
PART_KEYS: Mapping[str, tuple[str, ...]] = {
    "people": ("count", "seed"),
    "caps": ("year", "method"),
    "heartland": ("window", "vintage", "participants", "cap", "method", "growth_ratio"),
}
MAX_PEOPLE = 1_000_000
MAX_PARTICIPANTS = 3_144
WHOLE = {
    "people.count": (1, MAX_PEOPLE),
    "people.seed": (0, 2**63 - 1),
    "caps.year": (2010, 2024),
    "heartland.window": (1, 14),
    "heartland.vintage": (2020, 2024),
    "heartland.participants": (0, MAX_PARTICIPANTS),
    "heartland.cap": (0, 10_000_000),
}
"""Whole-number settings and their bounds (the vendored data's years; a county count)."""
REAL = {"heartland.growth_ratio": (0.0, 10.0)}
TEXT = ("caps.method", "heartland.method")
Value = int | float | str


@dataclass(frozen=True)
class Scenario:
    """What a lab run computes, as plain data: every part None or empty when not asked for."""

    title: str
    on: dt.date
    program: str | None = None
    sets: Mapping[str, str] = field(default_factory=dict)
    people: Mapping[str, int] | None = None
    caps: Mapping[str, Value] | None = None
    heartland: Mapping[str, Value] | None = None
    cooperation: Mapping[str, object] | None = None
    """The capacity model's scenario file, as plain data (checked by the cooperation core)."""

    @property
    def parts(self) -> tuple[str, ...]:
        """The parts this scenario computes, in report order."""
        found = []
        if self.program is not None and self.people is not None:
            found.append("people")
        if self.program is not None and self.caps is not None:
            found.append("caps")
        if self.heartland is not None:
            found.append("heartland")
        if self.cooperation is not None:
            found.append("cooperation")
        return tuple(found)


def plain(value: object) -> object:
    """A parsed YAML value as plain dicts, lists and scalars (what pickling and JSON take)."""
    if isinstance(value, CommentedMap | dict):
        return {key_text(key): plain(item) for key, item in value.items()}
    if isinstance(value, CommentedSeq | list):
        return [plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):  # ruamel's quoted strings and scalar numbers are subclasses
        if isinstance(value, kind):
            return kind(value)
    return value


def parse_scenario(doc: Document, today: dt.date) -> Scenario:
    """Read a scenario file; `today` is the date used when the file names none."""
    problems = Problems()
    root = doc.root
    for key in root:
        if key_text(key) not in KEYS:
            problems.add(doc.key_span(root, key), f"unknown key '{key}' (allowed: {', '.join(KEYS)})")
    title = root.get("title", "")
    if not isinstance(title, str):
        problems.add(doc.value_span(root, "title"), "title: a line of text")
    on = _date(doc, root, today, problems)
    program = root.get("program")
    if program is not None and (not isinstance(program, str) or not program.strip()):
        problems.add(doc.value_span(root, "program"), "program: a shipped program id, e.g. w-visa")
    sets = _sets(doc, root, problems)
    parts = {name: _part(doc, root, name, problems) for name in PART_KEYS}
    cooperation = root.get("cooperation")
    if cooperation is not None and not isinstance(cooperation, CommentedMap):
        problems.add(doc.value_span(root, "cooperation"), "cooperation: a capacity scenario file's mapping")
    given = {name for name in PART_KEYS if name in root}
    for name in ("people", "caps"):
        if name in given and program is None:
            problems.add(doc.key_span(root, name), f"{name}: needs a program to compute for")
    if sets and program is None:
        problems.add(doc.key_span(root, "set"), "set: needs a program whose parameters it sets")
    if not given and cooperation is None:
        problems.add(doc.start(), "nothing to compute: give people, caps, heartland or cooperation")
    problems.raise_if_any()
    return Scenario(
        str(title),
        on,
        None if program is None else str(program).strip(),
        sets,
        {k: int(v) for k, v in parts["people"].items() if isinstance(v, int)} if "people" in given else None,
        parts["caps"] if "caps" in given else None,
        parts["heartland"] if "heartland" in given else None,
        None if not isinstance(cooperation, CommentedMap) else _mapping(plain(cooperation)),
    )


def _mapping(value: object) -> dict[str, object]:
    return {str(key): item for key, item in value.items()} if isinstance(value, dict) else {}


def _date(doc: Document, root: CommentedMap, today: dt.date, problems: Problems) -> dt.date:
    value = root.get("on")
    if value is None:
        return today
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    problems.add(doc.value_span(root, "on"), f"on: a date YYYY-MM-DD, got {value!r}")
    return today


def _sets(doc: Document, root: CommentedMap, problems: Problems) -> dict[str, str]:
    raw = root.get("set")
    if raw is None:
        return {}
    if not isinstance(raw, CommentedMap):
        problems.add(doc.value_span(root, "set"), "set: a mapping of parameter: value")
        return {}
    found = {}
    for key, value in raw.items():
        if isinstance(value, CommentedMap | CommentedSeq) or value is None:
            problems.add(doc.value_span(raw, key), f"set.{key}: one value (a number, true/false or text)")
            continue
        found[key_text(key)] = _text(value)
    return found


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _part(doc: Document, root: CommentedMap, name: str, problems: Problems) -> dict[str, Value]:
    raw = root.get(name)
    if raw is None:
        return {}
    if not isinstance(raw, CommentedMap):
        problems.add(doc.value_span(root, name), f"{name}: a mapping ({', '.join(PART_KEYS[name])})")
        return {}
    found: dict[str, Value] = {}
    for key, value in raw.items():
        path = f"{name}.{key_text(key)}"
        if key_text(key) not in PART_KEYS[name]:
            problems.add(
                doc.key_span(raw, key), f"{name}: unknown key '{key}' (allowed: {', '.join(PART_KEYS[name])})"
            )
            continue
        try:
            found[key_text(key)] = check_value(path, value)
        except InputError as error:
            problems.add(doc.value_span(raw, key), error.problems[0].message)
    return found


def check_value(path: str, value: object) -> Value:
    """A setting's value, checked against its kind and bounds (a sweep's values pass here too)."""
    if path in WHOLE:
        low, high = WHOLE[path]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InputError(
                problem(
                    "out-of-range",
                    f"{path}: a whole number from {low:,} to {high:,}, got {value!r}",
                    field=path,
                )
            )
        return value
    if path in REAL:
        low_r, high_r = REAL[path]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not low_r <= value <= high_r
        ):
            raise InputError(
                problem(
                    "out-of-range", f"{path}: a number from {low_r} to {high_r}, got {value!r}", field=path
                )
            )
        return float(value)
    if path in TEXT:
        if not isinstance(value, str) or not value.strip():
            raise InputError(problem("not-text", f"{path}: a method name, got {value!r}", field=path))
        return value.strip()
    raise InputError(problem("unknown-setting", f"'{path}' is not a setting of a scenario", field=path))


def sweepable(scenario: Scenario, path: str) -> str | None:
    """Why `path` cannot be swept in `scenario`, or None when it can."""
    part, _, name = path.partition(".")
    if not name:
        return f"'{path}' names no setting: write PART.NAME (set.population_pool, heartland.window)"
    if part == "set":
        return None if scenario.program is not None else "set.*: the scenario has no program"
    if part == "cooperation":
        return (
            None
            if scenario.cooperation is not None
            else "cooperation.*: the scenario has no cooperation part"
        )
    if path in TEXT or (path not in WHOLE and path not in REAL):
        return f"'{path}' is not a number a sweep can change"
    if part == "heartland" and scenario.heartland is None:
        return "heartland.*: the scenario has no heartland part"
    if part in ("people", "caps") and (scenario.program is None or getattr(scenario, part) is None):
        return f"{part}.*: the scenario computes no {part}"
    return None


def with_values(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """The scenario with the settings named by path set to `values` (one point of a sweep)."""
    changed = scenario
    for path, number in values.items():
        part, _, name = path.partition(".")
        if part == "set":
            shown = str(int(number)) if float(number).is_integer() else repr(float(number))
            changed = replace(changed, sets={**changed.sets, name: shown})
        elif part == "cooperation":
            assert changed.cooperation is not None
            parameters = _mapping(changed.cooperation.get("parameters", {}))
            changed = replace(
                changed,
                cooperation={**changed.cooperation, "parameters": {**parameters, name: float(number)}},
            )
        else:
            checked = check_value(path, number)
            if part == "people":
                changed = replace(changed, people={**(changed.people or {}), name: int(checked)})
            elif part == "caps":
                changed = replace(changed, caps={**(changed.caps or {}), name: checked})
            else:
                changed = replace(changed, heartland={**(changed.heartland or {}), name: checked})
    return changed
