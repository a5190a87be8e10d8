"""Which shipped program file the allocation and selection cores read their rules from.

The cores take their parameters as arguments (`H1BRules`, `DiversityRules`,
`HeartlandParameters`) and never open a program themselves; these functions choose the
file and the date, so the lottery and the cap use the same dated, cited values that
`statevisa explain` and `statevisa programs show` print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from statevisa.allocation.heartland import POLICY_PARAMETERS as HEARTLAND_PARAMETERS
from statevisa.allocation.heartland import HeartlandParameters, parameters_from
from statevisa.rules.resolve import Resolved, resolve
from statevisa.selection import diversity, h1b
from statevisa.services.programs import in_force, shipped_program


def h1b_policy(registration_opens: dt.date) -> Resolved:
    """The `h1b` parameters in force for a season whose registration window opens on that date."""
    return in_force("h1b", registration_opens, h1b.POLICY_PARAMETERS)


def h1b_rules(registration_opens: dt.date) -> h1b.H1BRules:
    """The H-1B selection rules of that season."""
    return h1b.rules_from(h1b_policy(registration_opens))


def diversity_rules(on: dt.date) -> diversity.DiversityRules:
    """The Diversity Visa thresholds in force on `on`."""
    return diversity.rules_from(in_force("diversity-visa", on, diversity.POLICY_PARAMETERS))


def heartland_parameters(on: dt.date, sets: Mapping[str, str] | None = None) -> HeartlandParameters:
    """The program-level Heartland values in force on `on` in the heartland policy file.

    `sets` are the scenario values of the run (the same mapping the rules engine gets), so
    a `--window` or `--no-prime-age` reaches the county table and the decisions alike.
    """
    return parameters_from(resolve(shipped_program("heartland"), on, sets, names=HEARTLAND_PARAMETERS))
