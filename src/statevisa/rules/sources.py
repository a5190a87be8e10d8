"""Fill inputs declared with a reference ``source`` from vendored data, by FIPS code.

Runs before validation, so a filled value is validated like a typed one. A value the
table already holds is kept: a scenario may override the reference figure. A FIPS
code with no reference value is an error naming the row and the key column.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from statevisa.errors import InputError
from statevisa.reference.indicators import INDICATORS, values
from statevisa.rules.model import Program

KEY = "__fips__"
ROW = "__source_row__"
MAX_MESSAGES = 20


def attach_sources(
    program: Program, frame: pl.DataFrame, source: str, label: Callable[[int, object], str]
) -> pl.DataFrame:
    """`frame` with every sourced input that it lacks filled from its indicator."""
    wanted = [
        spec
        for spec in program.inputs.values()
        if spec.source and spec.name not in frame.columns and spec.source_key in frame.columns
    ]
    problems: list[str] = []
    for spec in wanted:
        assert spec.source is not None and spec.source_key is not None
        indicator = INDICATORS[spec.source]
        table = values(spec.source).rename({"fips": KEY, "value": spec.name})
        key = pl.col(spec.source_key).cast(pl.String).str.strip_chars()
        joined = (
            frame.with_row_index(ROW)
            .with_columns(key.alias(KEY))
            .join(table, on=KEY, how="left", maintain_order="left")
        )
        missing = joined.filter(pl.col(spec.name).is_null() & pl.col(KEY).is_not_null() & (pl.col(KEY) != ""))
        for row in missing.head(MAX_MESSAGES).iter_rows(named=True):
            problems.append(
                f"{source}: {label(int(row[ROW]), row.get('id'))}, column {spec.source_key}: "
                f"no {indicator.level} '{row[KEY]}' in {spec.source} ({indicator.source})"
            )
        frame = joined.drop(ROW, KEY)
    if problems:
        raise InputError(problems)
    return frame
