"""The leaf format: a hand-written example from the documented rules, round trips, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statevisa.audit.events import AuditEvent, canonical_json, event_from_json, event_from_leaf, leaf_bytes
from statevisa.errors import InputError

READ = AuditEvent(
    index=0,
    time=datetime(2026, 11, 23, 14, 5, 9, 123456, tzinfo=UTC),
    actor="officer-17",
    role="state_officer",
    jurisdiction="06",
    purpose="case review",
    action="read",
    resource_type="applicant",
    resource_id="A-42",
    fields=("passport_number", "address"),
)


def test_the_leaf_is_the_documented_canonical_json() -> None:
    # Written by hand from the rules in statevisa.audit.events: members sorted by name, no spaces,
    # fields sorted, time in UTC with six fractional digits, v = 1.
    expected = (
        '{"action":"read","actor":"officer-17","fields":["address","passport_number"],"index":0,'
        '"jurisdiction":"06","purpose":"case review","resource_id":"A-42","resource_type":"applicant",'
        '"role":"state_officer","time":"2026-11-23T14:05:09.123456Z","v":1}'
    )
    assert leaf_bytes(READ) == expected.encode("ascii")


def test_non_ascii_is_utf8_and_only_controls_quotes_and_backslashes_are_escaped() -> None:
    # RFC 8785 section 3.2.2.2: controls below U+0020 as \b \t \n \f \r or \u00xx (lowercase),
    # '"' and '\' escaped, everything else (U+007F, U+2028, non-ASCII) written as itself.
    value = {"a": 'José\n\x1f"\\\x7f\u2028'}
    assert canonical_json(value) == b'{"a":"Jos\xc3\xa9\\n\\u001f\\"\\\\\x7f\xe2\x80\xa8"}'


def test_time_is_logged_in_utc() -> None:
    pacific = timezone(timedelta(hours=-8))
    event = AuditEvent(
        1, datetime(2026, 11, 23, 6, 5, 9, tzinfo=pacific), "a", "r", "06", "", "create", "case", "7"
    )
    assert b'"time":"2026-11-23T14:05:09.000000Z"' in leaf_bytes(event)
    early = AuditEvent(2, datetime(999, 1, 1, tzinfo=UTC), "a", "r", "06", "", "create", "case", "7")
    assert b'"time":"0999-01-01T00:00:00.000000Z"' in leaf_bytes(early)


texts = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)


@st.composite
def events(draw: st.DrawFn) -> AuditEvent:
    moment = draw(st.datetimes(timezones=st.just(UTC)))
    return AuditEvent(
        index=draw(st.integers(0, 2**53 - 1)),
        time=moment,
        actor=draw(texts),
        role=draw(texts),
        jurisdiction=draw(texts),
        purpose=draw(st.text(st.characters(codec="utf-8"), max_size=12)),
        action=draw(texts),
        resource_type=draw(texts),
        resource_id=draw(texts),
        fields=tuple(draw(st.sets(texts, max_size=4))),
    )


@given(events())
def test_every_event_reads_back_from_its_leaf(event: AuditEvent) -> None:
    leaf = leaf_bytes(event)
    assert event_from_leaf(leaf, event.index) == event
    assert json.loads(leaf) == event.to_json()
    assert leaf.decode("utf-8") == json.dumps(
        event.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_fields_are_kept_sorted_whatever_order_they_came_in() -> None:
    assert READ.fields == ("address", "passport_number")


@pytest.mark.parametrize(
    ("changes", "member", "why"),
    [
        ({"index": -1}, "index", "index -1 is not an integer between 0 and 9007199254740991"),
        (
            {"index": 2**53},
            "index",
            "index 9007199254740992 is not an integer between 0 and 9007199254740991",
        ),
        ({"index": True}, "index", "index True is not an integer between 0 and 9007199254740991"),
        (
            {"time": datetime(2026, 1, 1)},
            "time",
            "time 2026-01-01T00:00:00 has no time zone",
        ),
        (
            {"time": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))},
            "time",
            "time 0001-01-01T00:00:00+01:00 is outside the years 1 to 9999 in UTC",
        ),
        ({"actor": ""}, "actor", "actor must be a non-empty string, not ''"),
        (
            {"resource_id": "\ud800"},
            "resource_id",
            "resource_id holds a lone surrogate, which UTF-8 cannot encode",
        ),
        ({"fields": ("a", "a")}, "fields", "fields names 'a' twice"),
        ({"fields": ("",)}, "fields", "fields must be non-empty strings, not ['']"),
    ],
    ids=[
        "negative",
        "too-big",
        "bool",
        "naive-time",
        "year-0",
        "empty-actor",
        "surrogate",
        "duplicate",
        "empty-field",
    ],
)
def test_bad_events_are_refused(changes: dict[str, Any], member: str, why: str) -> None:
    values: dict[str, Any] = {name: getattr(READ, name) for name in READ.__dataclass_fields__}
    with pytest.raises(InputError) as caught:
        AuditEvent(**(values | changes))
    assert caught.value.problems[0].code == "audit-event"
    assert caught.value.problems[0].location.field == member
    assert caught.value.problems[0].message == why


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"v": 2}, "format version 2 is not 1"),
        ({"extra": 1}, "members: unknown extra"),
        ({"actor": None}, "actor must be a string, not None"),
        (
            {"time": "2026-11-23T14:05:09Z"},
            "time '2026-11-23T14:05:09Z' is not RFC 3339 UTC with six fractional digits",
        ),
        (
            {"time": "2026-02-30T14:05:09.000000Z"},
            "time '2026-02-30T14:05:09.000000Z' is not a real date and time",
        ),
        ({"fields": ["b", "a"]}, "fields must be an array of distinct strings in ascending order"),
        ({"index": 1.0}, "index 1.0 is not an integer"),
        ({"role": ""}, "role must be a non-empty string, not ''"),
    ],
    ids=["version", "extra", "null", "no-fraction", "not-a-date", "unsorted", "float", "empty-role"],
)
def test_bad_event_json_is_refused(changes: dict[str, Any], why: str) -> None:
    with pytest.raises(InputError) as caught:
        event_from_json(READ.to_json() | changes, source="events.jsonl", line=3)
    assert caught.value.problems[0].message == why
    assert str(caught.value.problems[0]).startswith("events.jsonl:3")


def test_missing_members_are_named() -> None:
    value = READ.to_json()
    del value["purpose"], value["time"]
    with pytest.raises(InputError) as caught:
        event_from_json(value)
    assert caught.value.messages == ["members: missing purpose, time"]


def test_a_leaf_that_is_not_canonical_or_at_another_index_is_refused() -> None:
    leaf = leaf_bytes(READ)
    with pytest.raises(InputError) as caught:
        event_from_leaf(leaf.replace(b",", b", ", 1))
    assert (caught.value.problems[0].code, caught.value.messages) == (
        "leaf-not-canonical",
        ["leaf is not the canonical serialisation of its event"],
    )
    with pytest.raises(InputError) as caught:
        event_from_leaf(leaf, 5)
    assert (caught.value.problems[0].code, caught.value.messages) == (
        "leaf-index",
        ["leaf 5 says it is event 0"],
    )
    with pytest.raises(InputError) as caught:
        event_from_leaf(b"\xff")
    assert caught.value.problems[0].code == "leaf-malformed"


def test_a_detail_is_logged_sorted_and_read_back_and_an_empty_one_is_left_out() -> None:
    moved = AuditEvent(
        1, READ.time, "fed-1", "federal_reviewer", "US", "", "case.transition", "Case", "17", (),
        {"to": "issued", "allocation_id": 7, "ok": True, "reason": None},
    )  # fmt: skip
    leaf = leaf_bytes(moved)
    assert b'"detail":{"allocation_id":7,"ok":true,"reason":null,"to":"issued"}' in leaf
    assert event_from_leaf(leaf, 1) == moved
    assert b"detail" not in leaf_bytes(READ)


@pytest.mark.parametrize("detail", [{"share": 0.5}, {"nested": {"a": 1}}, {"minus": -1}, {"": "x"}])
def test_a_detail_with_decimals_nesting_or_signs_is_refused(detail: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="detail"):
        AuditEvent(1, READ.time, "a", "analyst", "US", "", "read", "Case", "1", (), detail)
