"""Allocation use cases return data: the table, how it was reached, and coded, placed refusals."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.services.allocation import Options, run


def test_a_run_returns_the_table_and_writes_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "p.csv"
    src.write_text("fips,population\n01,5\n02,5\n04,3\n")
    shown = run(Options(total=10, population=src, method="hamilton"))
    assert shown.table["allocation"].to_list() == [4, 4, 2]
    assert shown.written is None
    out = tmp_path / "a.parquet"
    written = run(Options(total=10, population=src, method="hamilton", out=out))
    assert written.written == out
    assert pl.read_parquet(out).equals(written.table)
    assert capsys.readouterr() == ("", "")


def test_every_option_problem_is_coded_and_placed() -> None:
    with pytest.raises(InputError) as refused:
        run(Options(total=-1, among="states", method="borda", minimum=10**16))
    found = {(item.code, item.location.field) for item in refused.value.problems}
    assert found == {
        ("out-of-range", "--total"),
        ("unknown-method", "--method"),
        ("out-of-range", "--minimum"),
        ("missing-option", "--year"),
    }


def test_output_over_input_is_refused_before_the_input_is_read(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("not, a population file\n")
    with pytest.raises(InputError) as refused:
        run(Options(total=10, population=src, method="hamilton", out=src))
    assert [item.code for item in refused.value.problems] == ["output-is-input"]
