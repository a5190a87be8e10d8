"""Reference-data use cases: the OEWS wage level of an offer, and the list of vendored datasets.

Each function checks what a person typed (every problem at once, each at its option),
calls the loaders in `statevisa.reference` and returns data; the CLI renders it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from statevisa.errors import InputError, Location, Problem, problem

if TYPE_CHECKING:
    from statevisa.reference.catalog import Dataset
    from statevisa.reference.wages import Unit, WageLevels

UNITS: tuple[Unit, ...] = ("year", "hour")
MAX_ANNUAL_WAGE = 1e9
"""No occupation's wage is near a billion a year (OEWS top-codes at $239,200): a typo or a wrong unit."""
BASES = (
    "~17th percentile (mean of the lowest third)",
    "I + (IV - I) / 3",
    "IV - (IV - I) / 3",
    "~67th percentile (mean of the upper two-thirds)",
)
"""How each level's threshold is reached, in the order of the levels."""


@dataclass(frozen=True)
class WageLevel:
    """An offered wage placed among the four OEWS levels of its state and occupation."""

    wage: float
    levels: WageLevels
    reached: int
    """0 (below Level I) to 4."""

    @property
    def name(self) -> str:
        from statevisa.reference.wages import level_name

        return level_name(self.reached)

    @property
    def rows(self) -> list[tuple[str, float, str, bool]]:
        """(level name, threshold, how it is reached, whether it is the level reached) for I-IV."""
        from statevisa.reference.wages import level_name

        return [
            (level_name(number), threshold, basis, number == self.reached)
            for number, (threshold, basis) in enumerate(zip(self.levels.thresholds, BASES, strict=True), 1)
        ]


def wage_level(state: str, soc: str, wage: float, unit: str = "year") -> WageLevel:
    """The level `wage` reaches for `soc` in `state`; refuses a wage that is not a positive amount."""
    from statevisa.reference import codes, wages

    errors: list[Problem] = []
    if unit not in UNITS:
        errors.append(
            problem("unknown-unit", f"unknown unit '{unit}' (choose: {', '.join(UNITS)})", field="--unit")
        )
    if not math.isfinite(wage):
        errors.append(problem("not-a-number", f"{wage} is not an amount of money", field="--wage"))
    elif wage <= 0:
        errors.append(problem("out-of-range", f"must be positive, got {wage:g}", field="--wage"))
    elif wage > (limit := MAX_ANNUAL_WAGE / (wages.HOURS_PER_YEAR if unit == "hour" else 1)):
        errors.append(
            problem(
                "out-of-range",
                f"{wage:,.0f} a {unit} is above {limit:,.0f}, far past any OEWS wage: "
                "check the amount and --unit",
                field="--wage",
            )
        )
    for option, check, value in (("--state", codes.state_fips, state), ("--soc", wages.validate_soc, soc)):
        try:
            check(value)
        except InputError as error:
            errors.extend(at_option(option, error).problems)
    if errors:
        raise InputError(errors)
    found = wages.levels(state, soc, "hour" if unit == "hour" else "year")
    return WageLevel(wage, found, found.level(wage))


def datasets() -> list[Dataset]:
    """Every vendored dataset with its vintage, source, rows and build-time checks."""
    from statevisa.reference.catalog import datasets as listed

    return listed()


def at_option(option: str, error: InputError) -> InputError:
    """The same problems, placed at a command-line option when they had no place of their own."""
    return InputError(
        [
            replace(item, location=Location(field=option)) if item.location == Location() else item
            for item in error.problems
        ]
    )
