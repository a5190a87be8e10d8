"""Reference use cases: an offered wage placed among the OEWS levels, refusals at their options."""

from __future__ import annotations

import pytest

from statevisa.errors import InputError
from statevisa.services.reference import datasets, wage_level


def test_a_wage_level_is_data_with_one_row_per_level() -> None:
    found = wage_level("CA", "15-1252", 150_000)
    assert (found.reached, found.name, found.levels.state_fips) == (2, "Level II", "06")
    assert [reached for *_, reached in found.rows] == [False, True, False, False]


@pytest.mark.parametrize(
    ("wage", "unit", "codes"),
    [
        (float("nan"), "year", [("not-a-number", "--wage")]),
        (-1.0, "hour", [("out-of-range", "--wage")]),
        (500_000.0, "hour", [("out-of-range", "--wage")]),
        (50_000.0, "month", [("unknown-unit", "--unit")]),
    ],
)
def test_refusals_are_coded_and_placed(wage: float, unit: str, codes: list[tuple[str, str]]) -> None:
    with pytest.raises(InputError) as refused:
        wage_level("06", "15-1252", wage, unit)
    assert [(item.code, item.location.field) for item in refused.value.problems] == codes


def test_state_and_soc_problems_are_placed_at_their_options() -> None:
    with pytest.raises(InputError) as refused:
        wage_level("99", "15-12", 50_000)
    assert [(item.code, item.location.field) for item in refused.value.problems] == [
        ("unknown-state", "--state"),
        ("not-soc", "--soc"),
    ]


def test_the_dataset_list_comes_from_the_provenance_files() -> None:
    assert {"pep_state_v2024", "oews_state_2025"} <= {item.id for item in datasets()}
