"""docs/cooperation.md lists every rule of the shipped law with its decision, dates and citation."""

from __future__ import annotations

from pathlib import Path

from statevisa.cooperation.load import load_law

DOC = (Path(__file__).parents[2] / "docs" / "cooperation.md").read_text(encoding="utf-8")


def test_the_law_table_has_one_row_per_rule_as_encoded() -> None:
    rows = {
        line.split(" | ")[0][2:]: line for line in DOC.splitlines() if line.startswith("| ") and "-" in line
    }
    for rule in load_law().rules:
        row = rows.get(rule.id)
        assert row is not None, f"{rule.id} is missing from docs/cooperation.md"
        assert f"| {rule.decision.value} (p{rule.priority}) | {rule.effective_from.isoformat()} |" in row, (
            rule.id
        )
        assert rule.citation.replace("|", "/") in row, rule.id


def test_the_documented_scenarios_read_against_the_shipped_law() -> None:
    from statevisa.cooperation.scenario import parse_scenarios
    from statevisa.rules.source import decode_policy, parse_yaml

    path = Path(__file__).parents[2] / "docs" / "scenarios" / "typical.yaml"
    found = parse_scenarios(parse_yaml(decode_policy(path.read_bytes(), str(path)), str(path)), load_law())
    assert len(found.scenarios) == 9
    assert found.draws == 2000
