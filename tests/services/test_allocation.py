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


def test_a_scenario_value_of_the_pool_reaches_the_program_s_caps() -> None:
    import datetime as dt

    from statevisa.services.allocation import allocation_of
    from statevisa.services.programs import open_program

    opened = open_program("w-visa", dt.date(2026, 3, 1), {"population_pool": "300000"})
    as_filed = allocation_of(opened, 2024)
    larger = allocation_of(opened, 2024, {"population_pool": "300000"})
    assert as_filed.table["allocation"].sum() == 51 * 5_000 + 245_000
    assert larger.table["allocation"].sum() == 51 * 5_000 + 300_000
    assert next(p for p in larger.parameters if p.name == "population_pool").status == "scenario"
