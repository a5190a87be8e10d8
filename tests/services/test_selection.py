"""Selection use cases return data, and refuse bad input with coded, placed problems."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.services import selection
from statevisa.services.selection_programs import place

SEED = "00112233445566778899aabbccddeeff"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def entries(tmp_path: Path) -> Path:
    lines = ["entry_id,weight"] + [f"e{i:03d},{1 + i % 4}" for i in range(30)]
    return write(tmp_path / "E.csv", "\n".join(lines) + "\n")


def test_a_draw_returns_its_counts_and_verifies(entries: Path, tmp_path: Path) -> None:
    winners = tmp_path / "W.csv"
    drawn = selection.draw_lottery(entries, 8, SEED, winners)
    assert (drawn.entries, drawn.winners, drawn.out) == (30, 8, winners)
    assert pl.read_csv(winners)["order"].to_list() == list(range(1, 9))
    check = selection.verify_lottery(entries, SEED, selection.commitment(SEED), winners)
    assert check.verified and check.winners == 8


def test_a_wrong_winner_is_a_failure_placed_at_its_row(entries: Path, tmp_path: Path) -> None:
    winners = tmp_path / "W.csv"
    selection.draw_lottery(entries, 3, SEED, winners)
    rows = pl.read_csv(winners).with_columns(pl.col("entry_id").reverse())
    rows.write_csv(winners)
    check = selection.verify_lottery(entries, SEED, selection.commitment(SEED), winners)
    assert not check.verified and check.failure is not None
    assert check.failure.code == "not-the-draw"
    assert (check.failure.location.row, check.failure.location.field) == (2, "entry_id")


def test_a_wrong_commitment_is_a_failure_on_the_option(entries: Path, tmp_path: Path) -> None:
    check = selection.verify_lottery(entries, SEED, "ab" * 32, write(tmp_path / "W.csv", "entry_id,order\n"))
    assert check.failure is not None
    assert (check.failure.code, check.failure.location.field) == ("wrong-commitment", "--commitment")


def test_an_empty_winner_list_needs_the_draw_size(entries: Path, tmp_path: Path) -> None:
    empty = write(tmp_path / "W.csv", "entry_id,order\n")
    with pytest.raises(InputError) as refused:
        selection.verify_lottery(entries, SEED, selection.commitment(SEED), empty)
    assert refused.value.problems[0].code == "slots-required"
    assert selection.verify_lottery(entries, SEED, selection.commitment(SEED), empty, slots=0).verified


def test_output_over_an_input_is_refused_before_reading(entries: Path) -> None:
    before = entries.read_text()
    with pytest.raises(InputError) as refused:
        selection.draw_lottery(entries, 3, SEED, entries.parent / "." / entries.name)
    assert refused.value.problems[0].code == "output-is-input"
    assert entries.read_text() == before


def test_match_returns_counts_and_problems_carry_row_and_column(tmp_path: Path) -> None:
    prefs = write(tmp_path / "P.csv", "applicant_id,program_id,rank\na1,p1,1\na2,p1,1\na2,p2,2\n")
    caps = write(tmp_path / "C.csv", "program_id,capacity\np1,1\np2,1\n")
    scores = write(tmp_path / "S.csv", "applicant_id,score\na1,5\na2,9\n")
    done = selection.match(prefs, caps, tmp_path / "M.csv", scores=scores)
    assert (done.applicants, done.matched) == (2, 1)  # a2 scores higher and takes p1, a1's only choice
    assert pl.read_csv(done.out).rows() == [("a1", None), ("a2", "p1")]
    write(prefs, "applicant_id,program_id,rank\na1,p1,1\na1,p9,2\n")
    with pytest.raises(InputError) as refused:
        selection.match(prefs, caps, tmp_path / "M.csv", scores=scores)
    found = refused.value.problems[0]
    assert (found.code, found.location.row, found.location.row_id, found.location.field) == (
        "unknown-reference",
        3,
        "a1",
        "program_id",
    )


def test_round_refuses_a_score_floor_that_is_not_finite(tmp_path: Path) -> None:
    scores = write(tmp_path / "S.csv", "applicant_id,score,submitted_at\na,1,2025-01-01\n")
    with pytest.raises(InputError) as refused:
        selection.run_round(scores, 1, tmp_path / "I.csv", min_score=float("nan"))
    assert refused.value.problems[0].location.field == "--min-score"
    assert selection.run_round(scores, 1, tmp_path / "I.csv", min_score=1.0).rows == 1


def test_place_returns_the_total_outcome(tmp_path: Path) -> None:
    outcomes = write(
        tmp_path / "O.csv", "applicant_id,program_id,outcome\nf1,a,0.9\nf1,b,0.1\nf2,a,0.8\nf2,b,0.7\n"
    )
    caps = write(tmp_path / "C.csv", "program_id,capacity\na,1\nb,1\n")
    done = place(outcomes, caps, tmp_path / "X.csv")
    assert (done.placed, done.cases) == (2, 2)
    assert done.total == pytest.approx(1.6)
