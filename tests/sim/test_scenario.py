"""Lab scenarios: read whole with every problem placed, and changed point by point for a sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from statevisa.errors import InputError, PolicyError
from statevisa.rules.source import parse_yaml
from statevisa.sim.scenario import Scenario, parse_scenario, sweepable, with_values

TODAY = dt.date(2026, 3, 2)
FULL = """\
title: A full scenario
on: 2026-03-01
program: w-visa
set: {population_pool: 300000, rounding_method: webster}
caps: {year: 2024, method: adams}
heartland: {window: 7, participants: 5, cap: 1000}
cooperation:
  scenarios:
    - {name: "more officers", officers: 22000}
"""


def read(text: str) -> Scenario:
    return parse_scenario(parse_yaml(text, "s.yaml"), TODAY)


def test_a_scenario_is_read_as_plain_data() -> None:
    found = read(FULL)
    assert (found.title, found.on, found.program) == ("A full scenario", dt.date(2026, 3, 1), "w-visa")
    assert found.sets == {"population_pool": "300000", "rounding_method": "webster"}
    assert found.caps == {"year": 2024, "method": "adams"}
    assert found.heartland == {"window": 7, "participants": 5, "cap": 1000}
    assert found.cooperation == {"scenarios": [{"name": "more officers", "officers": 22000}]}
    assert type(found.cooperation["scenarios"][0]["name"]) is str  # type: ignore[index]
    assert found.parts == ("caps", "heartland", "cooperation")
    assert read("heartland: {}\n").on == TODAY


def test_every_problem_is_reported_at_once_at_its_line() -> None:
    text = (
        "titel: x\non: 2026-13-01\nset: {pool: 1}\npeople: {count: 0}\nheartland: {window: 99, colour: red}\n"
    )
    with pytest.raises(PolicyError) as refused:
        read(text)
    assert refused.value.messages == [
        "s.yaml:1:1: unknown key 'titel' "
        "(allowed: title, on, program, set, people, caps, heartland, cooperation)",
        "s.yaml:2:5: on: a date YYYY-MM-DD, got '2026-13-01'",
        "s.yaml:3:1: set: needs a program whose parameters it sets",
        "s.yaml:4:1: people: needs a program to compute for",
        "s.yaml:4:17: people.count: a whole number from 1 to 1,000,000, got 0",
        "s.yaml:5:21: heartland.window: a whole number from 1 to 14, got 99",
        "s.yaml:5:25: heartland: unknown key 'colour' "
        "(allowed: window, vintage, participants, cap, method, growth_ratio)",
    ]


def test_a_scenario_that_computes_nothing_is_refused() -> None:
    with pytest.raises(PolicyError, match="nothing to compute: give people, caps, heartland or cooperation"):
        read("title: empty\nprogram: w-visa\n")


def test_a_point_of_a_sweep_is_the_scenario_with_its_numbers_changed() -> None:
    base = read(FULL)
    point = with_values(
        base, {"set.population_pool": 250000.0, "heartland.window": 5.0, "cooperation.x": 0.5}
    )
    assert point.sets["population_pool"] == "250000"
    assert point.heartland is not None and point.heartland["window"] == 5
    assert point.cooperation is not None and point.cooperation["parameters"] == {"x": 0.5}
    assert base.sets["population_pool"] == "300000"  # the scenario itself is unchanged
    with pytest.raises(InputError, match=r"heartland\.window: a whole number from 1 to 14, got 20"):
        with_values(base, {"heartland.window": 20.0})


def test_only_numbers_the_scenario_uses_can_be_swept() -> None:
    base = read(FULL)
    assert sweepable(base, "set.population_pool") is None
    assert sweepable(base, "heartland.cap") is None
    assert sweepable(base, "caps.method") == "'caps.method' is not a number a sweep can change"
    assert sweepable(base, "people.count") == "people.*: the scenario computes no people"
    assert (
        sweepable(base, "window")
        == "'window' names no setting: write PART.NAME (set.population_pool, heartland.window)"
    )
    assert sweepable(read("heartland: {}\n"), "set.x") == "set.*: the scenario has no program"
