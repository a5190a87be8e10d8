"""The cooperation page: each state's law for an action on a date, 287(g), contradictions, capacity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response

from statevisa.cooperation.vocabulary import FRAME_START
from statevisa.services import cooperation_map
from statevisa.web import forms
from statevisa.web.pages.atlas import ATLAS_URL
from statevisa.web.site import PageRoute, render, today

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PROFILE_LABELS = {
    "no_record": "no criminal record",
    "pending_felony": "a pending felony charge",
    "serious_conviction": "a serious or violent felony conviction",
    "misdemeanor_only": "a misdemeanour conviction only",
}


def _law(request: Request) -> dict[str, Any]:
    from statevisa.web import charts

    q = request.query_params
    action = forms.choice(q.get("action"), "action", cooperation_map.ACTIONS, "honor_detainer")
    profile = forms.choice(q.get("profile"), "profile", cooperation_map.PROFILES, "no_record")
    span = (today(request) - FRAME_START).days
    offset = forms.whole(q.get("day") or str(span), "day", minimum=0, maximum=span)
    on = FRAME_START + dt.timedelta(days=offset)
    found = cooperation_map.law_map(action, on, profile)
    counts = {verdict: sum(1 for s in found if s.verdict == verdict) for verdict in charts.VERDICTS}
    description = f"Map of the states: what each state's law says of {action} on {on}"
    return {
        "action": action,
        "profile": profile,
        "on": on,
        "offset": offset,
        "span": span,
        "states": found,
        "counts": counts,
        "verdicts": charts.VERDICTS,
        "law_map": charts.state_verdicts([vars(s) for s in found], ATLAS_URL, description),
    }


def _registry(request: Request) -> dict[str, Any]:
    from statevisa.web import charts

    given = request.query_params.get("list")
    chosen = forms.date(given, "list", dt.date.min) if given else None
    found = cooperation_map.agreements(chosen)
    rows = [
        {"fips": row["state_fips"], "name": row["state"], "agreements": row["agreements"]}
        for row in found.by_state.iter_rows(named=True)
    ]
    return {
        "registry": found,
        "registry_rows": found.by_state.sort("agreements", descending=True).to_dicts(),
        "agreements_map": charts.state_map(rows, "agreements", "287(g) agreements", ATLAS_URL, []),
        "totals": charts.agreement_totals(found.totals),
        "contradictions": cooperation_map.contradictions(found.chosen).to_dicts(),
    }


@router.get("/cooperation")
def cooperation_page(request: Request) -> Response:
    from statevisa.services.capacity_charts import comparison
    from statevisa.web import charts

    report = cooperation_map.capacity()
    return render(
        request,
        "cooperation.html",
        title="Cooperation with federal enforcement",
        page="cooperation",
        actions=cooperation_map.ACTIONS,
        profiles=PROFILE_LABELS,
        report=report,
        scenarios=report.national.to_dicts(),
        capacity=charts.spec(comparison(report)),
        **_law(request),
        **_registry(request),
    )


@router.get("/cooperation/law")
def law_fragment(request: Request) -> Response:
    return render(request, "fragments/cooperation_law.html", profiles=PROFILE_LABELS, **_law(request))


@router.get("/cooperation/registry")
def registry_fragment(request: Request) -> Response:
    return render(request, "fragments/cooperation_registry.html", **_registry(request))
