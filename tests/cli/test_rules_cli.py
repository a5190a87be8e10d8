"""The rules commands as a user types them: the forms of issue 3 are contracts."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from statevisa.programs import find_program
from tests.conftest import CRS_E3, CliRunner

BAD = Path(__file__).parents[1] / "rules" / "bad"
HEADER = (
    "id,age,english,overseas_work_years,australian_work_years,qualification,specialist_education,"
    "australian_study,professional_year,community_language,regional_study,partner,nomination"
)
X1 = "x1,29,proficient,5,0,bachelor,false,false,false,false,false,single,none"
X8 = "x8,40,proficient,8,0,bachelor,false,false,false,false,false,competent_english,190"
X5 = "x5,45,superior,5,5,doctorate,true,true,true,true,true,single,491"


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_programs_list_shows_the_shipped_programs(cli: CliRunner) -> None:
    result = cli("programs", "list")
    assert result.code == 0
    for word in ("canada-crs", "australia-points", "CA", "AU", "reference"):
        assert word in result.stdout


def test_programs_list_keeps_every_id_whole_on_a_narrow_terminal(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("programs", "list")
    assert "state-sponsored-visa-2019" in result.stdout
    assert "…" not in "".join(line.split("│")[1] for line in result.stdout.splitlines() if "│" in line)


def test_programs_list_speaks_csv_and_json_for_scripts(cli: CliRunner) -> None:
    rows = cli("programs", "list", "--format", "csv").stdout.splitlines()
    assert rows[0] == "id,title,jurisdiction,status,version,folder"
    assert any(row.startswith("utah-hb116,") and row.endswith(",us/states/49/utah-hb116") for row in rows)
    listed = json.loads(cli("programs", "list", "--format", "json").stdout)
    assert {item["id"] for item in listed} >= {"canada-crs", "heartland", "h1b"}
    assert cli("programs", "list", "--format", "xml").code == 2


def test_evaluate_refuses_to_write_over_its_input(cli: CliRunner, tmp_path: Path) -> None:
    people = write(tmp_path / "in.csv", HEADER, X5)
    before = people.read_text()
    result = cli("evaluate", "australia-points", "--input", str(people), "--on", "2025-06-01",
                 "--out", str(tmp_path / "." / "in.csv"))  # fmt: skip
    assert result.code == 2
    assert "writing it would destroy the input" in result.stderr
    assert people.read_text() == before


def test_check_accepts_a_valid_file(cli: CliRunner) -> None:
    result = cli("check", str(find_program("australia-points")))
    assert result.code == 0
    assert "ok: australia-points" in result.stdout


def test_check_refuses_with_file_line_column(cli: CliRunner) -> None:
    result = cli("check", str(BAD / "unknown_name.yaml"))
    assert result.code == 2
    assert result.stderr.startswith(
        f"{BAD / 'unknown_name.yaml'}:10:14: rule 'meets_wage_floor': unknown name"
    )


def test_evaluate_writes_id_and_outputs_in_input_order(cli: CliRunner, tmp_path: Path) -> None:
    people = write(tmp_path / "in.csv", HEADER, X5, X1, X8)
    out = tmp_path / "out.csv"
    result = cli(
        "evaluate", "australia-points", "--input", str(people), "--on", "2025-06-01", "--out", str(out)
    )
    assert result.code == 0, result.stderr
    assert out.read_text().splitlines() == ["id,points,eligible", "x5,115,false", "x1,75,true", "x8,65,true"]


def test_evaluate_reads_and_writes_parquet(cli: CliRunner, tmp_path: Path) -> None:
    csv = write(tmp_path / "in.csv", HEADER, X1, X8)
    parquet = tmp_path / "in.parquet"
    pl.read_csv(csv).write_parquet(parquet)
    out = tmp_path / "out.parquet"
    assert (
        cli(
            "evaluate", "australia-points", "--input", str(parquet), "--on", "2025-06-01", "--out", str(out)
        ).code
        == 0
    )
    assert pl.read_parquet(out).to_dicts() == [
        {"id": "x1", "points": 75, "eligible": True},
        {"id": "x8", "points": 65, "eligible": True},
    ]


def test_evaluate_accepts_a_program_path(cli: CliRunner, tmp_path: Path) -> None:
    people = write(tmp_path / "in.csv", HEADER, X1)
    out = tmp_path / "out.csv"
    program = str(find_program("australia-points"))
    assert cli("evaluate", program, "--input", str(people), "--on", "2025-06-01", "--out", str(out)).code == 0
    assert out.read_text().splitlines()[1] == "x1,75,true"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((HEADER.replace(",partner", ""), X1.replace(",single", "")), "missing required column(s): partner"),
        (
            (HEADER, X1, X8.replace("competent_english", "married")),
            "row 3 (id x8), column partner: 'married' is not one of",
        ),
        (
            (HEADER, X1.replace(",29,", ",twenty,")),
            "row 2 (id x1), column age: 'twenty' is not a whole number",
        ),
        ((HEADER,), "the file has a header but no rows"),
    ],
)
def test_bad_input_exits_2_naming_row_and_column_and_writes_nothing(
    cli: CliRunner, tmp_path: Path, lines: tuple[str, ...], message: str
) -> None:
    people = write(tmp_path / "in.csv", *lines)
    out = tmp_path / "out.csv"
    result = cli(
        "evaluate", "australia-points", "--input", str(people), "--on", "2025-06-01", "--out", str(out)
    )
    assert result.code == 2
    assert message in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [people]


def test_empty_file_and_unknown_program_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    out = tmp_path / "out.csv"
    result = cli("evaluate", "australia-points", "--input", str(empty), "--out", str(out))
    assert (result.code, "the file is empty") == (2, result.stderr.split(": ", 1)[1].strip()[:17])
    result = cli("evaluate", "ontario-pnp", "--input", str(empty), "--out", str(out))
    assert result.code == 2 and "unknown program 'ontario-pnp'" in result.stderr
    assert not out.exists()


def test_a_date_before_the_grid_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    people = write(tmp_path / "in.csv", HEADER, X1)
    result = cli(
        "evaluate",
        "australia-points",
        "--input",
        str(people),
        "--on",
        "2019-11-15",
        "--out",
        str(tmp_path / "o.csv"),
    )
    assert result.code == 2
    assert "not encoded for 2019-11-15" in result.stderr
    assert (
        cli(
            "evaluate", "australia-points", "--input", str(people), "--on", "15/11/2019", "--out", "o.csv"
        ).code
        == 2
    )


def crs_case(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CRS_E3))
    return path


def test_explain_reads_as_a_tree_with_sources(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("explain", "canada-crs", "--case", str(crs_case(tmp_path)), "--on", "2025-03-24")
    assert result.code == 0, result.stderr
    assert "score 579" in result.stdout
    assert "with_spouse = false → age 34 in [34, 35)" in result.stdout
    assert "2020-10-27 → 2025-03-24" in result.stdout
    assert "S1  IRCC, Comprehensive Ranking System" in result.stdout


def test_explain_json_has_a_schema_version(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("explain", "canada-crs", "--case", str(crs_case(tmp_path)), "--on", "2025-06-01", "--json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    assert document["outputs"] == {
        "core": 353,
        "spouse": 0,
        "transferability": 26,
        "additional": 0,
        "score": 379,
    }
    assert [t["name"] for t in document["explanation"]] == [
        "core",
        "spouse",
        "transferability",
        "additional",
        "score",
    ]


def test_explain_warns_that_the_grid_may_be_superseded(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("explain", "canada-crs", "--case", str(crs_case(tmp_path)), "--on", "2026-11-03", "--json")
    assert result.code == 0
    assert "warning: The CRS grid may be superseded from 2026-11-03" in result.stderr
    assert json.loads(result.stdout)["notices"]
    quiet = cli("explain", "canada-crs", "--case", str(crs_case(tmp_path)), "--on", "2026-11-02", "--json")
    assert "superseded" not in quiet.stderr


def test_explain_refuses_a_bad_case(cli: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text('{"id": "e3", "age": "old"}')
    result = cli("explain", "canada-crs", "--case", str(case), "--on", "2025-06-01")
    assert result.code == 2
    assert "missing required column(s)" in result.stderr
    case.write_text("[1, 2]")
    assert "a case must be a JSON object" in cli("explain", "canada-crs", "--case", str(case)).stderr


def test_test_command_runs_the_case_files(cli: CliRunner) -> None:
    result = cli("test", str(find_program("australia-points").parent))
    assert result.code == 0
    assert " passed, 0 failed" in result.stdout


def test_programs_show_lists_parameters_in_force_with_status(cli: CliRunner) -> None:
    result = cli("programs", "show", "canada-crs", "--on", "2025-03-24")
    assert result.code == 0, result.stderr
    assert "job_offer_grid" in result.stdout
    assert "2020-10-27 → 2025-03-24" in result.stdout
    assert "reported" in result.stdout
    later = cli("programs", "show", "canada-crs", "--on", "2025-03-25")
    assert "2025-03-25 → open" in later.stdout
    assert "outputs: id, core, spouse, transferability, additional, score" in later.stdout


DIVIDES = """id: divides
title: Divides
jurisdiction: "00"
status: draft
version: 0.1.0
references:
  act: {title: Act}
inputs:
  x: {type: float}
parameters:
  bonus:
    values:
      2025-01-01: {value: 1, cite: act}
rules:
  share: {formula: 10 / x, cite: act}
  score: {formula: floor(x) + bonus, cite: act}
outputs: [share, score]
"""


@pytest.mark.parametrize(
    ("x", "sets", "message"),
    [("0", [], "rule 'share': division by zero"),
     ("2", ["--set", "bonus=9223372036854775807"], "rule 'score': '+' gives a whole number beyond"),
     ("2", ["--set", "bonus=nan"], "--set bonus: 'nan' is not a valid int")],
    ids=["division-by-zero", "set-bonus-at-int64-max", "set-nan"],
)  # fmt: skip
def test_explain_json_and_evaluate_refuse_what_no_number_can_hold(
    cli: CliRunner, tmp_path: Path, x: str, sets: list[str], message: str
) -> None:
    program = write(tmp_path / "program.yaml", DIVIDES)
    case = write(tmp_path / "case.json", json.dumps({"id": "a", "x": float(x)}))
    explained = cli("explain", str(program), "--case", str(case), "--on", "2025-06-01", "--json", *sets)
    people = write(tmp_path / "in.csv", "id,x", f"a,{x}")
    out = tmp_path / "out.csv"
    evaluated = cli("evaluate", str(program), "--input", str(people), "--out", str(out), "--on", "2025-06-01",
                    *sets)  # fmt: skip
    for result in (explained, evaluated):
        assert result.code == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr and "NaN" not in result.stdout + result.stderr
    assert not out.exists()


def test_a_hostile_program_file_is_a_named_refusal_from_every_command(cli: CliRunner, tmp_path: Path) -> None:
    program = write(tmp_path / "program.yaml", DIVIDES.replace("10 / x", "'" + "not " * 2_000 + "true'"))
    case = write(tmp_path / "case.json", json.dumps({"id": "a", "x": 1.0}))
    for args in (
        ("check", str(program)),
        ("explain", str(program), "--case", str(case), "--on", "2025-06-01"),
    ):
        result = cli(*args)
        assert result.code == 2
        assert result.stderr.startswith(f"{program}:15:")
        assert "nested deeper than 100 levels" in result.stderr
