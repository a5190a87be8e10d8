"""The law tree: the shipped rules as the specification counts them, and one defect per message."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from statevisa.cooperation.load import LAW_DIR, law_files
from statevisa.cooperation.model import Law
from statevisa.cooperation.vocabulary import FEDERAL, RuleStatus
from statevisa.errors import PolicyError
from tests.cooperation.conftest import LawTree

CONFIRMED_BY_STATE = {
    "CA": 18,
    "CO": 3,
    "FL": 2,
    "GA": 1,
    "IL": 10,
    "LA": 1,
    "MD": 1,
    "NJ": 3,
    "NY": 2,
    "NC": 5,
    "OK": 2,
    "OR": 14,
    "TN": 1,
    "TX": 3,
    "WA": 8,
}
"""The "Encoded rules" column of the registry: 74 CONFIRMED state rules in 15 states."""
LEADS_BY_STATE = {
    "AL": 2,
    "AZ": 2,
    "AR": 1,
    "CA": 1,
    "CO": 2,
    "CT": 1,
    "DE": 1,
    "DC": 2,
    "FL": 5,
    "GA": 3,
    "HI": 1,
    "ID": 1,
    "IL": 4,
    "IN": 1,
    "IA": 1,
    "KS": 1,
    "LA": 1,
    "ME": 1,
    "MD": 1,
    "MA": 1,
    "MN": 1,
    "MS": 1,
    "MO": 1,
    "MT": 1,
    "NH": 1,
    "NJ": 8,
    "NM": 2,
    "NY": 1,
    "NC": 1,
    "ND": 1,
    "OH": 1,
    "OK": 1,
    "RI": 1,
    "SC": 1,
    "SD": 1,
    "TN": 1,
    "TX": 1,
    "UT": 1,
    "VT": 1,
    "VA": 2,
    "WA": 2,
    "WV": 1,
    "WY": 1,
}
"""The "Leads" column: 66 UNCONFIRMED rules in 43 jurisdictions."""


def test_the_shipped_law_has_every_rule_of_the_table(law: Law) -> None:
    assert len(law.rules) == 150
    assert len(law.federal) == 10
    state = [rule for rule in law.rules if rule.jurisdiction != FEDERAL]
    assert Counter(rule.state for rule in state if rule.confirmed) == CONFIRMED_BY_STATE
    assert Counter(rule.state for rule in state if not rule.confirmed) == LEADS_BY_STATE


def test_every_rule_carries_its_citation_dates_and_provenance(law: Law) -> None:
    for rule in law.rules:
        assert rule.citation and rule.summary and rule.source_tag, rule.id
        assert rule.effective_to is None or rule.effective_to > rule.effective_from, rule.id
        assert rule.priority in ((0,) if rule.jurisdiction == FEDERAL else (10, 20)), rule.id
    assert {rule.status for rule in law.federal} == {RuleStatus.CONFIRMED}


def test_the_law_files_mirror_government() -> None:
    for path in law_files():
        parts = path.relative_to(LAW_DIR).parts
        assert parts[:2] in (("us", "federal"), ("us", "states")), path
        assert (path.parent / "tests" / path.name).is_file(), f"{path} has no case file beside it"


def test_the_digest_changes_with_the_law(tree: LawTree, law: Law) -> None:
    assert len(law.sha256) == 64
    assert tree({}).sha256 != law.sha256


RULE = """\
jurisdiction: "06"
state: CA
title: A test act
rules:
  CA-honor_detainer-1:
    version: 1
    action: "honor_detainer"
    decision: prohibited
    priority: 10
    condition: "{condition}"
    effective_from: 2018-01-04
    date_precision: day
    citation: "Test Act 1"
    status: CONFIRMED
    source_tag: "M"
    summary: "A test rule."
"""
FILE = "statevisa_law_06.yaml"


def defect(tree: LawTree, text: str, name: str = "us/states/06/act.yaml") -> list[str]:
    with pytest.raises(PolicyError) as refused:
        tree({name: text})
    return [message.split("/law/", 1)[1] for message in refused.value.messages]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            "agency_typ == 'sheriff'",
            "us/states/06/act.yaml:10:17: rule 'CA-honor_detainer-1': unknown name "
            "'agency_typ'; did you mean agency_type? (known: administrative_warrant, "
            "agency_type, agreement_model, category, charge_probable_cause_found, "
            "convictions, detainer, federal_criminal_warrant, final_order_of_removal, "
            "in_custody, information_public, interview_consent, ...)",
        ),
        (
            "agency_type == 'jail'",
            "us/states/06/act.yaml:10:32: rule 'CA-honor_detainer-1': enum value 'jail' "
            "is not declared (declared: sheriff, county_corrections, municipal_police, "
            "state_police, state_corrections, probation, court, dmv, state_visa_program, "
            "benefits_agency, school, other_state_agency, other_local_agency)",
        ),
        (
            "convictions == 'felony'",
            "us/states/06/act.yaml:10:29: rule 'CA-honor_detainer-1': type mismatch: "
            "cannot compare tags(felony, misdemeanor, serious_felony, violent_felony, "
            "state_prison_felony, listed_felony_within_15y, "
            "listed_wobbler_misdemeanor_within_5y, federal_aggravated_felony, "
            "impaired_driving, protective_order_violation, nc_listed_a1_misdemeanor, "
            "nc_162_62a_listed) == string",
        ),
        (
            "agency_type",
            "us/states/06/act.yaml:10:17: rule 'CA-honor_detainer-1': a condition must be "
            "true/false, got enum(sheriff, county_corrections, municipal_police, state_police, "
            "state_corrections, probation, court, dmv, state_visa_program, benefits_agency, school, "
            "other_state_agency, other_local_agency)",
        ),
        (
            "has_any(convictions, 'arson')",
            "us/states/06/act.yaml:10:38: rule 'CA-honor_detainer-1': tag 'arson' "
            "is not declared (declared: felony, misdemeanor, serious_felony, "
            "violent_felony, state_prison_felony, listed_felony_within_15y, "
            "listed_wobbler_misdemeanor_within_5y, federal_aggravated_felony, "
            "impaired_driving, protective_order_violation, "
            "nc_listed_a1_misdemeanor, nc_162_62a_listed)",
        ),
        (
            "detainer and",
            "us/states/06/act.yaml:10:26: rule 'CA-honor_detainer-1': syntax error: the formula "
            "ends too early",
        ),
        (
            "on >= date('2020-01-01')",
            "us/states/06/act.yaml:10:17: rule 'CA-honor_detainer-1': a condition "
            "cannot read 'on' (dates: effective_from, effective_to)",
        ),
        (
            "county_population > 100000",
            "us/states/06/act.yaml:10:17: rule 'CA-honor_detainer-1': "
            "'county_population' is a reserved fact: no condition may read it yet",
        ),
    ],
)
def test_a_bad_condition_names_the_rule_and_its_place(tree: LawTree, condition: str, message: str) -> None:
    assert defect(tree, RULE.format(condition=condition)) == [message]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'action: "honor_detainer"',
            'action: "hold"',
            "7:13: rule 'CA-honor_detainer-1': unknown action 'hold' (actions: honor_detainer, "
            "notify_release, transfer_custody, allow_jail_access, share_status, enter_287g, "
            "enter_detention_contract, inquire_status, use_resources, share_data:<category>)",
        ),
        (
            'action: "honor_detainer"',
            'action: "share_data:ssn"',
            "7:13: rule 'CA-honor_detainer-1': unknown data category 'ssn' (categories: address, workplace, "
            "contact, associates, schedule, criminal_history, dmv_record, visa_program_record, voter_record, "
            "benefits_record)",
        ),
        (
            "decision: prohibited",
            "decision: forbidden",
            "8:15: rule 'CA-honor_detainer-1': decision 'forbidden' is not one of required, permitted, "
            "prohibited",
        ),
        (
            "priority: 10",
            "priority: 0",
            "5:3: rule 'CA-honor_detainer-1': a state rule has priority above 0 (10 base rule, 20 exception)",
        ),
        (
            "effective_from: 2018-01-04",
            "effective_from: 2018-02-30",
            "11:21: rule 'CA-honor_detainer-1': effective_from is not an ISO date (YYYY-MM-DD)",
        ),
        (
            "date_precision: day",
            "date_precision: day\n    effective_to: 2017-01-01",
            "13:19: rule 'CA-honor_detainer-1': effective_to must be after effective_from",
        ),
        (
            "status: CONFIRMED",
            "status: confirmed",
            "14:13: rule 'CA-honor_detainer-1': status 'confirmed' is not one of CONFIRMED, UNCONFIRMED",
        ),
        (
            'source_tag: "M"',
            'source_tag: "Q"',
            "15:17: rule 'CA-honor_detainer-1': source_tag 'Q' is not one of P, M, V, S, S*, U",
        ),
        (
            'summary: "A test rule."',
            'summary: "A test rule."\n    because: "x"',
            "17:5: rule 'CA-honor_detainer-1': unknown key 'because' (allowed: version, action, decision, "
            "priority, condition, effective_from, effective_to, date_precision, citation, url, status, "
            "source_tag, summary, note)",
        ),
        ('    citation: "Test Act 1"\n', "", "5:3: rule 'CA-honor_detainer-1': missing citation"),
        (
            "CA-honor_detainer-1:",
            "CA-notify_release-1:",
            "5:3: rule id 'CA-notify_release-1' must start CA-honor_detainer- (its state and action)",
        ),
        ("state: CA", "state: OR", "2:8: state 'OR' does not match jurisdiction 06 (CA)"),
    ],
)
def test_one_defect_one_message(tree: LawTree, old: str, new: str, message: str) -> None:
    text = RULE.format(condition="true").replace(old, new)
    assert defect(tree, text) == [f"us/states/06/act.yaml:{message}"]


def test_a_file_in_the_wrong_folder_is_refused(tree: LawTree) -> None:
    assert defect(tree, RULE.format(condition="true"), "us/states/41/act.yaml") == [
        "us/states/41/act.yaml:1:15: a law file of jurisdiction 06 belongs in us/states/06/"
    ]


def test_a_rule_id_written_twice_is_refused(tree: LawTree) -> None:
    with pytest.raises(
        PolicyError,
        match=r"act2.yaml:5:3: rule 'CA-honor_detainer-1' is also written at "
        r".*us/states/06/act.yaml:5:3",
    ):
        tree(
            {
                "us/states/06/act.yaml": RULE.format(condition="true"),
                "us/states/06/act2.yaml": RULE.format(condition="true"),
            }
        )


def test_a_federal_rule_must_be_the_permitting_fallback(tree: LawTree, tmp_path: Path) -> None:
    frame = RULE.format(condition="true").replace('"06"', '"US"').replace("state: CA", "state: US")
    frame = frame.replace("CA-honor_detainer-1", "US-honor_detainer-0").replace("priority: 10", "priority: 0")
    assert defect(tree, frame, "us/federal/strict.yaml") == [
        "us/federal/strict.yaml:5:3: rule 'US-honor_detainer-0': a federal-frame rule is priority 0, "
        "permitted and CONFIRMED"
    ]


def test_every_defect_in_every_file_is_reported_at_once(tree: LawTree) -> None:
    bad = RULE.format(condition="nope").replace("decision: prohibited", "decision: maybe")
    assert len(defect(tree, bad)) == 2
