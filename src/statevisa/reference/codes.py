"""FIPS codes and names (Census 2020 code lists) and the validation of user-typed codes.

Codes are always zero-padded text: `06` for California, `06037` for Los Angeles County. A
number-typed FIPS loses its leading zero (the V2023 county file did), so user input is
checked against the shipped list instead of being coerced.
"""

from __future__ import annotations

import re

import polars as pl

from statevisa.errors import InputError, problem
from statevisa.reference.catalog import table

_STATE = re.compile(r"\d{2}")
_COUNTY = re.compile(r"\d{5}")


def states(*, include_territories: bool = False) -> pl.DataFrame:
    """State codes: fips, usps, name, gnis. The 50 states and DC (51), or all 57 codes."""
    frame = table("fips_states_2020")
    if not include_territories:
        frame = frame.filter(pl.col("fips").cast(pl.Int32) <= 56)
    return frame


def counties() -> pl.DataFrame:
    """County codes, 2020 geography (3,235): fips, state_fips, usps, name, classfp, funcstat."""
    return table("fips_counties_2020")


def state_fips(code: str) -> str:
    """Return `code` if it is a 2-digit FIPS of a state, DC or territory; else raise `InputError`.

    USPS abbreviations (`CA`) are accepted too and translated, because people type them.
    """
    frame = states(include_territories=True)
    text = code.strip()
    if _STATE.fullmatch(text):
        if text in frame["fips"].to_list():
            return text
        raise InputError(
            problem("unknown-state", f"unknown state FIPS code '{code}' (use a 2-digit code such as 06)")
        )
    match = frame.filter(pl.col("usps") == text.upper())
    if match.height == 1:
        return str(match["fips"].item())
    raise InputError(
        problem("not-a-state", f"invalid state '{code}': use a 2-digit FIPS code such as 06 (or USPS CA)")
    )


def state_name(fips: str) -> str:
    """The state's name for a valid 2-digit FIPS code."""
    frame = states(include_territories=True).filter(pl.col("fips") == state_fips(fips))
    return str(frame["name"].item())


def is_county_fips(code: str) -> bool:
    """True when `code` has the 5-digit shape of a county FIPS (membership is the caller's test)."""
    return _COUNTY.fullmatch(code) is not None
