"""`statevisa identity`: exit codes, output and refusals as a user meets them."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from statevisa.identity import synthetic
from tests.conftest import CliRunner

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]


def test_a_valid_zone_exits_0_and_shows_its_fields(cli: CliRunner) -> None:
    result = cli("identity", "check-mrz", *TD3, "--on", "2010-01-01")
    assert result.code == 0
    assert result.stdout.splitlines()[:3] == [
        "valid (TD3, document code P)",
        "issuing State   UTO  (specimen)",
        "document number L898902C3",
    ]


def test_an_expired_document_exits_1_naming_the_failed_check(cli: CliRunner) -> None:
    result = cli("identity", "check-mrz", *TD3, "--on", "2026-01-01")
    assert result.code == 1
    assert result.stdout.splitlines()[:2] == [
        "invalid: 1 of 15 checks failed (TD3, document code P)",
        "  not-expired: expired on 2012-04-15 (checked on 2026-01-01)",
    ]


def test_json_carries_the_date_fields_and_every_check(cli: CliRunner) -> None:
    result = cli("identity", "check-mrz", *TD1, "--on", "2010-01-01", "--json")
    assert result.code == 0
    data = json.loads(result.stdout)
    assert (data["on"], data["valid"], data["fields"]["format"], len(data["checks"])) == (
        "2010-01-01",
        True,
        "TD1",
        14,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((TD3[0].lower(), TD3[1]), "LINE1: has lower-case letters"),
        ((TD3[0], TD3[1][:-2]), "LINE2: has 42 characters; a TD3 line has 44"),
        ((*TD3, "--on", "12/31/2020"), "--on: '12/31/2020' is not a date in the form YYYY-MM-DD"),
    ],
)
def test_lines_that_cannot_be_read_exit_2(cli: CliRunner, args: tuple[str, ...], message: str) -> None:
    result = cli("identity", "check-mrz", *args)
    assert result.code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_single_line_is_a_usage_error(cli: CliRunner) -> None:
    result = cli("identity", "check-mrz", TD3[0])
    assert result.code == 2
    assert "Missing argument 'LINE2'" in result.stderr


@pytest.fixture
def people_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    synthetic.generate(400, 9).records.write_csv("people.csv")
    return tmp_path / "people.csv"


def test_dedupe_counts_comparisons_first_and_writes_pairs_and_clusters(
    cli: CliRunner, people_csv: Path
) -> None:
    result = cli(
        "identity", "dedupe", "--input", "people.csv", "--out", "pairs.csv", "--clusters", "clusters.csv"
    )
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "comparisons per blocking rule (new pairs, running total):"
    assert lines[1].split()[0] == "document"
    assert " records, " in lines[-1] and "wrote pairs.csv and clusters.csv" in lines[-1]
    pairs, clusters = pl.read_csv("pairs.csv"), pl.read_csv("clusters.csv")
    assert pairs.columns == ["id_l", "id_r", "match_probability"]
    assert (pairs["id_l"] < pairs["id_r"]).all() and pairs["match_probability"].min() >= 0.9  # type: ignore[operator]
    assert clusters.columns == ["id", "cluster_id"]
    assert clusters["id"].to_list() == pl.read_csv("people.csv")["id"].to_list()


def test_dedupe_reads_parquet_too(cli: CliRunner, people_csv: Path) -> None:
    pl.read_csv("people.csv").write_parquet("people.parquet")
    result = cli(
        "identity", "dedupe", "--input", "people.parquet", "--out", "pairs.csv", "--threshold", "0.5"
    )
    assert result.code == 0, result.stderr
    assert pl.read_csv("pairs.csv")["match_probability"].min() >= 0.5  # type: ignore[operator]


def refused(cli: CliRunner, *args: str) -> list[str]:
    result = cli("identity", "dedupe", *args)
    assert result.code == 2
    assert not Path("pairs.csv").exists() and not Path("clusters.csv").exists()
    return result.stderr.splitlines()


def test_dedupe_refuses_missing_columns_naming_them(cli: CliRunner, people_csv: Path) -> None:
    pl.read_csv("people.csv").drop("sex", "state").write_csv("bad.csv")
    assert refused(cli, "--input", "bad.csv", "--out", "pairs.csv") == [
        "bad.csv: missing required column(s): sex, state (found: id, given_name, family_name, date_of_birth,"
        " country_of_birth, document_number, document_country)"
    ]


def test_dedupe_refuses_duplicate_ids_naming_them(cli: CliRunner, people_csv: Path) -> None:
    table = pl.read_csv("people.csv", infer_schema=False)
    table.with_columns(pl.Series("id", ["dup", "dup", *table["id"].to_list()[2:]])).write_csv("bad.csv")
    assert refused(cli, "--input", "bad.csv", "--out", "pairs.csv", "--clusters", "clusters.csv") == [
        "bad.csv: row 3 (id dup), column id: id repeats row 2"
    ]


def test_dedupe_refuses_an_output_that_is_its_input(cli: CliRunner, people_csv: Path) -> None:
    assert refused(cli, "--input", "people.csv", "--out", "./people.csv")[0].startswith(
        "--out people.csv: is also the input people.csv"
    )
    assert Path("people.csv").exists()


@pytest.mark.parametrize("value", ["1.5", "nan", "-0.1"])
def test_dedupe_refuses_a_threshold_that_is_no_probability(
    cli: CliRunner, people_csv: Path, value: str
) -> None:
    assert refused(cli, "--input", "people.csv", "--out", "pairs.csv", "--threshold", value) == [
        f"--threshold: {float(value)} is not a probability from 0 to 1"
    ]


def test_dedupe_refuses_too_few_records_to_train(cli: CliRunner, people_csv: Path) -> None:
    pl.read_csv("people.csv", infer_schema=False).head(2).write_csv("two.csv")
    assert refused(cli, "--input", "two.csv", "--out", "pairs.csv") == [
        "two.csv: 2 records are too few, or too alike, to train the matching model:"
        " it learns from pairs that share a document, a birth date or a name"
    ]
