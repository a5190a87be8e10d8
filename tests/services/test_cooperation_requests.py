"""Federal requests on the platform: who may read one, and what a refusal gives away."""

from __future__ import annotations

import pytest

from statevisa.errors import NotFoundError
from statevisa.services import cooperation_requests as requests
from statevisa.services.context import Platform
from tests.platform import LIAISON, TEXAS, act

SHERIFF_ASKS = {"requester": "ICE", "purpose": "civil_immigration_enforcement", "agency_type": "sheriff",
                "in_custody": True, "detainer": True}  # fmt: skip


def test_a_request_to_another_state_is_refused_as_a_missing_one_is(platform: Platform) -> None:
    asked = act(platform, LIAISON, requests.file, "06", "honor_detainer", SHERIFF_ASKS, [])
    with pytest.raises(NotFoundError) as hidden:
        act(platform, TEXAS, requests.get, asked.id)
    with pytest.raises(NotFoundError) as missing:
        act(platform, TEXAS, requests.get, asked.id + 1)
    assert hidden.value.problems[0].location == missing.value.problems[0].location
    assert hidden.value.messages == [f"request: no request {asked.id}"]
