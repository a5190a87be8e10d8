"""Who acts in the platform tests, and when: principals for every role and a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from statevisa.services.authz import Principal, Role
from statevisa.services.context import Platform

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
FEDERAL = Principal("fed-reviewer-1", Role.FEDERAL_REVIEWER, "US")
CALIFORNIA = Principal("ca-officer-1", Role.STATE_OFFICER, "06")
TEXAS = Principal("tx-officer-1", Role.STATE_OFFICER, "48")
UTAH = Principal("ut-officer-1", Role.STATE_OFFICER, "49")
LOS_ANGELES = Principal("la-county-1", Role.COUNTY_OFFICER, "06037")
EMPLOYER = Principal("acme-hr", Role.EMPLOYER, "06")
APPLICANT = Principal("maria", Role.APPLICANT, "06")
OTHER_APPLICANT = Principal("li", Role.APPLICANT, "06")
LIAISON = Principal("ice-liaison-1", Role.ENFORCEMENT_LIAISON, "US")
ANALYST = Principal("analyst-1", Role.ANALYST, "US")


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


T = TypeVar("T")


def act(
    platform: Platform,
    who: Principal,
    service: Callable[..., T],
    *args: Any,
    at: dt.datetime = NOW,
    **kw: Any,
) -> T:
    """Run one service call as `who` at `at`, in its own unit of work, as the API would."""
    with platform.unit(who, now=at, purpose="test") as ctx:
        return service(ctx, *args, **kw)
