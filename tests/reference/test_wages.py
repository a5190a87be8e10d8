"""OEWS wage levels: the interpolation, the statutory thirds and the refusals."""

from __future__ import annotations

import re

import pytest

from statevisa.errors import InputError
from statevisa.reference import wages


def test_thresholds_interpolate_the_17th_and_67th_percentiles() -> None:
    one, two, three, four = wages.thresholds_from_percentiles(100.0, 250.0, 500.0, 750.0)
    assert one == pytest.approx(170.0)  # 100 + 7/15 x 150
    assert four == pytest.approx(670.0)  # 500 + 17/25 x 250
    assert two == pytest.approx(170.0 + 500.0 / 3)  # INA 212(p)(4): add a third of the gap
    assert three == pytest.approx(670.0 - 500.0 / 3)  # and subtract it from the upper level


def test_california_software_developers() -> None:
    found = wages.levels("06", "15-1252")
    assert found.title == "Software Developers"
    assert found.percentiles[:4] == (105060.0, 136990.0, 174410.0, 216670.0)
    assert found.thresholds == (119961.0, 147689.0, 175418.0, 203147.0)
    assert found.level(120_000) == 1
    assert found.level(119_960) == 0
    assert found.level(119_961) == 1  # meeting the rounded threshold is enough
    assert found.level(250_000) == 4
    assert wages.level_name(found.level(150_000)) == "Level II"


def test_hourly_unit_and_usps_state_code() -> None:
    found = wages.levels("CA", "15-1252", "hour")
    assert found.state_fips == "06"
    assert found.thresholds[0] == pytest.approx(119961 / 2080, abs=0.01)


def test_annual_only_occupation_uses_annual_percentiles() -> None:
    found = wages.levels("01", "11-9032")  # hourly not released (BLS footnote 4)
    assert found.percentiles[0] == 76150.0


@pytest.mark.parametrize(
    ("state", "soc", "code", "message"),
    [
        ("06", "151252", "not-soc", "use the form NN-NNNN"),
        ("06", "15-125", "not-soc", "use the form NN-NNNN"),
        ("99", "15-1252", "unknown-state", "unknown state FIPS code '99'"),
        ("ZZ", "15-1252", "not-a-state", "invalid state 'ZZ'"),
        ("48", "15-9999", "no-estimate", "SOC 15-9999 has no OEWS May 2025 estimate for Texas (48)"),
        ("01", "29-1022", "top-coded", "top-coded"),
    ],
)
def test_refusals_say_what_is_wrong(state: str, soc: str, code: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as refused:
        wages.levels(state, soc)
    assert [item.code for item in refused.value.problems] == [code]


def test_oews_published_checks() -> None:
    frame = wages.oews_state()
    assert frame.height == 37_408
    total = frame.filter((frame["soc"] == "00-0000") & (frame["state_fips"] == "06"))
    assert total["employment"].item() == 18_213_700
    assert total["a_mean"].item() == 80_690.0
