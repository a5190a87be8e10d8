"""A lab run's report: its charts as Vega-Lite specs, and an export a reader can keep or print.

`charts` gives the same specs to the dashboard (drawn in the page) and to the export (rendered
offline to SVG and PNG by vl-convert). `html` is a standalone, printable page: the charts as
inline SVG, the tables, the scenario as written; it loads nothing, so it opens from a file, an
e-mail or a printer. `write` puts the whole export in a folder: ``report.html``, ``results.csv``
(one row per point), ``tables/*.csv`` (a single run's tables), ``charts/*.svg`` and
``charts/*.png``, and ``scenario.yaml``, each written whole or not at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from statevisa.errors import InputError, problem
from statevisa.services.lab import Report
from statevisa.tables import atomic_write, write_table

WIDTH = 560
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")


def shown(value: object) -> str:
    """A result as a reader takes it in: whole thousands with separators, small numbers to 4 digits."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer() or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "chart"


def _spec(chart: Any, **datasets: list[dict[str, Any]]) -> dict[str, Any]:
    """An Altair chart as a dict, its named data filled in (Altair is slow to walk inline rows)."""
    found: dict[str, Any] = chart.to_dict(validate=False)
    found["datasets"] = {**found.get("datasets", {}), **datasets}
    return found


def charts(report: Report) -> dict[str, dict[str, Any]]:
    """The run's charts by name: a sweep's metrics against the swept values, else each table."""
    import altair as alt

    sweeps = report.run.sweeps
    if sweeps:
        x_name = sweeps[0].name
        colour = sweeps[1].name if len(sweeps) > 1 else None
        found = {}
        for metric in report.varying or tuple(report.points[0].metrics):
            rows = [
                {
                    "x": p.values[x_name],
                    "y": p.metrics.get(metric),
                    **({"c": str(p.values[colour])} if colour else {}),
                }
                for p in report.points
            ]
            line = (
                alt.Chart(alt.NamedData(name="points"))
                .mark_line(point=True)
                .encode(
                    x=alt.X("x:Q", title=x_name, scale=alt.Scale(zero=False)),
                    y=alt.Y("y:Q", title=metric, scale=alt.Scale(zero=False)),
                    tooltip=[
                        alt.Tooltip("x:Q", title=x_name),
                        alt.Tooltip("y:Q", title=metric, format=",.4~f"),
                    ],
                )
            )
            if colour:
                line = line.encode(color=alt.Color("c:N", title=colour, scale=alt.Scale(range=list(PALETTE))))
            chart = line.properties(
                width=WIDTH, height=220, title=metric, description=f"{metric} against {x_name}"
            )
            found[f"sweep: {metric}"] = _spec(chart, points=rows)
        return found
    return _tables(report.points[0].tables)


def _tables(tables: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    import altair as alt

    found = {}
    bars = {
        "caps by state": ("name", "allocation", "Visas a year per state"),
        "heartland caps": ("county", "cap", "Visas a year per participating county"),
    }
    for name, (label, value, title) in bars.items():
        if name in tables:
            rows = tables[name]
            chart = (
                alt.Chart(alt.NamedData(name="rows"))
                .mark_bar(color=PALETTE[0])
                .encode(
                    y=alt.Y(f"{label}:N", sort="-x", title=None),
                    x=alt.X(f"{value}:Q", title=title),
                    tooltip=[f"{label}:N", alt.Tooltip(f"{value}:Q", format=",")],
                )
                .properties(width=WIDTH, height=max(60, 13 * len(rows)), title=name, description=title)
            )
            found[name] = _spec(chart, rows=rows)
    for name, rows in tables.items():
        if name.endswith(" distribution"):
            score = name.removesuffix(" distribution")
            chart = (
                alt.Chart(alt.NamedData(name="rows"))
                .mark_bar(color=PALETTE[2])
                .encode(x=alt.X(f"{score}:Q", title=score), y=alt.Y("people:Q", title="people"))
                .properties(width=WIDTH, height=200, title=name, description=f"How the {score} is spread")
            )
            found[name] = _spec(chart, rows=rows)
    if "capacity scenarios" in tables:
        rows = tables["capacity scenarios"]
        y = alt.Y("scenario:N", sort=None, title=None, axis=alt.Axis(labelLimit=320))
        bar = (
            alt.Chart(alt.NamedData(name="rows"))
            .mark_bar(color=PALETTE[0])
            .encode(
                x=alt.X("scenario_per_day:Q", title="ICE arrests per day (band: 5-95% of the sweep)"), y=y
            )
        )
        band = (
            alt.Chart(alt.NamedData(name="rows"))
            .mark_rule(color="#222", strokeWidth=2)
            .encode(x="sweep_low:Q", x2="sweep_high:Q", y=y)
        )
        chart = alt.layer(bar, band).properties(
            width=WIDTH, title="capacity scenarios", description="ICE arrests per day under each scenario"
        )
        found["capacity scenarios"] = _spec(chart, rows=rows)
    return found


def render(spec: dict[str, Any], kind: str) -> bytes:
    """One chart as SVG or PNG, rendered offline by vl-convert."""
    import vl_convert as vlc

    if kind == "svg":
        return str(vlc.vegalite_to_svg(spec)).encode("utf-8")
    if kind == "png":
        return bytes(vlc.vegalite_to_png(spec, scale=2))
    raise InputError(problem("not-a-choice", f"'{kind}' is not svg or png", field="format"))


def html(report: Report, text: str = "", pictures: dict[str, str] | None = None) -> str:
    """The report as one standalone, printable HTML page (inline SVG charts; no script)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("statevisa.services", "templates"), autoescape=select_autoescape())
    env.filters["shown"] = shown
    if pictures is None:
        pictures = {name: render(spec, "svg").decode("utf-8") for name, spec in charts(report).items()}
    return env.get_template("lab_report.html").render(report=report, pictures=pictures, scenario_text=text)


def write(report: Report, out: Path, text: str = "") -> tuple[Path, ...]:
    """The export in folder `out` (created if missing): report, results, tables, charts, scenario."""
    if out.exists() and not out.is_dir():
        raise InputError(problem("not-a-folder", "is a file: --out names a folder", file=out, field="--out"))
    try:
        (out / "charts").mkdir(parents=True, exist_ok=True)
        (out / "tables").mkdir(exist_ok=True)
    except OSError as error:
        raise InputError(
            problem("unwritable", f"cannot create the folder ({error.strerror})", file=out, field="--out")
        ) from None
    written: list[Path] = []

    def put(path: Path, payload: bytes) -> None:
        atomic_write(path, lambda target: target.write_bytes(payload))
        written.append(path)

    results = out / "results.csv"
    write_table(pl.DataFrame(report.rows), results)
    written.append(results)
    if len(report.points) == 1:
        for name, rows in report.points[0].tables.items():
            path = out / "tables" / f"{slug(name)}.csv"
            write_table(pl.DataFrame(rows), path)
            written.append(path)
    pictures = {}
    for name, spec in charts(report).items():
        svg = render(spec, "svg")
        pictures[name] = svg.decode("utf-8")
        put(out / "charts" / f"{slug(name)}.svg", svg)
        put(out / "charts" / f"{slug(name)}.png", render(spec, "png"))
    if text:
        put(out / "scenario.yaml", text.encode("utf-8"))
    put(out / "report.html", html(report, text, pictures).encode("utf-8"))
    return tuple(written)
