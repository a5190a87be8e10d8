"""Validate an input table against a program's declared inputs, vectorised.

A CSV file arrives as text; a Parquet file arrives typed. Both reach the same verdict on
the same data: a typed column whose type fits the input (integers for an int input, a
boolean column for a bool, a date column for a date) is checked as it is, without a round
trip through text, and every other column is read as text and parsed by the rules of
`statevisa.rules.values`, which the per-case validator (`rules.cases`) shares. Problems are
kept per cell as small integer codes and put into words only for the rows reported, so a
clean million-row file pays for no text. Errors name the row (its CSV line number) and the
column; evaluation never sees a bad row.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from statevisa.errors import InputError, Problem, problem
from statevisa.rules import values as rules_values
from statevisa.rules.model import ConstraintSpec, InputSpec, Kind
from statevisa.rules.resolve import Resolved
from statevisa.rules.sources import attach_sources
from statevisa.rules.to_polars import Compiler, dtype_of
from statevisa.rules.values import (
    ABOVE,
    BELOW,
    BLANK,
    BLANK_REQUIRED,
    DUPLICATE,
    OK,
    UNPARSABLE,
    Where,
    at_row,
    describe,
)

MAX_MESSAGES = 20
ROW = "__row__"

INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)
FLOATS = (pl.Float32, pl.Float64)
TEXTUAL = (pl.String, pl.Categorical, pl.Enum, pl.Null)


def _code(name: str) -> str:
    return f"__code__{name}"


def _blank(name: str) -> str:
    return f"__blank__{name}"


def _text(name: str) -> str:
    return f"__text__{name}"


def _native(spec: InputSpec, dtype: pl.DataType, exact_enum: bool = False) -> bool:
    """Whether a column of `dtype` can be checked as it is for `spec` (no text round trip).

    `exact_enum`: every non-null cell of this text column is exactly a declared value, so
    the cast alone decides (the common case; a file with padded or wrong values takes the
    text path, which strips and names each bad cell).
    """
    kind = spec.type.kind
    if kind is Kind.ENUM:
        return exact_enum
    if kind is Kind.INT:
        return isinstance(dtype, INTEGERS)
    if kind is Kind.FLOAT:
        return isinstance(dtype, INTEGERS + FLOATS)
    if kind is Kind.BOOL:
        return isinstance(dtype, pl.Boolean)
    if kind is Kind.DATE:
        return isinstance(dtype, pl.Date | pl.Datetime)
    return False


def _unusable(dtype: pl.DataType) -> bool:
    """Column types with no cell-by-cell text form: lists, structs, durations, binary, objects."""
    return isinstance(dtype, pl.List | pl.Array | pl.Struct | pl.Duration | pl.Binary | pl.Object | pl.Time)


def _native_value(spec: InputSpec, column: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(value, blank, bad) for a typed column that fits the input's kind."""
    blank = column.is_null()
    kind = spec.type.kind
    if kind is Kind.ENUM:
        return column.cast(pl.Enum(list(spec.type.values))), blank, pl.lit(False)
    if kind is Kind.INT:
        value = column.cast(pl.Int64, strict=False)  # only UInt64 above 2**63 - 1 fails
        return value, blank, value.is_null() & ~blank
    if kind is Kind.FLOAT:
        value = column.cast(pl.Float64)
        return value, blank, value.is_nan() | value.is_infinite()
    if kind is Kind.DATE:
        if isinstance(dtype, pl.Datetime):
            midnight = column.dt.time() == pl.time(0)
            value = column.dt.date()
            outside = ~value.dt.year().is_between(rules_values.MIN_YEAR, rules_values.MAX_YEAR)
            return value, blank, ~midnight | outside
        outside = ~column.dt.year().is_between(rules_values.MIN_YEAR, rules_values.MAX_YEAR)
        return column, blank, outside
    return column, blank, pl.lit(False)


def _parsed(spec: InputSpec, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The parsed value and whether a non-blank text cell fails to parse (rules.values' grammar)."""
    match spec.type.kind:
        case Kind.INT:
            value = raw.str.to_integer(strict=False)
            return value, value.is_null()
        case Kind.FLOAT:
            value = raw.cast(pl.Float64, strict=False)
            return value, value.is_null() | value.is_nan() | value.is_infinite()
        case Kind.BOOL:
            lowered = raw.str.to_lowercase()
            value = (
                pl.when(lowered.is_in(["true", "1"]))
                .then(True)
                .when(lowered.is_in(["false", "0"]))
                .then(False)
                .otherwise(None)
            )
            return value, value.is_null()
        case Kind.ENUM:
            enum = pl.Enum(list(spec.type.values))
            value = raw.cast(enum, strict=False)
            return value, value.is_null()
        case Kind.DATE:
            shaped = raw.str.contains(rules_values.DATE_PATTERN)
            value = pl.when(shaped).then(raw.str.to_date("%Y-%m-%d", strict=False))
            outside = ~value.dt.year().is_between(rules_values.MIN_YEAR, rules_values.MAX_YEAR)
            return value, value.is_null() | outside.fill_null(False)
        case Kind.STRING:
            return raw, pl.lit(False)
        case Kind.TAGS:
            raise AssertionError("program inputs are never tags (see rules.load.INPUT_TYPES)")


def _text_column(spec: InputSpec) -> pl.Expr:
    """Pass 1, for a column read as text: the stripped text, computed once (Polars would
    otherwise strip it again for each expression that reads it)."""
    return pl.col(spec.name).cast(pl.String).str.strip_chars(rules_values.WHITESPACE).alias(_text(spec.name))


def _exact_enums(frame: pl.DataFrame, specs: list[InputSpec]) -> dict[str, pl.Series]:
    """The enum inputs whose text column holds only declared values or nulls, already cast.

    One cast per column: a cell that is not exactly a declared value becomes null, so equal
    null counts before and after prove the column exact (the common case).
    """
    candidates = [s for s in specs if s.type.kind is Kind.ENUM and isinstance(frame.schema[s.name], TEXTUAL)]
    if not candidates:
        return {}
    cast = frame.select(
        pl.col(s.name).cast(pl.String).cast(pl.Enum(list(s.type.values)), strict=False) for s in candidates
    )
    return {name: cast[name] for name in cast.columns if cast[name].null_count() == frame[name].null_count()}


def _screens(spec: InputSpec, dtype: pl.DataType) -> list[pl.Expr] | None:
    """Whole-column checks that prove a typed column clean without a per-row pass, or None.

    A clean file (the usual case) then pays for a few reductions per column instead of a
    problem code per cell; a column that fails any screen takes the per-row path, which
    names each bad cell.
    """
    column = pl.col(spec.name)
    checks = [column.null_count() == 0]
    kind = spec.type.kind
    if kind is Kind.INT:
        low, high = rules_values.int_bounds(spec)
        if isinstance(dtype, pl.UInt64):
            checks.append(column.max() <= rules_values.INT64_MAX)
        if low is not None:
            checks.append(column.min() >= low)
        if high is not None:
            checks.append(column.max() <= high)
    elif kind is Kind.FLOAT:
        number = column.cast(pl.Float64)
        checks += [~number.is_nan().any(), ~number.is_infinite().any()]
        if spec.minimum is not None:
            checks.append(number.min() >= spec.minimum)
        if spec.maximum is not None:
            checks.append(number.max() <= spec.maximum)
    elif kind is Kind.DATE:
        if not isinstance(dtype, pl.Date):
            return None
        year = column.dt.year()
        checks += [year.min() >= rules_values.MIN_YEAR, year.max() <= rules_values.MAX_YEAR]
    elif kind not in (Kind.BOOL, Kind.ENUM):
        return None
    return checks


def _clean(frame: pl.DataFrame, specs: list[InputSpec], exact: Mapping[str, pl.Series]) -> set[str]:
    """The inputs whose typed column passes every screen (see `_screens`)."""
    screens = {
        spec.name: found
        for spec in specs
        if _native(spec, frame.schema[spec.name], spec.name in exact)
        and (found := _screens(spec, frame.schema[spec.name])) is not None
    }
    if not screens:
        return set()
    result = frame.select(
        pl.all_horizontal(checks).fill_null(False).alias(name) for name, checks in screens.items()
    ).row(0, named=True)
    return {name for name, ok in result.items() if ok}


def _columns(spec: InputSpec, dtype: pl.DataType, exact: Mapping[str, pl.Series]) -> list[pl.Expr]:
    """Pass 2: the value, whether the cell is blank, and whether it fails to parse."""
    if _native(spec, dtype, spec.name in exact):
        value, blank, bad = _native_value(spec, pl.col(spec.name), dtype)
    else:
        text = pl.col(_text(spec.name))
        value, bad = _parsed(spec, text)
        blank = text.is_null() | (text.str.len_bytes() == 0)
        bad = bad & ~blank
    return [
        value.cast(dtype_of(spec.type)).alias(spec.name),
        blank.alias(_blank(spec.name)),
        bad.alias(_code(spec.name)),
    ]


def _judge(spec: InputSpec, optional: pl.Expr | None) -> tuple[pl.Expr, pl.Expr]:
    """Pass 2: the problem code (and the default for an allowed blank), from blank, value and failure."""
    blank, value, bad = pl.col(_blank(spec.name)), pl.col(spec.name), pl.col(_code(spec.name))
    code = pl.when(blank).then(BLANK).when(bad).then(UNPARSABLE)
    low, high = rules_values.int_bounds(spec) if spec.type.kind is Kind.INT else (spec.minimum, spec.maximum)
    if low is not None:
        code = code.when(value < low).then(BELOW)
    if high is not None:
        code = code.when(value > high).then(ABOVE)
    found = code.otherwise(OK)
    if optional is not None:
        default = pl.lit(spec.default).cast(dtype_of(spec.type))
        value = pl.when(blank & optional).then(default).otherwise(value)
        found = (
            pl.when(blank & optional.fill_null(True))
            .then(OK)
            .when(blank)
            .then(BLANK_REQUIRED)
            .otherwise(found)
        )
    return value.alias(spec.name), found.cast(pl.UInt8).alias(_code(spec.name))


def validate(resolved: Resolved, frame: pl.DataFrame, source: str, where: Where = at_row) -> pl.DataFrame:
    """Return `id` plus every declared input, typed; or raise InputError naming rows and columns."""
    program = resolved.program
    names = ["id", *program.inputs]
    frame = attach_sources(program, frame, source, where)
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise InputError(
            problem("missing-column", f"missing required column(s): {', '.join(missing)}", file=source)
        )
    if frame.height == 0:
        raise InputError(problem("no-rows", "no rows to evaluate", file=source))
    unusable = [
        problem(
            "unusable-column",
            f"holds {frame.schema[name]} values, which are not cells of text or numbers",
            file=source,
            field=name,
        )
        for name in names
        if _unusable(frame.schema[name])
    ]
    if unusable:
        raise InputError(unusable)
    compiler = Compiler(resolved)
    raw = frame.select(names).with_row_index(ROW)
    ids = pl.col("id").cast(pl.String).str.strip_chars(rules_values.WHITESPACE)
    work = raw.with_columns(ids.alias("id"))
    blank_id = pl.col("id").is_null() | (pl.col("id").str.len_bytes() == 0)
    # distinct hashes prove distinct ids; only a repeated hash (a repeat, or a rare collision)
    # pays for the exact first-occurrence pass below
    unique, blanks = work.select(
        (pl.col("id").hash().n_unique() == work.height).alias("unique"), blank_id.any().alias("blank")
    ).row(0)
    checked = [] if unique and not blanks else ["id"]
    if checked:
        # the full first-occurrence pass only when some id repeats
        repeated = pl.lit(False) if unique else ~pl.col("id").is_first_distinct()
        id_code = pl.when(blank_id).then(BLANK).when(repeated).then(DUPLICATE).otherwise(OK)
        work = work.with_columns(id_code.cast(pl.UInt8).alias(_code("id")))
    specs = list(program.inputs.values())
    schema = frame.schema
    exact = _exact_enums(frame, specs)
    clean = _clean(frame, specs, exact)
    work = work.with_columns(
        exact[spec.name] if spec.name in exact else pl.col(spec.name).cast(dtype_of(spec.type))
        for spec in specs
        if spec.name in clean
    )
    specs = [spec for spec in specs if spec.name not in clean]
    textual = [spec for spec in specs if not _native(spec, schema[spec.name], spec.name in exact)]
    if textual:
        work = work.with_columns(_text_column(spec) for spec in textual)
    work = work.with_columns(e for spec in specs for e in _columns(spec, schema[spec.name], exact))
    plain = [spec for spec in specs if spec.optional_when is None]
    optional = [spec for spec in specs if spec.optional_when is not None]
    work = work.with_columns(e for spec in plain for e in _judge(spec, None))
    if optional:
        conditions = {spec.name: compiler.expr(spec.optional_when) for spec in optional if spec.optional_when}
        work = work.with_columns(e for spec in optional for e in _judge(spec, conditions[spec.name]))
    checked += [spec.name for spec in specs]
    codes = [_code(name) for name in checked]
    flagged = work.filter(pl.any_horizontal(pl.col(codes) != OK)) if codes else work.clear()
    if flagged.height:
        _raise_cells(program.inputs, raw, flagged, codes, checked, source, where)
    if program.constraints:
        checks = [
            (~compiler.expr(c.node)).fill_null(False).alias(f"__fails__{i}")
            for i, c in enumerate(program.constraints)
        ]
        failing = work.with_columns(checks).filter(pl.any_horizontal(pl.col(r"^__fails__.*$")))
        if failing.height:
            _raise_constraints(program.constraints, failing, source, where)
    return work.select(names)


def _raise_cells(
    inputs: Mapping[str, InputSpec],
    raw: pl.DataFrame,
    flagged: pl.DataFrame,
    codes: list[str],
    names: list[str],
    source: str,
    where: Where,
) -> None:
    total = int(flagged.select(pl.sum_horizontal(pl.col(codes) != OK)).to_series().sum())
    shown = flagged.head(MAX_MESSAGES).select(ROW, *codes)
    originals = (
        raw.join(shown.select(ROW), on=ROW, how="semi").sort(ROW).with_columns(pl.all().cast(pl.String))
    )
    first_rows = _first_rows(raw, originals)
    found: list[Problem] = []
    for row, original in zip(shown.iter_rows(named=True), originals.iter_rows(named=True), strict=True):
        row_id = rules_values.strip(original["id"]) if original["id"] is not None else None
        for name in names:
            code = row[_code(name)]
            if code == OK:
                continue
            text = "" if original[name] is None else rules_values.strip(str(original[name]))
            if name == "id":
                key, what = (
                    ("blank-id", "blank id")
                    if code == BLANK
                    else ("duplicate-id", f"duplicate id, first used in row {first_rows[text] + 2}")
                )
                found.append(where(key, what, source, int(row[ROW]), row_id, name))
            else:
                key, what = describe(inputs[name], code, text)
                found.append(where(key, what, source, int(row[ROW]), row_id, name))
    _raise(found, total, source)


def _first_rows(raw: pl.DataFrame, originals: pl.DataFrame) -> dict[str, int]:
    """Where each reported id first appears, for duplicate-id messages."""
    ids = originals["id"].str.strip_chars(rules_values.WHITESPACE).drop_nulls().unique()
    stripped = raw.select(ROW, pl.col("id").cast(pl.String).str.strip_chars(rules_values.WHITESPACE))
    first = stripped.filter(pl.col("id").is_in(ids.implode())).group_by("id").agg(pl.col(ROW).min())
    return dict(zip(first["id"].to_list(), first[ROW].to_list(), strict=True))


def _raise_constraints(
    constraints: tuple[ConstraintSpec, ...], failing: pl.DataFrame, source: str, where: Where
) -> None:
    flags = [f"__fails__{i}" for i in range(len(constraints))]
    total = int(failing.select(pl.sum_horizontal(pl.col(flags))).to_series().sum())
    found = []
    for row in failing.head(MAX_MESSAGES).iter_rows(named=True):
        for flag, constraint in zip(flags, constraints, strict=True):
            if row[flag]:
                found.append(
                    rules_values.constraint_problem(constraint, source, int(row[ROW]), row.get("id"), where)
                )
    _raise(found, total, source)


def _raise(found: list[Problem], total: int, source: str) -> None:
    if total > len(found[:MAX_MESSAGES]):
        found = found[:MAX_MESSAGES]
        found.append(problem("more-problems", f"... and {total - len(found)} more problem(s)", file=source))
    raise InputError(found)
