"""A request's facts: defaults filled, implied tags added, and every bad value refused by name."""

from __future__ import annotations

import pytest

from statevisa.cooperation.facts import MAX_FACTS_BYTES, normalise_facts, read_facts_json
from statevisa.cooperation.vocabulary import FACTS
from statevisa.errors import InputError


def test_missing_facts_take_their_defaults() -> None:
    facts = normalise_facts({})
    assert facts.given == frozenset()
    assert facts.values == {fact.name: fact.default for fact in FACTS}
    assert (facts.values["requester"], facts.values["agency_type"], facts.values["detainer"]) == (
        "ICE",
        "sheriff",
        True,
    )


def test_a_serious_felony_is_a_felony_and_an_a1_misdemeanour_a_misdemeanour() -> None:
    facts = normalise_facts(
        {"convictions": ["serious_felony"], "pending_charges": ["nc_listed_a1_misdemeanor"]}
    )
    assert facts.values["convictions"] == {"serious_felony", "felony"}
    assert facts.values["pending_charges"] == {"nc_listed_a1_misdemeanor", "misdemeanor"}


def test_a_federal_aggravated_felony_implies_nothing() -> None:
    assert normalise_facts({"convictions": ["federal_aggravated_felony"]}).values["convictions"] == {
        "federal_aggravated_felony"
    }


def test_the_facts_report_tags_as_sorted_lists() -> None:
    reported = normalise_facts({"convictions": ["violent_felony"], "operates_jail": True}).to_json()
    assert reported["convictions"] == ["felony", "violent_felony"]
    assert reported["operates_jail"] is True


def test_normalising_twice_changes_nothing() -> None:
    once = normalise_facts({"convictions": ["serious_felony"], "county_population": 5_000})
    assert normalise_facts(once.values).values == once.values


def refused(raw: dict[str, object]) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as error:
        normalise_facts(raw)
    return [(item.code, str(item)) for item in error.value.problems]


def test_every_bad_fact_is_named_at_once() -> None:
    assert refused({"detainer": "yes", "agency_type": "jail", "detainr": True}) == [
        ("wrong-type", "facts.detainer: must be true or false, got 'yes'"),
        (
            "unknown-value",
            "facts.agency_type: must be one of sheriff, county_corrections, municipal_police, "
            "state_police, state_corrections, probation, court, dmv, state_visa_program, "
            "benefits_agency, school, other_state_agency, other_local_agency, got 'jail'",
        ),
        ("unknown-fact", "facts.detainr: unknown fact 'detainr'; did you mean 'detainer'?"),
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"detainer": 1}, "facts.detainer: must be true or false, got 1"),
        ({"detainer": None}, "facts.detainer: must be true or false, got null"),
        (
            {"requester": ["ICE"]},
            "facts.requester: must be one of ICE, CBP, USCIS, other_dhs, other_federal, "
            "state_or_local, other, got a list",
        ),
        ({"convictions": "felony"}, "facts.convictions: must be a list of tags, got 'felony'"),
        (
            {"convictions": ["felony", 3]},
            "facts.convictions: unknown tag 3 (tags: felony, misdemeanor, "
            "serious_felony, violent_felony, state_prison_felony, "
            "listed_felony_within_15y, listed_wobbler_misdemeanor_within_5y, "
            "federal_aggravated_felony, impaired_driving, protective_order_violation, "
            "nc_listed_a1_misdemeanor, nc_162_62a_listed)",
        ),
        (
            {"county_population": True},
            "facts.county_population: must be a whole number from 0 to 100,000,000 or null, got true",
        ),
        (
            {"county_population": -1},
            "facts.county_population: must be a whole number from 0 to 100,000,000 or null, got -1",
        ),
        (
            {"county_population": 1.5},
            "facts.county_population: must be a whole number from 0 to 100,000,000 or null, got 1.5",
        ),
        ({"x" * 100: 1}, "facts." + "x" * 39 + "…: unknown fact '" + "x" * 100 + "'"),
    ],
)
def test_one_bad_value_one_message(raw: dict[str, object], message: str) -> None:
    assert [text for _, text in refused(raw)] == [message]


def json_refused(data: bytes) -> tuple[str, str]:
    with pytest.raises(InputError) as error:
        read_facts_json(data, "request.json")
    (item,) = error.value.problems
    return item.code, str(item)


def test_json_syntax_errors_point_at_line_and_column() -> None:
    assert json_refused(b'{\n  "detainer": true,\n}') == (
        "json-syntax",
        "request.json:3:1: not valid JSON: Expecting property name enclosed in double quotes",
    )


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b'{"detainer": true, "detainer": false}', "json-syntax", "request.json: duplicate key 'detainer'"),
        (b'{"county_population": NaN}', "json-syntax", "request.json: 'NaN' is not a JSON value"),
        (b'{"county_population": Infinity}', "json-syntax", "request.json: 'Infinity' is not a JSON value"),
        (
            b'["detainer"]',
            "not-an-object",
            "request.json: the facts must be a JSON object of fact: value, got a list",
        ),
        (b'{"a": "\xff"}', "not-utf8", "request.json:1:8: not UTF-8: byte 0xff cannot be decoded"),
        (b"[" * 50_000, "json-syntax", "request.json: not valid JSON: too large or nested too deeply"),
        (
            b'{"county_population": ' + b"9" * 5_000 + b"}",
            "json-syntax",
            "request.json: not valid JSON: too large or nested too deeply",
        ),
        (
            b" " * (MAX_FACTS_BYTES + 1),
            "too-large",
            "request.json: the facts file is 100,001 bytes (limit 100,000)",
        ),
    ],
)
def test_json_that_is_no_facts_object_is_refused(data: bytes, code: str, message: str) -> None:
    assert json_refused(data) == (code, message)


def test_a_byte_order_mark_is_allowed() -> None:
    assert read_facts_json(b'\xef\xbb\xbf{"detainer": false}', "request.json") == {"detainer": False}
