"""A second visa or lottery entry for the same person is found by token and sent to an officer."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from statevisa.errors import InputError
from statevisa.identity import adjudication, tokens
from statevisa.identity.adjudication import HubEntry

KEY = tokens.TokenKey("k2026a", bytes(range(32)))
DOC = tokens.token(KEY, "document", tokens.document_message("L898902C3", "SWE"))
PERSON = tokens.token(
    KEY, "person", tokens.person_message("Anna Maria", "Eriksson", date(1974, 8, 12), "SWE")
)


def entry(
    reference: str, state: str, token: tokens.Token, holding: adjudication.Holding = "active-visa"
) -> HubEntry:
    return HubEntry(reference, state, holding, token.kind, token.key_id, token.value)


def test_holdings_sharing_a_token_are_conflicts_document_matches_first() -> None:
    hub = [
        entry("hub-9", "36", PERSON, "lottery-entry"),
        entry("hub-2", "06", PERSON),
        entry("hub-2", "06", DOC),
        entry("hub-5", "48", tokens.Token("person", "k2026a", "0" * 64)),
    ]
    found = adjudication.conflicts([DOC, PERSON], hub)
    assert found == (
        adjudication.Conflict("hub-2", "06", "active-visa", ("document", "person")),
        adjudication.Conflict("hub-9", "36", "lottery-entry", ("person",)),
    )


def test_tokens_under_another_key_never_match() -> None:
    rotated = tokens.Token("document", "k2027a", DOC.value)
    assert adjudication.conflicts([rotated], [entry("hub-2", "06", DOC)]) == ()


def test_a_resubmission_does_not_conflict_with_itself() -> None:
    assert adjudication.conflicts([DOC], [entry("hub-2", "06", DOC)], own="hub-2") == ()


def test_an_officer_resolves_with_a_reason() -> None:
    at = datetime(2026, 5, 1, 9, 30)
    found = adjudication.resolve(
        "different-people", " officer-17 ", "different photographs and parents' names", at
    )
    assert (found.outcome, found.officer, found.at) == ("different-people", "officer-17", at)


@pytest.mark.parametrize(
    ("outcome", "officer", "reason", "message"),
    [
        ("maybe", "o1", "because it is so", "outcome: 'maybe' is not same-person or different-people"),
        ("same-person", " ", "because it is so", "officer: the officer who decides must be named"),
        ("same-person", "o1", "same", "reason: say why, in at least ten characters"),
    ],
)
def test_a_finding_without_outcome_officer_or_reason_is_refused(
    outcome: str, officer: str, reason: str, message: str
) -> None:
    with pytest.raises(InputError) as refused:
        adjudication.resolve(outcome, officer, reason, datetime(2026, 5, 1))
    assert str(refused.value) == message
