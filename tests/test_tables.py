"""Tabular files at the edge: what every command reads and writes."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.tables import read_table, row_label, write_table


def test_csv_is_read_as_text_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"\xef\xbb\xbfid,age\r\n007,29\r\n")
    frame = read_table(path, required=["id", "age"])
    assert frame.to_dicts() == [{"id": "007", "age": "29"}]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("id,age\n", "the file has a header but no rows"),
        ("id,id,age\n1,2,3\n", "column(s) appear more than once in the header: id"),
        ("name\nx\n", "missing required column(s): id"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "in.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(message)):
        read_table(path, required=["id"])


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unsupported file type '\.xlsx'"):
        read_table(tmp_path / "in.xlsx")
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "absent.csv")


def test_writes_are_atomic_and_by_suffix(tmp_path: Path) -> None:
    frame = pl.DataFrame({"id": ["a"], "score": [1]})
    write_table(frame, tmp_path / "out.parquet")
    assert pl.read_parquet(tmp_path / "out.parquet").equals(frame)
    with pytest.raises(InputError):
        write_table(frame, tmp_path / "missing" / "out.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


def test_rows_are_named_by_their_csv_line() -> None:
    assert row_label(0) == "row 2"
    assert row_label(4, "x7") == "row 6 (id x7)"
