"""Employers and their job offers: who may post an offer, what a refusal gives away, what is stored."""

from __future__ import annotations

import pytest

from statevisa.services import employers
from statevisa.services.context import Platform
from tests.platform import EMPLOYER, act


@pytest.mark.parametrize(("wage", "level"), [(200_000.0, "Level III"), (90_000.0, "below Level I")])
def test_every_wage_level_name_is_stored(platform: Platform, wage: float, level: str) -> None:
    firm = act(platform, EMPLOYER, employers.create_employer, "Acme Robotics", "06", None, None)
    made = act(platform, EMPLOYER, employers.create_job_offer, firm.id, "Developer", "15-1252", wage, "06037")
    assert act(platform, EMPLOYER, employers.get_job_offer, made.id).wage_level == level
