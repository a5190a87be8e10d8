"""Charts and maps as Vega-Lite specs, built with Altair from what the services return.

Each builder returns the spec as a plain dict that a template passes through ``tojson`` to
vega-embed (``static/app.js``), which draws it as SVG in the page. Data travel inline; the
county and state shapes are the vendored us-atlas TopoJSON, pre-projected (Albers USA,
975 x 610), served once from ``/atlas/<name>.json`` and drawn with an identity projection.
Colours are from a palette that colour-blind readers can tell apart (Okabe-Ito), and every
chart carries a description that screen readers announce.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

Row = Mapping[str, object]
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
STATUS_COLOURS = {
    "confirmed": "#009E73",
    "reported": "#0072B2",
    "default": "#CC79A7",
    "unconfirmed": "#D55E00",
    "scenario": "#E69F00",
}
MAP_WIDTH, MAP_HEIGHT = 975, 610


def spec(chart: alt.TopLevelMixin, **datasets: Sequence[Row]) -> dict[str, Any]:
    """The chart as a Vega-Lite dict, its named datasets put in after Altair has built it.

    Altair walks every inline value when it builds a spec (4 s for 3,000 counties); naming
    the data (`_named`) and filling ``datasets`` here keeps a page's spec in milliseconds.
    The spec is not re-validated on every request: the tests validate each builder.
    """
    found: dict[str, Any] = chart.to_dict(validate=False)
    named = {key: [dict(row) for row in rows] for key, rows in datasets.items()}
    found["datasets"] = {**found.get("datasets", {}), **named}
    return found


def _named(name: str) -> alt.NamedData:
    """Data filled in by `spec(..., name=rows)`."""
    return alt.NamedData(name=name)


def _atlas(url: str, feature: str = "", mesh: str = "") -> alt.UrlData:
    """Shapes from the atlas: one `feature` per geometry, or the `mesh` of shared borders."""
    if mesh:
        return alt.UrlData(url=url, format=alt.TopoDataFormat(type="topojson", mesh=mesh))
    return alt.UrlData(url=url, format=alt.TopoDataFormat(type="topojson", feature=feature))


def parameter_timeline(rows: Sequence[Row], on: dt.date) -> dict[str, Any]:
    """Each parameter's dated values as bars from start to end, coloured by how sure they are."""
    horizon = (on + dt.timedelta(days=365)).isoformat()
    data = [
        {
            "parameter": row["parameter"],
            "start": str(row["start"]),
            "end": str(row["end"]) if row["end"] is not None else horizon,
            "value": row["value"] if row["value"] is not None else "OPEN (no value)",
            "status": row["status"],
            "cite": row["cite"],
        }
        for row in rows
    ]
    names = list(dict.fromkeys(str(row["parameter"]) for row in rows))
    statuses = [s for s in STATUS_COLOURS if any(row["status"] == s for row in rows)]
    bars = (
        alt.Chart(_named("values"))
        .mark_bar(height={"band": 0.7})
        .encode(
            x=alt.X("start:T", title=None, scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y")),
            x2="end:T",
            y=alt.Y("parameter:N", sort=names, title=None, axis=alt.Axis(labelLimit=220)),
            color=alt.Color(
                "status:N",
                title="status",
                scale=alt.Scale(domain=statuses, range=[STATUS_COLOURS[s] for s in statuses]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=["parameter:N", "value:N", "start:N", "end:N", "status:N", "cite:N"],
        )
    )
    today = (
        alt.Chart(_named("today"))
        .mark_rule(color="#000", strokeDash=[4, 3])
        .encode(x=alt.X("on:T", scale=alt.Scale(type="utc")))
    )
    return spec(
        alt.layer(bars, today).properties(
            width="container",
            height=max(80, 18 * len(names)),
            description="Each parameter's values over time; the dashed line is the date the page is read.",
        ),
        values=data,
        today=[{"on": on.isoformat()}],
    )


ELIGIBILITY = {
    "eligible": "#0072B2",
    "not eligible": "#D9D9D9",
    "not eligible, partial data": "#8C8C8C",
}
PARTICIPATION = {
    "participating": "#D55E00",
    "eligible, not participating": "#9CC7E8",
    "not eligible": "#D9D9D9",
}


def _participation(row: Row) -> str:
    if row["participating"]:
        return "participating"
    return "eligible, not participating" if row["eligible"] else "not eligible"


def palette(colour: str) -> dict[str, str]:
    """The county map's categories and their colours, for the legend the page draws."""
    return ELIGIBILITY if colour == "eligibility" else PARTICIPATION


def county_map(rows: Sequence[Row], colour: str, atlas_url: str) -> dict[str, Any]:
    """Every county of the atlas coloured by eligibility or by participation, state borders on top.

    The county rows are joined to the shapes by FIPS code in the browser (a lookup), so the
    page carries the decisions, not the geometry; the shapes come once from `atlas_url`.
    """
    colours = palette(colour)
    values = [
        {
            "fips": row["fips"],
            "name": f"{row['name']}, {row['state']}",
            "category": row["status"] if colour == "eligibility" else _participation(row),
            "cap": row["cap"],
            "growth": None if row["growth"] is None else round(float(str(row["growth"])) * 100, 2),
        }
        for row in rows
    ]
    lookup = alt.LookupData(data=_named("counties"), key="fips", fields=["name", "category", "cap", "growth"])
    counties = (
        alt.Chart(_atlas(atlas_url, feature="counties"))
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.2)
        .transform_lookup(lookup="id", from_=lookup)
        .encode(
            color=alt.Color(
                "category:N",
                title=None,
                scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                legend=None,  # drawn in the page (`palette`), readable at any width
            ),
            tooltip=[
                alt.Tooltip("name:N", title="county"),
                alt.Tooltip("id:N", title="FIPS"),
                alt.Tooltip("category:N", title=colour),
                alt.Tooltip("growth:Q", title="growth, %"),
                alt.Tooltip("cap:Q", title="cap"),
            ],
        )
    )
    borders = alt.Chart(_atlas(atlas_url, mesh="states")).mark_geoshape(
        filled=False, stroke="#333333", strokeWidth=0.6, aria=False
    )
    return spec(
        alt.layer(counties, borders)
        .project(type="identity")
        .properties(
            width=MAP_WIDTH,
            height=MAP_HEIGHT,
            description=f"Map of US counties coloured by {colour}; select a county to explain its decision.",
        )
        .configure_view(stroke=None),
        counties=values,
    )


def method_grid(rows: Sequence[Row], methods: Sequence[str], baseline: str) -> dict[str, Any]:
    """States by methods: each cell the cap, coloured by how far it is from the baseline method's."""
    order = [str(row["name"]) for row in rows]
    cells = [
        {
            "state": row["name"],
            "method": method,
            "cap": row[method],
            "difference": int(str(row[method])) - int(str(row[baseline])),
        }
        for row in rows
        for method in methods
    ]
    largest = max([abs(int(str(c["difference"]))) for c in cells] + [1])
    base = alt.Chart(_named("cells")).encode(
        x=alt.X(
            "method:N",
            sort=list(methods),
            title=None,
            axis=alt.Axis(orient="top", labelAngle=-35, labelAlign="left"),
        ),
        y=alt.Y("state:N", sort=order, title=None),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "difference:Q",
            title=f"difference from {baseline}",
            scale=alt.Scale(scheme="blueorange", domain=[-largest, largest], domainMid=0),
            legend=alt.Legend(orient="top", gradientLength=160),
        ),
        tooltip=["state:N", "method:N", alt.Tooltip("cap:Q", format=","), "difference:Q"],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("cap:Q", format=","),
        color=alt.condition(
            f"abs(datum.difference) > {largest * 0.6}", alt.value("#fff"), alt.value("#1b1f24")
        ),
    )
    return spec(
        alt.layer(heat, text).properties(
            width="container",
            height=14 * len(order),
            description=f"Caps per state under each method, coloured by the difference from {baseline}.",
        ),
        cells=cells,
    )


def state_map(
    rows: Sequence[Row], field: str, title: str, atlas_url: str, tooltip: Sequence[str]
) -> dict[str, Any]:
    """States coloured by `field` (a count), every method's cap in the tooltip."""
    values = [{"fips": row["fips"], **{key: row[key] for key in ("name", field, *tooltip)}} for row in rows]
    fields = ["name", field, *tooltip]
    shapes = (
        alt.Chart(_atlas(atlas_url, feature="states"))
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.7)
        .transform_lookup(lookup="id", from_=alt.LookupData(data=_named("states"), key="fips", fields=fields))
        .encode(
            color=alt.Color(
                f"{field}:Q", title=title, scale=alt.Scale(scheme="oranges"), legend=alt.Legend(orient="top")
            ),
            tooltip=[
                alt.Tooltip("name:N", title="state"),
                *[alt.Tooltip(f"{key}:Q", format=",") for key in (field, *tooltip)],
            ],
        )
        .project(type="identity")
        .properties(width=MAP_WIDTH, height=MAP_HEIGHT, description=f"Map of the states coloured by {title}.")
        .configure_view(stroke=None)
    )
    return spec(shapes, states=values)


def cutoffs(rows: Sequence[Row]) -> dict[str, Any]:
    """The lowest score invited in each ranked round, over time, one line per program and state."""
    points = [
        {
            "round": row["id"],
            "at": str(row["drawn_at"] or row["created_at"])[:19],
            "cutoff": row["cutoff"],
            "series": f"{row['program_id']} in {row['jurisdiction']}",
            "invited": row["invited"],
        }
        for row in rows
        if row["cutoff"] is not None
    ]
    chart = (
        alt.Chart(_named("cutoffs"))
        .mark_line(point=True)
        .encode(
            x=alt.X("at:T", title="round run", scale=alt.Scale(type="utc")),
            y=alt.Y("cutoff:Q", title="cut-off score", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(range=list(OKABE_ITO)),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                "round:Q",
                "series:N",
                "cutoff:Q",
                "invited:Q",
                alt.Tooltip("at:T", format="%Y-%m-%d %H:%M"),
            ],
        )
        .properties(
            width="container", height=220, description="Cut-off score of each ranked round over time."
        )
    )
    return spec(chart, cutoffs=points)


def invitations(rows: Sequence[Row]) -> dict[str, Any]:
    """Entries and invitations per round, in the order the rounds were run."""
    bars = [
        {"round": f"#{row['id']} {row['kind']} ({row['jurisdiction']})", "count": row[what], "what": what}
        for row in rows
        for what in ("entries", "invited")
    ]
    chart = (
        alt.Chart(_named("rounds"))
        .mark_bar()
        .encode(
            y=alt.Y("round:N", title=None, sort=None),
            yOffset=alt.YOffset("what:N", sort=["entries", "invited"]),
            x=alt.X("count:Q", title="applications"),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=["entries", "invited"], range=["#9CC7E8", "#0072B2"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=["round:N", "what:N", "count:Q"],
        )
        .properties(
            width="container",
            height=max(60, 44 * len(rows)),
            description="Entries and invitations per round.",
        )
    )
    return spec(chart, rounds=bars)


def _items(value: object) -> tuple[object, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


VERDICTS = {"required": "#0072B2", "permitted": "#D9D9D9", "prohibited": "#D55E00"}


def state_verdicts(rows: Sequence[Row], atlas_url: str, description: str) -> dict[str, Any]:
    """States coloured by what their law says of one action (required, permitted, prohibited)."""
    values = [
        {
            "fips": row["fips"],
            "name": row["name"],
            "verdict": row["verdict"],
            "rules": "; ".join(str(rule) for rule in _items(row["rules"])),
        }
        for row in rows
    ]
    shapes = (
        alt.Chart(_atlas(atlas_url, feature="states"))
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.7)
        .transform_lookup(
            lookup="id",
            from_=alt.LookupData(data=_named("states"), key="fips", fields=["name", "verdict", "rules"]),
        )
        .transform_filter("isValid(datum.verdict)")
        .encode(
            color=alt.Color(
                "verdict:N",
                scale=alt.Scale(domain=list(VERDICTS), range=list(VERDICTS.values())),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("name:N", title="state"),
                "verdict:N",
                alt.Tooltip("rules:N", title="deciding rules"),
            ],
        )
        .project(type="identity")
        .properties(width=MAP_WIDTH, height=MAP_HEIGHT, description=description)
        .configure_view(stroke=None)
    )
    return spec(shapes, states=values)


def agreement_totals(totals: Sequence[tuple[dt.date, int]]) -> dict[str, Any]:
    """287(g) agreements in force on each of ICE's list dates."""
    chart = (
        alt.Chart(_named("totals"))
        .mark_bar(color="#0072B2")
        .encode(
            x=alt.X("list:N", title="ICE list of"),
            y=alt.Y("agreements:Q", title="287(g) agreements"),
            tooltip=["list:N", alt.Tooltip("agreements:Q", format=",")],
        )
        .properties(width="container", height=200, description="287(g) agreements on each ICE list.")
    )
    return spec(chart, totals=[{"list": day.isoformat(), "agreements": count} for day, count in totals])


DIFFERENCE_COLOURS = ("#009E73", "#D55E00", "#0072B2", "#CC79A7")
"""Four methods told apart at a glance (no two oranges side by side)."""


def method_differences(rows: Sequence[Row], methods: Sequence[str], baseline: str) -> dict[str, Any]:
    """Bars of each method's cap minus the baseline's, for the states where the methods disagree."""
    bars = [
        {"state": row["name"], "method": m, "difference": int(str(row[m])) - int(str(row[baseline]))}
        for row in rows
        for m in methods
        if m != baseline and row[m] != row[baseline]
    ]
    others = [m for m in methods if any(bar["method"] == m for bar in bars)]
    order = list(dict.fromkeys(str(bar["state"]) for bar in bars))
    chart = (
        alt.Chart(_named("bars"))
        .mark_bar()
        .encode(
            y=alt.Y("state:N", sort=order, title=None),
            yOffset=alt.YOffset("method:N", sort=others),
            x=alt.X("difference:Q", title=f"cap minus the {baseline} cap"),
            color=alt.Color(
                "method:N",
                scale=alt.Scale(domain=others, range=list(DIFFERENCE_COLOURS[: len(others)])),
                legend=alt.Legend(orient="bottom", columns=2, title=None),
            ),
            tooltip=["state:N", "method:N", "difference:Q"],
        )
        .properties(
            width="container",
            height=max(60, 10 * len(bars)),
            description=f"How far each method's cap is from {baseline}'s, in the states where they differ.",
        )
    )
    return spec(chart, bars=bars)
