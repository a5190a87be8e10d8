"""The scenario lab: read a scenario and its sweeps, compute each point, locally or on Dask.

`load` checks everything a run needs before any work (the file, the program and its `set`
values, the Heartland options, the cooperation scenarios, each sweep and its first and last
values), so a long sweep never ends in a refusal. `run_point` computes one point with the same
services the rest of statevisa uses (a synthetic population evaluated by the rules engine, the
program's caps by the allocation core, the Heartland listing and cap, the capacity model); it
is a plain function of plain data, so it runs unchanged in this process, in a local process
pool or on a Dask cluster. `execute` fans the points out: one point here; several in a
process pool (spawned, so it is safe inside a threaded server); with ``scheduler``, on Dask
distributed. Progress is reported as (done, total) after each point.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from statevisa.errors import InputError, StatevisaError, problem
from statevisa.sim.scenario import Scenario, parse_scenario, sweepable, with_values
from statevisa.sim.sweep import Sweep, grid, parse_sweeps

Progress = Callable[[int, int], None]
Metric = float | None
SCHEDULER = re.compile(r"tcp://[A-Za-z0-9.\-\[\]:]+:\d{1,5}")
DEFAULT_YEAR = 2024


@dataclass(frozen=True)
class Run:
    """A checked scenario, its sweeps and the points they span (one empty point without sweeps)."""

    scenario: Scenario
    sweeps: tuple[Sweep, ...]
    points: tuple[dict[str, float], ...]
    source: str


@dataclass(frozen=True)
class Point:
    """One point computed: the swept values, the headline numbers, the tables behind them."""

    values: dict[str, float]
    metrics: dict[str, Metric]
    tables: dict[str, list[dict[str, Any]]]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """A finished run: every point in grid order, how long it took and where it ran."""

    run: Run
    points: tuple[Point, ...]
    seconds: float
    where: str

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One row per point: the swept values, then each metric."""
        return [{**point.values, **point.metrics} for point in self.points]

    @property
    def varying(self) -> tuple[str, ...]:
        """The metrics whose value changes from one point to another (all of them for one point)."""
        names = tuple(self.points[0].metrics)
        if len(self.points) == 1:
            return names
        return tuple(name for name in names if len({p.metrics.get(name) for p in self.points}) > 1)


def example_text() -> str:
    """The shipped example scenario (``services/scenarios/lab-example.yaml``), as text."""
    from importlib.resources import files

    return (files("statevisa.services") / "scenarios" / "lab-example.yaml").read_text(encoding="utf-8")


def read(path: Path, today: dt.date, sweeps: Sequence[str] = ()) -> Run:
    """`statevisa lab run SCENARIO.yaml`: the file read and checked, with its sweeps."""
    from statevisa.rules.source import decode_policy

    if not path.is_file():
        raise InputError(problem("no-such-file", "no such file", file=path, field="SCENARIO"))
    return load(decode_policy(path.read_bytes(), str(path)), str(path), today, sweeps)


def load(text: str, name: str, today: dt.date, sweeps: Sequence[str] = ()) -> Run:
    """A scenario from its text, checked whole, and its sweeps checked against it."""
    from statevisa.rules.source import parse_yaml

    doc = parse_yaml(text, name)
    scenario = parse_scenario(doc, today)
    _check(scenario, doc)
    swept = parse_sweeps(sweeps)
    for sweep in swept:
        why = sweepable(scenario, sweep.name)
        if why is not None:
            raise InputError(problem("not-sweepable", why, field="--sweep"))
    points = tuple(grid(swept))
    for values in (points[0], points[-1]):
        _check_point(with_values(scenario, values), values)
    return Run(scenario, swept, points, name)


def _check(scenario: Scenario, doc: Any) -> None:
    """What the core cannot know: the program, its `set` values, the options, the cooperation file."""
    if scenario.program is not None:
        from statevisa.programs import shipped_ids

        if scenario.program not in shipped_ids():
            raise InputError(
                problem("unknown-program", f"'{scenario.program}' is not a shipped program", field="program")
            )
    _check_point(scenario, {})
    if scenario.cooperation is not None:
        from statevisa.cooperation.scenario import parse_scenarios
        from statevisa.rules.source import Document
        from statevisa.services.cooperation import shipped_law

        parse_scenarios(Document(doc.name, doc.text, doc.root["cooperation"]), shipped_law())


def _check_point(scenario: Scenario, values: Mapping[str, float]) -> None:
    try:
        if scenario.program is not None:
            from statevisa.services.programs import open_program

            open_program(scenario.program, scenario.on, scenario.sets)
        if scenario.heartland is not None:
            from statevisa.services.heartland import prepare

            prepare(_heartland_options(scenario.heartland), scenario.on)
    except StatevisaError as error:
        where = ", ".join(f"{name} = {value:g}" for name, value in values.items())
        raise type(error)(
            [replace(p, message=f"{p.message} (at {where})") if where else p for p in error.problems]
        ) from None


def _heartland_options(part: Mapping[str, Any]) -> Any:
    from statevisa.services.heartland import Options

    return Options(
        window=part.get("window"),
        vintage=part.get("vintage"),
        growth_ratio=part.get("growth_ratio"),
        universe="opt-in",
    )


def _float(value: object) -> float:
    """A Polars aggregate as a float (an empty column's None as 0)."""
    return float(value) if isinstance(value, int | float) else 0.0


# One point ------------------------------------------------------------------------------------


def run_point(scenario: Scenario, values: Mapping[str, float]) -> Point:
    """Compute one point of a run (in any process: everything it needs is in its arguments)."""
    point = with_values(scenario, values)
    metrics: dict[str, Metric] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    warnings: list[str] = []
    if "people" in point.parts:
        warnings += _people(point, metrics, tables)
    if "caps" in point.parts:
        warnings += _caps(point, metrics, tables)
    if "heartland" in point.parts:
        warnings += _heartland(point, metrics, tables)
    if "cooperation" in point.parts:
        _cooperation(point, metrics, tables)
    return Point(dict(values), metrics, tables, tuple(dict.fromkeys(warnings)))


def _people(s: Scenario, metrics: dict[str, Metric], tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    import polars as pl

    from statevisa.rules.evaluate import evaluate_frame
    from statevisa.rules.model import Kind
    from statevisa.rules.validate import validate
    from statevisa.services.programs import open_program
    from statevisa.sim.synthetic import population

    assert s.program is not None
    opened = open_program(s.program, s.on, s.sets)
    people = s.people or {}
    count, seed = people.get("count", 10_000), people.get("seed", 1)
    try:
        frame = population(opened.resolved, count, seed)
    except ValueError as error:
        raise InputError(problem("cannot-synthesise", f"{s.program}: {error}", field="people")) from None
    result = evaluate_frame(opened.resolved, validate(opened.resolved, frame, "people"), "people")
    types = opened.program.types
    metrics["people"] = float(count)
    if (
        "eligible" in result.columns
        and types.get("eligible") is not None
        and types["eligible"].kind is Kind.BOOL
    ):
        metrics["eligible share"] = _float(result["eligible"].mean())
    score = next((n for n in ("score", "points") if n in result.columns and types[n].numeric), None)
    if score is not None:
        values = result[score].cast(pl.Float64)
        metrics[f"median {score}"] = _float(values.median())
        counts = values.round(0).value_counts().sort(score)
        tables[f"{score} distribution"] = [{score: float(v), "people": int(n)} for v, n in counts.iter_rows()]
    return list(opened.warnings)


def _caps(s: Scenario, metrics: dict[str, Metric], tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    from statevisa.services.allocation import allocate, allocation_of
    from statevisa.services.programs import open_program

    assert s.program is not None
    opened = open_program(s.program, s.on, s.sets)
    caps = s.caps or {}
    done = allocation_of(opened, int(caps.get("year", DEFAULT_YEAR)), s.sets)
    given = caps.get("method")
    if given is not None:
        from statevisa.allocation.apportion import METHODS

        method = next((m for m in METHODS if m == given), None)
        if method is None:
            choices = ", ".join(METHODS)
            raise InputError(
                problem("not-a-choice", f"caps.method '{given}' is not one of {choices}", field="caps.method")
            )
        done = allocate(replace(done.request, method=method))
    table = done.table.sort("allocation", descending=True)
    metrics["caps total"] = float(table["allocation"].sum())
    metrics["largest state cap"] = _float(table["allocation"].max())
    metrics["smallest state cap"] = _float(table["allocation"].min())
    tables["caps by state"] = table.select("fips", "name", "population", "allocation").to_dicts()
    return list(opened.warnings)


def _heartland(s: Scenario, metrics: dict[str, Metric], tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    import polars as pl

    from statevisa.services.heartland import CapOptions, evaluate, share_cap

    assert s.heartland is not None
    part = s.heartland
    options = _heartland_options(part)
    result = evaluate(options, s.on)
    eligible = result.frame.filter(pl.col("eligible"))
    metrics["eligible counties"] = float(eligible.height)
    top = int(part.get("participants", 10))
    codes = eligible.sort("population", descending=True)["fips"].head(top).to_list()
    metrics["participating counties"] = float(len(codes))
    if codes:
        given_cap, given_method = part.get("cap"), part.get("method")
        cap = CapOptions(
            cap=given_cap if isinstance(given_cap, int) else None,
            method=given_method if isinstance(given_method, str) else None,
        )
        shared = share_cap(codes, cap, options, s.on, "the scenario's participants").result
        shares = [x.allocation for x in shared.shares if x.allocation is not None]
        metrics["largest county cap"] = float(max(shares)) if shares else None
        tables["heartland caps"] = [
            {"fips": x.fips, "county": f"{x.name}, {x.state}", "weight": x.weight, "cap": x.allocation}
            for x in shared.shares
        ]
    return list(result.warnings)


def _cooperation(s: Scenario, metrics: dict[str, Metric], tables: dict[str, list[dict[str, Any]]]) -> None:
    import io

    from ruamel.yaml import YAML

    from statevisa.cooperation.scenario import parse_scenarios
    from statevisa.cooperation.simulate import run
    from statevisa.rules.source import parse_yaml
    from statevisa.services.cooperation import shipped_law

    buffer = io.StringIO()
    YAML(typ="safe", pure=True).dump(dict(s.cooperation or {}), buffer)
    law = shipped_law()
    report = run(law, parse_scenarios(parse_yaml(buffer.getvalue(), "cooperation"), law))
    national = report.national
    for row in national.iter_rows(named=True):
        metrics[f"arrests/day: {row['scenario']}"] = float(row["scenario_per_day"])
    tables["capacity scenarios"] = national.select(
        "scenario", "scenario_per_day", "sweep_low", "sweep_high", "share_of_target", "excess"
    ).to_dicts()
    metrics["target arrests/day"] = float(report.target)


# Fanning out ----------------------------------------------------------------------------------


def execute(
    run: Run, *, scheduler: str | None = None, workers: int | None = None, progress: Progress | None = None
) -> Report:
    """Compute every point of `run`: here (one point), in local processes, or on Dask."""
    started = time.perf_counter()
    total = len(run.points)
    tell = progress or (lambda done, all_: None)
    tell(0, total)
    if scheduler is not None:
        points, where = _on_dask(run, scheduler, tell), f"on Dask at {scheduler}"
    elif total == 1:
        points, where = [run_point(run.scenario, run.points[0])], "in this process"
        tell(1, 1)
    else:
        count = max(1, min(total, workers or os.cpu_count() or 1))
        points, where = _in_processes(run, count, tell), f"in {count} local processes"
    return Report(run, tuple(points), time.perf_counter() - started, where)


def _in_processes(run: Run, workers: int, tell: Progress) -> list[Point]:
    found: dict[int, Point] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(run_point, run.scenario, values): i for i, values in enumerate(run.points)}
        for future in as_completed(futures):
            found[futures[future]] = future.result()
            tell(len(found), len(run.points))
    return [found[i] for i in range(len(run.points))]


def _on_dask(run: Run, address: str, tell: Progress) -> list[Point]:
    if not SCHEDULER.fullmatch(address):
        raise InputError(problem("bad-scheduler", f"'{address}' is not tcp://HOST:PORT", field="--scheduler"))
    from distributed import Client
    from distributed import as_completed as arrived

    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as error:
        raise InputError(
            problem(
                "no-scheduler", f"cannot reach the Dask scheduler at {address}: {error}", field="--scheduler"
            )
        ) from None
    found: dict[int, Point] = {}
    with client:
        futures = [client.submit(run_point, run.scenario, values, pure=False) for values in run.points]
        index = {future.key: i for i, future in enumerate(futures)}
        for future in arrived(futures):  # type: ignore[no-untyped-call]
            found[index[future.key]] = future.result()
            tell(len(found), len(run.points))
    return [found[i] for i in range(len(run.points))]
