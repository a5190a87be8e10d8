"""Validate an input table against a program's declared inputs, vectorised.

Every column is read as text first (CSV and Parquet alike), so one set of
parsers decides what is a whole number, a boolean or a declared enum value, and
the same data give the same verdict whatever the file format. Errors name the
row (its CSV line number) and the column; evaluation never sees a bad row.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from statevisa.errors import InputError
from statevisa.rules.model import InputSpec, Kind
from statevisa.rules.resolve import Resolved
from statevisa.rules.to_polars import Compiler, dtype_of
from statevisa.tables import row_label

MAX_MESSAGES = 20
ROW = "__row__"
RowLabel = Callable[[int, object], str]


def _problem(name: str) -> str:
    return f"__problem__{name}"


def _parsed(spec: InputSpec, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The parsed value and the message for a non-blank cell that does not parse (else null)."""
    shown = pl.lit("'") + raw + pl.lit("'")
    match spec.type.kind:
        case Kind.INT:
            value = raw.str.to_integer(strict=False)
            return value, pl.when(value.is_null()).then(shown + pl.lit(" is not a whole number"))
        case Kind.FLOAT:
            value = raw.cast(pl.Float64, strict=False)
            bad = value.is_null() | value.is_nan() | value.is_infinite()
            return value, pl.when(bad).then(shown + pl.lit(" is not a number"))
        case Kind.BOOL:
            lowered = raw.str.to_lowercase()
            value = (
                pl.when(lowered.is_in(["true", "1"]))
                .then(True)
                .when(lowered.is_in(["false", "0"]))
                .then(False)
                .otherwise(None)
            )
            return value, pl.when(value.is_null()).then(shown + pl.lit(" is not true or false"))
        case Kind.ENUM:
            listing = ", ".join(spec.type.values)
            ok = raw.is_in(list(spec.type.values))
            value = pl.when(ok).then(raw).cast(pl.Enum(list(spec.type.values)))
            return value, pl.when(~ok).then(shown + pl.lit(f" is not one of {listing}"))
        case Kind.DATE:
            value = raw.str.to_date("%Y-%m-%d", strict=False)
            return value, pl.when(value.is_null()).then(shown + pl.lit(" is not an ISO date (YYYY-MM-DD)"))
        case Kind.STRING:
            return raw, pl.lit(None, dtype=pl.String)


def _column(spec: InputSpec, optional: pl.Expr | None) -> tuple[pl.Expr, pl.Expr]:
    raw = pl.col(spec.name).cast(pl.String).str.strip_chars()
    blank = raw.is_null() | (raw == "")
    value, bad = _parsed(spec, raw)
    problem = pl.when(blank).then(pl.lit("blank value")).otherwise(bad)
    if spec.minimum is not None:
        problem = problem.fill_null(
            pl.when(value < spec.minimum).then(
                pl.lit("'") + raw + pl.lit(f"' is below the minimum {spec.minimum:g}")
            )
        )
    if spec.maximum is not None:
        problem = problem.fill_null(
            pl.when(value > spec.maximum).then(
                pl.lit("'") + raw + pl.lit(f"' is above the maximum {spec.maximum:g}")
            )
        )
    if optional is not None:
        default = pl.lit(spec.default).cast(dtype_of(spec.type))
        value = pl.when(blank & optional).then(default).otherwise(value)
        problem = (
            pl.when(blank & optional.fill_null(True))
            .then(None)
            .when(blank)
            .then(pl.lit(f"blank value (allowed only when {spec.optional_when_text})"))
            .otherwise(problem)
        )
    return value.cast(dtype_of(spec.type)).alias(spec.name), problem.alias(_problem(spec.name))


def validate(
    resolved: Resolved, frame: pl.DataFrame, source: str, label: RowLabel = row_label
) -> pl.DataFrame:
    """Return `id` plus every declared input, typed; or raise InputError naming rows and columns."""
    program = resolved.program
    names = ["id", *program.inputs]
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise InputError(f"{source}: missing required column(s): {', '.join(missing)}")
    if frame.height == 0:
        raise InputError(f"{source}: no rows to evaluate")
    compiler = Compiler(resolved)
    work = frame.select(names).with_row_index(ROW)
    raw_id = pl.col("id").cast(pl.String).str.strip_chars()
    first_seen = pl.col(ROW).min().over(raw_id)
    work = work.with_columns(
        raw_id.alias("id"),
        pl.when(raw_id.is_null() | (raw_id == ""))
        .then(pl.lit("blank id"))
        .when(first_seen != pl.col(ROW))
        .then(pl.lit("duplicate id, first used in row ") + (first_seen + 2).cast(pl.String))
        .alias(_problem("id")),
    )
    plain = [spec for spec in program.inputs.values() if spec.optional_when is None]
    optional = [spec for spec in program.inputs.values() if spec.optional_when is not None]
    work = work.with_columns([e for spec in plain for e in _column(spec, None)])
    if optional:
        conditions = {spec.name: compiler.expr(spec.optional_when) for spec in optional if spec.optional_when}
        work = work.with_columns([e for spec in optional for e in _column(spec, conditions[spec.name])])
    problems = [_problem(name) for name in names]
    _raise_problems(work, problems, source, label)
    if program.constraints:
        checks = [
            pl.when(~compiler.expr(c.node)).then(pl.lit(c.message)).alias(_problem(f"constraint {i}"))
            for i, c in enumerate(program.constraints)
        ]
        work = work.with_columns(checks)
        columns = [_problem(f"constraint {i}") for i in range(len(program.constraints))]
        _raise_problems(work, columns, source, label, [", ".join(c.columns) for c in program.constraints])
    return work.select(names)


def _raise_problems(
    work: pl.DataFrame,
    problems: list[str],
    source: str,
    label: RowLabel,
    shown: list[str] | None = None,
) -> None:
    flagged = work.filter(pl.any_horizontal(pl.col(problems).is_not_null()))
    if flagged.height == 0:
        return
    total = int(flagged.select(pl.sum_horizontal(pl.col(problems).is_not_null())).to_series().sum())
    messages: list[str] = []
    columns = shown or [p.removeprefix("__problem__") for p in problems]
    for row in flagged.head(MAX_MESSAGES).iter_rows(named=True):
        where = label(int(row[ROW]), row.get("id"))
        for problem, column in zip(problems, columns, strict=True):
            if row[problem] is not None:
                noun = "columns" if "," in column else "column"
                messages.append(f"{source}: {where}, {noun} {column}: {row[problem]}")
    if total > len(messages[:MAX_MESSAGES]):
        messages = messages[:MAX_MESSAGES]
        messages.append(f"{source}: ... and {total - len(messages)} more problem(s)")
    raise InputError(messages)
