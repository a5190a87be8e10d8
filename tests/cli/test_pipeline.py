"""From a policy file to a round of invitations: evaluate, then select on its outputs."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.conftest import CliRunner

PROGRAM = Path(__file__).parents[2] / "docs" / "examples" / "wage-floor" / "program.yaml"
OFFERS = """id,offered_wage,county_median_wage,occupation_in_shortage,years_experience,submitted_at
a,70000,50000,true,11,2026-07-02T09:00:00
b,70000,50000,true,12,2026-07-01T09:00:00
c,90000,50000,false,20,2026-07-01T08:00:00
d,64000,50000,true,3,2026-07-01T10:00:00
e,60000,50000,true,15,2026-07-01T07:00:00
"""


def test_a_category_round_ranks_the_eligible_by_a_rule_output(cli: CliRunner, tmp_path: Path) -> None:
    offers = tmp_path / "offers.csv"
    offers.write_text(OFFERS)
    scored = tmp_path / "scored.csv"
    result = cli(
        "evaluate", str(PROGRAM), "--input", str(offers), "--on", "2026-07-01",
        "--keep", "submitted_at", "--out", str(scored),
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert pl.read_csv(scored).columns == ["id", "eligible", "points", "wage_floor", "submitted_at"]
    invited = tmp_path / "invited.csv"
    result = cli(
        "select", "round", "--scores", str(scored), "--id-column", "id", "--score-column", "points",
        "--only", "eligible", "--invitations", "2", "--out", str(invited),
    )  # fmt: skip
    assert result.code == 0, result.stderr
    # c is not in shortage and e is below the 1.25 floor; a and b tie on 30 points: b submitted first.
    assert invited.read_text().splitlines() == ["applicant_id,rank", "b,1", "a,2"]


def test_keep_refuses_unknown_and_clashing_columns(cli: CliRunner, tmp_path: Path) -> None:
    offers = tmp_path / "offers.csv"
    offers.write_text(OFFERS)
    out = tmp_path / "o.csv"
    result = cli("evaluate", str(PROGRAM), "--input", str(offers), "--keep", "nope", "--out", str(out))
    assert result.code == 2 and "has no column 'nope'" in result.stderr
    assert not out.exists()


def test_only_needs_true_or_false(cli: CliRunner, tmp_path: Path) -> None:
    scores = tmp_path / "s.csv"
    scores.write_text("applicant_id,score,submitted_at,flag\nx,1,2026-01-01T00:00:00,maybe\n")
    result = cli(
        "select", "round", "--scores", str(scores), "--only", "flag", "--invitations", "1", "--out", "i.csv"
    )
    assert result.code == 2
    assert "row 2 (id x), column flag: 'maybe' is not true or false" in result.stderr
