"""The capacity use case: a scenario file in, the tables, charts and report out, each file whole."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from statevisa.errors import InputError, PolicyError
from statevisa.services.capacity import simulate

SCENARIO = """\
title: Two scenarios
sweep: {draws: 100, seed: 2}
scenarios:
  - name: every state adopts the Oregon regime
    adopt: {from: "41", to: all}
  - name: more officers
    officers: 22000
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("capacity")
    scenario = folder / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    simulate(scenario, folder / "out")
    return folder / "out"


def test_every_table_chart_and_the_report_are_written(written: Path) -> None:
    names = {path.name for path in written.iterdir()}
    assert {
        "national.csv",
        "states.csv",
        "sensitivity.csv",
        "parameters.csv",
        "baseline.csv",
        "report.md",
        "comparison.png",
        "comparison.svg",
        "change-more-officers.png",
        "change-more-officers.svg",
        "change-every-state-adopts-the-oregon-regime.svg",
    } <= names
    assert (written / "comparison.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (written / "comparison.svg").read_text(encoding="utf-8")[:500]
    assert not [name for name in names if name.startswith(".")]


def test_the_national_table_compares_with_the_baseline_and_the_target(written: Path) -> None:
    national = pl.read_csv(written / "national.csv")
    assert national["scenario"].to_list() == [
        "baseline",
        "every state adopts the Oregon regime",
        "more officers",
    ]
    baseline = national.row(0, named=True)
    assert baseline["scenario_per_day"] == pytest.approx(565_539 / 577)
    assert baseline["share_of_target"] == pytest.approx(565_539 / 577 / 3000)
    oregon = national.row(1, named=True)
    assert (
        oregon["sweep_low"]
        <= oregon["scenario_per_day"]
        <= oregon["sweep_high"]
        < baseline["scenario_per_day"]
    )


def test_the_states_add_up_to_the_nation(written: Path) -> None:
    states = pl.read_csv(written / "states.csv", schema_overrides={"state_fips": pl.String})
    national = pl.read_csv(written / "national.csv")
    by_scenario = dict(states.group_by("scenario").agg(pl.col("scenario_per_day").sum()).iter_rows())
    for row in national.iter_rows(named=True):
        assert by_scenario[row["scenario"]] == pytest.approx(row["scenario_per_day"])
    assert states.filter(pl.col("scenario") == "baseline")["delta"].abs().max() == pytest.approx(0, abs=1e-9)


def test_every_parameter_used_is_listed_with_its_source(written: Path) -> None:
    parameters = pl.read_csv(written / "parameters.csv")
    assert {"custodial_share", "substitution", "ice_officers", "daily_target", "r_tfm (calibrated)"} <= set(
        parameters["name"]
    )
    assert parameters["citation"].null_count() == 0 and parameters["status"].null_count() == 0


def test_the_baseline_states_its_error_per_state(written: Path) -> None:
    baseline = pl.read_csv(written / "baseline.csv", schema_overrides={"state_fips": pl.String})
    assert baseline.height == 51
    assert baseline["model_error"].abs().max() == pytest.approx(0, abs=1e-9)
    expected = baseline["observed_per_day"] - baseline["fit_per_day"]
    assert baseline["fit_error"].to_list() == pytest.approx(expected.to_list(), abs=1e-9)


def test_the_report_says_where_the_numbers_come_from(written: Path) -> None:
    text = (written / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Two scenarios\n")
    assert "a correlation, not an effect" in text


def test_a_missing_scenario_file_or_an_output_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        simulate(tmp_path / "missing.yaml")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    with pytest.raises(InputError, match="is a file: --out names a folder"):
        simulate(scenario, scenario)


def test_a_bad_scenario_names_its_line(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("scenarios:\n  - name: x\n    remove: [CA-nothing-1]\n", encoding="utf-8")
    with pytest.raises(PolicyError) as refused:
        simulate(scenario)
    assert refused.value.messages == [f"{scenario}:3:14: remove: no rule 'CA-nothing-1' in the law"]
