"""`statevisa select place`: outcome-maximising placement, families using several places."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRunner

OUTCOMES = """applicant_id,program_id,outcome
f1,boise,0.6
f1,omaha,0.5
f2,boise,0.55
f2,omaha,0.2
f3,omaha,0.4
"""
CAPACITIES = "program_id,capacity\nboise,2\nomaha,2\n"


def place(cli: CliRunner, folder: Path, *extra: str) -> tuple[int, list[str], str]:
    (folder / "O.csv").write_text(OUTCOMES)
    (folder / "C.csv").write_text(CAPACITIES)
    out = folder / "P.csv"
    args = ("--outcomes", str(folder / "O.csv"), "--capacities", str(folder / "C.csv"), "--out", str(out))
    result = cli("select", "place", *args, *extra)
    return result.code, out.read_text().splitlines() if out.exists() else [], result.stderr


def test_single_cases_go_where_the_total_is_highest(cli: CliRunner, tmp_path: Path) -> None:
    code, rows, err = place(cli, tmp_path)
    assert code == 0, err
    assert rows == ["applicant_id,program_id,outcome", "f1,boise,0.6", "f2,boise,0.55", "f3,omaha,0.4"]
    assert "total outcome 1.5500" in err


def test_a_family_uses_as_many_places_as_its_size(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "Z.csv").write_text("applicant_id,size\nf1,2\n")
    code, rows, err = place(cli, tmp_path, "--sizes", str(tmp_path / "Z.csv"))
    assert code == 0, err
    # f1 fills Boise; the alternative (f1 to Omaha, f2 to Boise, f3 unplaced) totals 1.05 < 1.2.
    assert rows[1:] == ["f1,boise,0.6", "f2,omaha,0.2", "f3,omaha,0.4"]


def test_unknown_places_and_impossible_demands_exit_2(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "Z.csv").write_text("applicant_id,size\nf1,3\nf2,3\nf3,3\n")
    code, rows, err = place(cli, tmp_path, "--sizes", str(tmp_path / "Z.csv"), "--everyone")
    assert code == 2 and rows == []
    assert err.startswith(f"{tmp_path / 'O.csv'}: ")
    (tmp_path / "bad.csv").write_text("applicant_id,program_id,outcome\nf1,tulsa,0.3\n")
    args = (
        "--outcomes",
        str(tmp_path / "bad.csv"),
        "--capacities",
        str(tmp_path / "C.csv"),
        "--out",
        "x.csv",
    )
    result = cli("select", "place", *args)
    assert result.code == 2
    assert "row 2 (id f1), column program_id: 'tulsa' is not a known program" in result.stderr
