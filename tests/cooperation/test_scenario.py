"""Capacity scenarios: changes to the rule table, read and checked like law, every problem placed."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from statevisa.cooperation.decide import decide
from statevisa.cooperation.model import Law
from statevisa.cooperation.scenario import ScenarioFile, parse_scenarios, scenario_law
from statevisa.cooperation.vocabulary import Verdict
from statevisa.errors import PolicyError
from statevisa.rules.source import parse_yaml

ON = dt.date(2025, 12, 31)


def read(text: str, law: Law) -> ScenarioFile:
    return parse_scenarios(parse_yaml(textwrap.dedent(text), "s.yaml"), law)


def refused(text: str, law: Law) -> list[str]:
    with pytest.raises(PolicyError) as error:
        read(text, law)
    return error.value.messages


def test_a_scenario_file_with_defaults(law: Law) -> None:
    found = read("scenarios:\n  - name: nothing\n", law)
    assert (found.draws, found.seed, found.parameters) == (1_000, 1, {})
    assert found.scenarios[0].name == "nothing"


def test_a_lead_taken_as_confirmed_decides(law: Law) -> None:
    found = read(
        """
        scenarios:
          - name: New Mexico's ban
            include: [NM-enter_287g-1]
            redate: {NM-enter_287g-1: {effective_from: 2025-12-31}}
        """,
        law,
    )
    changed = scenario_law(law, found.scenarios[0], {})
    assert decide(changed, "35", ON, "enter_287g", {}).decision is Verdict.PROHIBITED
    assert decide(law, "35", ON, "enter_287g", {}).decision is Verdict.PERMITTED


def test_adopting_a_states_law_replaces_the_targets_rules(law: Law) -> None:
    found = read(
        """
        scenarios:
          - name: California as Texas
            adopt: {from: "48", to: ["06"]}
        """,
        law,
    )
    changed = scenario_law(law, found.scenarios[0], {0: ("06",)})
    decision = decide(changed, "06", ON, "honor_detainer", {})
    assert decision.decision is Verdict.REQUIRED
    assert [rule.id for rule in decision.outcome.deciding] == ["CA-honor_detainer-91"]
    assert decision.outcome.deciding[0].citation.endswith("(adopted from TX in the scenario)")
    assert not [rule for rule in changed.of("06") if rule.id.startswith("CA-notify_release")]


def test_added_rules_are_checked_as_law(law: Law) -> None:
    text = """
        scenarios:
          - name: a new Vermont rule
            add:
              "50":
                VT-notify_release-5:
                  version: 1
                  action: notify_release
                  decision: required
                  priority: 10
                  condition: "agency_type == 'jail'"
                  effective_from: 2025-01-01
                  date_precision: day
                  citation: "An imagined act"
                  status: CONFIRMED
                  source_tag: "U"
                  summary: "Test."
        """
    assert refused(text, law) == [
        "s.yaml:11:38: rule 'VT-notify_release-5': enum value 'jail' is not declared (declared: sheriff, "
        "county_corrections, municipal_police, state_police, state_corrections, probation, court, dmv, "
        "state_visa_program, benefits_agency, school, other_state_agency, other_local_agency)"
    ]
    found = read(text.replace("'jail'", "'sheriff'"), law)
    changed = scenario_law(law, found.scenarios[0], {})
    assert decide(changed, "50", ON, "notify_release", {}).decision is Verdict.REQUIRED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "scenarios:\n  - name: x\n    remove: [XX-hold-1]\n",
            "s.yaml:3:14: remove: no rule 'XX-hold-1' in the law",
        ),
        (
            "scenarios:\n  - name: x\n    include: [CA-honor_detainer-1]\n",
            "s.yaml:3:15: include: 'CA-honor_detainer-1' is already CONFIRMED",
        ),
        (
            "scenarios:\n  - name: x\n    adopt: {from: '42', to: all}\n",
            "s.yaml:3:19: adopt: from '42' is no state with CONFIRMED rules",
        ),
        (
            "scenarios:\n  - name: x\n    adopt: {from: '48', to: southern}\n",
            "s.yaml:3:29: adopt: to is one of all, restrictive, mandating or a list of state FIPS codes",
        ),
        (
            "scenarios:\n  - name: x\n    agreements: [{where: all, model: jail, coverage: 2}]\n",
            "s.yaml:3:54: agreements: coverage is a share from 0 to 1",
        ),
        (
            "scenarios:\n  - name: x\n    officers: -5\n",
            "s.yaml:3:15: scenario 'x': officers must be 0 to 1,000,000",
        ),
        (
            "parameters: {substitution: 1.5}\nscenarios:\n  - name: x\n",
            "s.yaml:1:14: parameter 'substitution': must be a number from 0 to 1, got 1.5",
        ),
        (
            "parameters: {sigma: 0.5}\nscenarios:\n  - name: x\n",
            "s.yaml:1:14: parameter 'sigma': unknown (parameters: custodial_share, jail_share, "
            "compliance_required, compliance_permitted, compliance_prohibited, compliance_with_agreement, "
            "pickup_after_notice, substitution, task_force_productivity, task_force_share, "
            "hire_productivity)",
        ),
        (
            "sweep: {draws: 0}\nscenarios:\n  - name: x\n",
            "s.yaml:1:16: sweep: draws must be a whole number from 1 to 100,000",
        ),
        ("scenarios:\n  - name: x\n  - name: x\n", "s.yaml:1:1: scenario 'x' is named twice"),
        (
            "scenarios:\n  - name: x\n    when: 2026-01-01\n",
            "s.yaml:3:5: scenario: unknown key 'when' (allowed: name, on, include, redate, remove, adopt, "
            "add, agreements, officers, parameters)",
        ),
        ("title: x\n", "s.yaml:1:1: scenarios: a list of scenarios, each with a name"),
    ],
)
def test_one_problem_one_message(text: str, message: str, law: Law) -> None:
    assert refused(text, law) == [message]
