"""Capacity-model use case: run a scenario file against the baseline and write its report.

`simulate` reads the scenario file, asks the pure core (`cooperation.simulate.run`) and, given
an output folder, writes every table (CSV), the comparison chart and a map of each scenario's
change (PNG and SVG) and a short report; each file is written whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from statevisa.cooperation.scenario import parse_scenarios
from statevisa.cooperation.simulate import BASELINE, Report, run
from statevisa.errors import InputError, problem
from statevisa.rules.source import decode_policy, parse_yaml
from statevisa.services.cooperation import shipped_law
from statevisa.tables import atomic_write, write_table

if TYPE_CHECKING:
    import altair as alt

TABLES = ("national", "states", "sensitivity", "parameters", "baseline")


@dataclass(frozen=True)
class Simulated:
    """The report and the files written (none without an output folder)."""

    report: Report
    written: tuple[Path, ...]


def simulate(scenario: Path, out: Path | None = None, *, charts: bool = True) -> Simulated:
    """`statevisa cooperation simulate`: every scenario of the file against the baseline."""
    if not scenario.is_file():
        raise InputError(problem("no-such-file", "no such file", file=scenario, field="--scenario"))
    if out is not None and out.exists() and not out.is_dir():
        raise InputError(
            problem("not-a-folder", "is a file: --out names a folder for the report", file=out, field="--out")
        )
    doc = parse_yaml(decode_policy(scenario.read_bytes(), str(scenario)), str(scenario))
    report = run(shipped_law(), parse_scenarios(doc, shipped_law()))
    if out is None:
        return Simulated(report, ())
    return Simulated(report, write_report(report, out, charts=charts))


def write_report(report: Report, out: Path, *, charts: bool = True) -> tuple[Path, ...]:
    """Write the tables, the charts and a summary into `out` (created if missing)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            problem("unwritable", f"cannot create the folder ({error.strerror})", file=out, field="--out")
        ) from None
    written = []
    for name in TABLES:
        path = out / f"{name}.csv"
        write_table(getattr(report, name), path)
        written.append(path)
    if charts:
        from statevisa.services.capacity_charts import change_map, comparison, render

        pictures: list[tuple[str, alt.TopLevelMixin]] = [("comparison", comparison(report))]
        pictures += [
            (f"change-{_slug(name)}", change_map(report, name))
            for name in report.national["scenario"].to_list()
            if name != BASELINE
        ]
        for stem, chart in pictures:
            png, svg = render(chart)
            for path, payload in ((out / f"{stem}.png", png), (out / f"{stem}.svg", svg.encode("utf-8"))):
                atomic_write(path, _bytes_writer(payload))
                written.append(path)
    summary = out / "report.md"
    atomic_write(summary, lambda target: target.write_text(summary_text(report), encoding="utf-8"))
    return (*written, summary)


def _bytes_writer(payload: bytes) -> Callable[[Path], object]:
    return lambda target: target.write_bytes(payload)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "scenario"


def summary_text(report: Report) -> str:
    """A short Markdown report: the national comparison and where every number comes from."""
    fit = report.calibration
    lines = [
        f"# {report.title or 'Capacity scenarios'}",
        "",
        f"Baseline: the law and the ICE 287(g) list of {report.baseline_date.isoformat()}; ICE arrests "
        f"2025-01-01 .. 2026-07-31. Target: {report.target:,.0f} arrests per day. "
        "Model: docs/capacity-model.md.",
        "",
        "| scenario | arrests/day | band (5-95%) | one at a time | share of target | at-large excess |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report.national.iter_rows(named=True):
        band = f"{row['sweep_low']:,.0f} - {row['sweep_high']:,.0f}"
        each = f"{row['one_at_a_time_low']:,.0f} - {row['one_at_a_time_high']:,.0f}"
        lines.append(
            f"| {row['scenario']} | {row['scenario_per_day']:,.0f} | {band} | {each} | "
            f"{row['share_of_target']:.0%} | {row['excess']:,.1f} |"
        )
    lines += [
        "",
        f"Task-force productivity: {fit.slope:.3f} arrests per day per TFM agreement, from a least-squares "
        f"fit across {fit.states} states (R^2 = {fit.r_squared:.3f}): a correlation, not an effect.",
        "",
        "Files: national.csv, states.csv (per state, with the sweep band), sensitivity.csv (each assumption "
        "at its low and high end), parameters.csv (every value used, with its status and citation), "
        "baseline.csv (the data, the baseline run and the cross-state fit, with their errors per state), "
        "comparison.png/.svg and change-*.png/.svg.",
    ]
    return "\n".join(lines) + "\n"
