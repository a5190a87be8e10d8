"""`statevisa cooperation decide|rules|test`, run in-process: the contract's forms and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statevisa.cooperation.load import jurisdictions, read_law
from tests.conftest import CliRunner
from tests.cooperation.conftest import write_tree


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "request.json"
    path.write_text(
        json.dumps({"agency_type": "sheriff", "convictions": ["serious_felony"]}), encoding="utf-8"
    )
    return path


def test_decide_json_is_one_object(cli: CliRunner, facts: Path) -> None:
    result = cli(
        "cooperation",
        "decide",
        "--jurisdiction",
        "06",
        "--on",
        "2026-05-18",
        "--action",
        "notify_release",
        "--facts",
        str(facts),
        "--json",
    )
    assert result.code == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["decision"], found["rule_ids"], found["default_applied"]) == (
        "permitted",
        ["CA-notify_release-3"],
        False,
    )
    assert found["facts"]["convictions"] == ["felony", "serious_felony"]


def test_decide_in_words_names_each_rule_its_period_and_why(cli: CliRunner, facts: Path) -> None:
    result = cli(
        "cooperation",
        "decide",
        "--jurisdiction",
        "06",
        "--on",
        "2026-05-18",
        "--action",
        "honor_detainer",
        "--facts",
        str(facts),
    )
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "honor_detainer in California (06) on 2026-05-18: PROHIBITED"
    assert lines[1] == (
        "  decides: CA-honor_detainer-1 v1 prohibited (p10), Cal. Gov. Code 7284.6(a)(1)(B), "
        "2018-01-04 → [day, CONFIRMED, M]"
    )
    assert "    because: agency_type = sheriff" in lines


def test_decide_with_unconfirmed_leads(cli: CliRunner, facts: Path) -> None:
    args = (
        "cooperation",
        "decide",
        "--jurisdiction",
        "12",
        "--on",
        "2026-05-18",
        "--action",
        "honor_detainer",
        "--facts",
        str(facts),
        "--json",
    )
    assert json.loads(cli(*args).stdout)["unconfirmed_matches"] == ["FL-honor_detainer-1"]
    assert json.loads(cli(*args, "--include-unconfirmed").stdout)["decision"] == "required"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--jurisdiction", "99"), "jurisdiction: unknown jurisdiction '99'"),
        (("--on", "1996-09-29"), "on: 1996-09-29 is before the federal frame starts (1996-09-30, IIRIRA)"),
        (("--action", "share_data:ssn"), "action: unknown data category 'ssn'"),
        (("--action", "deport"), "action: unknown action 'deport'"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    cli: CliRunner, facts: Path, options: tuple[str, str], message: str
) -> None:
    base = {"--jurisdiction": "06", "--on": "2026-05-18", "--action": "notify_release"}
    base[options[0]] = options[1]
    args = [item for pair in base.items() for item in pair]
    result = cli("cooperation", "decide", *args, "--facts", str(facts))
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)


def test_a_wrongly_typed_fact_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"operates_jail": "yes"}', encoding="utf-8")
    result = cli(
        "cooperation",
        "decide",
        "--jurisdiction",
        "48",
        "--on",
        "2026-05-18",
        "--action",
        "enter_287g",
        "--facts",
        str(path),
    )
    assert (result.code, result.stderr) == (2, "facts.operates_jail: must be true or false, got 'yes'\n")


def test_a_defect_in_the_law_exits_3(
    cli: CliRunner, facts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = """\
  CA-honor_detainer-{n}:
    version: 1
    action: "honor_detainer"
    decision: {decision}
    priority: 10
    condition: "true"
    effective_from: 2020-01-01
    date_precision: day
    citation: "Test"
    status: CONFIRMED
    source_tag: "M"
    summary: "Test."
"""
    text = 'jurisdiction: "06"\nstate: CA\ntitle: Conflicting test act\nrules:\n'
    text += rule.format(n=1, decision="prohibited") + rule.format(n=2, decision="required")
    from tests.cooperation.conftest import ACTIONS, FRAME, FRAME_RULE

    frame = FRAME + "".join(
        FRAME_RULE.format(action=a, written="share_data:*" if a == "share_data" else a) for a in ACTIONS
    )
    root = write_tree(
        tmp_path / "law", {"us/federal/frame.yaml": frame, "us/states/06/act.yaml": text}, frame=False
    )
    conflicting = read_law(root, jurisdictions())
    monkeypatch.setattr("statevisa.services.cooperation.shipped_law", lambda: conflicting)
    result = cli(
        "cooperation",
        "decide",
        "--jurisdiction",
        "06",
        "--on",
        "2026-05-18",
        "--action",
        "honor_detainer",
        "--facts",
        str(facts),
    )
    assert result.code == 3
    assert "CA-honor_detainer-1 (prohibited), CA-honor_detainer-2 (required)" in result.stderr


def test_rules_lists_a_states_law_and_the_frame(cli: CliRunner) -> None:
    result = cli("cooperation", "rules", "--jurisdiction", "17", "--on", "2021-08-02")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Illinois (17): 10 rule(s) in force on 2021-08-02\n")
    assert "(4 UNCONFIRMED lead(s) hidden: --include-unconfirmed shows them)" in result.stdout


def test_test_runs_every_case_of_the_law(cli: CliRunner) -> None:
    result = cli("cooperation", "test")
    assert result.code == 0, result.stdout
    assert result.stdout.strip().endswith("effective date(s) unwalked; 0 law file(s) without cases")
    assert " 0 effective date(s)" in result.stdout


def test_agreements_prints_the_list_date_and_the_table(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("cooperation", "agreements", "--as-of", "2026-05-18")
    assert result.code == 0, result.stderr
    assert result.stderr == "ICE list of 2026-05-18: 1,843 agreements in 40 states and territories\n"
    lines = result.stdout.splitlines()
    assert lines[0] == "state_fips,state,agreements,task_force,warrant_service,jail"
    texas = next(line for line in lines if line.startswith("48,TX,"))
    assert texas.startswith("48,TX,387,") and sum(map(int, texas.split(",")[3:])) == 387
    out = tmp_path / "a.csv"
    written = cli("cooperation", "agreements", "--as-of", "2026-05-18", "--by", "model", "--out", str(out))
    assert (written.code, written.stdout) == (0, "")
    assert out.read_text().splitlines()[0] == "state_fips,state,model,agreements"


def test_agreements_before_the_first_list_exits_2(cli: CliRunner) -> None:
    result = cli("cooperation", "agreements", "--as-of", "2024-12-31")
    assert result.code == 2
    assert result.stderr.startswith("--as-of: 2024-12-31 is before the first shipped ICE list (2025-01-04)")


def test_contradictions_name_the_rule(cli: CliRunner) -> None:
    result = cli("cooperation", "contradictions", "--as-of", "2026-05-18")
    assert result.code == 0, result.stderr
    assert result.stderr == "ICE lists 2026-05-18: 56 contradiction(s) with state law\n"
    assert all(",TX-enter_287g-1,1,required," in line for line in result.stdout.splitlines()[1:])


def test_growth_by_model(cli: CliRunner) -> None:
    result = cli("cooperation", "growth", "--by", "model")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("state_fips,state,model,agreements_2025-01-04,")


def test_simulate_prints_the_comparison(cli: CliRunner, tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "sweep: {draws: 50}\nscenarios:\n  - name: Texas law everywhere\n    adopt: {from: '48', to: all}\n",
        encoding="utf-8",
    )
    result = cli("cooperation", "simulate", "--scenario", str(scenario))
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Capacity scenarios (baseline 2025-12-31; target 3,000/day; band: 5-95% of 50 draws)"
    assert lines[1] == "       980/day [980 - 980]   33% of target  baseline"
    assert lines[2].endswith("of target  Texas law everywhere")


def test_simulate_with_a_bad_scenario_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("scenarios:\n  - name: x\n    officers: many\n", encoding="utf-8")
    result = cli("cooperation", "simulate", "--scenario", str(scenario))
    assert result.code == 2
    assert result.stderr == f"{scenario}:3:15: scenario 'x': officers must be 0 to 1,000,000\n"
