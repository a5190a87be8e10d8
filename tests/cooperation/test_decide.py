"""The request gate: the decision procedure, its defects, its notes, and its properties over the
shipped law for any request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.cooperation.decide import LawDefect, decide
from statevisa.cooperation.load import load_law
from statevisa.cooperation.model import Law
from statevisa.cooperation.vocabulary import (
    ACTIONS,
    CATEGORIES,
    CONVICTION_TAGS,
    FACTS,
    FIELDS,
    SHARE_DATA,
    Verdict,
)
from statevisa.rules.model import Kind
from tests.cooperation.conftest import LawTree

ON = dt.date(2026, 5, 18)
STATE = """\
jurisdiction: "{fips}"
state: {usps}
title: A test act
rules:
"""
RULE = """\
  {id}:
    version: 1
    action: "{action}"
    decision: {decision}
    priority: {priority}
    condition: "{condition}"
    effective_from: {start}
    date_precision: {precision}
    citation: "Test Act {id}"
    status: {status}
    source_tag: "M"
    summary: "Rule {id}."
"""


def rule(
    id: str,
    action: str,
    decision: str,
    priority: int = 10,
    condition: str = "true",
    start: str = "2020-01-01",
    precision: str = "day",
    status: str = "CONFIRMED",
) -> str:
    return RULE.format(
        id=id,
        action=action,
        decision=decision,
        priority=priority,
        condition=condition,
        start=start,
        precision=precision,
        status=status,
    )


def state(*rules: str, fips: str = "06", usps: str = "CA") -> dict[str, str]:
    return {f"us/states/{fips}/act.yaml": STATE.format(fips=fips, usps=usps) + "".join(rules)}


def test_equal_priority_rules_that_disagree_are_a_defect_never_a_pick(tree: LawTree) -> None:
    law = tree(
        state(
            rule("CA-honor_detainer-1", "honor_detainer", "prohibited"),
            rule("CA-honor_detainer-2", "honor_detainer", "required", condition="detainer"),
        )
    )
    with pytest.raises(LawDefect) as defect:
        decide(law, "06", ON, "honor_detainer", {})
    assert defect.value.problems[0].code == "law-conflict"
    assert defect.value.messages == [
        "law: rules of priority 10 disagree on honor_detainer in CA on 2026-05-18: CA-honor_detainer-1 "
        "(prohibited), CA-honor_detainer-2 (required); fix the law, the gate never picks one"
    ]
    assert decide(law, "06", ON, "honor_detainer", {"detainer": False}).decision is Verdict.PROHIBITED


def test_an_exception_beats_its_base_rule_and_both_are_shown(tree: LawTree) -> None:
    law = tree(
        state(
            rule("CA-notify_release-1", "notify_release", "prohibited"),
            rule("CA-notify_release-2", "notify_release", "permitted", 20, "information_public"),
        )
    )
    found = decide(law, "06", ON, "notify_release", {"information_public": True})
    assert found.decision is Verdict.PERMITTED
    assert [(basis.rule.id, basis.role) for basis in found.outcome.basis] == [
        ("CA-notify_release-2", "decides"),
        ("CA-notify_release-1", "overridden"),
        ("US-notify_release-0", "context"),
    ]
    assert found.outcome.basis[0].because == (("information_public", True),)


def test_the_federal_floor_keeps_status_information_flowing(tree: LawTree) -> None:
    law = tree(state(rule("CA-share_status-1", "share_status", "prohibited")))
    found = decide(law, "06", ON, "share_status", {})
    assert found.decision is Verdict.PERMITTED
    assert [rule.id for rule in found.outcome.deciding] == ["CA-share_status-1"]
    assert found.outcome.notes[-1].startswith("Federal floor: no state or local law may restrict sharing")


def test_a_share_data_rule_for_one_category_speaks_to_that_category_only(tree: LawTree) -> None:
    law = tree(state(rule("CA-share_data-1", "share_data:address", "prohibited")))
    assert decide(law, "06", ON, "share_data:address", {}).decision is Verdict.PROHIBITED
    workplace = decide(law, "06", ON, "share_data:workplace", {})
    assert (workplace.decision, workplace.outcome.default_applied) == (Verdict.PERMITTED, True)


def test_a_decision_before_the_states_first_rule_says_its_law_is_not_encoded(tree: LawTree) -> None:
    law = tree(state(rule("CA-enter_287g-1", "enter_287g", "prohibited")))
    notes = decide(law, "06", dt.date(2019, 12, 31), "enter_287g", {}).outcome.notes
    assert notes == (
        "California law before 2020-01-01 is not encoded; the rules shown are not a statement of "
        "California law before that date.",
    )


def test_a_state_with_no_encoded_law_is_never_presented_as_its_law(law: Law) -> None:
    notes = decide(law, "42", ON, "honor_detainer", {}).outcome.notes
    assert notes[-1] == (
        "No Pennsylvania law is encoded (CONFIRMED); the federal frame is shown, which is not a "
        "statement of Pennsylvania law."
    )


def test_an_uncertain_first_day_is_carried_into_the_notes(tree: LawTree) -> None:
    law = tree(
        state(rule("CA-enter_287g-1", "enter_287g", "required", start="2023-12-31", precision="year_bound"))
    )
    assert decide(law, "06", ON, "enter_287g", {}).outcome.notes == (
        "CA-enter_287g-1: its first day (2023-12-31) is known only to the year (the date shown is its "
        "last day): a decision close to it is less certain.",
    )


def test_a_lead_is_set_aside_and_said_so_unless_asked_for(tree: LawTree) -> None:
    law = tree(state(rule("CA-enter_287g-1", "enter_287g", "prohibited", status="UNCONFIRMED")))
    default = decide(law, "06", ON, "enter_287g", {})
    assert (default.decision, [r.id for r in default.outcome.unconfirmed_matches]) == (
        Verdict.PERMITTED,
        ["CA-enter_287g-1"],
    )
    assert "UNCONFIRMED lead(s) CA-enter_287g-1 also match" in default.outcome.notes[-1]
    asked = decide(law, "06", ON, "enter_287g", {}, include_unconfirmed=True)
    assert (asked.decision, asked.outcome.unconfirmed_matches) == (Verdict.PROHIBITED, ())
    assert "CA-enter_287g-1 is an UNCONFIRMED lead (--include-unconfirmed)" in asked.outcome.notes[0]


def test_the_json_object_is_the_specified_one(law: Law) -> None:
    found = decide(law, "06", ON, "notify_release", {"convictions": ["serious_felony"]}).to_json()
    assert list(found) == [
        "jurisdiction",
        "on",
        "action",
        "decision",
        "rule_id",
        "rule_version",
        "rule_ids",
        "default_applied",
        "basis",
        "unconfirmed_matches",
        "notes",
        "facts",
        "include_unconfirmed",
        "ruleset",
    ]
    assert (found["decision"], found["rule_id"], found["rule_version"]) == (
        "permitted",
        "CA-notify_release-3",
        1,
    )
    assert found["ruleset"] == {"file": "statevisa/cooperation/law", "sha256": law.sha256, "rules": 150}
    basis = found["basis"]
    assert (
        isinstance(basis, list) and basis[0]["effective_to"] is None and basis[0]["date_precision"] == "day"
    )


def test_a_data_request_releases_only_what_the_law_lets_go(law: Law) -> None:
    found = decide(
        law,
        "06",
        ON,
        "share_data:address",
        {},
        ["address", "criminal_history", "immigration_status", "address"],
    )
    assert found.released == ("criminal_history", "immigration_status")
    assert found.withheld == ("address",)
    assert found.to_json()["released"] == ["criminal_history", "immigration_status"]


# Properties over the shipped law ---------------------------------------------------------------

LAW = load_law()
CONCRETE = [a for a in ACTIONS if a != SHARE_DATA] + [f"{SHARE_DATA}:{c}" for c in CATEGORIES]
DATES = st.dates(min_value=dt.date(1996, 9, 30), max_value=dt.date(2030, 12, 31))


def fact_value(name: str) -> st.SearchStrategy[Any]:
    fact = next(f for f in FACTS if f.name == name)
    match fact.type.kind:
        case Kind.BOOL:
            return st.booleans()
        case Kind.ENUM:
            return st.sampled_from(fact.type.values)
        case Kind.TAGS:
            return st.lists(st.sampled_from(CONVICTION_TAGS), max_size=4)
    return st.none() | st.integers(0, 10_000_000)


REQUEST_FACTS = st.fixed_dictionaries({}, optional={fact.name: fact_value(fact.name) for fact in FACTS})
PLACES = st.sampled_from(sorted(LAW.jurisdictions))


@settings(max_examples=400, deadline=None)
@given(place=PLACES, on=DATES, action=st.sampled_from(CONCRETE), facts=REQUEST_FACTS, leads=st.booleans())
def test_any_request_gets_one_decision_from_rules_in_force(
    place: str, on: dt.date, action: str, facts: dict[str, Any], leads: bool
) -> None:
    """No request meets a defect in the shipped law; every rule cited is in force on the date;
    status information is never prohibited."""
    found = decide(LAW, place, on, action, facts, list(FIELDS), include_unconfirmed=leads)
    for basis in found.outcome.basis:
        assert basis.rule.in_force(on), (basis.rule.id, on)
    assert found.outcome.deciding and all(rule.decision is not None for rule in found.outcome.deciding)
    if action == "share_status":
        assert found.decision is not Verdict.PROHIBITED
    assert "immigration_status" in found.released


SERIOUS = (
    "serious_felony",
    "violent_felony",
    "state_prison_felony",
    "listed_felony_within_15y",
    "listed_wobbler_misdemeanor_within_5y",
    "federal_aggravated_felony",
)


@settings(max_examples=300, deadline=None)
@given(
    place=st.sampled_from(["06", "34"]),
    on=DATES,
    action=st.sampled_from(["transfer_custody", "notify_release"]),
    facts=REQUEST_FACTS,
    tag=st.sampled_from(CONVICTION_TAGS),
    leads=st.booleans(),
)
def test_a_more_serious_record_never_turns_a_permitted_handover_into_a_prohibited_one(
    place: str, on: dt.date, action: str, facts: dict[str, Any], tag: str, leads: bool
) -> None:
    """California (and New Jersey's leads) write exceptions for serious offences: adding a
    conviction can only add an exception."""
    before = decide(LAW, place, on, action, facts, include_unconfirmed=leads)
    worse = {**facts, "convictions": [*facts.get("convictions", []), tag]}
    after = decide(LAW, place, on, action, worse, include_unconfirmed=leads)
    if before.decision is Verdict.PERMITTED:
        assert after.decision is not Verdict.PROHIBITED
    if (
        before.decision is Verdict.PROHIBITED
        and tag in SERIOUS
        and place == "06"
        and on >= dt.date(2018, 1, 4)
    ):
        assert after.decision is Verdict.PERMITTED or facts.get("agency_type", "sheriff") not in (
            "sheriff",
            "county_corrections",
            "municipal_police",
            "state_police",
        )
