"""The audit page's checks: the head's signature, and one event's inclusion proof, step by step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from statevisa.audit.note import verifier_key
from statevisa.errors import InputError, NotFoundError
from statevisa.services import applicants, audit_check, auditlog
from statevisa.services.context import Platform
from tests.platform import ANALYST, APPLICANT, act

SIGNER = auditlog.Signer("test.statevisa/audit", Ed25519PrivateKey.generate())
STRANGER = verifier_key("test.statevisa/audit", Ed25519PrivateKey.generate())


@pytest.fixture
def logged(database_url: str) -> Iterator[Platform]:
    opened = Platform(database_url, sequencer=auditlog.make_sequencer(SIGNER))
    for name in ("Ana", "Bo", "Cy"):
        new = applicants.NewApplicant("06", name, "Doe", document_number="X1", document_country="USA")
        act(opened, APPLICANT, applicants.create, new)
    yield opened
    opened.close()


def test_the_head_s_signature_is_checked_with_the_log_s_key(logged: Platform) -> None:
    head = act(logged, ANALYST, audit_check.head, SIGNER.verifier)
    assert (head.origin, head.tree_size, head.signature_ok) == ("test.statevisa/audit", 3, True)
    assert head.note.startswith("test.statevisa/audit\n3\n")
    assert act(logged, ANALYST, audit_check.head, STRANGER).signature_ok is False
    assert act(logged, ANALYST, audit_check.head, None).signature_ok is None


def test_an_event_s_inclusion_is_proved_and_each_step_said(logged: Platform) -> None:
    found = act(logged, ANALYST, audit_check.check_inclusion, 1, SIGNER.verifier)
    assert found.ok and (found.index, found.tree_size, found.action) == (1, 3, "applicant.create")
    assert found.steps[2] == "hashing up the path gives the root the checkpoint of size 3 carries"
    assert not act(logged, ANALYST, audit_check.check_inclusion, 1, STRANGER).ok
    with pytest.raises(InputError, match="the log holds events 0 to 2"):
        act(logged, ANALYST, audit_check.check_inclusion, 3, SIGNER.verifier)


def test_an_empty_log_has_no_head_to_show(platform: Platform) -> None:
    with pytest.raises(NotFoundError, match="the audit log has no signed checkpoint yet"):
        act(platform, ANALYST, audit_check.head, None)
