"""The full CRS in OpenFisca, against statevisa's vectorised path, on the same people (issue 8).

    .venv/bin/pip install -e '.[bench]'      # openfisca-core
    .venv/bin/python bench/peers.py [--check 10000] [--sizes 1000 1000000] [--repeat 3]

The OpenFisca encoding below is our own: one `Person` entity, one variable per CRS input and
one per component, each grid a NumPy lookup inside the formula (OpenFisca's vectorised style).
Before anything is timed both systems score `--check` synthetic people and must agree on every
component; then each size is timed in memory (OpenFisca: build the simulation, set the inputs,
calculate `score`; statevisa: `evaluate_frame` on the typed frame), medians of `--repeat`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from statevisa.rules.evaluate import evaluate_frame
from statevisa.services.programs import open_program
from statevisa.sim.synthetic import population

ON = "2025-06-01"
PERIOD = "2025"
Person = build_entity(key="person", plural="persons", label="A CRS candidate", is_person=True)

EDUCATION = ["none", "secondary", "one_year", "two_year", "bachelors", "two_or_more", "masters", "doctorate"]
LANGUAGES = ["en", "fr"]
CANADIAN_EDUCATION = ["none", "one_or_two_year", "three_year_or_more"]
JOB_OFFER = ["none", "noc_00", "other"]
ENUMS = {
    "education": EDUCATION,
    "spouse_education": EDUCATION,
    "first_official_language": LANGUAGES,
    "canadian_education": CANADIAN_EDUCATION,
    "job_offer": JOB_OFFER,
}
BOOLS = ["with_spouse", "certificate_of_qualification", "sibling_in_canada", "provincial_nomination"]
ABILITIES = ["speaking", "listening", "reading", "writing"]
INTS = [
    "age", "canadian_work_years", "foreign_work_years", "spouse_canadian_work_years",
    *(f"english_{a}" for a in ABILITIES), *(f"french_{a}" for a in ABILITIES),
    *(f"spouse_{a}" for a in ABILITIES),
]  # fmt: skip


def brackets(x: NDArray[Any], bounds: list[int], points: list[int]) -> NDArray[np.int64]:
    """Points of the bracket holding each x (bounds are inclusive lower bounds)."""
    return np.asarray(points, dtype=np.int64)[np.searchsorted(bounds, x, side="right") - 1]


def by_spouse(spouse: NDArray[np.bool_], with_: NDArray[np.int64], without: NDArray[np.int64]) -> Any:
    return np.where(spouse, with_, without)


AGE = ([0, 18, 19, 20, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45],
       [0, 90, 95, 100, 95, 90, 85, 80, 75, 70, 65, 60, 55, 50, 45, 35, 25, 15, 5, 0],
       [0, 99, 105, 110, 105, 99, 94, 88, 83, 77, 72, 66, 61, 55, 50, 39, 28, 17, 6, 0])  # fmt: skip
EDU = (np.array([0, 28, 84, 91, 112, 119, 126, 140]), np.array([0, 30, 90, 98, 120, 128, 135, 150]))
FIRST = ([0, 4, 6, 7, 8, 9, 10], [0, 6, 8, 16, 22, 29, 32], [0, 6, 9, 17, 23, 31, 34])
SECOND = ([0, 5, 7, 9], [0, 1, 3, 6])
WORK = ([0, 1, 2, 3, 4, 5], [0, 35, 46, 56, 63, 70], [0, 40, 53, 64, 72, 80])
SPOUSE_EDU = np.array([0, 2, 6, 7, 8, 9, 10, 10])
SPOUSE_LANG = ([0, 5, 7, 9], [0, 1, 3, 5])
SPOUSE_WORK = ([0, 1, 2, 3, 4, 5], [0, 5, 7, 8, 9, 10])
TIER = np.array([0, 0, 1, 1, 1, 2, 2, 2])
COMBINATION = np.array([[0, 0, 0], [0, 13, 25], [0, 25, 50]])
CANADIAN_EDU = np.array([0, 15, 30])


def _variables() -> list[type[Variable]]:
    made: list[type[Variable]] = []

    def declare(name: str, value_type: Any, formula: Any = None, **extra: Any) -> None:
        attributes: dict[str, Any] = {
            "value_type": value_type, "entity": Person, "definition_period": DateUnit.YEAR, "label": name,
            **extra,
        }  # fmt: skip
        if formula is not None:
            attributes["formula"] = formula
        made.append(type(name, (Variable,), attributes))

    for name in INTS:
        declare(name, int)
    for name in BOOLS:
        declare(name, bool)
    for name, values in ENUMS.items():
        options = Enum(name.title(), [(v, v) for v in values])
        declare(name, Enum, possible_values=options, default_value=options[values[0]])

    def codes(person: Any, name: str, period: str) -> NDArray[np.int64]:
        return np.asarray(person(name, period), dtype=np.int64)

    def first_second(person: Any, period: str) -> tuple[list[Any], list[Any]]:
        english = codes(person, "first_official_language", period) == 0
        en = [person(f"english_{a}", period) for a in ABILITIES]
        fr = [person(f"french_{a}", period) for a in ABILITIES]
        first = [np.where(english, e, f) for e, f in zip(en, fr, strict=True)]
        second = [np.where(english, f, e) for e, f in zip(en, fr, strict=True)]
        return first, second

    def core(person: Any, period: str) -> Any:
        spouse = person("with_spouse", period)
        first, second = first_second(person, period)
        age = by_spouse(
            spouse,
            brackets(person("age", period), AGE[0], AGE[1]),
            brackets(person("age", period), AGE[0], AGE[2]),
        )
        education = codes(person, "education", period)
        edu = np.where(spouse, EDU[0][education], EDU[1][education])
        lang = sum(
            by_spouse(spouse, brackets(f, FIRST[0], FIRST[1]), brackets(f, FIRST[0], FIRST[2])) for f in first
        )
        second_points = np.minimum(np.where(spouse, 22, 24), sum(brackets(s, *SECOND) for s in second))
        years = person("canadian_work_years", period)
        work = by_spouse(spouse, brackets(years, WORK[0], WORK[1]), brackets(years, WORK[0], WORK[2]))
        return age + edu + lang + second_points + work  # fmt: skip

    def spouse_points(person: Any, period: str) -> Any:
        lang = sum(brackets(person(f"spouse_{a}", period), *SPOUSE_LANG) for a in ABILITIES)
        total = (
            SPOUSE_EDU[codes(person, "spouse_education", period)]
            + np.minimum(20, lang)
            + brackets(person("spouse_canadian_work_years", period), *SPOUSE_WORK)
        )
        return np.where(person("with_spouse", period), total, 0)

    def transferability(person: Any, period: str) -> Any:
        first, _ = first_second(person, period)
        lowest = np.minimum.reduce(first)
        band = brackets(lowest, [0, 7, 9], [0, 1, 2])
        canadian = brackets(person("canadian_work_years", period), [0, 1, 2], [0, 1, 2])
        foreign = brackets(person("foreign_work_years", period), [0, 1, 3], [0, 1, 2])
        tier = TIER[codes(person, "education", period)]
        education = np.minimum(50, COMBINATION[tier, band] + COMBINATION[tier, canadian])
        work = np.minimum(50, COMBINATION[foreign, band] + COMBINATION[foreign, canadian])
        certificate = np.where(
            person("certificate_of_qualification", period), brackets(lowest, [0, 5, 7], [0, 25, 50]), 0
        )
        return np.minimum(100, education + work + certificate)  # fmt: skip

    def additional(person: Any, period: str) -> Any:
        english = np.minimum.reduce([person(f"english_{a}", period) for a in ABILITIES])
        french = np.minimum.reduce([person(f"french_{a}", period) for a in ABILITIES])
        french_points = np.where(french >= 7, np.where(english >= 5, 50, 25), 0)
        total = (
            np.where(person("provincial_nomination", period), 600, 0)
            + french_points
            + CANADIAN_EDU[codes(person, "canadian_education", period)]
            + np.where(person("sibling_in_canada", period), 15, 0)
        )  # job offers score 0 from 2025-03-25
        return np.minimum(600, total)

    def score(person: Any, period: str) -> Any:
        return sum(
            person(name, period) for name in ("core", "spouse_points", "transferability", "additional")
        )

    components = [("core", core), ("spouse_points", spouse_points), ("transferability", transferability),
                  ("additional", additional), ("score", score)]  # fmt: skip
    for name, formula in components:
        declare(name, int, formula)
    return made


def openfisca_system() -> TaxBenefitSystem:
    system = TaxBenefitSystem([Person])
    for variable in _variables():
        system.add_variable(variable)
    return system


def openfisca_scores(system: TaxBenefitSystem, people: pl.DataFrame) -> dict[str, NDArray[Any]]:
    """Build a simulation of `people`, set every input and calculate every component."""
    simulation = SimulationBuilder().build_default_simulation(system, people.height)
    for name in INTS + BOOLS:
        simulation.set_input(name, PERIOD, people[name].to_numpy())
    for name in ENUMS:
        enum = system.variables[name].possible_values
        simulation.set_input(name, PERIOD, enum.encode(people[name].cast(pl.String).to_numpy().astype(str)))
    names = ("core", "spouse_points", "transferability", "additional", "score")
    return {name: np.asarray(simulation.calculate(name, PERIOD)) for name in names}


def median_seconds(run: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    resolved = open_program("canada-crs", dt.date.fromisoformat(ON)).resolved
    system = openfisca_system()

    sample = population(resolved, args.check, seed=7)
    ours = evaluate_frame(resolved, sample)
    theirs = openfisca_scores(system, sample)
    for mine, peer in [("core", "core"), ("spouse", "spouse_points"), ("transferability", "transferability"),
                       ("additional", "additional"), ("score", "score")]:  # fmt: skip
        if not np.array_equal(ours[mine].to_numpy(), theirs[peer]):
            raise SystemExit(f"OpenFisca and statevisa disagree on {mine}: the encodings differ")

    print(f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"load average {load:.2f}; "
          f"both encodings agree on all five components for {args.check:,} synthetic people. "
          f"Medians of {args.repeat}.\n")  # fmt: skip
    print("| people | statevisa `evaluate_frame` | OpenFisca 46 | OpenFisca / statevisa |")
    print("| ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        people = population(resolved, size, seed=11)
        ours_s = median_seconds(lambda people=people: evaluate_frame(resolved, people), args.repeat)
        peer_s = median_seconds(lambda people=people: openfisca_scores(system, people), args.repeat)
        print(f"| {size:,} | {ours_s * 1e3:.1f} ms | {peer_s * 1e3:.1f} ms | {peer_s / ours_s:.1f}x |")


if __name__ == "__main__":
    main()
