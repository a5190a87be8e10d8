"""The national enforcement capacity model: ICE arrests per state under a regime of state law.

A state's regime is not a label: it is the decisions the request gate gives for a fixed panel
of requests (a jailed person with a detainer and an administrative warrant and no record, a
pending felony charge, a serious or violent conviction, or a misdemeanour only) for holding,
transferring and notifying, and for a jail sheriff's 287(g) agreement. Arrests then follow the
formulas of docs/capacity-model.md, vectorised over states and over draws of the assumptions,
so a sweep of thousands of draws is a few array operations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.cooperation import registry
from statevisa.cooperation.assumptions import PROFILES
from statevisa.cooperation.data import ARRESTS, COUNTY_AGENCIES, PARTICIPATING, table
from statevisa.cooperation.decide import decide
from statevisa.cooperation.model import Law
from statevisa.cooperation.vocabulary import Verdict

BASELINE_DAYS = (dt.date(2026, 7, 31) - dt.date(2025, 1, 1)).days + 1
"""The arrest table's window, 2025-01-01 to 2026-07-31: 577 days."""
HANDOVER = ("honor_detainer", "transfer_custody", "notify_release")
CODES = {Verdict.REQUIRED: 0, Verdict.PERMITTED: 1, Verdict.PROHIBITED: 2}
PANEL: Mapping[str, dict[str, object]] = {
    "no_record": {},
    "pending_felony": {"pending_charges": ["felony"]},
    "serious_conviction": {"convictions": ["serious_felony", "violent_felony"]},
    "misdemeanor_only": {"convictions": ["misdemeanor"]},
}
JAIL_REQUEST = {
    "agency_type": "sheriff",
    "operates_jail": True,
    "in_custody": True,
    "detainer": True,
    "administrative_warrant": True,
    "requester": "ICE",
}
EFFECTIVENESS_FLOOR = 0.05
"""The least handover effectiveness a state has, in the baseline and in a scenario alike: where
the law forbids every handover and no leakage is assumed, the observed custodial arrests still
happened (state prisons, federal custody, leakage), so the ratio e'/e keeps a finite base."""
POPULATION_YEAR = 2024
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Inputs:
    """The data of the 50 states and DC, in FIPS order."""

    fips: tuple[str, ...]
    usps: tuple[str, ...]
    arrests_per_day: Floats
    population: Floats
    task_force: Floats
    """Task Force Model agreements on the baseline list."""
    counties: Floats
    """County law-enforcement agencies (one per county sheriff, FBI count)."""
    counties_with_agreement: Floats
    counties_with_jail_agreement: Floats
    task_force_latest: Floats
    """Task Force Model agreements on the newest list (the calibration's cross-section)."""
    list_date: dt.date


def load_inputs(baseline_list: dt.date) -> Inputs:
    """Arrests, population, county agencies and the 287(g) counts per state on `baseline_list`."""
    from statevisa.reference.population import state_population

    arrests = table(ARRESTS).sort("state_fips")
    fips = tuple(arrests["state_fips"].to_list())
    population = state_population(POPULATION_YEAR).select(pl.col("fips").alias("state_fips"), "population")
    agreements = table(PARTICIPATING)
    newest = registry.list_dates(agreements)[-1]

    def per_state(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by("state_fips").len().rename({"len": name})

    typed = registry.with_agency_types(agreements)
    jails = typed.filter(pl.col("agency_type").is_in(registry.JAIL_TYPES))
    keyed = pl.concat(
        [
            jails.select("list_date", "state_fips", "model", "county_key"),
            jails.select("list_date", "state_fips", "model", pl.col("name_county_key").alias("county_key")),
        ]
    )
    keyed = keyed.drop_nulls().filter(pl.col("list_date") == baseline_list)
    on_list = agreements.filter(pl.col("list_date") == baseline_list)
    frame = (
        arrests.join(population, on="state_fips", how="left")
        .join(
            per_state(on_list.filter(pl.col("model") == "task_force"), "task_force"),
            on="state_fips",
            how="left",
        )
        .join(
            per_state(
                agreements.filter((pl.col("list_date") == newest) & (pl.col("model") == "task_force")),
                "task_force_latest",
            ),
            on="state_fips",
            how="left",
        )
        .join(
            per_state(table(COUNTY_AGENCIES).unique(["state_fips", "county"]), "counties"),
            on="state_fips",
            how="left",
        )
        .join(per_state(keyed.unique(["state_fips", "county_key"]), "covered"), on="state_fips", how="left")
        .join(
            per_state(
                keyed.filter(pl.col("model") != "task_force").unique(["state_fips", "county_key"]),
                "jail_covered",
            ),
            on="state_fips",
            how="left",
        )
        .fill_null(0)
        .sort("state_fips")
    )
    counties = frame["counties"].to_numpy().astype(np.float64)

    def capped(name: str) -> Floats:
        return np.asarray(np.minimum(frame[name].to_numpy().astype(np.float64), counties), dtype=np.float64)

    return Inputs(
        fips=fips,
        usps=tuple(frame["state"].to_list()),
        arrests_per_day=frame["arrests"].to_numpy().astype(np.float64) / BASELINE_DAYS,
        population=frame["population"].to_numpy().astype(np.float64),
        task_force=frame["task_force"].to_numpy().astype(np.float64),
        counties=counties,
        counties_with_agreement=capped("covered"),
        counties_with_jail_agreement=capped("jail_covered"),
        task_force_latest=frame["task_force_latest"].to_numpy().astype(np.float64),
        list_date=baseline_list,
    )


@dataclass(frozen=True)
class Regime:
    """What each state's law says, on one date, for the panel of requests."""

    handover: NDArray[np.int8]
    """Verdict codes (0 required, 1 permitted, 2 prohibited), shape (states, profiles, 3): hold,
    transfer, notify."""
    mandate: NDArray[np.bool_]
    """A jail sheriff must hold a 287(g) agreement."""
    ban: NDArray[np.bool_]
    """A jail sheriff may not hold one."""


def regime(law: Law, fips: tuple[str, ...], on: dt.date) -> Regime:
    """Ask the request gate about every state, profile and action of the panel."""
    codes = np.zeros((len(fips), len(PROFILES), len(HANDOVER)), dtype=np.int8)
    mandate = np.zeros(len(fips), dtype=np.bool_)
    ban = np.zeros(len(fips), dtype=np.bool_)
    for s, state in enumerate(fips):
        for p, profile in enumerate(PROFILES):
            facts = {**JAIL_REQUEST, **PANEL[profile]}
            for a, action in enumerate(HANDOVER):
                codes[s, p, a] = CODES[decide(law, state, on, action, facts).decision]
        agreement = decide(
            law, state, on, "enter_287g", {"agency_type": "sheriff", "operates_jail": True}
        ).decision
        mandate[s], ban[s] = agreement is Verdict.REQUIRED, agreement is Verdict.PROHIBITED
    return Regime(codes, mandate, ban)


@dataclass(frozen=True)
class Calibration:
    """Arrests per day per Task Force Model agreement, from the cross-section of states."""

    slope: float
    intercept: float
    r_squared: float
    states: int
    fitted_per_day: Floats
    """Each state's arrests per day as the fit predicts them (its error against the data)."""


def calibrate(inputs: Inputs) -> Calibration:
    """Least squares of arrests per day per 100,000 residents on TFM agreements per 100,000 (the
    newest list): correlational, since states that sign many agreements differ in other ways."""
    per = inputs.population / 100_000
    x, y = inputs.task_force_latest / per, inputs.arrests_per_day / per
    slope, intercept = np.polyfit(x, y, 1)
    fitted = intercept + slope * x
    r_squared = 1 - float(np.sum((y - fitted) ** 2)) / float(np.sum((y - y.mean()) ** 2))
    return Calibration(float(slope), float(intercept), r_squared, len(x), fitted * per)


@dataclass(frozen=True)
class Draws:
    """Parameter values, one per draw (arrays of equal length)."""

    values: Mapping[str, Floats]

    def __getitem__(self, name: str) -> Floats:
        return self.values[name][:, None]


@dataclass(frozen=True)
class Changes:
    """What a scenario does besides the law: agreements per state and the officers."""

    task_force: Floats
    """Task Force Model agreements added per state (before any ban)."""
    jail_coverage: Floats
    """Share of counties whose jail holds a jail-model agreement, per state (before any ban)."""
    officers_ratio: float
    """Scenario officers over baseline officers."""


@dataclass(frozen=True)
class Arrests:
    """Arrests per day, shape (draws, states), and the national at-large cap per draw."""

    custodial: Floats
    at_large: Floats
    task_force_agreements: Floats
    task_force_change: Floats
    total: Floats
    at_large_cap: Floats
    excess: Floats


def effectiveness(codes: NDArray[np.int8], coverage: Floats, draws: Draws, weights: Floats) -> Floats:
    """e_s = sum_p w_p max(v(hold), v(transfer), alpha v(notify)), shape (draws, states); a jail
    holding a jail-model agreement does permitted actions with v(with agreement)."""
    alone = draws["compliance_permitted"]
    agreed = np.maximum(draws["compliance_with_agreement"], alone)  # an agreement never lowers compliance
    permitted = coverage * agreed + (1 - coverage) * alone
    value = np.where(
        codes[None] == 0,
        draws["compliance_required"][..., None, None],
        np.where(
            codes[None] == 1, permitted[..., None, None], draws["compliance_prohibited"][..., None, None]
        ),
    )
    best = np.maximum(
        np.maximum(value[..., 0], value[..., 1]), draws["pickup_after_notice"][..., None] * value[..., 2]
    )
    return np.asarray(best @ weights, dtype=np.float64)


def arrests(
    inputs: Inputs,
    base: Regime,
    scenario: Regime,
    changes: Changes,
    draws: Draws,
    weights: Floats,
    r_tfm: float,
) -> Arrests:
    """Arrests per day per state and draw (docs/capacity-model.md, the formulas)."""
    counties = np.maximum(inputs.counties, 1.0)
    cover0 = inputs.counties_with_jail_agreement / counties
    new_mandate = scenario.mandate & ~base.mandate
    new_ban = scenario.ban & ~base.ban
    missing = np.maximum(inputs.counties - inputs.counties_with_agreement, 0.0)
    share = draws["task_force_share"]
    cover = np.clip(
        np.maximum(cover0, changes.jail_coverage)
        + np.where(new_mandate, (1 - share) * missing / counties, 0.0),
        0,
        1,
    )
    tfm = inputs.task_force + changes.task_force + np.where(new_mandate, share * missing, 0.0)
    cover = np.where(new_ban, 0.0, cover)
    tfm = np.where(new_ban, 0.0, tfm)
    e_base = effectiveness(base.handover, np.broadcast_to(cover0, cover.shape), draws, weights)
    e_scen = effectiveness(scenario.handover, cover, draws, weights)
    e_base, e_scen = np.maximum(e_base, EFFECTIVENESS_FLOOR), np.maximum(e_scen, EFFECTIVENESS_FLOOR)
    c, j, a = draws["custodial_share"], draws["jail_share"], inputs.arrests_per_day[None]
    custodial = c * a * ((1 - j) + j * e_scen / e_base)
    lost = np.maximum(0.0, c * a - custodial)
    task_force_change = r_tfm * draws["task_force_productivity"] * (tfm - inputs.task_force)
    hires = max(changes.officers_ratio - 1, 0.0) * draws["hire_productivity"] * (1 - c) * a
    raw = np.maximum((1 - c) * a + draws["substitution"] * lost + task_force_change + hires, 0.0)
    cap = changes.officers_ratio * np.sum((1 - c) * a, axis=1)
    wanted = raw.sum(axis=1)
    over = wanted > cap * (1 + 1e-9)  # rounding in the sums is no excess
    scale = np.where(over, cap / np.where(wanted > 0, wanted, 1.0), 1.0)
    at_large = raw * scale[:, None]
    return Arrests(
        custodial,
        at_large,
        np.broadcast_to(tfm, custodial.shape),
        np.broadcast_to(task_force_change, custodial.shape),
        custodial + at_large,
        cap,
        np.where(over, wanted - cap, 0.0),
    )
