"""Tabular files at the edge: read CSV/Parquet, write atomically, name rows as people do.

The shell reads every input table through `read_table` and writes every output
through `write_table`, so all commands share one row-numbering convention
(``row N`` is the line number in the CSV file, header = line 1; Parquet uses the
same N) and no command ever leaves a partial output file behind.
"""

from __future__ import annotations

import csv
import errno
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import polars as pl

from statevisa.errors import InputError, Problem, byte_position, problem

SUFFIXES = (".csv", ".parquet")
DUPLICATED = re.compile(r"^(.*)_duplicated_\d+$")
"""How Polars renames a repeated CSV header; a repeated column is an error, not a rename."""


def table_format(path: Path) -> str:
    """Return ``csv`` or ``parquet`` from the file name, or raise naming the choices."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            problem(
                "unsupported-format",
                f"unsupported file type '{suffix or path.name}' (use .csv or .parquet)",
                file=path,
            )
        )
    return suffix[1:]


def read_table(path: Path, *, required: Sequence[str] = (), allow_empty: bool = False) -> pl.DataFrame:
    """Read a CSV (every column as text, so validation sees what was written) or a Parquet file.

    Raises `InputError` for a missing, unreadable or empty file, or when a column
    in `required` is absent. A header with no rows is an error unless `allow_empty`
    (an empty list of winners is a valid result to verify).
    """
    fmt = table_format(path)
    if not path.is_file():
        raise InputError(problem("no-such-file", "no such file", file=path))
    try:
        if fmt == "csv":
            if path.stat().st_size == 0:
                raise InputError(
                    problem("empty-file", "the file is empty (a header row is required)", file=path)
                )
            frame = pl.read_csv(
                path,
                infer_schema=False,
                raise_if_empty=True,
            )
        else:
            frame = pl.read_parquet(path)
    except InputError:
        raise
    except pl.exceptions.PolarsError as exc:
        raise InputError(_csv_problem(path, exc) if fmt == "csv" else _unreadable(path, exc)) from None
    except OSError as exc:
        raise InputError(_unreadable(path, exc)) from None
    repeated = sorted({match.group(1) for name in frame.columns if (match := DUPLICATED.match(name))})
    if repeated:
        raise InputError(
            problem(
                "repeated-column",
                f"column(s) appear more than once in the header: {', '.join(repeated)}",
                file=path,
            )
        )
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise InputError(
            problem(
                "missing-column",
                f"missing required column(s): {', '.join(missing)} "
                f"(found: {', '.join(frame.columns) or 'none'})",
                file=path,
            )
        )
    if frame.height == 0 and not allow_empty:
        raise InputError(problem("no-rows", "the file has a header but no rows", file=path))
    return frame


def _unreadable(path: Path, error: Exception) -> Problem:
    """A file the reader refused for a reason we cannot place: its first line of explanation."""
    first = (str(error).strip().splitlines() or ["unknown error"])[0]
    return problem("unreadable", f"cannot read the file: {first}", file=path)


def _csv_problem(path: Path, error: Exception) -> Problem:
    """Place a CSV the reader refused: the first byte that is not UTF-8, or the first row whose
    fields do not match the header, by line and column. Only runs once reading has failed."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line, column = byte_position(data, bad.start)
        byte = data[bad.start]
        message = f"is not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8"
        return problem("not-utf8", message, file=path, line=line, column=column)
    del data
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            width: int | None = None
            for fields in reader:
                if width is None:
                    width = len(fields)
                elif fields and len(fields) != width:
                    message = f"has {len(fields)} fields; the header has {width}"
                    return problem("ragged-row", message, file=path, line=reader.line_num)
        except csv.Error as bad:
            return problem("malformed-csv", f"is not valid CSV: {bad}", file=path, line=reader.line_num)
    return _unreadable(path, error)


def row_label(index: int, row_id: object = None) -> str:
    """Name a row by its CSV line number: index 0 is ``row 2``; the id follows when known."""
    label = f"row {index + 2}"
    if row_id is not None and str(row_id) != "":
        label += f" (id {row_id})"
    return label


def check_output(out: Path, *, inputs: Sequence[Path | None] = ()) -> None:
    """Refuse an output path before any work: a bad suffix, a folder, or one of the inputs.

    Paths are compared resolved (symlinks and ``..`` followed, hard links by inode), so
    ``--out ./E.csv`` cannot overwrite the published entry list ``E.csv``.
    """
    table_format(out)
    if out.is_dir():
        raise InputError(problem("output-is-folder", "is a folder, not a file", file=out, field="--out"))
    for given in inputs:
        if given is None:
            continue
        same = out.resolve() == given.resolve()
        if not same and out.exists() and given.exists():
            try:
                same = os.path.samefile(out, given)
            except OSError:
                same = False
        if same:
            raise InputError(
                problem(
                    "output-is-input",
                    f"is also the input {given}: writing it would destroy the input",
                    file=out,
                    field="--out",
                )
            )


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


TEMP_SUFFIX = ".statevisa-partial"
"""Temporary files are named ``.<output>.<pid>.<random>.statevisa-partial`` beside the output."""


def _clean_leftovers(directory: Path, name: str) -> None:
    """Remove partial files that a killed earlier write of `name` left behind (their process is gone)."""
    for leftover in directory.glob(f".{glob_escape(name)}.*{TEMP_SUFFIX}"):
        pid_text = leftover.name[len(name) + 2 :].split(".", 1)[0]
        if pid_text.isdigit() and _alive(int(pid_text)):
            continue
        leftover.unlink(missing_ok=True)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """Write `frame` to `path` (format from the suffix) atomically: all of it or nothing."""
    fmt = table_format(path)
    atomic_write(path, frame.write_csv if fmt == "csv" else frame.write_parquet)


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """Write text lines (each ending with its newline) to `path` atomically; return how many."""
    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            for line in lines:
                handle.write(line)
                count += 1

    atomic_write(path, write)
    return count


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Run `write` on a temporary file beside `path`, then put it in place: all of it or nothing.

    A full disk or an unwritable folder is an InputError naming the path, and a temporary file
    left by a killed earlier run is removed on the next write to the same output.
    """
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(problem("no-such-folder", f"the folder {directory} does not exist", file=path))
    if path.is_dir():
        raise InputError(problem("output-is-folder", "is a folder, not a file", file=path))
    try:
        _clean_leftovers(directory, path.name)
        handle, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=directory
        )
    except OSError as error:
        raise InputError(problem("cannot-write", f"cannot write here: {error.strerror}", file=path)) from None
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes the file private; outputs get normal modes
        tmp.replace(path)
    except OSError as error:
        reason = "the disk is full" if error.errno == errno.ENOSPC else (error.strerror or str(error))
        raise InputError(
            problem("cannot-write", f"cannot write: {reason}; nothing was written", file=path)
        ) from None
    except pl.exceptions.PolarsError as error:
        text = str(error)
        reason = (
            "the disk is full"
            if "No space left" in text
            else text.splitlines()[0]
            if text
            else "write failed"
        )
        raise InputError(
            problem("cannot-write", f"cannot write: {reason}; nothing was written", file=path)
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
