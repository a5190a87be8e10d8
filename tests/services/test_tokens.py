"""Bearer tokens: a verified token's claims are remembered, its times are checked on every call."""

from __future__ import annotations

import datetime as dt

import pytest

from statevisa.errors import UnauthenticatedError
from statevisa.services.authz import Principal, Role
from statevisa.services.tokens import issue, verify

SECRET = b"a-test-secret-of-at-least-thirty-two-characters"
OFFICER = Principal("officer-06", Role.STATE_OFFICER, "06")
NOON = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)


def test_a_remembered_token_still_expires_on_the_clock() -> None:
    token = issue(OFFICER, SECRET, NOON, 60)
    assert verify(token, SECRET, NOON) == OFFICER
    assert verify(token, SECRET, NOON + dt.timedelta(seconds=59)) == OFFICER
    with pytest.raises(UnauthenticatedError, match="expired"):
        verify(token, SECRET, NOON + dt.timedelta(seconds=60))
    with pytest.raises(UnauthenticatedError, match="issued in the future"):
        verify(token, SECRET, NOON - dt.timedelta(minutes=5))


def test_a_token_verified_under_one_secret_is_refused_under_another() -> None:
    token = issue(OFFICER, SECRET, NOON, 60)
    assert verify(token, SECRET, NOON) == OFFICER
    with pytest.raises(UnauthenticatedError, match="not valid"):
        verify(token, SECRET + b"-rotated", NOON)


def test_a_refused_token_is_refused_every_time() -> None:
    token = issue(OFFICER, SECRET, NOON, 60)
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for _ in range(2):
        with pytest.raises(UnauthenticatedError, match="not valid"):
            verify(forged, SECRET, NOON)
