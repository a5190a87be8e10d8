"""Fill inputs declared with a reference ``source`` from vendored data, by FIPS code.

Runs before validation, so a filled value is validated like a typed one. A value the
table already holds is kept: a scenario may override the reference figure. A FIPS
code with no reference value is an error naming the row and the key column.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from statevisa.errors import InputError, Problem
from statevisa.reference.indicators import INDICATORS, values
from statevisa.rules.model import Program
from statevisa.rules.values import WHITESPACE, Where, strip

KEY = "__fips__"
ROW = "__source_row__"
MAX_MESSAGES = 20


def attach_sources(program: Program, frame: pl.DataFrame, source: str, where: Where) -> pl.DataFrame:
    """`frame` with every sourced input that it lacks filled from its indicator."""
    wanted = [
        spec
        for spec in program.inputs.values()
        if spec.source and spec.name not in frame.columns and spec.source_key in frame.columns
    ]
    problems: list[Problem] = []
    for spec in wanted:
        assert spec.source is not None and spec.source_key is not None
        table = values(spec.source).rename({"fips": KEY, "value": spec.name})
        key = pl.col(spec.source_key).cast(pl.String).str.strip_chars(WHITESPACE)
        joined = (
            frame.with_row_index(ROW)
            .with_columns(key.alias(KEY))
            .join(table, on=KEY, how="left", maintain_order="left")
        )
        missing = joined.filter(pl.col(spec.name).is_null() & pl.col(KEY).is_not_null() & (pl.col(KEY) != ""))
        for row in missing.head(MAX_MESSAGES).iter_rows(named=True):
            problems.append(missing_key(spec.source, source, int(row[ROW]), row.get("id"), spec.source_key,
                                        row[KEY], where))  # fmt: skip
        frame = joined.drop(ROW, KEY)
    if problems:
        raise InputError(problems)
    return frame


def missing_key(
    indicator_name: str, source: str, index: int, row_id: object, column: str, key: object, where: Where
) -> Problem:
    """A FIPS code the indicator has no row for."""
    indicator = INDICATORS[indicator_name]
    message = f"no {indicator.level} '{key}' in {indicator_name} ({indicator.source})"
    return where("unknown-fips", message, source, index, row_id, column)


@cache
def indicator_map(name: str) -> dict[str, float | None]:
    """One indicator as a dict FIPS → value, for the per-case path."""
    frame = values(name)
    return dict(zip(frame["fips"].to_list(), frame["value"].to_list(), strict=True))


def case_sources(
    program: Program, case: dict[str, object], source: str, where: Where
) -> tuple[dict[str, object], list[Problem]]:
    """`case` with every sourced input it lacks filled from its indicator, as `attach_sources` does."""
    problems: list[Problem] = []
    for spec in program.inputs.values():
        if not spec.source or spec.name in case or spec.source_key not in case:
            continue
        assert spec.source_key is not None
        raw = case[spec.source_key]
        key = "" if raw is None else strip(str(raw))
        table = indicator_map(spec.source)
        if key and table.get(key) is None:  # as the join: no row, or a row without a value
            problems.append(missing_key(spec.source, source, 0, case.get("id"), spec.source_key, key, where))
        case[spec.name] = table.get(key) if key else None
    return case, problems
