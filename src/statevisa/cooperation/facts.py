"""A request's facts: validated against the vocabulary, defaults filled, implied tags added.

Every key is optional, but an unknown key, a wrong type or a value outside its enum is an
input error naming the fact, never ignored: a request decided on facts nobody stated would
be a decision nobody can defend. The result is what the decision reports as the facts used.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from statevisa.cooperation.vocabulary import FACT_TYPES, FACTS, IMPLIED_TAGS, Fact
from statevisa.errors import InputError, Problem, byte_position, problem
from statevisa.rules.model import Kind, Value

MAX_FACTS_BYTES = 100_000
"""The largest facts file read: the whole vocabulary with every tag fits in under 3 KB."""
MAX_POPULATION = 100_000_000
"""No US county comes near this (Los Angeles County: about 10 million)."""


@dataclass(frozen=True)
class Facts:
    """Every fact of a request: the caller's values, defaults for the rest, implied tags added."""

    values: Mapping[str, Value | None]
    given: frozenset[str]
    """The keys the caller stated (the rest are defaults)."""

    def to_json(self) -> dict[str, object]:
        """The facts as JSON values: tags as sorted lists."""
        return {
            name: sorted(value) if isinstance(value, frozenset) else value
            for name, value in self.values.items()
        }


def read_facts_json(data: bytes, source: str) -> dict[str, object]:
    """The JSON object of a facts file's bytes (validated later by `normalise_facts`, with the
    rest of the request, so every problem is reported at once); `source` names the file."""
    if len(data) > MAX_FACTS_BYTES:
        message = f"the facts file is {len(data):,} bytes (limit {MAX_FACTS_BYTES:,})"
        raise InputError(problem("too-large", message, file=source))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = byte_position(data, error.start)
        message = f"not UTF-8: byte 0x{data[error.start]:02x} cannot be decoded"
        raise InputError(problem("not-utf8", message, file=source, line=line, column=column)) from None
    try:
        raw = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg}"
        raise InputError(
            problem("json-syntax", message, file=source, line=error.lineno, column=error.colno)
        ) from None
    except _Refused as error:
        raise InputError(problem("json-syntax", str(error), file=source)) from None
    except (ValueError, RecursionError):
        raise InputError(problem("json-syntax", "not valid JSON: too large or nested too deeply",
                                 file=source)) from None  # fmt: skip
    if not isinstance(raw, dict):
        message = f"the facts must be a JSON object of fact: value, got a {_json_type(raw)}"
        raise InputError(problem("not-an-object", message, file=source))
    return raw


class _Refused(ValueError):
    """A JSON construct the facts never hold: a duplicate key, NaN or Infinity."""


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise _Refused(f"duplicate key '{key}'")
        found[key] = value
    return found


def _no_constant(name: str) -> object:
    raise _Refused(f"'{name}' is not a JSON value")


def normalise_facts(raw: Mapping[str, object]) -> Facts:
    """Validate `raw` (a parsed JSON object, or facts already normalised) and fill defaults.

    Every problem is collected and raised at once, each naming its fact as ``facts.<key>``.
    """
    problems: list[Problem] = []
    values: dict[str, Value | None] = {}
    for key, value in raw.items():
        fact = FACT_TYPES.get(str(key))
        if fact is None:
            close = difflib.get_close_matches(str(key), FACT_TYPES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                problem("unknown-fact", f"unknown fact '{key}'{hint}", field=f"facts.{_shown(str(key))}")
            )
            continue
        checked = _value(fact, value)
        if isinstance(checked, Problem):
            problems.append(checked)
        else:
            values[fact.name] = checked
    if problems:
        raise InputError(problems)
    filled = {fact.name: values.get(fact.name, fact.default) for fact in FACTS}
    for name in ("convictions", "pending_charges"):
        tags = filled[name]
        assert isinstance(tags, frozenset)
        filled[name] = tags | {IMPLIED_TAGS[tag] for tag in tags if tag in IMPLIED_TAGS}
    return Facts(filled, frozenset(values))


def _value(fact: Fact, value: object) -> Value | Problem | None:
    """The typed value of one fact, or the problem with it."""
    where = f"facts.{fact.name}"
    kind = fact.type.kind
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value
        return problem("wrong-type", f"must be true or false, got {_describe(value)}", field=where)
    if kind is Kind.ENUM:
        if isinstance(value, str) and value in fact.type.values:
            return value
        allowed = ", ".join(fact.type.values)
        return problem("unknown-value", f"must be one of {allowed}, got {_describe(value)}", field=where)
    if kind is Kind.INT:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_POPULATION:
            return value
        message = f"must be a whole number from 0 to {MAX_POPULATION:,} or null, got {_describe(value)}"
        return problem("wrong-type", message, field=where)
    assert kind is Kind.TAGS
    if not isinstance(value, list | tuple | frozenset | set):
        return problem("wrong-type", f"must be a list of tags, got {_describe(value)}", field=where)
    unknown = [item for item in value if not isinstance(item, str) or item not in fact.type.values]
    if unknown:
        message = f"unknown tag {_describe(unknown[0])} (tags: {', '.join(fact.type.values)})"
        return problem("unknown-value", message, field=where)
    return frozenset(str(item) for item in value)


def _describe(value: object) -> str:
    """A JSON value as a person reads it, cut short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{_shown(value)}'"
    if isinstance(value, int | float):
        return _shown(str(value))
    return f"a {_json_type(value)}"


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "JSON object"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else type(value).__name__


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
