"""H-1B selection rules from the shipped `h1b` policy file (programs/US/h1b).

`h1b.py` takes `H1BRules` as an argument; this module is where they come from, so
the lottery uses the same dated, cited weights that `statevisa explain h1b` shows.
"""

from __future__ import annotations

import datetime as dt

from statevisa.programs import in_force
from statevisa.selection.h1b import POLICY_PARAMETERS, H1BRules, rules_from


def rules_for_season(registration_opens: dt.date) -> H1BRules:
    """The rules in force for a season whose registration window opens on that date."""
    return rules_from(in_force("h1b", registration_opens, POLICY_PARAMETERS))
