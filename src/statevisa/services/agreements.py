"""287(g) registry use cases: agreements on a date, their growth, and their contradictions with
state law, over ICE's lists as vendored in the package.

Each returns data (and writes a table only when given `out`, checked before any work); the CLI
renders it (`statevisa cooperation agreements|growth|contradictions`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from statevisa.cooperation import registry
from statevisa.cooperation.data import COUNTY_AGENCIES, PARTICIPATING, table
from statevisa.errors import InputError, problem
from statevisa.services.cooperation import shipped_law
from statevisa.tables import check_output, write_table

BY = ("state", "model")


@dataclass(frozen=True)
class Counted:
    """A table of counts from one list (or every list), and the list's total."""

    list_dates: tuple[dt.date, ...]
    table: pl.DataFrame
    total: int
    """Agreements on the (newest) list used: the table's `agreements` column sums to it."""


def _date(text: str, option: str) -> dt.date:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise InputError(problem("not-a-date", f"'{text[:40]}' is not a date (use YYYY-MM-DD)", field=option))


def _list_on(as_of: str) -> dt.date:
    """The newest shipped list on or before `as_of`, or an input error naming ``--as-of``."""
    agreements = table(PARTICIPATING)
    found = registry.list_on(agreements, _date(as_of, "--as-of"))
    if found is None:
        first = registry.list_dates(agreements)[0].isoformat()
        message = f"{as_of} is before the first shipped ICE list ({first}); lists: " + ", ".join(
            day.isoformat() for day in registry.list_dates(agreements)
        )
        raise InputError(problem("out-of-range", message, field="--as-of"))
    return found


def _by(by: str) -> str:
    if by not in BY:
        raise InputError(
            problem("unknown-value", f"unknown value '{by}' (choose: state, model)", field="--by")
        )
    return by


def count_agreements(as_of: str, by: str = "state", out: Path | None = None) -> Counted:
    """`statevisa cooperation agreements`: agreements per state (or per state and model) on the
    newest list dated on or before `as_of`."""
    how = _by(by)
    if out is not None:
        check_output(out)
    list_date = _list_on(as_of)
    agreements = table(PARTICIPATING)
    counted = (
        registry.by_state(agreements, list_date)
        if how == "state"
        else registry.by_model(agreements, list_date)
    )
    found = Counted((list_date,), counted, int(agreements.filter(pl.col("list_date") == list_date).height))
    if out is not None:
        write_table(counted.with_columns(pl.col(pl.Enum).cast(pl.String)), out)
    return found


def agreement_growth(by: str = "state", out: Path | None = None) -> Counted:
    """`statevisa cooperation growth`: agreements per state (and model) on every list and the change
    between consecutive lists."""
    how = _by(by)
    if out is not None:
        check_output(out)
    agreements = table(PARTICIPATING)
    dates = registry.list_dates(agreements)
    grown = registry.growth(agreements, how)
    found = Counted(dates, grown, int(agreements.filter(pl.col("list_date") == dates[-1]).height))
    if out is not None:
        write_table(grown.with_columns(pl.col(pl.Enum).cast(pl.String)), out)
    return found


def find_contradictions(
    as_of: str | None = None, *, include_unconfirmed: bool = False, out: Path | None = None
) -> Counted:
    """`statevisa cooperation contradictions`: agreements a state's law prohibits on the list's date
    and sheriffs a mandate covers with no agreement, on one list (`as_of`) or on every list."""
    if out is not None:
        check_output(out)
    agreements = table(PARTICIPATING)
    dates = (_list_on(as_of),) if as_of is not None else registry.list_dates(agreements)
    law, counties = shipped_law(), table(COUNTY_AGENCIES)
    frames = [registry.contradictions(law, agreements, counties, day, include_unconfirmed) for day in dates]
    found = pl.concat(frames)
    if out is not None:
        write_table(found, out)
    return Counted(dates, found, found.height)
