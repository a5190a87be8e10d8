"""Validated, typed columns from the tables the shell reads.

A CSV arrives with every column as text (see `statevisa.tables.read_table`), so each
check sees exactly what was written. A bad value becomes a coded `Problem` that names
the file, the row (CSV line, header = line 1) and the column, e.g.
``S.csv: row 3 (id a7), column score: 'abc' is not a number``. A `TableCheck` collects
the problems of every column of one file and raises once; at most `MAX_MESSAGES` rows
are listed per column, then a count, so a broken million-row file does not flood the
terminal.

Speed matters at national scale (10 million preference rows, 20 million lottery
entries), so a column is parsed as written first and trimmed of whitespace only when
that parse finds something to retry; ids are encoded to integer codes once (`codes`,
`references`), and later checks work on the codes, never on the strings again. Only the
rows being reported are visited one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.errors import InputError, Problem, problem, table_problem
from statevisa.selection.siphash import may_need_trim

MAX_MESSAGES = 20
INT64_MAX = 2**63 - 1
TRIM_CHECK_ROWS = 4_000_000
"""From this many rows, checking whether a column needs trimming (which loads Arrow) costs
less than trimming it."""

_TIMESTAMP = (
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
_COMMON_TIMESTAMPS = (
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", "%Y-%m-%dT%H:%M:%SZ", "UTC"),
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d", None),
)
"""Layouts a whole column usually has, parsed in one step (the general parse is 10x slower);
each gives the same microseconds as the general one, which still reports any bad value."""


Describe = Callable[[list[int]], list[str]]
"""Words the problem of each given row (0-based indices into the table)."""


class TableCheck:
    """Checks the columns of one table and names file, row and column in every problem.

    Methods return typed arrays at once (bad rows hold placeholder values) and
    record problems; call `raise_if_any` before using the results.
    """

    def __init__(self, frame: pl.DataFrame, source: str, id_column: str) -> None:
        self.raw = frame
        self.source = source
        self.id_column = id_column
        self.problems: list[Problem] = []
        self._text: dict[str, pl.Series] = {}

    @property
    def height(self) -> int:
        return self.raw.height

    def text(self, column: str) -> pl.Series:
        """The column as text, whitespace-trimmed (computed once, on first use).

        A long text column is first asked whether anything needs trimming (usually not):
        the answer reads one byte at each end of each value, where trimming would copy
        them all.
        """
        if column not in self._text:
            raw = self.raw[column]
            if raw.dtype == pl.String and len(raw) >= TRIM_CHECK_ROWS and not may_need_trim(raw):
                self._text[column] = raw
            elif raw.dtype == pl.String:
                self._text[column] = self.computed(pl.col(column).str.strip_chars())
            else:
                self._text[column] = self.as_text(column).str.strip_chars()
        return self._text[column]

    def computed(self, expression: pl.Expr) -> pl.Series:
        """One column computed from the table: as a frame operation Polars spreads the chunks
        of a large file over every core (a Series method would walk them one by one)."""
        return self.raw.select(expression).to_series()

    def as_text(self, column: str) -> pl.Series:
        """The column as written, as text; a Parquet column of lists or structs is refused."""
        series = self.raw[column]
        if series.dtype == pl.String:
            return series
        if series.dtype.is_nested() or series.dtype in (pl.Object, pl.Null):
            raise InputError(
                problem(
                    "unsupported-type",
                    f"has type {series.dtype}; a cell must be text, a number or true/false",
                    file=self.source,
                    field=column,
                )
            )
        try:
            return series.cast(pl.String)
        except pl.exceptions.PolarsError:
            message = f"has type {series.dtype}, which cannot be read as text"
            raise InputError(problem("unsupported-type", message, file=self.source, field=column)) from None

    def raise_if_any(self) -> None:
        """Raise one InputError with every problem found so far."""
        if self.problems:
            raise InputError(self.problems)

    def report(
        self, column: str, bad: pl.Series | NDArray[np.bool_], code: str, problem_text: str | Describe
    ) -> None:
        """Record a problem coded `code` for each row where `bad` is true.

        `problem_text` is the text, or a function wording it for given row indices:
        it is called for the reported rows only, so a clean million-row column
        costs no message building.
        """
        mask = bad.fill_null(True).to_numpy() if isinstance(bad, pl.Series) else bad
        rows = np.flatnonzero(mask)
        if not rows.size:
            return
        shown = rows[:MAX_MESSAGES].tolist()
        texts = [problem_text] * len(shown) if isinstance(problem_text, str) else problem_text(shown)
        ids = self.raw[self.id_column] if self.id_column in self.raw.columns else None
        for row, text in zip(shown, texts, strict=True):
            row_id = None if ids is None or ids[row] is None else str(ids[row]).strip()
            self.problems.append(table_problem(code, text, self.source, row, row_id, column))
        if rows.size > MAX_MESSAGES:
            more = rows.size - MAX_MESSAGES
            self.problems.append(
                problem(code, f"{more} more rows like these", file=self.source, field=column)
            )

    def identifiers(self, column: str, *, unique: bool) -> pl.Series:
        """Ids, whitespace-trimmed: never empty; distinct when `unique`."""
        values = self.text(column)
        if values.null_count() or (values.str.len_bytes() == 0).any():
            self.report(column, values.is_null() | (values == ""), "empty-id", "empty id")
            values = values.fill_null("")
        if unique:
            self.unique_rows([column], "duplicate-id", "duplicate id")
        return values

    def codes(self, column: str) -> tuple[pl.Series, NDArray[np.int64], NDArray[np.int64], bool]:
        """Encode an id column once: (distinct ids in order of first appearance, each row's
        code into them, each id's first row, whether each id's rows are together).
        Empty ids are reported.

        A file written id by id (every id's rows together, the usual layout) is encoded
        from its runs without hashing every row; any other order takes one hash join.
        """
        raw = self.as_text(column)
        runs = raw.rle()
        values = runs.struct.field("value").str.strip_chars().fill_null("")
        if values.n_unique() == len(values):
            lengths = runs.struct.field("len").to_numpy().astype(np.int64)
            first = np.zeros(len(values), dtype=np.int64)
            np.cumsum(lengths[:-1], out=first[1:])
            codes = np.zeros(len(raw), dtype=np.int64)
            codes[first[1:]] = 1
            np.cumsum(codes, out=codes)
            distinct, together = values, True
        else:
            together = False
            text = self.text(column).fill_null("")
            distinct = text.unique(maintain_order=True)
            codes = positions(text, distinct)
            first = np.flatnonzero(text.is_first_distinct().to_numpy()).astype(np.int64)
        empty = (distinct == "").to_numpy()
        if empty.any():
            self.report(column, empty[codes], "empty-id", "empty id")
        return distinct, codes, first, together

    def numbers(self, column: str, *, code: str = "not-a-number") -> NDArray[np.float64]:
        """Finite decimal numbers (``12``, ``-3.5``, ``1e3``); ``nan`` and ``inf`` are refused."""
        raw = self.raw[column]
        parsed = self.computed(pl.col(column).cast(pl.Float64, strict=False)) if _castable(raw) else None
        if parsed is None or parsed.null_count():
            parsed = self.text(column).cast(pl.Float64, strict=False)
        bad = parsed.is_null() | ~parsed.is_finite().fill_null(False)
        if bad.any():
            self.report(column, bad, code, _quoted(self.text(column), "is not a number"))
            parsed = parsed.fill_null(0.0).fill_nan(0.0)
        return parsed.to_numpy().astype(np.float64, copy=False)

    def booleans(self, column: str) -> NDArray[np.bool_]:
        """``true``/``false`` (any case) or ``1``/``0``, as the rules engine writes them."""
        text = self.text(column).str.to_lowercase()
        truth = text.is_in(["true", "1"])
        self.report(
            column,
            ~(truth | text.is_in(["false", "0"])),
            "not-a-boolean",
            _quoted(self.text(column), "is not true or false"),
        )
        return truth.fill_null(False).to_numpy().astype(np.bool_, copy=False)

    def weights(self, column: str, minimum_positive: float) -> NDArray[np.float64]:
        """Lottery weights: 0, or a finite number of at least `minimum_positive`."""
        before = len(self.problems)
        values = self.numbers(column)
        if len(self.problems) == before and not (len(values) and values.min() >= minimum_positive):
            bad = (values < 0) | ((values > 0) & (values < minimum_positive))
            if bad.any():
                wanted = f"is not a weight (0, or a number of at least {minimum_positive:g})"
                self.report(column, bad, "not-a-weight", _quoted(self.text(column), wanted))
        return values

    def whole_numbers(self, column: str, *, minimum: int, maximum: int = INT64_MAX) -> NDArray[np.int64]:
        """Integers from `minimum` (0 for capacities, 1 for ranks) to `maximum`.

        Digits beyond what a 64-bit integer holds are refused as too large, not
        wrapped or read as a float.
        """
        raw = self.raw[column]
        direct = raw.dtype == pl.String or raw.dtype.is_integer()
        parsed = self.computed(pl.col(column).cast(pl.Int64, strict=False)) if direct else None
        if parsed is None or parsed.null_count():
            parsed = self.text(column).cast(pl.Int64, strict=False)
        bad = parsed.is_null() | ((parsed < minimum) | (parsed > maximum)).fill_null(True)
        if bad.any():
            text = self.text(column)
            digits = text.str.contains(r"^\+?\d+$").fill_null(False)
            too_large = (digits & (parsed.is_null() | (parsed > maximum))).fill_null(False)
            wanted = {0: "a non-negative whole number", 1: "a positive whole number"}.get(
                minimum, f"a whole number of at least {minimum}"
            )
            self.report(column, bad & ~too_large, "not-a-whole-number", _quoted(text, f"is not {wanted}"))
            self.report(column, too_large, "too-large", _quoted(text, f"is too large (at most {maximum:,})"))
        return parsed.fill_null(minimum).clip(minimum, maximum).to_numpy().astype(np.int64, copy=False)

    def timestamps(self, column: str) -> NDArray[np.int64]:
        """ISO 8601 timestamps as microseconds, comparable within one file.

        ``2025-03-04T12:00:00Z``, ``2025-03-04 12:00:00.25+01:00`` and
        ``2025-03-04`` are accepted. With an offset a value is converted to
        UTC; without one it is compared as written. Mixing the two in one file
        is refused: a local time cannot be ordered against a UTC time.
        """
        text = self.text(column)
        for pattern, layout, utc in _COMMON_TIMESTAMPS:
            if text.null_count() == 0 and text.str.contains(pattern).all():
                if utc is None:
                    fast = text.str.to_date(layout, strict=False).cast(pl.Datetime("us"))
                else:
                    fast = text.str.to_datetime(layout, strict=False, time_unit="us", time_zone=utc)
                if fast.null_count() == 0:
                    return fast.dt.epoch("us").to_numpy().astype(np.int64, copy=False)
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
        self.report(
            column, micros.is_null(), "not-a-timestamp", _quoted(text, "is not an ISO 8601 timestamp")
        )
        if has_offset.any() and not has_offset.all():
            first = int(np.flatnonzero(has_offset.to_numpy())[0])
            mixed = _quoted(text, f"has no UTC offset, but row {first + 2} has one")
            self.report(column, ~has_offset & micros.is_not_null(), "mixed-offsets", mixed)
        return micros.fill_null(0).to_numpy().astype(np.int64, copy=False)

    def references(self, column: str, known: pl.Series, what: str, known_source: str) -> NDArray[np.int64]:
        """Positions in `known` (distinct, non-empty ids) of each value; unknown ones are reported.

        The column is read through an enumeration of `known`: one hash lookup per row,
        no join; only values that do not match as written are trimmed and looked up again.
        """
        raw = self.raw[column]
        found: NDArray[np.int64] | None = None
        if raw.dtype == pl.String and not known.is_duplicated().any():
            coded = self.computed(pl.col(column).cast(pl.Enum(known.to_list()), strict=False))
            if not coded.null_count():
                found = coded.to_physical().to_numpy().astype(np.int64)
        if found is None:
            found = self.lookup(column, known)
        if (found < 0).any():
            text = self.text(column)
            empty = (text.is_null() | (text == "")).to_numpy()
            self.report(column, empty, "empty-id", "empty id")
            unknown = _quoted(text, f"is not a known {what} (not in {known_source})")
            self.report(column, (found < 0) & ~empty, "unknown-reference", unknown)
        return found

    def lookup(self, column: str, known: pl.Series) -> NDArray[np.int64]:
        """Positions in `known` of each (trimmed) value, -1 when absent (not a problem by itself)."""
        return positions(self.text(column), known)

    def unique_rows(self, columns: Sequence[str], code: str, what: str) -> None:
        """Report rows that repeat an earlier row's `columns` (reported on the last column).

        One counting pass finds whether anything repeats; only then are the repeated
        rows flagged and grouped to name the first occurrence.
        """
        keys = pl.DataFrame([self.text(column) for column in columns])
        if keys.n_unique() == keys.height:  # counting distinct keys is cheaper than flagging repeats
            return
        self.report_repeats(keys, keys.is_duplicated(), columns, code, what)

    def report_repeats(
        self, keys: pl.DataFrame, repeated: pl.Series, columns: Sequence[str], code: str, what: str
    ) -> None:
        """Name each later row of a repeated key with the key's first row."""
        subset = keys.with_row_index("_row").filter(repeated)
        names = list(keys.columns)
        first = subset.group_by(names).agg(pl.col("_row").min().alias("_first"))
        joined = subset.join(first, on=names, how="left", maintain_order="left", nulls_equal=True)
        later = joined.filter(pl.col("_row") != pl.col("_first"))
        first_of = dict(zip(later["_row"].to_list(), later["_first"].to_list(), strict=True))
        bad = np.zeros(keys.height, dtype=np.bool_)
        bad[later["_row"].to_numpy()] = True
        self.report(
            columns[-1], bad, code, lambda rows: [f"{what} (first on row {first_of[r] + 2})" for r in rows]
        )


def _castable(series: pl.Series) -> bool:
    return series.dtype == pl.String or series.dtype.is_numeric()


def positions(values: pl.Series, known: pl.Series) -> NDArray[np.int64]:
    """Positions in `known` (distinct) of each of `values`, -1 when absent, by one hash join.

    Tables written by one system usually list the same ids in the same order: that case
    is one comparison, not a join."""
    if len(values) == len(known) and values.equals(known, check_names=False, check_dtypes=False):
        return np.arange(len(values), dtype=np.int64)
    table = pl.DataFrame({"value": known, "position": pl.int_range(len(known), eager=True)})
    frame = pl.DataFrame({"value": values})
    found = frame.join(table, on="value", how="left", maintain_order="left")["position"]
    return found.fill_null(-1).to_numpy().astype(np.int64, copy=False)


def _quoted(values: pl.Series, suffix: str) -> Describe:
    """A `Describe` that quotes each row's value, then `suffix`."""
    return lambda rows: [f"'{'' if values[r] is None else values[r]}' {suffix}" for r in rows]
