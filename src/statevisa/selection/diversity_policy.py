"""Diversity Visa thresholds from the shipped `diversity-visa` policy file (programs/US/diversity-visa)."""

from __future__ import annotations

import datetime as dt

from statevisa.programs import in_force
from statevisa.selection.diversity import POLICY_PARAMETERS, DiversityRules, rules_from


def rules_on(on: dt.date) -> DiversityRules:
    """The thresholds in force on `on`."""
    return rules_from(in_force("diversity-visa", on, POLICY_PARAMETERS))
