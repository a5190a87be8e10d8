"""The Heartland parameters from the shipped `heartland` policy file (programs/US/heartland).

The core (`heartland.py`) takes `HeartlandParameters` as an argument; this module is
where they come from by default, so the CLI, the tests and the benchmark all read the
same dated, cited values that `statevisa explain heartland` shows.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from statevisa.allocation.heartland import POLICY_PARAMETERS, HeartlandParameters, parameters_from
from statevisa.programs import find_program
from statevisa.rules.load import load_program
from statevisa.rules.model import Program
from statevisa.rules.resolve import resolve


@cache
def heartland_program() -> Program:
    """The shipped heartland program, loaded once."""
    return load_program(find_program("heartland"))


def default_parameters(on: dt.date | None = None) -> HeartlandParameters:
    """The parameters in force on `on` (default: today) in the heartland policy file."""
    return parameters_from(resolve(heartland_program(), on or dt.date.today(), names=POLICY_PARAMETERS))
