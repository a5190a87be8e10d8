"""Employers and their job offers: who may post an offer, what a refusal gives away, what is stored."""

from __future__ import annotations

import pytest

from statevisa.errors import ForbiddenError, NotFoundError
from statevisa.services import employers
from statevisa.services.context import Platform
from tests.platform import ANALYST, EMPLOYER, TEXAS, act


def test_an_offer_for_an_employer_out_of_sight_is_refused_as_for_a_missing_one(platform: Platform) -> None:
    firm = act(platform, EMPLOYER, employers.create_employer, "Acme Robotics", "06", None, None)
    offer = ("Developer", "15-1252", 150_000.0, "48201")
    with pytest.raises(NotFoundError) as hidden:
        act(platform, TEXAS, employers.create_job_offer, firm.id, *offer)
    with pytest.raises(NotFoundError) as missing:
        act(platform, TEXAS, employers.create_job_offer, firm.id + 1000, *offer)
    assert hidden.value.messages == [f"employer: no employer {firm.id}"]
    assert missing.value.messages == [f"employer: no employer {firm.id + 1000}"]
    with pytest.raises(ForbiddenError, match="the analyst role may not read this employer"):
        act(platform, ANALYST, employers.create_job_offer, firm.id, *offer)


@pytest.mark.parametrize(("wage", "level"), [(200_000.0, "Level III"), (90_000.0, "below Level I")])
def test_every_wage_level_name_is_stored(platform: Platform, wage: float, level: str) -> None:
    firm = act(platform, EMPLOYER, employers.create_employer, "Acme Robotics", "06", None, None)
    made = act(platform, EMPLOYER, employers.create_job_offer, firm.id, "Developer", "15-1252", wage, "06037")
    assert act(platform, EMPLOYER, employers.get_job_offer, made.id).wage_level == level
