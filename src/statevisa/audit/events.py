"""Audit events and the exact bytes each one is logged as (leaf format version 1).

A leaf is the UTF-8 encoding of one JSON object, serialised canonically so that anyone can
rebuild it from the event's fields and get the same bytes, hence the same Merkle tree:

- members, all required, exactly these eleven: ``v`` (the format version, the integer 1),
  ``index`` (the event's position in the log, from 0), ``time``, ``actor``, ``role``,
  ``jurisdiction``, ``purpose``, ``action``, ``resource_type``, ``resource_id``, ``fields``;
  and, only when the event records more, ``detail``: a non-empty object of at most 32 members
  whose values are strings, whole numbers, ``true``, ``false`` or ``null`` (no decimals, no
  nesting), such as the content hash of an uploaded program or the state a case moved to;
- ``time`` is RFC 3339 in UTC with exactly six fractional digits and ``Z``:
  ``2026-11-23T14:05:09.123456Z``;
- ``fields`` (the names of the protected or written fields touched) is an array of distinct
  strings in ascending code-point order, possibly empty;
- every other member is a string; ``purpose`` may be empty, the others may not; strings are
  taken as given (no Unicode normalisation) and may hold any character but a lone surrogate;
- integers are written in decimal with no sign, fraction or exponent, and are below 2^53;
- members in ascending order of their names, no whitespace between tokens, non-ASCII
  characters written as themselves (UTF-8), and in strings only ``"``, ``\\`` and the
  controls below U+0020 escaped: ``\\b \\t \\n \\f \\r``, others as ``\\u00xx`` in lowercase hex.

That is the JSON Canonicalization Scheme (RFC 8785) applied to such an object; in Python it is
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()``.
A later format would carry another ``v`` and leave version 1 leaves readable as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from statevisa.errors import InputError, problem

FORMAT_VERSION = 1
MAX_INDEX = (1 << 53) - 1
"""Integers stay below 2^53 so that every JSON reader (JavaScript's included) reads them exactly."""

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_TEXT = ("actor", "role", "jurisdiction", "purpose", "action", "resource_type", "resource_id")
MEMBERS = frozenset({"v", "index", "time", "fields", *_TEXT})
OPTIONAL = frozenset({"detail"})
MAX_DETAIL = 32
MAX_DETAIL_TEXT = 1_000
Detail = Mapping[str, str | int | bool | None]
"""What else the event records (a version hash, a decision, a state moved to): flat, no decimals."""


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what to which record, in which role and jurisdiction, why, and when.

    `time` must be timezone-aware (it is logged in UTC, to the microsecond); `fields` is kept
    sorted, so the same set of names always makes the same leaf.
    """

    index: int
    time: datetime
    actor: str
    role: str
    jurisdiction: str
    purpose: str
    action: str
    resource_type: str
    resource_id: str
    fields: tuple[str, ...] = field(default=())
    detail: Detail = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(sorted(self.fields)))
        object.__setattr__(self, "detail", dict(sorted(self.detail.items())))
        wrong = _event_problem(self)
        if wrong is not None:
            member, why = wrong
            raise InputError(problem("audit-event", why, field=member))

    def to_json(self) -> dict[str, object]:
        """The object whose canonical serialisation is the leaf."""
        return {
            "v": FORMAT_VERSION,
            "index": self.index,
            "time": format_time(self.time),
            **{name: getattr(self, name) for name in _TEXT},
            "fields": list(self.fields),
            **({"detail": dict(self.detail)} if self.detail else {}),
        }


def _event_problem(event: AuditEvent) -> tuple[str, str] | None:
    """The member that is wrong and why, or None."""
    if isinstance(event.index, bool) or not isinstance(event.index, int) or not 0 <= event.index <= MAX_INDEX:
        return "index", f"index {event.index!r} is not an integer between 0 and {MAX_INDEX}"
    moment: object = event.time  # typed, but callers may not be
    if not isinstance(moment, datetime):
        return "time", f"time {moment!r} is not a datetime"
    if moment.utcoffset() is None:
        return "time", f"time {moment.isoformat()} has no time zone"
    try:
        format_time(moment)
    except OverflowError:
        return "time", f"time {moment.isoformat()} is outside the years 1 to 9999 in UTC"
    for name in _TEXT:
        value = getattr(event, name)
        if not isinstance(value, str) or (not value and name != "purpose"):
            return name, f"{name} must be a non-empty string, not {value!r}"
        if _has_surrogate(value):
            return name, f"{name} holds a lone surrogate, which UTF-8 cannot encode"
    if not all(isinstance(item, str) and item and not _has_surrogate(item) for item in event.fields):
        return "fields", f"fields must be non-empty strings, not {list(event.fields)!r}"
    duplicate = next((a for a, b in zip(event.fields, event.fields[1:], strict=False) if a == b), None)
    if duplicate is not None:
        return "fields", f"fields names {duplicate!r} twice"
    return _detail_problem(event.detail)


def _detail_problem(detail: object) -> tuple[str, str] | None:
    """Why `detail` cannot be logged: not a small flat object of strings, whole numbers, booleans, nulls."""
    if not isinstance(detail, Mapping) or len(detail) > MAX_DETAIL:
        return "detail", f"detail must be an object of at most {MAX_DETAIL} members"
    for key, value in detail.items():
        if not isinstance(key, str) or not key or _has_surrogate(key) or len(key) > 64:
            return "detail", f"detail key {key!r} must be a non-empty string of at most 64 characters"
        if isinstance(value, str):
            if len(value) > MAX_DETAIL_TEXT or _has_surrogate(value):
                return (
                    "detail",
                    f"detail {key!r} must be at most {MAX_DETAIL_TEXT} characters, no lone surrogate",
                )
        elif isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value <= MAX_INDEX:
                return "detail", f"detail {key!r} must be a whole number from 0 to 2^53 - 1"
        elif value is not None and not isinstance(value, bool):
            return (
                "detail",
                f"detail {key!r} must be a string, a whole number, true, false or null, not {value!r}",
            )
    return None


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with six fractional digits: ``2026-11-23T14:05:09.123456Z``."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical_json(value: Mapping[str, object]) -> bytes:
    """Sorted members, no whitespace, UTF-8: the serialisation described in the module docstring."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def leaf_bytes(event: AuditEvent) -> bytes:
    """The exact bytes logged for `event`: hash them with `merkle.leaf_hash`."""
    return canonical_json(event.to_json())


def event_from_json(value: object, source: str | None = None, line: int | None = None) -> AuditEvent:
    """Rebuild an event from its JSON object, refusing missing, extra or mistyped members."""

    def refuse(why: str, member: str | None = None) -> InputError:
        return InputError(problem("audit-event", why, file=source, line=line, field=member))

    if not isinstance(value, Mapping):
        raise refuse(f"an audit event is a JSON object, not {type(value).__name__}")
    missing = sorted(MEMBERS - value.keys())
    extra = sorted(set(value.keys()) - MEMBERS - OPTIONAL)
    if missing or extra:
        said = [f"missing {', '.join(missing)}"] if missing else []
        said += [f"unknown {', '.join(extra)}"] if extra else []
        raise refuse(f"members: {'; '.join(said)}")
    if value["v"] != FORMAT_VERSION or isinstance(value["v"], bool):
        raise refuse(f"format version {value['v']!r} is not {FORMAT_VERSION}", "v")
    moment = value["time"]
    if not isinstance(moment, str) or not _TIME.fullmatch(moment):
        raise refuse(f"time {moment!r} is not RFC 3339 UTC with six fractional digits", "time")
    try:
        parsed = datetime.fromisoformat(moment[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise refuse(f"time {moment!r} is not a real date and time", "time") from None
    names = value["fields"]
    strings = isinstance(names, list) and all(isinstance(n, str) for n in names)
    if not isinstance(names, list) or not strings or names != sorted(set(names)):
        raise refuse("fields must be an array of distinct strings in ascending order", "fields")
    index = value["index"]
    if isinstance(index, bool) or not isinstance(index, int):
        raise refuse(f"index {index!r} is not an integer", "index")
    detail = value.get("detail", {})
    if "detail" in value and (not isinstance(detail, Mapping) or not detail):
        raise refuse("detail, when present, must be a non-empty object", "detail")
    texts = {name: value[name] for name in _TEXT}
    wrong = next((name for name, text in texts.items() if not isinstance(text, str)), None)
    if wrong is not None:
        raise refuse(f"{wrong} must be a string, not {texts[wrong]!r}", wrong)
    try:
        t = {name: str(text) for name, text in texts.items()}
        return AuditEvent(
            index,
            parsed,
            t["actor"],
            t["role"],
            t["jurisdiction"],
            t["purpose"],
            t["action"],
            t["resource_type"],
            t["resource_id"],
            tuple(names),
            detail,
        )
    except InputError as error:
        raise refuse(error.problems[0].message, error.problems[0].location.field) from None


def event_from_leaf(leaf: bytes, index: int | None = None) -> AuditEvent:
    """Read a leaf back into its event, refusing bytes that are not its canonical form.

    With `index`, the leaf must also say it is at that position in the log.
    """
    where = f"leaf {index}" if index is not None else "leaf"
    try:
        value = json.loads(leaf.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(problem("leaf-malformed", f"{where} is not UTF-8 JSON: {error}")) from None
    event = event_from_json(value)
    if leaf_bytes(event) != leaf:
        why = f"{where} is not the canonical serialisation of its event"
        raise InputError(problem("leaf-not-canonical", why))
    if index is not None and event.index != index:
        raise InputError(problem("leaf-index", f"{where} says it is event {event.index}"))
    return event
