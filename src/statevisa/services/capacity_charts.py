"""Charts of the capacity model, rendered offline: Altair specs, vl-convert to PNG and SVG.

No chart loads anything from the network: the data and the state outlines (the vendored
us-atlas TopoJSON) are inlined in the spec, as vl-convert needs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import altair as alt

    from statevisa.cooperation.simulate import Report

WIDTH = 640


def comparison(report: Report) -> alt.TopLevelMixin:
    """Arrests per day by scenario, with the sweep's 5-95% band, the baseline and the target."""
    import altair as alt

    rows = report.national.select("scenario", "scenario_per_day", "sweep_low", "sweep_high").to_dicts()
    data = alt.InlineData(values=rows)
    order = [str(row["scenario"]) for row in rows]
    y = alt.Y("scenario:N", sort=order, title=None, axis=alt.Axis(labelLimit=380))
    bars = (
        alt.Chart(data)
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X("scenario_per_day:Q", title="ICE arrests per day (central; band: 5-95% of the sweep)"),
            y=y,
            tooltip=["scenario:N", alt.Tooltip("scenario_per_day:Q", format=",.0f")],
        )
    )
    band = (
        alt.Chart(data).mark_rule(color="#222", strokeWidth=2).encode(x="sweep_low:Q", x2="sweep_high:Q", y=y)
    )
    baseline = float(report.national["baseline_per_day"][0])
    marks: list[tuple[float, str, Literal["left", "right"]]] = [
        (baseline, "baseline (ICE arrests, 2025-01 .. 2026-07)", "left"),
        (report.target, f"target: {report.target:,.0f} per day", "right"),
    ]
    lines = [
        alt.Chart(alt.InlineData(values=[{"value": value, "label": label}]))
        .mark_rule(strokeDash=[6, 3], color="#e45756")
        .encode(x="value:Q")
        + alt.Chart(alt.InlineData(values=[{"value": value, "label": label}]))
        .mark_text(align=side, dx=4 if side == "left" else -4, dy=-6, color="#e45756")
        .encode(x="value:Q", y=alt.value(0), text="label:N")
        for value, label, side in marks
    ]
    title = f"{report.title or 'Capacity scenarios'}: national ICE arrests per day"
    return alt.layer(bars, band, *lines).properties(width=WIDTH, title=title)


def change_map(report: Report, scenario: str) -> alt.Chart:
    """A choropleth of one scenario's change in arrests per day, by state."""
    import altair as alt
    import numpy as np

    from statevisa.reference.geo import topojson

    rows = report.states.filter(report.states["scenario"] == scenario).select("state_fips", "state", "delta")
    lookup = alt.LookupData(
        alt.InlineData(values=rows.to_dicts()), key="state_fips", fields=["state", "delta"]
    )
    outlines = alt.InlineData(values=topojson("states"), format={"type": "topojson", "feature": "states"})
    extreme = max(float(np.abs(rows["delta"].to_numpy()).max(initial=0.0)), 1.0)
    chart: alt.Chart = (
        alt.Chart(outlines)
        .mark_geoshape(stroke="white", strokeWidth=0.5)
        .transform_calculate(state_fips="datum.id")
        .transform_lookup(lookup="state_fips", from_=lookup)
        .encode(
            color=alt.Color(
                "delta:Q",
                title="change per day",
                scale=alt.Scale(scheme="redblue", domain=[-extreme, extreme], reverse=True),
            ),
            tooltip=["state:N", alt.Tooltip("delta:Q", format="+,.1f")],
        )
        .project(type="albersUsa")
        .properties(width=WIDTH, height=400, title=f"Change in ICE arrests per day: {scenario}")
    )
    return chart


def render(chart: alt.TopLevelMixin) -> tuple[bytes, str]:
    """PNG bytes and SVG text of a chart, rendered by vl-convert without a network."""
    import vl_convert as vlc

    spec = json.loads(chart.to_json())
    return vlc.vegalite_to_png(spec, scale=2), vlc.vegalite_to_svg(spec)
