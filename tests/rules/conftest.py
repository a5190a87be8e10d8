"""Programs the rules tests share: the shipped ones, loaded once."""

from __future__ import annotations

import datetime as dt

import pytest

from statevisa.programs import find_program
from statevisa.rules.load import load_program
from statevisa.rules.model import Program
from statevisa.rules.resolve import Resolved, resolve

ON = dt.date(2025, 6, 1)


@pytest.fixture(scope="session")
def crs() -> Program:
    return load_program(find_program("canada-crs"))


@pytest.fixture(scope="session")
def australia() -> Program:
    return load_program(find_program("australia-points"))


@pytest.fixture(scope="session")
def crs_on(crs: Program) -> Resolved:
    return resolve(crs, ON)


@pytest.fixture(scope="session")
def australia_on(australia: Program) -> Resolved:
    return resolve(australia, ON)
