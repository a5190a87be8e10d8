"""Synthetic people: reproducible from (program, size, seed), refusals, and the stages it reports."""

from __future__ import annotations

import datetime as dt

import polars as pl
import polars.selectors as cs
import pytest

from statevisa.rules.resolve import Resolved
from statevisa.services.programs import open_program
from statevisa.sim.synthetic import MAX_SEED, population, row_bytes

ON = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def australia() -> Resolved:
    return open_program("australia-points", ON).resolved


def test_same_size_and_seed_give_the_same_people(australia: Resolved) -> None:
    assert population(australia, 200, 5).equals(population(australia, 200, 5))
    assert not population(australia, 200, 5).equals(population(australia, 200, 6))


@pytest.mark.parametrize(
    ("people", "seed", "words"),
    [
        (0, 0, "at least one person"),
        (True, 0, "at least one person"),
        (10, -1, "from 0 to 2\\*\\*64 - 1, got -1"),
        (10, MAX_SEED + 1, "from 0 to 2\\*\\*64 - 1"),
    ],
)
def test_bad_sizes_and_seeds_are_refused(australia: Resolved, people: int, seed: int, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        population(australia, people, seed)


def test_each_stage_is_reported_to_the_caller(australia: Resolved) -> None:
    said: list[str] = []
    people = population(australia, 2000, 1, said.append)
    assert people.height == 2000
    assert said[0] == "australia-points: drawing 2,000 people"
    assert any(line.startswith("australia-points: redrawing ") for line in said[1:])


def test_the_size_estimate_is_close_to_the_frame_that_is_written(australia: Resolved) -> None:
    people = population(australia, 20_000, 3).with_columns(cs.enum().cast(pl.String))
    measured = people.estimated_size() / people.height
    assert 0.5 <= row_bytes(australia.program) / measured <= 2.0
