"""Diversity Visa thresholds from the shipped `diversity-visa` policy file (programs/US/diversity-visa)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from statevisa.programs import find_program
from statevisa.rules.load import load_program
from statevisa.rules.model import Program
from statevisa.rules.resolve import resolve
from statevisa.selection.diversity import POLICY_PARAMETERS, DiversityRules, rules_from


@cache
def diversity_program() -> Program:
    """The shipped diversity-visa program, loaded once."""
    return load_program(find_program("diversity-visa"))


def rules_on(on: dt.date) -> DiversityRules:
    """The thresholds in force on `on`."""
    return rules_from(resolve(diversity_program(), on, names=POLICY_PARAMETERS))
