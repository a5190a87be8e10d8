"""The policy's answers, remembered per (principal, action, resource): the same as asking Cedar."""

from __future__ import annotations

import itertools

from statevisa.services.authz import Principal, Resource, Role, allowed


def test_a_remembered_decision_is_cedars_decision() -> None:
    principals = [
        Principal("officer-06", Role.STATE_OFFICER, "06"),
        Principal("officer-48", Role.STATE_OFFICER, "48"),
        Principal("ana", Role.APPLICANT, "06"),
        Principal("analyst", Role.ANALYST, "US"),
    ]
    resources = [
        Resource("Application", "None", "06", "officer-06"),
        Resource("Application", "7", "06037", "ana"),
        Resource("Application", "8", "48", "someone"),
    ]
    actions = ["application.submit", "application.read"]
    for who, action, what in itertools.product(principals, actions, resources):
        asked = allowed.__wrapped__(who, action, what)
        assert allowed(who, action, what) is asked
        assert allowed(who, action, what) is asked  # from the cache now
    assert allowed.cache_info().hits >= len(principals) * len(actions) * len(resources)
