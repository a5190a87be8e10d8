"""Validated, typed columns from the text tables the shell reads.

Every table arrives with all columns as text (see `statevisa.tables.read_table`),
so each check sees exactly what was written. A bad value becomes a message that
names the file, the row (CSV line, header = line 1) and the column, e.g.
``S.csv: row 3 (id a7), column score: 'abc' is not a number``. A `TableCheck`
collects the problems of every column of one file and raises once; at most
`MAX_MESSAGES` rows are listed per column, then a count, so a broken
million-row file does not flood the terminal. Parsing is vectorised with
Polars; only the rows being reported are visited one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.errors import InputError
from statevisa.tables import row_label

MAX_MESSAGES = 20

_TIMESTAMP = (
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)


Describe = Callable[[list[int]], list[str]]
"""Words the problem of each given row (0-based indices into the table)."""


class TableCheck:
    """Checks the columns of one table and names file, row and column in every message.

    Methods return typed arrays at once (bad rows hold placeholder values) and
    record problems; call `raise_if_any` before using the results.
    """

    def __init__(self, frame: pl.DataFrame, source: str, id_column: str) -> None:
        self.frame = frame.select(pl.all().cast(pl.String).str.strip_chars())
        self.source = source
        self.id_column = id_column
        self.messages: list[str] = []

    def raise_if_any(self) -> None:
        """Raise one InputError with every problem found so far."""
        if self.messages:
            raise InputError(self.messages)

    def report(self, column: str, bad: pl.Series | NDArray[np.bool_], problem: str | Describe) -> None:
        """Record a problem for each row where `bad` is true.

        `problem` is the text, or a function wording it for given row indices:
        it is called for the reported rows only, so a clean million-row column
        costs no message building.
        """
        mask = bad.fill_null(True).to_numpy() if isinstance(bad, pl.Series) else bad
        rows = np.flatnonzero(mask)
        if not rows.size:
            return
        shown = rows[:MAX_MESSAGES].tolist()
        texts = [problem] * len(shown) if isinstance(problem, str) else problem(shown)
        ids = self.frame[self.id_column] if self.id_column in self.frame.columns else None
        for row, text in zip(shown, texts, strict=True):
            label = row_label(row, None if ids is None else ids[row])
            self.messages.append(f"{self.source}: {label}, column {column}: {text}")
        if rows.size > MAX_MESSAGES:
            more = rows.size - MAX_MESSAGES
            self.messages.append(f"{self.source}: column {column}: {more} more rows like these")

    def identifiers(self, column: str, *, unique: bool) -> pl.Series:
        """Ids, whitespace-trimmed: never empty; distinct when `unique`."""
        values = self.frame[column]
        empty = values.is_null() | (values == "")
        self.report(column, empty, "empty id")
        if unique:
            self.unique_rows([column], "duplicate id")
        return values.fill_null("")

    def numbers(self, column: str) -> NDArray[np.float64]:
        """Finite decimal numbers (``12``, ``-3.5``, ``1e3``)."""
        text = self.frame[column]
        parsed = text.cast(pl.Float64, strict=False)
        bad = parsed.is_null() | ~parsed.is_finite().fill_null(False)
        self.report(column, bad, _quoted(text, "is not a number"))
        return parsed.fill_null(0.0).fill_nan(0.0).to_numpy().astype(np.float64, copy=False)

    def booleans(self, column: str) -> NDArray[np.bool_]:
        """``true``/``false`` (any case) or ``1``/``0``, as the rules engine writes them."""
        text = self.frame[column].str.to_lowercase()
        truth = text.is_in(["true", "1"])
        self.report(
            column, ~(truth | text.is_in(["false", "0"])), _quoted(self.frame[column], "is not true or false")
        )
        return truth.fill_null(False).to_numpy().astype(np.bool_, copy=False)

    def weights(self, column: str, minimum_positive: float) -> NDArray[np.float64]:
        """Lottery weights: 0, or a finite number of at least `minimum_positive`."""
        before = len(self.messages)
        values = self.numbers(column)
        if len(self.messages) == before:
            bad = (values < 0) | ((values > 0) & (values < minimum_positive))
            wanted = f"is not a weight (0, or a number of at least {minimum_positive:g})"
            self.report(column, bad, _quoted(self.frame[column], wanted))
        return values

    def whole_numbers(self, column: str, *, minimum: int) -> NDArray[np.int64]:
        """Integers of at least `minimum` (0 for capacities, 1 for ranks)."""
        text = self.frame[column]
        parsed = text.cast(pl.Int64, strict=False)
        bad = parsed.is_null() | (parsed < minimum).fill_null(True)
        wanted = {0: "a non-negative whole number", 1: "a positive whole number"}.get(
            minimum, f"a whole number of at least {minimum}"
        )
        self.report(column, bad, _quoted(text, f"is not {wanted}"))
        return parsed.fill_null(minimum).to_numpy().astype(np.int64, copy=False)

    def timestamps(self, column: str) -> NDArray[np.int64]:
        """ISO 8601 timestamps as microseconds, comparable within one file.

        ``2025-03-04T12:00:00Z``, ``2025-03-04 12:00:00.25+01:00`` and
        ``2025-03-04`` are accepted. With an offset a value is converted to
        UTC; without one it is compared as written. Mixing the two in one file
        is refused: a local time cannot be ordered against a UTC time.
        """
        text = self.frame[column]
        parts = text.str.extract_groups(_TIMESTAMP)
        offset = parts.struct.field("4")
        has_offset = offset.is_not_null()
        canonical = pl.select(
            pl.concat_str(
                parts.struct.field("1"),
                pl.lit("T"),
                parts.struct.field("2").fill_null("00:00"),
                parts.struct.field("3").fill_null(":00"),
            )
        ).to_series()
        zone = offset.str.replace("Z", "+00:00").str.replace(r"^([+-]\d{2})(\d{2})$", "$1:$2")
        aware = (
            pl.select(pl.concat_str(canonical, zone))
            .to_series()
            .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_unit="us", time_zone="UTC")
        )
        naive = canonical.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
        micros = pl.select(
            pl.when(has_offset).then(aware.dt.epoch("us")).otherwise(naive.dt.epoch("us"))
        ).to_series()
        self.report(column, micros.is_null(), _quoted(text, "is not an ISO 8601 timestamp"))
        if has_offset.any() and not has_offset.all():
            first = int(np.flatnonzero(has_offset.to_numpy())[0])
            problem = _quoted(text, f"has no UTC offset, but row {first + 2} has one")
            self.report(column, ~has_offset & micros.is_not_null(), problem)
        return micros.fill_null(0).to_numpy().astype(np.int64, copy=False)

    def references(self, column: str, known: pl.Series, what: str, known_source: str) -> NDArray[np.int64]:
        """Positions in `known` of each value (-1 when unknown, which is reported)."""
        found = self.lookup(column, known)
        problem = _quoted(self.frame[column], f"is not a known {what} (not in {known_source})")
        self.report(column, found < 0, problem)
        return found

    def lookup(self, column: str, known: pl.Series) -> NDArray[np.int64]:
        """Positions in `known` of each value, -1 when absent (not a problem by itself)."""
        table = pl.DataFrame({"value": known, "position": pl.int_range(len(known), eager=True)})
        values = pl.DataFrame({"value": self.frame[column]})
        found = values.join(table, on="value", how="left", maintain_order="left")["position"]
        return found.fill_null(-1).to_numpy().astype(np.int64, copy=False)

    def unique_rows(self, columns: Sequence[str], what: str) -> None:
        """Report rows that repeat an earlier row's `columns` (reported on the last column).

        One hashing pass finds whether anything repeats; only the repeated rows
        are then grouped to name the first occurrence.
        """
        keys = self.frame.select(columns)
        repeated = keys.is_duplicated()
        if not repeated.any():
            return
        subset = keys.with_row_index("_row").filter(repeated)
        first = subset.group_by(columns).agg(pl.col("_row").min().alias("_first"))
        joined = subset.join(first, on=list(columns), how="left", maintain_order="left")
        later = joined.filter(pl.col("_row") != pl.col("_first"))
        first_of = dict(zip(later["_row"].to_list(), later["_first"].to_list(), strict=True))
        bad = np.zeros(self.frame.height, dtype=np.bool_)
        bad[later["_row"].to_numpy()] = True
        self.report(columns[-1], bad, lambda rows: [f"{what} (first on row {first_of[r] + 2})" for r in rows])


def _quoted(values: pl.Series, suffix: str) -> Describe:
    """A `Describe` that quotes each row's value, then `suffix`."""
    return lambda rows: [f"'{'' if values[r] is None else values[r]}' {suffix}" for r in rows]
