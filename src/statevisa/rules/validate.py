"""Validate an input table against a program's declared inputs, vectorised.

Every column is read as text first (CSV and Parquet alike), so one set of
parsers decides what is a whole number, a boolean or a declared enum value, and
the same data give the same verdict whatever the file format. Errors name the
row (its CSV line number) and the column; evaluation never sees a bad row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from statevisa.errors import InputError
from statevisa.rules.model import ConstraintSpec, InputSpec, Kind
from statevisa.rules.resolve import Resolved
from statevisa.rules.sources import attach_sources
from statevisa.rules.to_polars import Compiler, dtype_of
from statevisa.tables import row_label

MAX_MESSAGES = 20
ROW = "__row__"
FIRST = "__first__"
RowLabel = Callable[[int, object], str]

OK, BLANK, UNPARSABLE, BELOW, ABOVE, BLANK_REQUIRED, DUPLICATE, FAILED = range(8)
"""Problem codes per cell: computed for every row as small integers, turned into words
only for the rows that are reported, so a clean million-row file pays for no text."""


def _code(name: str) -> str:
    return f"__code__{name}"


def _parsed(spec: InputSpec, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The parsed value and whether a non-blank cell fails to parse."""
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
            ok = raw.is_in(list(spec.type.values))
            return pl.when(ok).then(raw).cast(pl.Enum(list(spec.type.values))), ~ok
        case Kind.DATE:
            value = raw.str.to_date("%Y-%m-%d", strict=False)
            return value, value.is_null()
        case Kind.STRING:
            return raw, pl.lit(False)


def _describe(spec: InputSpec, code: int, raw: str) -> str:
    shown = f"'{raw}'"
    if code == BLANK:
        return "blank value"
    if code == BLANK_REQUIRED:
        return f"blank value (allowed only when {spec.optional_when_text})"
    if code == BELOW:
        return f"{shown} is below the minimum {spec.minimum:g}"
    if code == ABOVE:
        return f"{shown} is above the maximum {spec.maximum:g}"
    match spec.type.kind:
        case Kind.INT:
            return f"{shown} is not a whole number"
        case Kind.FLOAT:
            return f"{shown} is not a number"
        case Kind.BOOL:
            return f"{shown} is not true or false"
        case Kind.ENUM:
            return f"{shown} is not one of {', '.join(spec.type.values)}"
        case Kind.DATE:
            return f"{shown} is not an ISO date (YYYY-MM-DD)"
        case _:
            return f"{shown} is not valid"


def _text(name: str) -> str:
    return f"__text__{name}"


def _parse(spec: InputSpec) -> tuple[pl.Expr, pl.Expr]:
    """Pass 2: the parsed value and the parse failure, from the stripped text column."""
    text = pl.col(_text(spec.name))
    value, bad = _parsed(spec, text)
    return value.cast(dtype_of(spec.type)).alias(spec.name), bad.alias(_code(spec.name))


def _judge(spec: InputSpec, optional: pl.Expr | None) -> tuple[pl.Expr, pl.Expr]:
    """Pass 3: the problem code (and the default for an allowed blank), from text and value."""
    text, value, bad = pl.col(_text(spec.name)), pl.col(spec.name), pl.col(_code(spec.name))
    blank = text.is_null() | (text == "")
    code = pl.when(blank).then(BLANK).when(bad).then(UNPARSABLE)
    if spec.minimum is not None:
        code = code.when(value < spec.minimum).then(BELOW)
    if spec.maximum is not None:
        code = code.when(value > spec.maximum).then(ABOVE)
    problem = code.otherwise(OK)
    if optional is not None:
        default = pl.lit(spec.default).cast(dtype_of(spec.type))
        value = pl.when(blank & optional).then(default).otherwise(value)
        problem = (
            pl.when(blank & optional.fill_null(True))
            .then(OK)
            .when(blank)
            .then(BLANK_REQUIRED)
            .otherwise(problem)
        )
    return value.alias(spec.name), problem.cast(pl.UInt8).alias(_code(spec.name))


def validate(
    resolved: Resolved, frame: pl.DataFrame, source: str, label: RowLabel = row_label
) -> pl.DataFrame:
    """Return `id` plus every declared input, typed; or raise InputError naming rows and columns."""
    program = resolved.program
    names = ["id", *program.inputs]
    frame = attach_sources(program, frame, source, label)
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise InputError(f"{source}: missing required column(s): {', '.join(missing)}")
    if frame.height == 0:
        raise InputError(f"{source}: no rows to evaluate")
    compiler = Compiler(resolved)
    raw = frame.select(names).with_row_index(ROW)
    raw_id = pl.col("id").cast(pl.String).str.strip_chars()
    blank_id = raw_id.is_null() | (raw_id == "")
    work = raw.with_columns(
        raw_id.alias("id"),
        pl.when(blank_id).then(BLANK).when(~raw_id.is_first_distinct()).then(DUPLICATE).otherwise(OK)
        .cast(pl.UInt8).alias(_code("id")),
    )  # fmt: skip
    specs = list(program.inputs.values())
    work = work.with_columns(
        pl.col(spec.name).cast(pl.String).str.strip_chars().alias(_text(spec.name)) for spec in specs
    )
    work = work.with_columns(e for spec in specs for e in _parse(spec))
    plain = [spec for spec in specs if spec.optional_when is None]
    optional = [spec for spec in specs if spec.optional_when is not None]
    work = work.with_columns(e for spec in plain for e in _judge(spec, None))
    if optional:
        conditions = {spec.name: compiler.expr(spec.optional_when) for spec in optional if spec.optional_when}
        work = work.with_columns(e for spec in optional for e in _judge(spec, conditions[spec.name]))
    codes = [_code(name) for name in names]
    flagged = work.filter(pl.any_horizontal(pl.col(codes) != OK))
    if flagged.height:
        _raise_cells(program.inputs, raw, flagged, codes, names, source, label)
    if program.constraints:
        checks = [
            (~compiler.expr(c.node)).fill_null(False).alias(f"__fails__{i}")
            for i, c in enumerate(program.constraints)
        ]
        failing = work.with_columns(checks).filter(pl.any_horizontal(pl.col(r"^__fails__.*$")))
        if failing.height:
            _raise_constraints(program.constraints, failing, source, label)
    return work.select(names)


def _raise_cells(
    inputs: Mapping[str, InputSpec],
    raw: pl.DataFrame,
    flagged: pl.DataFrame,
    codes: list[str],
    names: list[str],
    source: str,
    label: RowLabel,
) -> None:
    total = int(flagged.select(pl.sum_horizontal(pl.col(codes) != OK)).to_series().sum())
    shown = flagged.head(MAX_MESSAGES).select(ROW, *codes)
    originals = raw.join(shown.select(ROW), on=ROW, how="semi").sort(ROW)
    first_rows = _first_rows(raw, originals)
    messages: list[str] = []
    for row, original in zip(shown.iter_rows(named=True), originals.iter_rows(named=True), strict=True):
        row_id = str(original["id"]).strip() if original["id"] is not None else None
        where = label(int(row[ROW]), row_id)
        for name in names:
            code = row[_code(name)]
            if code == OK:
                continue
            text = "" if original[name] is None else str(original[name]).strip()
            if name == "id":
                what = (
                    "blank id" if code == BLANK else f"duplicate id, first used in row {first_rows[text] + 2}"
                )
            else:
                what = _describe(inputs[name], code, text)
            messages.append(f"{source}: {where}, column {name}: {what}")
    _raise(messages, total, source)


def _first_rows(raw: pl.DataFrame, originals: pl.DataFrame) -> dict[str, int]:
    """Where each reported id first appears, for duplicate-id messages."""
    ids = originals["id"].cast(pl.String).str.strip_chars().drop_nulls().unique()
    stripped = raw.select(ROW, pl.col("id").cast(pl.String).str.strip_chars())
    first = stripped.filter(pl.col("id").is_in(ids.implode())).group_by("id").agg(pl.col(ROW).min())
    return dict(zip(first["id"].to_list(), first[ROW].to_list(), strict=True))


def _raise_constraints(
    constraints: tuple[ConstraintSpec, ...], failing: pl.DataFrame, source: str, label: RowLabel
) -> None:
    flags = [f"__fails__{i}" for i in range(len(constraints))]
    total = int(failing.select(pl.sum_horizontal(pl.col(flags))).to_series().sum())
    messages = []
    for row in failing.head(MAX_MESSAGES).iter_rows(named=True):
        where = label(int(row[ROW]), row.get("id"))
        for flag, constraint in zip(flags, constraints, strict=True):
            if row[flag]:
                columns = ", ".join(constraint.columns)
                noun = "columns" if len(constraint.columns) > 1 else "column"
                messages.append(f"{source}: {where}, {noun} {columns}: {constraint.message}")
    _raise(messages, total, source)


def _raise(messages: list[str], total: int, source: str) -> None:
    if total > len(messages[:MAX_MESSAGES]):
        messages = messages[:MAX_MESSAGES]
        messages.append(f"{source}: ... and {total - len(messages)} more problem(s)")
    raise InputError(messages)
