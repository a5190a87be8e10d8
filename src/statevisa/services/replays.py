"""Replay a round from its export file, as anyone outside the state office can.

`services.rounds.export` writes one JSON document with everything that went into a round and
came out of it; `services.rounds.replay` runs the selection core on it again. This module
stands between a file on disk and that replay: it refuses a document that cannot be replayed
(not JSON, another format, a field missing or of the wrong type, repeated entries, a seed
that is not hexadecimal) with the field named, so "different" (exit 1) only ever means the
published selection is not what the inputs give, never that the file was unreadable (exit 2).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from statevisa.errors import InputError, Problem, problem
from statevisa.services.rounds import EXPORT_FORMAT, KINDS, MAX_SLOTS, Replay, replay

MAX_BYTES = 1 << 30
INT64 = 2**63
HEX = frozenset("0123456789abcdef")


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def read_export(path: Path) -> dict[str, Any]:
    """The export document in `path`, refused unless it parses as JSON with an object at the top."""
    if not path.is_file():
        raise InputError(problem("no-such-file", "no such file", file=path))
    if path.stat().st_size > MAX_BYTES:
        raise InputError(problem("file-too-large", f"over {MAX_BYTES:,} bytes", file=path))
    data = path.read_bytes()
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as bad:
        raise InputError(
            problem("not-utf8", f"is not UTF-8 text (byte 0x{data[bad.start]:02x})", file=path)
        ) from None
    except json.JSONDecodeError as bad:
        raise InputError(problem("not-json", bad.msg, file=path, line=bad.lineno, column=bad.colno)) from None
    except ValueError as bad:
        raise InputError(problem("not-json", str(bad), file=path)) from None
    if not isinstance(document, dict):
        raise InputError(problem("not-an-export", "the top level is not a JSON object", file=path))
    return document


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _hex(value: object, length: int | None = None) -> bool:
    return (
        isinstance(value, str)
        and len(value) % 2 == 0
        and (length is None or len(value) == length)
        and set(value) <= HEX
    )


def _parameters(kind: str, given: object) -> list[tuple[str, str]]:
    """What is wrong with a round's parameters for its kind, as (field, message) pairs."""
    if not isinstance(given, Mapping):
        return [("round/parameters", "is not an object")]
    wrong: list[tuple[str, str]] = []
    if kind == "ranked":
        if not _whole(given.get("invitations"), 0, MAX_SLOTS):
            wrong.append(("round/parameters/invitations", f"is not a whole number from 0 to {MAX_SLOTS:,}"))
        if given.get("min_score") is not None and not _number(given.get("min_score")):
            wrong.append(("round/parameters/min_score", "is not a finite number or null"))
    elif kind == "lottery":
        if not _whole(given.get("slots"), 0, MAX_SLOTS):
            wrong.append(("round/parameters/slots", f"is not a whole number from 0 to {MAX_SLOTS:,}"))
    else:
        capacities, preferences = given.get("capacities"), given.get("preferences")
        if not isinstance(capacities, Mapping) or not all(
            _whole(v, 0, MAX_SLOTS) for v in capacities.values()
        ):
            wrong.append(("round/parameters/capacities", "is not an object of whole numbers of seats"))
        if not isinstance(preferences, Mapping) or not all(
            isinstance(v, list) and all(isinstance(o, str) for o in v) for v in preferences.values()
        ):
            wrong.append(("round/parameters/preferences", "is not an object of lists of job offer ids"))
    return wrong


def _entries(given: object) -> list[tuple[str, str]]:
    if not isinstance(given, list):
        return [("entries", "is not a list")]
    seen: set[str] = set()
    for n, entry in enumerate(given):
        where = f"entries/{n}"
        if not isinstance(entry, Mapping):
            return [(where, "is not an object")]
        if not isinstance(entry.get("entry_id"), str) or not entry["entry_id"]:
            return [(f"{where}/entry_id", "is not a non-empty text")]
        if entry["entry_id"] in seen:
            return [(f"{where}/entry_id", f"repeats entry {entry['entry_id']}")]
        seen.add(entry["entry_id"])
        if entry.get("score") is not None and not _number(entry.get("score")):
            return [(f"{where}/score", "is not a finite number or null")]
        if not _whole(entry.get("submitted_at_us"), -INT64, INT64 - 1):
            return [(f"{where}/submitted_at_us", "is not a whole number of microseconds")]
    return []


def check_export(document: Mapping[str, Any], source: str) -> None:
    """Raise naming every field of an export that a replay cannot use."""
    wrong: list[tuple[str, str]] = []
    if document.get("format") != EXPORT_FORMAT:
        wrong.append(("format", f"is not {EXPORT_FORMAT}: not a statevisa round export this version reads"))
    meta = document.get("round")
    if not isinstance(meta, Mapping):
        wrong.append(("round", "is not an object"))
    elif meta.get("kind") not in KINDS:
        wrong.append(("round/kind", f"is not one of {', '.join(KINDS)}"))
    else:
        wrong += _parameters(str(meta["kind"]), meta.get("parameters"))
        if meta["kind"] == "lottery" and meta.get("seed") is None:
            wrong.append(
                ("round/seed", "is null: the lottery has not been drawn, there is nothing to replay")
            )
        for name, length in (("seed", None), ("commitment", 64)):
            value = meta.get(name)
            if value is not None and not _hex(value, length):
                wrong.append(
                    (
                        f"round/{name}",
                        "is not lowercase hexadecimal" + (f" of {length} digits" if length else ""),
                    )
                )
    wrong += _entries(document.get("entries"))
    drawn = document.get("drawn")
    if not isinstance(drawn, list) or not all(isinstance(item, str) for item in drawn):
        wrong.append(("drawn", "is not a list of entry ids"))
    if wrong:
        found: list[Problem] = [
            problem("not-an-export", f"{field} {message}", file=source) for field, message in wrong
        ]
        raise InputError(found)


def replay_file(path: Path) -> Replay:
    """Read an export, check it, and replay it: the same selection or not (unusable: InputError)."""
    document = read_export(path)
    check_export(document, str(path))
    return replay(document)
