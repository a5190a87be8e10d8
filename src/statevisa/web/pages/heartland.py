"""The Heartland page: the county map by eligibility or participation, caps, one county explained."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from statevisa.services import county_map
from statevisa.web import forms
from statevisa.web.pages.atlas import ATLAS_URL
from statevisa.web.site import PageRoute, call, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
WINDOWS = tuple(str(n) for n in range(1, 11))
VINTAGES = ("2020", "2023", "2024")
COLOURS = ("eligibility", "participation")


def _methods() -> tuple[str, ...]:
    from statevisa.allocation.apportion import METHODS

    return (*METHODS, "none")


def _choices(request: Request) -> dict[str, str]:
    """The controls as given (blank: the policy file's own choice), each checked."""
    q = request.query_params
    return {
        "window": forms.choice(q.get("window"), "window", WINDOWS, ""),
        "vintage": forms.choice(q.get("vintage"), "vintage", VINTAGES, ""),
        "method": forms.choice(q.get("method"), "method", _methods(), ""),
        "colour": forms.choice(q.get("colour"), "colour", COLOURS, "eligibility"),
    }


def _map(request: Request, chosen: dict[str, str]) -> dict[str, Any]:
    from statevisa.web import charts

    found = call(
        request,
        county_map.county_map,
        int(chosen["window"]) if chosen["window"] else None,
        int(chosen["vintage"]) if chosen["vintage"] else None,
        chosen["method"] or None,
    )
    query = "&".join(f"{key}={value}" for key, value in chosen.items() if value and key != "colour")
    return {
        "found": found,
        "map": charts.county_map(found.counties.to_dicts(), chosen["colour"], ATLAS_URL),
        "legend": charts.palette(chosen["colour"]),
        "explain_url": f"/heartland/county/__ID__?{query}",
        "query": query,
    }


@router.get("/heartland")
def heartland_page(request: Request) -> Response:
    chosen = _choices(request)
    return render(
        request,
        "heartland.html",
        title="Heartland counties",
        page="heartland",
        chosen=chosen,
        windows=WINDOWS,
        vintages=VINTAGES,
        methods=_methods(),
        **_map(request, chosen),
    )


@router.get("/heartland/map")
def heartland_map(request: Request) -> Response:
    """The map, its summary and the cap table for the controls (the fragment htmx swaps in)."""
    chosen = _choices(request)
    return render(request, "fragments/heartland_map.html", chosen=chosen, **_map(request, chosen))


@router.get("/heartland/county/{fips}")
def county(request: Request, fips: str) -> Response:
    """One county's decision explained under the map's window and vintage."""
    chosen = _choices(request)
    found = call(
        request,
        county_map.explain,
        fips,
        int(chosen["window"]) if chosen["window"] else None,
        int(chosen["vintage"]) if chosen["vintage"] else None,
    )
    document = found.to_json()
    if request.headers.get("hx-request"):
        return render(request, "fragments/county.html", explanation=document)
    return render(
        request, "county.html", title=f"County {fips}", page="heartland", explanation=document, fips=fips
    )


@router.get("/heartland/explain")
def explain_form(request: Request, fips: str = "") -> Response:
    """The keyboard path to a county's explanation: its FIPS code typed into a form."""
    return county(request, fips.strip())
