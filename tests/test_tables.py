"""Tabular files at the edge: what every command reads and writes."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.tables import TEMP_SUFFIX, check_output, read_table, row_label, write_table


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


def test_an_output_that_is_an_input_is_refused_before_any_work(tmp_path: Path) -> None:
    entries = tmp_path / "E.csv"
    entries.write_text("entry_id\na\n", encoding="utf-8")
    for alias in (entries, tmp_path / "sub" / ".." / "E.csv", tmp_path / "link.csv"):
        if alias.name == "link.csv":
            alias.symlink_to(entries)
        with pytest.raises(InputError) as caught:
            check_output(alias, inputs=[entries])
        assert caught.value.problems[0].code == "output-is-input"
    hard = tmp_path / "hard.csv"
    os.link(entries, hard)
    with pytest.raises(InputError):
        check_output(hard, inputs=[entries])
    check_output(tmp_path / "W.csv", inputs=[entries, None])
    assert entries.read_text(encoding="utf-8") == "entry_id\na\n"


def test_a_folder_is_not_an_output(tmp_path: Path) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        check_output(folder)
    assert caught.value.problems[0].code == "output-is-folder"


def test_a_partial_file_left_by_a_killed_write_is_removed_on_the_next(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    leftover = tmp_path / f".scores.csv.{dead.stdout.strip()}.abc123{TEMP_SUFFIX}"
    leftover.write_text("half a file", encoding="utf-8")
    other = tmp_path / f".other.csv.{dead.stdout.strip()}.abc123{TEMP_SUFFIX}"
    other.write_text("someone else's", encoding="utf-8")
    write_table(pl.DataFrame({"id": ["a"]}), out)
    assert not leftover.exists()
    assert other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, other.name])


def test_an_unwritable_folder_is_a_named_refusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(**_: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(InputError) as caught:
        write_table(pl.DataFrame({"id": ["a"]}), tmp_path / "out.csv")
    assert caught.value.messages == [f"{tmp_path / 'out.csv'}: cannot write here: Permission denied"]


def test_a_full_disk_is_a_named_refusal_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: pl.DataFrame, file: object, **_: object) -> None:
        Path(str(file)).write_text("partial", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_csv", full)
    out = tmp_path / "out.csv"
    with pytest.raises(InputError) as caught:
        write_table(pl.DataFrame({"id": ["a"]}), out)
    assert "the disk is full" in caught.value.messages[0]
    assert list(tmp_path.iterdir()) == []


def test_a_csv_that_is_not_utf8_is_refused_at_its_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "E.csv"
    path.write_bytes(b"entry_id,weight\na,1\nb\xe9,2\n")
    with pytest.raises(InputError) as refused:
        read_table(path)
    (found,) = refused.value.problems
    assert (found.code, found.location.line, found.location.column) == ("not-utf8", 3, 2)
