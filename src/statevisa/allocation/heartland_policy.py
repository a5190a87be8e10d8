"""The Heartland parameters from the shipped `heartland` policy file (programs/US/heartland).

The core (`heartland.py`) takes `HeartlandParameters` as an argument; this module is
where they come from by default, so the CLI, the tests and the benchmark all read the
same dated, cited values that `statevisa explain heartland` shows.
"""

from __future__ import annotations

import datetime as dt

from statevisa.allocation.heartland import POLICY_PARAMETERS, HeartlandParameters, parameters_from
from statevisa.programs import in_force


def default_parameters(on: dt.date | None = None) -> HeartlandParameters:
    """The parameters in force on `on` (default: today) in the heartland policy file."""
    return parameters_from(in_force("heartland", on or dt.date.today(), POLICY_PARAMETERS))
