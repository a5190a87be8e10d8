"""Tabular files at the edge: read CSV/Parquet, write atomically, name rows as people do.

The shell reads every input table through `read_table` and writes every output
through `write_table`, so all commands share one row-numbering convention
(``row N`` is the line number in the CSV file, header = line 1; Parquet uses the
same N) and no command ever leaves a partial output file behind.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from statevisa.errors import InputError

SUFFIXES = (".csv", ".parquet")
DUPLICATED = re.compile(r"^(.*)_duplicated_\d+$")
"""How Polars renames a repeated CSV header; a repeated column is an error, not a rename."""


def table_format(path: Path) -> str:
    """Return ``csv`` or ``parquet`` from the file name, or raise naming the choices."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: unsupported file type '{suffix or path.name}' (use .csv or .parquet)")
    return suffix[1:]


def read_table(path: Path, *, required: Sequence[str] = (), allow_empty: bool = False) -> pl.DataFrame:
    """Read a CSV (every column as text, so validation sees what was written) or a Parquet file.

    Raises `InputError` for a missing, unreadable or empty file, or when a column
    in `required` is absent. A header with no rows is an error unless `allow_empty`
    (an empty list of winners is a valid result to verify).
    """
    fmt = table_format(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if fmt == "csv":
            if path.stat().st_size == 0:
                raise InputError(f"{path}: the file is empty (a header row is required)")
            frame = pl.read_csv(
                path,
                infer_schema=False,
                raise_if_empty=True,
            )
        else:
            frame = pl.read_parquet(path)
    except InputError:
        raise
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"{path}: cannot read the file: {exc}") from exc
    repeated = sorted({match.group(1) for name in frame.columns if (match := DUPLICATED.match(name))})
    if repeated:
        raise InputError(f"{path}: column(s) appear more than once in the header: {', '.join(repeated)}")
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing required column(s): {', '.join(missing)} "
            f"(found: {', '.join(frame.columns) or 'none'})"
        )
    if frame.height == 0 and not allow_empty:
        raise InputError(f"{path}: the file has a header but no rows")
    return frame


def row_label(index: int, row_id: object = None) -> str:
    """Name a row by its CSV line number: index 0 is ``row 2``; the id follows when known."""
    label = f"row {index + 2}"
    if row_id is not None and str(row_id) != "":
        label += f" (id {row_id})"
    return label


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """Write `frame` to `path` (format from the suffix) atomically: all of it or nothing."""
    fmt = table_format(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{path}: the folder {directory} does not exist")
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        if fmt == "csv":
            frame.write_csv(tmp)
        else:
            frame.write_parquet(tmp)
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes the file private; outputs get normal modes
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
