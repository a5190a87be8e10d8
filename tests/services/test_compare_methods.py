"""A program's caps under each method: the same floor and pool, only the rounding differs."""

from __future__ import annotations

from statevisa.services import compare_methods
from statevisa.services import program_versions as versions
from statevisa.services.context import Platform
from tests.platform import ANALYST, act


def test_every_method_shares_the_same_total_and_differences_are_the_method_s(platform: Platform) -> None:
    found = act(platform, ANALYST, compare_methods.compare, "w-visa", 2024)
    assert found.source.startswith("shipped file")
    assert (found.baseline, found.methods[0], found.total, found.floor) == (
        "hamilton",
        "hamilton",
        500_000,
        5_000,
    )
    assert set(found.methods) == {"hamilton", "huntington-hill", "webster", "jefferson", "adams"}
    for method in found.methods:
        assert found.table[method].sum() == 500_000
        assert (found.table[method] >= 5_000).all()
    assert found.table["fips"].n_unique() == 51
    assert 0 < found.states_that_differ < 51
    assert compare_methods.allocatable() == ("w-visa",)


def test_an_approved_version_on_the_platform_is_what_is_compared(
    platform: Platform, w_visa: versions.VersionView
) -> None:
    found = act(platform, ANALYST, compare_methods.compare, "w-visa", 2020)
    assert found.source == f"approved version #{w_visa.id} on this platform"
    assert found.year == 2020
