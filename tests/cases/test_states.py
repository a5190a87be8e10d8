"""The transition table: every state reachable, the ends final, illegal moves refused with the way out."""

from __future__ import annotations

import pytest

from statevisa.cases.states import (
    FINAL,
    HOLDING,
    START,
    TRANSITIONS,
    Actor,
    CaseState,
    IllegalTransition,
    allowed_from,
    check,
)


def test_every_state_is_reachable_from_submission() -> None:
    reached, frontier = {START}, [START]
    while frontier:
        here = frontier.pop()
        for to, _ in allowed_from(here):
            if to not in reached:
                reached.add(to)
                frontier.append(to)
    assert reached == set(CaseState)


def test_the_ends_are_final_and_every_other_state_has_a_way_on() -> None:
    for state in CaseState:
        assert (allowed_from(state) == ()) == (state in FINAL), state


def test_a_nomination_is_the_state_s_and_the_approval_the_federal_side_s() -> None:
    check(CaseState.INVITED, CaseState.NOMINATED, Actor.STATE_OFFICER)
    check(CaseState.NOMINATED, CaseState.APPROVED, Actor.FEDERAL_REVIEWER)
    with pytest.raises(IllegalTransition) as caught:
        check(CaseState.NOMINATED, CaseState.APPROVED, Actor.STATE_OFFICER)
    assert str(caught.value).startswith("state_officer may not move a case from nominated to approved")


def test_an_impossible_move_says_what_is_allowed_from_here() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check(CaseState.SUBMITTED, CaseState.ISSUED, Actor.FEDERAL_REVIEWER)
    assert str(caught.value) == (
        "a case cannot move from submitted to issued; allowed from here: "
        "eligible (by system); ineligible (by system)"
    )
    assert [to for to, _ in caught.value.allowed] == [CaseState.ELIGIBLE, CaseState.INELIGIBLE]


def test_nothing_leaves_a_final_state() -> None:
    for end in FINAL:
        for target in CaseState:
            with pytest.raises(IllegalTransition, match="none: it is final"):
                check(end, target, Actor.FEDERAL_REVIEWER)


def test_a_visa_is_held_from_issue_until_an_end() -> None:
    assert {CaseState.ISSUED, CaseState.ACTIVE, CaseState.TRANSFERRED, CaseState.IN_VIOLATION} == HOLDING
    for (start, to), actors in TRANSITIONS.items():
        assert actors, (start, to)
        if start in HOLDING and to not in HOLDING:
            assert to in FINAL, (start, to)
