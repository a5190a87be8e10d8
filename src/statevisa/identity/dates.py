"""Dates as people write them, to one calendar date, or a named reason why not.

Accepted forms (docs/identity.md#dates), tried in this order:

=================  ==========================  =======================================
form               example                     reading
=================  ==========================  =======================================
ISO 8601           1974-08-12, 1974/08/12      year, month, day
ISO basic          19740812                    year, month, day
dotted             12.08.1974                  day, month, year (the European habit)
slashed or dashed  08/12/1974, 12-08-1974      month first (US) unless `order="dmy"`;
                                               a first part over 12 can only be a day
day month-name     12 AUG 1974, 12-Aug-1974    day, month, year
month-name day     August 12, 1974             month, day, year
=================  ==========================  =======================================

A slashed date whose two first parts are both 12 or less and differ is *ambiguous*: it is read
in `order` and flagged, so a caller can ask. A form that names an impossible day (1974-02-31)
is refused, never rolled over.

The column version runs each form as one Polars regular expression over the whole column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import polars as pl

from statevisa.errors import InputError, problem

Order = Literal["mdy", "dmy"]
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("JAN", "JANUARY"), ("FEB", "FEBRUARY"), ("MAR", "MARCH"), ("APR", "APRIL"), ("MAY",),
            ("JUN", "JUNE"), ("JUL", "JULY"), ("AUG", "AUGUST"), ("SEP", "SEPT", "SEPTEMBER"),
            ("OCT", "OCTOBER"), ("NOV", "NOVEMBER"), ("DEC", "DECEMBER"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip

ISO = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"
BASIC = r"^(\d{4})(\d{2})(\d{2})$"
DOTTED = r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"
SLASHED = r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$"
DAY_NAME = r"^(\d{1,2})[ -]+([A-Z]+)\.?[ ,-]+(\d{4})$"
NAME_DAY = r"^([A-Z]+)\.? +(\d{1,2}),? +(\d{4})$"


@dataclass(frozen=True)
class ParsedDate:
    """One date read from text: its value, the form recognised, and whether day and month could
    have been the other way round."""

    value: date
    form: str
    ambiguous: bool


def _groups(text: pl.Expr, pattern: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    return tuple(text.str.extract(pattern, index) for index in (1, 2, 3))  # type: ignore[return-value]


def parse_column(column: pl.Series, order: Order = "mdy") -> pl.DataFrame:
    """Parse a text column: `value` (Date, null when missing or refused), `form`, `ambiguous`,
    and `problem` (null when the value parsed or the cell was empty).

    Each distinct text is parsed once (a million birth dates hold some twenty thousand days).
    """
    text = column.cast(pl.String).rename("text")
    distinct = _parse_distinct(text.unique(), order)
    joined = pl.DataFrame({"text": text}).join(
        distinct, on="text", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.select("value", "form", "ambiguous", "problem")


def _parse_distinct(column: pl.Series, order: Order) -> pl.DataFrame:
    text = pl.col("text").str.strip_chars().str.to_uppercase()
    month_names = pl.DataFrame({"name": list(MONTHS), "number": list(MONTHS.values())})
    iso_y, iso_m, iso_d = _groups(text, ISO)
    bas_y, bas_m, bas_d = _groups(text, BASIC)
    dot_d, dot_m, dot_y = _groups(text, DOTTED)
    sl_a, sl_b, sl_y = _groups(text, SLASHED)
    dn_d, dn_name, dn_y = _groups(text, DAY_NAME)
    nd_name, nd_d, nd_y = _groups(text, NAME_DAY)
    a, b = sl_a.cast(pl.Int32), sl_b.cast(pl.Int32)
    day_first = (a > 12) | (pl.lit(order == "dmy") & (b <= 12))
    frame = pl.DataFrame({"text": column.cast(pl.String)}).with_columns(
        dn_name.alias("dn_name"), nd_name.alias("nd_name")
    )
    for name in ("dn_name", "nd_name"):
        frame = frame.join(
            month_names.rename({"name": name, "number": f"{name}_number"}),
            on=name,
            how="left",
            maintain_order="left",
        )
    forms = [
        ("ISO 8601", iso_y, iso_m, iso_d),
        ("ISO basic", bas_y, bas_m, bas_d),
        ("dotted day.month.year", dot_y, dot_m, dot_d),
        (
            "slashed",
            sl_y,
            pl.when(day_first).then(sl_b).otherwise(sl_a),
            pl.when(day_first).then(sl_a).otherwise(sl_b),
        ),
        ("day month-name year", dn_y, pl.col("dn_name_number").cast(pl.String), dn_d),
        ("month-name day year", nd_y, pl.col("nd_name_number").cast(pl.String), nd_d),
    ]
    matched = [y.is_not_null() & m.is_not_null() & d.is_not_null() for _, y, m, d in forms]
    form = pl.coalesce(
        [pl.when(hit).then(pl.lit(label)) for hit, (label, *_) in zip(matched, forms, strict=True)]
    )
    year = pl.coalesce([pl.when(hit).then(y) for hit, (_, y, _, _) in zip(matched, forms, strict=True)])
    month = pl.coalesce([pl.when(hit).then(m) for hit, (_, _, m, _) in zip(matched, forms, strict=True)])
    day = pl.coalesce([pl.when(hit).then(d) for hit, (_, _, _, d) in zip(matched, forms, strict=True)])
    frame = frame.with_columns(
        form.alias("form"),
        year.cast(pl.Int32).alias("y"),
        month.cast(pl.Int32).alias("m"),
        day.cast(pl.Int32).alias("d"),
        (sl_a.is_not_null() & (a <= 12) & (b <= 12) & (a != b)).alias("ambiguous"),
    )
    month_ok = pl.col("m").is_between(1, 12) & pl.col("y").is_between(1, 9999)
    safe_month = pl.when(month_ok).then(pl.col("m")).otherwise(1)
    safe_year = pl.when(month_ok).then(pl.col("y")).otherwise(2000)
    last_day = pl.date(safe_year, safe_month, 1).dt.month_end().dt.day()
    valid = month_ok & pl.col("d").is_between(1, last_day)
    empty = pl.col("text").is_null() | (pl.col("text").str.strip_chars() == "")
    frame = frame.with_columns(
        pl.when(valid)
        .then(pl.date(safe_year, safe_month, pl.when(valid).then(pl.col("d")).otherwise(1)))
        .alias("value"),
        pl.when(empty)
        .then(None)
        .when(pl.col("form").is_null())
        .then(pl.lit("not a date in a known form (YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY, 12 AUG 1974)"))
        .when(~valid)
        .then(pl.lit("not a calendar date"))
        .alias("problem"),
    )
    return frame.select("text", "value", "form", pl.col("ambiguous").fill_null(False) & valid, "problem")


def parse_date(text: str, order: Order = "mdy") -> ParsedDate:
    """Parse one date; an empty, unrecognised or impossible date is an InputError naming it."""
    row = parse_column(pl.Series([text]), order).row(0, named=True)
    if row["value"] is None:
        reason = row["problem"] or "is empty"
        code = (
            "impossible-date"
            if reason == "not a calendar date"
            else "bad-date"
            if text.strip()
            else "empty-date"
        )
        raise InputError(
            problem(code, f"{text!r} is {reason}" if text.strip() else "the date is empty", field="date")
        )
    return ParsedDate(row["value"], row["form"], bool(row["ambiguous"]))
