"""The tags type and its two built-ins, ``has_any`` and ``nonempty``: typed at load, and the
per-case and vectorised evaluators give the same answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.errors import PolicyError
from statevisa.rules.check import check_program
from statevisa.rules.evaluate import evaluate_case, evaluate_frame
from statevisa.rules.load import parse_program
from statevisa.rules.model import (
    Citation,
    InputSpec,
    Kind,
    Program,
    ProgramStatus,
    RuleSpec,
    Span,
    Type,
    Value,
)
from statevisa.rules.parse import parse_formula
from statevisa.rules.resolve import resolve

TAGS = ("felony", "misdemeanor", "serious_felony")
ON = dt.date(2026, 1, 1)


def program(**formulas: str) -> Program:
    """A program whose inputs are a set of tags and a flag, with the given rules."""
    where = Span("tags.yaml", 1, 1)
    inputs = {
        "convictions": InputSpec("convictions", Type(Kind.TAGS, TAGS), where),
        "detained": InputSpec("detained", Type(Kind.BOOL), where),
        "level": InputSpec("level", Type(Kind.ENUM, ("low", "high")), where),
    }
    rules = {
        name: RuleSpec(
            name,
            text,
            parse_formula(text),
            Span("tags.yaml", line, 3),
            Citation("test"),
            (Span("tags.yaml", line, 14), False),
        )
        for line, (name, text) in enumerate(formulas.items(), start=2)
    }
    unchecked = Program(
        id="tags", title="tags", jurisdiction="00", status=ProgramStatus.DRAFT, version="0.1.0",
        path=Path("tags.yaml"), description="", references={}, inputs=inputs, parameters={}, rules=rules,
        outputs=tuple(rules), constraints=(), notices=(),
    )  # fmt: skip
    return check_program(unchecked, {})


SERIOUS = program(
    serious="has_any(convictions, 'serious_felony', 'felony')",
    any_record="nonempty(convictions)",
    hold="detained and not has_any(convictions, 'misdemeanor')",
)


def test_has_any_holds_when_any_listed_tag_is_present() -> None:
    resolved = resolve(SERIOUS, ON)
    outputs = evaluate_case(resolved, {"convictions": frozenset({"felony"}), "detained": True}).outputs
    assert outputs == {"serious": True, "any_record": True, "hold": True}
    outputs = evaluate_case(resolved, {"convictions": frozenset({"misdemeanor"}), "detained": True}).outputs
    assert outputs == {"serious": False, "any_record": True, "hold": False}


def test_nonempty_is_false_for_no_tags() -> None:
    outputs = evaluate_case(resolve(SERIOUS, ON), {"convictions": frozenset(), "detained": False}).outputs
    assert outputs == {"serious": False, "any_record": False, "hold": False}


def test_the_explanation_shows_the_tags_read() -> None:
    trace = evaluate_case(resolve(SERIOUS, ON), {"convictions": frozenset({"felony", "misdemeanor"}),
                                                 "detained": True}).traces["serious"]  # fmt: skip
    assert [(child.name, child.value) for child in trace.children] == [
        ("convictions", frozenset({"felony", "misdemeanor"}))
    ]


DECLARED = "tags(felony, misdemeanor, serious_felony)"
MISUSES = [
    ("has_any(level, 'low')", "2:22: rule 'bad': type mismatch: has_any() needs tags, got enum(low, high)"),
    ("has_any(convictions, 'arson')",
     "2:35: rule 'bad': tag 'arson' is not declared (declared: felony, misdemeanor, serious_felony)"),
    ("has_any(convictions, level)", "2:35: rule 'bad': has_any() takes tags as quoted text, e.g. 'felony'"),
    ("has_any(convictions)",
     "2:14: rule 'bad': has_any() takes a tags value and at least one tag, got 1 argument(s)"),
    ("nonempty(convictions, 'felony')",
     "2:14: rule 'bad': nonempty() takes one argument, got 2 argument(s)"),
    ("convictions == 'felony'", f"2:26: rule 'bad': type mismatch: cannot compare {DECLARED} == string"),
    ("detained and convictions", f"2:27: rule 'bad': type mismatch: 'and' needs true/false, got {DECLARED}"),
]  # fmt: skip


@pytest.mark.parametrize(("formula", "message"), MISUSES)
def test_misused_tags_are_refused_at_load_with_their_position(formula: str, message: str) -> None:
    with pytest.raises(PolicyError) as refused:
        program(bad=formula)
    assert refused.value.messages == [f"tags.yaml:{message}"]


def test_a_program_file_cannot_declare_a_tags_input() -> None:
    text = """
id: demo-tags
title: Tags
jurisdiction: "00"
status: draft
version: 0.1.0
inputs:
  convictions: {type: tags}
rules:
  any:
    formula: nonempty(convictions)
    cite: test
outputs: [any]
"""
    with pytest.raises(PolicyError, match="input 'convictions': type must be one of int, float, bool"):
        parse_program(text, Path("tags.yaml"))


PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "convictions": st.frozensets(st.sampled_from(TAGS)),
            "detained": st.booleans(),
            "level": st.sampled_from(("low", "high")),
        }
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(rows=PEOPLE)
def test_per_case_equals_vectorised(rows: list[dict[str, Value]]) -> None:
    resolved = resolve(SERIOUS, ON)
    frame = pl.DataFrame(
        {
            "id": [f"p{i}" for i in range(len(rows))],
            "convictions": [sorted(cast(frozenset[str], row["convictions"])) for row in rows],
            "detained": [row["detained"] for row in rows],
            "level": pl.Series([row["level"] for row in rows], dtype=pl.Enum(["low", "high"])),
        },
        schema_overrides={"convictions": pl.List(pl.String)},
    )
    vectorised = evaluate_frame(resolved, frame).drop("id").to_dicts()
    assert vectorised == [evaluate_case(resolved, row).outputs for row in rows]
