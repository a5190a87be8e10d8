"""Run capacity scenarios against the baseline: central values, one-at-a-time ranges, a joint sweep.

Every scenario is compared with the baseline (the law and the ICE list of the baseline date,
which reproduces the arrests data exactly: the identity check). Each output comes with its
range: the extremes over every assumption set to its low and its high end (one at a time), and
the 5th to 95th percentile of a joint sweep drawing every ranged assumption uniformly, with a
seed, so a rerun gives the same bands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from statevisa.cooperation import capacity
from statevisa.cooperation.assumptions import PROFILES, RANGED, Assumptions, assumptions_on, baseline_list
from statevisa.cooperation.capacity import Arrests, Calibration, Changes, Draws, Floats, Inputs, Regime
from statevisa.cooperation.model import Law
from statevisa.cooperation.scenario import Group, Scenario, ScenarioFile, scenario_law

BASELINE = "baseline"
BAND = (5.0, 95.0)


@dataclass(frozen=True)
class Report:
    """Every table the capacity model reports, as Polars frames."""

    title: str
    baseline_date: dt.date
    target: float
    calibration: Calibration
    national: pl.DataFrame
    states: pl.DataFrame
    sensitivity: pl.DataFrame
    parameters: pl.DataFrame
    baseline: pl.DataFrame


def groups(base: Regime, fips: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The states a scenario can name as a group, read from the baseline decisions."""
    restrictive = (base.handover == 2).any(axis=(1, 2)) | base.ban
    mandating = (base.handover == 0).any(axis=(1, 2)) | base.mandate
    return {
        "all": fips,
        "restrictive": tuple(state for state, hit in zip(fips, restrictive, strict=True) if hit),
        "mandating": tuple(state for state, hit in zip(fips, mandating, strict=True) if hit),
    }


def run(law: Law, file: ScenarioFile) -> Report:
    """Simulate every scenario of `file` against the baseline."""
    assumed = assumptions_on(baseline_list()).with_values(file.parameters, "scenario file")
    inputs = capacity.load_inputs(assumed.baseline_list)
    fit = capacity.calibrate(inputs)
    base = capacity.regime(law, inputs.fips, assumed.baseline_list)
    named = groups(base, inputs.fips)
    rows: list[dict[str, object]] = []
    state_rows: list[pl.DataFrame] = []
    tornado: list[dict[str, object]] = []
    reproduced = inputs.arrests_per_day
    for scenario in (Scenario(BASELINE), *file.scenarios):
        values = assumed.with_values(scenario.parameters, f"scenario '{scenario.name}'")
        members = {index: _members(adopt.to, named) for index, adopt in enumerate(scenario.adopt)}
        changed = scenario_law(law, scenario, members) if scenario.name != BASELINE else law
        regime = capacity.regime(changed, inputs.fips, scenario.on or assumed.baseline_list)
        changes = _changes(inputs, scenario, named, values)
        weights = np.array([values.profile_weights[p] for p in PROFILES])

        model = _runner(inputs, base, regime, changes, weights, fit.slope)
        central = model(_central(values))
        if scenario.name == BASELINE:
            reproduced = central.total[0]
        swept = model(_sweep(values, file.draws, file.seed))
        one_at_a_time = {
            name: (model(_central(values, name, "low")), model(_central(values, name, "high")))
            for name in RANGED
            if values.values[name].ranged
        }
        extremes = np.array([run.total.sum() for pair in one_at_a_time.values() for run in pair] or [0.0])
        low, high = np.percentile(swept.total.sum(axis=1), BAND)
        rows.append(
            {
                "scenario": scenario.name,
                "on": scenario.on or assumed.baseline_list,
                "baseline_per_day": float(inputs.arrests_per_day.sum()),
                "scenario_per_day": float(central.total.sum()),
                "custodial": float(central.custodial.sum()),
                "at_large": float(central.at_large.sum()),
                "task_force_change": float(central.task_force_change.sum()),
                "at_large_cap": float(central.at_large_cap[0]),
                "excess": float(central.excess[0]),
                "share_of_target": float(central.total.sum()) / assumed.target.central,
                "sweep_low": float(low),
                "sweep_high": float(high),
                "one_at_a_time_low": float(min(extremes.min(), central.total.sum())),
                "one_at_a_time_high": float(max(extremes.max(), central.total.sum())),
                "draws": file.draws,
            }
        )
        state_rows.append(_states(scenario.name, inputs, central, swept))
        tornado.extend(
            {
                "scenario": scenario.name,
                "parameter": name,
                "low": values.values[name].low,
                "high": values.values[name].high,
                "national_at_low": float(lo.total.sum()),
                "national_at_high": float(hi.total.sum()),
            }
            for name, (lo, hi) in one_at_a_time.items()
        )
    return Report(
        title=file.title,
        baseline_date=assumed.baseline_list,
        target=assumed.target.central,
        calibration=fit,
        national=pl.DataFrame(rows),
        states=pl.concat(state_rows),
        sensitivity=pl.DataFrame(tornado, schema=_TORNADO),
        parameters=_parameters(assumed, fit),
        baseline=_baseline(inputs, fit, reproduced),
    )


_TORNADO = {
    "scenario": pl.String,
    "parameter": pl.String,
    "low": pl.Float64,
    "high": pl.Float64,
    "national_at_low": pl.Float64,
    "national_at_high": pl.Float64,
}


def _runner(
    inputs: Inputs, base: Regime, regime: Regime, changes: Changes, weights: Floats, slope: float
) -> Callable[[Draws], Arrests]:
    """The model of one scenario as a function of the draws of its assumptions."""

    def model(draws: Draws) -> Arrests:
        return capacity.arrests(inputs, base, regime, changes, draws, weights, slope)

    return model


def _members(group: Group, named: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return named[group] if isinstance(group, str) else group


def _changes(
    inputs: Inputs, scenario: Scenario, named: dict[str, tuple[str, ...]], values: Assumptions
) -> Changes:
    """A scenario's agreements and officers as per-state additions."""
    task_force = np.zeros(len(inputs.fips))
    coverage = np.zeros(len(inputs.fips))
    for item in scenario.agreements:
        mask = np.isin(np.array(inputs.fips), np.array(_members(item.where, named)))
        if item.model == "task_force":
            missing = np.maximum(inputs.counties - inputs.task_force, 0.0)
            task_force = np.where(mask, np.maximum(task_force, item.coverage * missing), task_force)
        else:
            coverage = np.where(mask, np.maximum(coverage, item.coverage), coverage)
    officers = scenario.officers if scenario.officers is not None else values.officers.central
    return Changes(task_force, coverage, officers / values.officers.central)


def _central(values: Assumptions, name: str | None = None, end: str = "central") -> Draws:
    """One draw at the central values, or with `name` at its `end` (low or high)."""
    chosen = {
        key: np.array([getattr(item, end if key == name else "central")])
        for key, item in values.values.items()
    }
    return Draws(chosen)


def _sweep(values: Assumptions, draws: int, seed: int) -> Draws:
    """`draws` joint draws, each ranged assumption uniform between its low and high ends."""
    rng = np.random.default_rng(seed)
    return Draws({name: rng.uniform(item.low, item.high, draws) for name, item in values.values.items()})


def _states(name: str, inputs: Inputs, central: Arrests, swept: Arrests) -> pl.DataFrame:
    low, high = np.percentile(swept.total, BAND, axis=0)
    base: Floats = inputs.arrests_per_day
    total = central.total[0]
    return pl.DataFrame(
        {
            "scenario": [name] * len(inputs.fips),
            "state_fips": list(inputs.fips),
            "state": list(inputs.usps),
            "baseline_per_day": base,
            "scenario_per_day": total,
            "custodial": central.custodial[0],
            "at_large": central.at_large[0],
            "task_force_agreements": central.task_force_agreements[0],
            "task_force_change": central.task_force_change[0],
            "delta": total - base,
            "delta_pct": np.where(base > 0, (total - base) / np.where(base > 0, base, 1.0) * 100, 0.0),
            "sweep_low": low,
            "sweep_high": high,
        }
    )


def _parameters(values: Assumptions, fit: Calibration) -> pl.DataFrame:
    """Every parameter value the runs used, with its period, status and citation."""
    rows = [
        {
            "name": item.name,
            "central": item.central,
            "low": item.low,
            "high": item.high,
            "unit": item.unit,
            "status": item.status,
            "period": item.period,
            "citation": item.citation,
            "note": item.note or "",
            "description": item.description,
        }
        for item in (*values.values.values(), values.officers, values.target)
    ]
    rows += [
        {
            "name": f"profile_weights[{profile}]",
            "central": weight,
            "low": weight,
            "high": weight,
            "unit": "ratio",
            "status": "default",
            "period": "",
            "citation": "see capacity.yaml",
            "note": "",
            "description": "Share of ICE's custodial targets in this profile",
        }
        for profile, weight in values.profile_weights.items()
    ]
    rows.append(
        {
            "name": "r_tfm (calibrated)",
            "central": fit.slope,
            "low": fit.slope,
            "high": fit.slope,
            "unit": "arrests per day per TFM agreement",
            "status": "calibrated",
            "period": "",
            "citation": f"least squares across {fit.states} states, R^2 = {fit.r_squared:.3f}: correlational",
            "note": "",
            "description": "Arrests per day per Task Force Model agreement",
        }
    )
    return pl.DataFrame(rows)


def _baseline(inputs: Inputs, fit: Calibration, model: Floats) -> pl.DataFrame:
    """Per state: the arrests data, the model's baseline run and its error (zero up to rounding:
    the identity check), and the cross-state fit with its error (how far 287(g) task-force
    agreements alone explain a state's arrests)."""
    observed = inputs.arrests_per_day
    return pl.DataFrame(
        {
            "state_fips": list(inputs.fips),
            "state": list(inputs.usps),
            "observed_per_day": observed,
            "model_per_day": model,
            "model_error": observed - model,
            "fit_per_day": fit.fitted_per_day,
            "fit_error": observed - fit.fitted_per_day,
            "task_force_agreements": inputs.task_force_latest,
            "population": inputs.population,
        }
    )
