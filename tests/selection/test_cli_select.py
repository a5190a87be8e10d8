"""`statevisa select`: the five command forms of issue 5 and every input error they name."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from statevisa.selection.lottery import commitment
from tests.conftest import CliResult, CliRunner

SEED = "00112233445566778899aabbccddeeff"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every command in a fresh folder, so messages name files as the user typed them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(name: str, text: str) -> str:
    Path(name).write_text(text)
    return name


def rows(name: str) -> list[tuple[str, ...]]:
    frame = pl.read_csv(name, infer_schema=False).fill_null("")
    return [tuple(row) for row in frame.iter_rows()]


SCORES = """applicant_id,score,submitted_at
a1,450,2025-01-02T10:00:00Z
a2,470,2025-01-03T10:00:00Z
a3,450,2025-01-01T10:00:00Z
a4,450,2025-01-01T10:00:00+00:00
a5,400,2025-01-01T09:00:00Z
"""


def test_round_invites_by_score_then_submission_then_id(cli: CliRunner) -> None:
    write("S.csv", SCORES)
    result = cli("select", "round", "--scores", "S.csv", "--invitations", "3", "--out", "I.csv")
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert pl.read_csv("I.csv").columns == ["applicant_id", "rank"]
    assert rows("I.csv") == [("a2", "1"), ("a3", "2"), ("a4", "3")]


def test_round_min_score_is_inclusive(cli: CliRunner) -> None:
    write("S.csv", SCORES)
    args = ["--invitations", "10", "--min-score", "450", "--out", "I.csv"]
    assert cli("select", "round", "--scores", "S.csv", *args).code == 0
    assert [r[0] for r in rows("I.csv")] == ["a2", "a3", "a4", "a1"]


def test_round_offsets_are_compared_in_utc(cli: CliRunner) -> None:
    write(
        "S.csv",
        "applicant_id,score,submitted_at\neast,1,2025-01-01T10:00:00+05:00\nwest,1,2025-01-01T06:00:00Z\n",
    )
    assert cli("select", "round", "--scores", "S.csv", "--invitations", "1", "--out", "I.csv").code == 0
    assert rows("I.csv") == [("east", "1")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "applicant_id,score,submitted_at\na1,1,2025-01-01\na7,abc,2025-01-01\n",
            "S.csv: row 3 (id a7), column score: 'abc' is not a number",
        ),
        (
            "applicant_id,score,submitted_at\na1,1,2025-01-01\na1,2,2025-01-01\n",
            "S.csv: row 3 (id a1), column applicant_id: duplicate id (first on row 2)",
        ),
        (
            "applicant_id,score,submitted_at\na1,1,yesterday\n",
            "S.csv: row 2 (id a1), column submitted_at: 'yesterday' is not an ISO 8601 timestamp",
        ),
        (
            "applicant_id,score,submitted_at\na1,1,2025-01-01T00:00Z\na2,1,2025-01-01T00:00\n",
            "S.csv: row 3 (id a2), column submitted_at: '2025-01-01T00:00' has no UTC offset",
        ),
        ("applicant_id,score\na1,1\n", "S.csv: missing required column(s): submitted_at"),
        ("", "S.csv: the file is empty"),
        ("applicant_id,score,submitted_at\n", "S.csv: the file has a header but no rows"),
    ],
)
def test_round_bad_input_exits_2_naming_file_row_and_column(cli: CliRunner, text: str, message: str) -> None:
    write("S.csv", text)
    result = cli("select", "round", "--scores", "S.csv", "--invitations", "3", "--out", "I.csv")
    assert result.code == 2
    assert message in result.stderr
    assert not Path("I.csv").exists()


def test_commit_prints_one_line(cli: CliRunner) -> None:
    result = cli("select", "commit", "--seed", SEED)
    assert result.code == 0
    assert result.stdout == commitment(bytes.fromhex(SEED)) + "\n"


@pytest.mark.parametrize("seed", ["xyz", "abc", "00ff", "g" * 32])
def test_non_hex_or_short_seed_exits_2(cli: CliRunner, seed: str) -> None:
    result = cli("select", "commit", "--seed", seed)
    assert result.code == 2
    assert result.stderr.startswith("--seed: ")


def _entries(count: int = 30) -> str:
    lines = ["entry_id,weight"] + [f"e{i:03d},{1 + i % 4}" for i in range(count)]
    return write("E.csv", "\n".join(lines) + "\n")


def _lottery(cli: CliRunner, slots: int, *extra: str) -> CliResult:
    return cli(
        "select",
        "lottery",
        "--entries",
        "E.csv",
        "--slots",
        str(slots),
        "--seed",
        SEED,
        "--out",
        "W.csv",
        *extra,
    )


def _verify(cli: CliRunner, winners: str = "W.csv", seed: str = SEED, *extra: str) -> CliResult:
    return cli(
        "select",
        "verify",
        "--entries",
        "E.csv",
        "--seed",
        seed,
        "--commitment",
        commitment(bytes.fromhex(SEED)),
        "--winners",
        winners,
        *extra,
    )


def test_lottery_writes_min_n_entries_distinct_winners_in_order(cli: CliRunner) -> None:
    _entries(30)
    assert _lottery(cli, 10).code == 0
    winners = rows("W.csv")
    assert pl.read_csv("W.csv").columns == ["entry_id", "order"]
    assert [order for _, order in winners] == [str(i) for i in range(1, 11)]
    assert len({entry for entry, _ in winners}) == 10
    assert _lottery(cli, 100).code == 0
    assert len(rows("W.csv")) == 30


def test_lottery_uses_the_weight_column_by_default_and_on_request(cli: CliRunner) -> None:
    _entries(30)
    assert _lottery(cli, 10).code == 0
    weighted = rows("W.csv")
    assert _lottery(cli, 10, "--weight-column", "weight").code == 0
    assert rows("W.csv") == weighted
    write("E.csv", "\n".join(["entry_id,w"] + [f"e{i:03d},{1 + i % 4}" for i in range(30)]) + "\n")
    assert _lottery(cli, 10, "--weight-column", "w").code == 0
    assert rows("W.csv") == weighted
    assert _lottery(cli, 10).code == 0
    assert rows("W.csv") != weighted


def test_verify_accepts_the_true_draw(cli: CliRunner) -> None:
    _entries()
    assert _lottery(cli, 8).code == 0
    result = _verify(cli)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("verified: 8 winners")
    assert _verify(cli, "W.csv", SEED, "--slots", "8").code == 0


def test_a_draw_with_no_slots_verifies_as_an_empty_list(cli: CliRunner) -> None:
    _entries()
    assert _lottery(cli, 0).code == 0
    assert rows("W.csv") == []
    assert _verify(cli, "W.csv", SEED, "--slots", "0").code == 0
    short = _verify(cli, "W.csv", SEED, "--slots", "1")
    assert short.code == 1
    assert "ends after 0 winners" in short.stderr


def test_verify_rejects_swapped_winners_naming_the_row(cli: CliRunner) -> None:
    _entries()
    assert _lottery(cli, 8).code == 0
    published = rows("W.csv")
    swapped = [published[1][0], published[0][0]] + [entry for entry, _ in published[2:]]
    write("T.csv", "entry_id,order\n" + "".join(f"{e},{i + 1}\n" for i, e in enumerate(swapped)))
    result = _verify(cli, "T.csv")
    assert result.code == 1
    assert f"T.csv: row 2 (id {published[1][0]}), column entry_id: draw order 1 is" in result.stderr


def test_verify_rejects_a_foreign_winner_and_a_short_list(cli: CliRunner) -> None:
    _entries()
    assert _lottery(cli, 8).code == 0
    published = rows("W.csv")
    text = "entry_id,order\n" + "".join(f"{e},{o}\n" for e, o in published[:7]) + "intruder,8\n"
    write("T.csv", text)
    result = _verify(cli, "T.csv")
    assert result.code == 1
    assert "row 9 (id intruder)" in result.stderr
    write("T.csv", "entry_id,order\n" + "".join(f"{e},{o}\n" for e, o in published[:7]))
    short = _verify(cli, "T.csv", SEED, "--slots", "8")
    assert short.code == 1
    assert "ends after 7 winners" in short.stderr


def test_verify_rejects_a_wrong_seed_or_commitment(cli: CliRunner) -> None:
    _entries()
    assert _lottery(cli, 8).code == 0
    wrong_seed = _verify(cli, "W.csv", "ff" * 16)
    assert wrong_seed.code == 1
    assert "--commitment" in wrong_seed.stderr
    other = cli(
        "select",
        "verify",
        "--entries",
        "E.csv",
        "--seed",
        SEED,
        "--commitment",
        "ab" * 32,
        "--winners",
        "W.csv",
    )
    assert other.code == 1


def test_verify_rejects_a_wrong_order_column(cli: CliRunner) -> None:
    _entries()
    assert _lottery(cli, 3).code == 0
    published = rows("W.csv")
    write("T.csv", f"entry_id,order\n{published[0][0]},1\n{published[1][0]},3\n{published[2][0]},2\n")
    result = _verify(cli, "T.csv")
    assert result.code == 1
    assert "T.csv: row 3" in result.stderr
    assert "column order: expected 2, found 3" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entry_id,weight\na,1\nb,-2\n", "E.csv: row 3 (id b), column weight: '-2' is not a weight"),
        ("entry_id,weight\na,1\nb,x\n", "E.csv: row 3 (id b), column weight: 'x' is not a number"),
        ("entry_id,weight\na,1\na,2\n", "E.csv: row 3 (id a), column entry_id: duplicate id"),
        ("entry_id,weight\n,1\n", "E.csv: row 2, column entry_id: empty id"),
        ("", "E.csv: the file is empty"),
    ],
)
def test_lottery_bad_input_exits_2_without_output(cli: CliRunner, text: str, message: str) -> None:
    write("E.csv", text)
    result = _lottery(cli, 3)
    assert result.code == 2
    assert message in result.stderr
    assert not Path("W.csv").exists()


def test_lottery_missing_weight_column_on_request_exits_2(cli: CliRunner) -> None:
    write("E.csv", "entry_id\na\nb\n")
    result = _lottery(cli, 1, "--weight-column", "w")
    assert result.code == 2
    assert "E.csv: missing required column(s): w" in result.stderr


def test_lottery_reads_parquet(cli: CliRunner) -> None:
    _entries(20)
    assert _lottery(cli, 5).code == 0
    pl.read_csv("E.csv").write_parquet("E.parquet")
    result = cli(
        "select",
        "lottery",
        "--entries",
        "E.parquet",
        "--slots",
        "5",
        "--seed",
        SEED,
        "--out",
        "W2.csv",
    )
    assert result.code == 0, result.stderr
    assert rows("W2.csv") == rows("W.csv")


PREFERENCES = """applicant_id,program_id,rank
a1,p1,1
a1,p2,2
a2,p2,1
a2,p1,2
a3,p1,1
"""
CAPACITIES = "program_id,capacity\np1,1\np2,1\n"
PRIORITIES = """program_id,applicant_id,rank
p1,a2,1
p1,a1,2
p1,a3,3
p2,a1,1
p2,a2,2
p2,ghost,3
"""


def _match(cli: CliRunner, *extra: str) -> CliResult:
    write("P.csv", PREFERENCES)
    write("C.csv", CAPACITIES)
    return cli(
        "select",
        "match",
        "--preferences",
        "P.csv",
        "--capacities",
        "C.csv",
        "--out",
        "M.csv",
        *extra,
    )


def test_match_applicant_and_program_optimal(cli: CliRunner) -> None:
    write("R.csv", PRIORITIES)
    assert _match(cli, "--priorities", "R.csv").code == 0
    assert rows("M.csv") == [("a1", "p1"), ("a2", "p2"), ("a3", "")]
    assert _match(cli, "--priorities", "R.csv", "--proposing", "programs").code == 0
    assert rows("M.csv") == [("a1", "p2"), ("a2", "p1"), ("a3", "")]
    assert _match(cli, "--priorities", "R.csv", "--proposing", "applicants").code == 0
    assert rows("M.csv") == [("a1", "p1"), ("a2", "p2"), ("a3", "")]


def test_match_with_common_scores(cli: CliRunner) -> None:
    write(
        "S.csv",
        "applicant_id,score,submitted_at\na3,9,2025-01-01\na1,5,2025-01-02\n"
        "a2,5,2025-01-01\nnobody,99,2025-01-01\n",
    )
    result = _match(cli, "--scores", "S.csv")
    assert result.code == 0, result.stderr
    assert rows("M.csv") == [("a1", ""), ("a2", "p2"), ("a3", "p1")]


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        (
            {"P.csv": PREFERENCES + "a4,p9,1\n"},
            ["--priorities", "R.csv"],
            "P.csv: row 7 (id a4), column program_id: 'p9' is not a known program (not in C.csv)",
        ),
        (
            {"C.csv": "program_id,capacity\np1,-1\np2,1\n"},
            ["--priorities", "R.csv"],
            "C.csv: row 2 (id p1), column capacity: '-1' is not a non-negative whole number",
        ),
        (
            {"C.csv": "program_id,capacity\np1,1\np1,1\np2,1\n"},
            ["--priorities", "R.csv"],
            "C.csv: row 3 (id p1), column program_id: duplicate id (first on row 2)",
        ),
        (
            {"P.csv": PREFERENCES + "a1,p1,3\n"},
            ["--priorities", "R.csv"],
            "P.csv: row 7 (id a1), column program_id: program listed twice by this applicant",
        ),
        (
            {"P.csv": PREFERENCES + "a3,p2,1\n"},
            ["--priorities", "R.csv"],
            "P.csv: row 7 (id a3), column rank: rank used twice by this applicant",
        ),
        (
            {"R.csv": PRIORITIES + "p1,a4,1\n"},
            ["--priorities", "R.csv"],
            "R.csv: row 8 (id a4), column rank: rank used twice by this program",
        ),
        (
            {"R.csv": PRIORITIES + "p7,a1,1\n"},
            ["--priorities", "R.csv"],
            "R.csv: row 8 (id a1), column program_id: 'p7' is not a known program",
        ),
        (
            {"S.csv": "applicant_id,score\na1,1\na2,2\n"},
            ["--scores", "S.csv"],
            "P.csv: row 6 (id a3), column applicant_id: no score in S.csv",
        ),
        ({}, [], "give exactly one of --priorities R.csv or --scores S.csv"),
        (
            {"S.csv": "applicant_id,score\na1,1\n"},
            ["--priorities", "R.csv", "--scores", "S.csv"],
            "give exactly one of --priorities R.csv or --scores S.csv",
        ),
        ({"C.csv": ""}, ["--priorities", "R.csv"], "C.csv: the file is empty"),
    ],
)
def test_match_bad_input_exits_2_without_output(
    cli: CliRunner, files: dict[str, str], extra: list[str], message: str
) -> None:
    write("P.csv", PREFERENCES)
    write("C.csv", CAPACITIES)
    write("R.csv", PRIORITIES)
    for name, text in files.items():
        write(name, text)
    result = cli(
        "select",
        "match",
        "--preferences",
        "P.csv",
        "--capacities",
        "C.csv",
        "--out",
        "M.csv",
        *extra,
    )
    assert result.code == 2
    assert message in result.stderr
    assert not Path("M.csv").exists()


def test_existing_output_survives_a_failed_run(cli: CliRunner) -> None:
    write("M.csv", "previous\n")
    write("R.csv", PRIORITIES + "p7,a1,1\n")
    assert _match(cli, "--priorities", "R.csv").code == 2
    assert Path("M.csv").read_text() == "previous\n"
