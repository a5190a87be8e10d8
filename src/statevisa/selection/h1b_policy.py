"""H-1B selection rules from the shipped `h1b` policy file (programs/US/h1b).

`h1b.py` takes `H1BRules` as an argument; this module is where they come from, so
the lottery uses the same dated, cited weights that `statevisa explain h1b` shows.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from statevisa.programs import find_program
from statevisa.rules.load import load_program
from statevisa.rules.model import Program
from statevisa.rules.resolve import resolve
from statevisa.selection.h1b import POLICY_PARAMETERS, H1BRules, rules_from


@cache
def h1b_program() -> Program:
    """The shipped h1b program, loaded once."""
    return load_program(find_program("h1b"))


def rules_for_season(registration_opens: dt.date) -> H1BRules:
    """The rules in force for a season whose registration window opens on that date."""
    return rules_from(resolve(h1b_program(), registration_opens, names=POLICY_PARAMETERS))
