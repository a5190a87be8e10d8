"""`statevisa select`: each class of careless or hostile input is a placed refusal (exit 2)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from statevisa.selection.lottery import commitment
from tests.conftest import CliRunner

SEED = "00112233445566778899aabbccddeeff"
ENTRIES = "entry_id,weight\na,1\nb,2\nc,3\n"
PREFERENCES = "applicant_id,program_id,rank\na1,p1,1\na1,p2,2\na2,p2,1\n"
CAPACITIES = "program_id,capacity\np1,1\np2,1\n"
SCORES = "applicant_id,score,submitted_at\na1,5,2025-01-01T00:00:00Z\na2,7,2025-01-02T00:00:00Z\n"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("E.csv").write_text(ENTRIES)
    Path("P.csv").write_text(PREFERENCES)
    Path("C.csv").write_text(CAPACITIES)
    Path("S.csv").write_text(SCORES)
    return tmp_path


def lottery(cli: CliRunner, entries: str = "E.csv", out: str = "W.csv", seed: str = SEED) -> tuple[int, str]:
    result = cli("select", "lottery", "--entries", entries, "--slots", "2", "--seed", seed, "--out", out)
    return result.code, result.stderr


def match(cli: CliRunner, out: str = "M.csv") -> tuple[int, str]:
    args = ["--preferences", "P.csv", "--capacities", "C.csv", "--scores", "S.csv", "--out", out]
    result = cli("select", "match", *args)
    return result.code, result.stderr


@pytest.mark.parametrize("out", ["E.csv", "./E.csv", "../{folder}/E.csv"])
def test_lottery_refuses_to_write_over_its_entry_list(cli: CliRunner, in_tmp: Path, out: str) -> None:
    code, stderr = lottery(cli, out=out.format(folder=in_tmp.name))
    assert code == 2
    assert "is also the input E.csv: writing it would destroy the input" in stderr
    assert Path("E.csv").read_text() == ENTRIES


@pytest.mark.parametrize("out", ["P.csv", "C.csv", "./S.csv"])
def test_match_refuses_to_write_over_any_input(cli: CliRunner, out: str) -> None:
    before = {name: Path(name).read_text() for name in ("P.csv", "C.csv", "S.csv")}
    code, stderr = match(cli, out=out)
    assert code == 2
    assert "writing it would destroy the input" in stderr
    assert {name: Path(name).read_text() for name in before} == before


def test_round_refuses_to_write_over_its_scores(cli: CliRunner) -> None:
    result = cli("select", "round", "--scores", "S.csv", "--invitations", "1", "--out", "./S.csv")
    assert result.code == 2
    assert "--out S.csv: is also the input S.csv: writing it would destroy the input" in result.stderr
    assert Path("S.csv").read_text() == SCORES


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_round_refuses_a_min_score_that_is_not_finite(cli: CliRunner, value: str) -> None:
    args = ["--scores", "S.csv", "--invitations", "1", "--min-score", value, "--out", "I.csv"]
    result = cli("select", "round", *args)
    assert result.code == 2
    assert result.stderr.startswith(f"--min-score: {value} is not a finite score")
    assert not Path("I.csv").exists()


def test_verify_of_an_empty_winner_list_requires_slots(cli: CliRunner) -> None:
    Path("W.csv").write_text("entry_id,order\n")
    args = ["--entries", "E.csv", "--seed", SEED, "--commitment", commitment(bytes.fromhex(SEED))]
    result = cli("select", "verify", *args, "--winners", "W.csv")
    assert result.code == 2
    assert "W.csv: has no winners" in result.stderr and "--slots" in result.stderr
    assert cli("select", "verify", *args, "--winners", "W.csv", "--slots", "0").code == 0
    assert cli("select", "verify", *args, "--winners", "W.csv", "--slots", "1").code == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"entry_id,weight\na,1\n\xff\xfe,2\n", "E.csv:3:1: is not UTF-8 text (byte 0xff)"),
        (b"entry_id,weight\na,1,3\nb,2\n", "E.csv:2: has 3 fields; the header has 2"),
        (b'entry_id,weight\na,"1\n', "E.csv:2: is not valid CSV"),
        (b"", "E.csv: the file is empty"),
        (b"entry_id,weight\n", "E.csv: the file has a header but no rows"),
        (
            b"entry_id,weight\na,1\n a ,2\n",
            "E.csv: row 3 (id a), column entry_id: duplicate id (first on row 2)",
        ),
        (b"entry_id,weight\na,nan\n", "E.csv: row 2 (id a), column weight: 'nan' is not a number"),
    ],
)
def test_malformed_entry_files_are_placed_refusals(cli: CliRunner, content: bytes, message: str) -> None:
    Path("E.csv").write_bytes(content)
    code, stderr = lottery(cli)
    assert code == 2
    assert message in stderr
    assert "Traceback" not in stderr
    assert not Path("W.csv").exists()


def test_a_parquet_column_of_lists_is_refused_by_name(cli: CliRunner) -> None:
    pl.DataFrame({"entry_id": [[1, 2], [3]], "weight": [1, 2]}).write_parquet("E.parquet")
    code, stderr = lottery(cli, entries="E.parquet")
    assert code == 2
    assert "E.parquet: column entry_id: has type List(Int64)" in stderr


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"P.csv": PREFERENCES + "a2,p7,2\n"},
            "P.csv: row 5 (id a2), column program_id: 'p7' is not a known program (not in C.csv)",
        ),
        ({"P.csv": PREFERENCES + ",p1,1\n"}, "P.csv: row 5, column applicant_id: empty id"),
        (
            {"P.csv": "applicant_id,program_id,rank\na1,p1,1\na2,p2,1\na1,p1,2\n"},
            "row 4 (id a1), column program_id: program listed twice by this applicant (first on row 2)",
        ),
        (
            {"P.csv": PREFERENCES + "a2,p1,1\n"},
            "P.csv: row 5 (id a2), column rank: rank used twice by this applicant (first on row 4)",
        ),
        ({"C.csv": "program_id,capacity\np1,-3\np2,1\n"}, "'-3' is not a non-negative whole number"),
        (
            {"C.csv": "program_id,capacity\np1,99999999999999999999\np2,1\n"},
            "C.csv: row 2 (id p1), column capacity: '99999999999999999999' is too large",
        ),
        ({"C.csv": "program_id,capacity\np1,1.5\np2,1\n"}, "'1.5' is not a non-negative whole number"),
        (
            {"C.csv": "program_id,capacity\np1,1\np1,2\n"},
            "C.csv: row 3 (id p1), column program_id: duplicate id",
        ),
        (
            {"S.csv": "applicant_id,score\na1,5\na1,6\na2,1\n"},
            "S.csv: row 3 (id a1), column applicant_id: duplicate id",
        ),
        (
            {"S.csv": "applicant_id,score\na1,inf\na2,1\n"},
            "S.csv: row 2 (id a1), column score: 'inf' is not a number",
        ),
        (
            {"P.csv": b"applicant_id,program_id,rank\na1,p\xe9,1\n"},
            "P.csv:2:5: is not UTF-8 text (byte 0xe9)",
        ),
    ],
)
def test_bad_match_tables_are_placed_refusals(
    cli: CliRunner, files: dict[str, str | bytes], message: str
) -> None:
    for name, text in files.items():
        if isinstance(text, bytes):
            Path(name).write_bytes(text)
        else:
            Path(name).write_text(text)
    code, stderr = match(cli)
    assert code == 2
    assert message in stderr
    assert "Traceback" not in stderr
    assert not Path("M.csv").exists()


def test_unordered_preferences_match_like_grouped_ones(cli: CliRunner) -> None:
    assert match(cli)[0] == 0
    grouped = Path("M.csv").read_text()
    Path("P.csv").write_text("applicant_id,program_id,rank\na2,p2,1\n a1 ,p2,2\na1,p1,1\n")
    assert match(cli)[0] == 0
    assert sorted(Path("M.csv").read_text().splitlines()) == sorted(grouped.splitlines())


def test_a_capacity_as_large_as_the_limit_is_used_as_given(cli: CliRunner) -> None:
    Path("C.csv").write_text(f"program_id,capacity\np1,{2**53}\np2,0\n")
    assert match(cli)[0] == 0
    assert pl.read_csv("M.csv").rows() == [("a1", "p1"), ("a2", None)]


@pytest.mark.parametrize("seed", ["-1", "0x" + "00" * 16, "00" * 15, "zz" * 16, ""])
def test_lottery_refuses_a_seed_out_of_range_before_reading(cli: CliRunner, seed: str) -> None:
    Path("E.csv").write_bytes(b"\xff")  # never read: the seed is checked first
    code, stderr = lottery(cli, seed=seed)
    assert code == 2
    assert stderr.startswith("--seed: ")
