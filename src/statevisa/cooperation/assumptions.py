"""The capacity model's assumptions: dated, cited parameters read by the rules engine's loader.

`capacity.yaml` beside this module is written in the parameter format of program files and read
with `rules.load_parameters.parse_parameter`, so every assumption has a period, a citation and
a status like any parameter of law. A ranged value is a table ``{central, low, high}``; the
model runs on the central values and a sweep draws from the ranges.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from statevisa.errors import InputError, problem
from statevisa.rules.load import parse_references
from statevisa.rules.load_parameters import Context, parse_parameter
from statevisa.rules.model import ParameterSpec, Period, Scalar, Table
from statevisa.rules.source import Problems, decode_policy, key_text, parse_yaml

ASSUMPTIONS_FILE = Path(__file__).parent / "capacity.yaml"
RANGE_KEYS = ("central", "low", "high")
RANGED = (
    "custodial_share",
    "jail_share",
    "compliance_required",
    "compliance_permitted",
    "compliance_prohibited",
    "compliance_with_agreement",
    "pickup_after_notice",
    "substitution",
    "task_force_productivity",
    "task_force_share",
    "hire_productivity",
)
"""The ranged parameters the model reads (each a share or a multiplier)."""
PROFILES = ("no_record", "pending_felony", "serious_conviction", "misdemeanor_only")


@dataclass(frozen=True)
class Assumption:
    """One parameter's value on a date: central, low, high, and why."""

    name: str
    central: float
    low: float
    high: float
    unit: str
    status: str
    citation: str
    period: str
    note: str | None
    description: str

    @property
    def ranged(self) -> bool:
        return self.low != self.high


@dataclass(frozen=True)
class Assumptions:
    """Every assumption on one date, plus the fixed profile weights, the officers and the target."""

    values: Mapping[str, Assumption]
    profile_weights: Mapping[str, float]
    officers: Assumption
    target: Assumption
    baseline_list: dt.date

    def central(self, name: str) -> float:
        return self.values[name].central

    def with_values(self, overrides: Mapping[str, float], source: str) -> Assumptions:
        """These assumptions with scenario values in place of the central ones (the range collapses
        to the value: a scenario states it)."""
        changed = dict(self.values)
        for name, value in overrides.items():
            old = changed[name]
            changed[name] = dataclasses.replace(
                old, central=value, low=value, high=value, status="scenario", citation=source, note=None
            )
        return dataclasses.replace(self, values=changed)


@cache
def parameter_specs() -> dict[str, ParameterSpec]:
    """The parameters of `capacity.yaml`, checked as a program file's parameters are."""
    name = "statevisa/cooperation/capacity.yaml"
    doc = parse_yaml(decode_policy(ASSUMPTIONS_FILE.read_bytes(), name), name)
    problems = Problems()
    ctx = Context(doc, problems, parse_references(doc, problems))
    raw = doc.root.get("parameters")
    specs: dict[str, ParameterSpec] = {}
    if isinstance(raw, CommentedMap):
        for key, body in raw.items():
            spec = parse_parameter(ctx, key_text(key), body, doc.key_span(raw, key))
            if spec is not None:
                specs[spec.name] = spec
    problems.raise_if_any()
    return specs


def assumptions_on(on: dt.date) -> Assumptions:
    """Every assumption in force on `on`; a date before a parameter's first period is refused."""
    specs = parameter_specs()
    found: dict[str, Assumption] = {}
    for name in (*RANGED, "ice_officers", "daily_target"):
        found[name] = _assumption(specs[name], on)
    weights = _period(specs["profile_weights"], on).shape
    assert isinstance(weights, Table)
    profile = {key: float(_scalar(shape)) for key, shape in weights.entries}
    baseline = _period(specs["baseline_list"], on).shape
    assert isinstance(baseline, Scalar)
    return Assumptions(
        {name: found[name] for name in RANGED},
        profile,
        found["ice_officers"],
        found["daily_target"],
        dt.date.fromisoformat(str(baseline.value)),
    )


def baseline_list() -> dt.date:
    """The baseline's date (`baseline_list`, in force from the arrest window's first day)."""
    spec = parameter_specs()["baseline_list"]
    shape = spec.periods[-1].shape
    assert isinstance(shape, Scalar)
    return dt.date.fromisoformat(str(shape.value))


def _period(spec: ParameterSpec, on: dt.date) -> Period:
    period = spec.period_on(on)
    if period is None or period.shape is None:
        first = spec.periods[0].start.isoformat()
        raise InputError(
            problem(
                "out-of-range",
                f"the capacity parameter '{spec.name}' has no value on "
                f"{on.isoformat()} (it starts on {first})",
                field="on",
            )
        )
    return period


def _assumption(spec: ParameterSpec, on: dt.date) -> Assumption:
    period = _period(spec, on)
    shape = period.shape
    if isinstance(shape, Table):
        central, low, high = (float(_scalar(shape.get(key))) for key in RANGE_KEYS)
    else:
        central = low = high = float(_scalar(shape))
    return Assumption(
        spec.name,
        central,
        low,
        high,
        spec.unit or "",
        period.status.value,
        str(period.citation),
        period.label(),
        period.note,
        spec.description,
    )


def _scalar(shape: object) -> float:
    assert (
        isinstance(shape, Scalar)
        and isinstance(shape.value, int | float)
        and not isinstance(shape.value, bool)
    )
    return float(shape.value)
