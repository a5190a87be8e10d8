"""The allocation page: a program's state caps under each apportionment method, differences shown."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from statevisa.services import compare_methods
from statevisa.web import forms
from statevisa.web.pages.atlas import ATLAS_URL
from statevisa.web.site import PageRoute, call, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
YEARS = ("2020", "2021", "2022", "2023", "2024")


def _compared(request: Request) -> dict[str, Any]:
    from statevisa.web import charts

    programs = compare_methods.allocatable()
    q = request.query_params
    program = forms.choice(q.get("program"), "program", programs, programs[0])
    year = int(forms.choice(q.get("year"), "year", YEARS, YEARS[-1]))
    found = call(request, compare_methods.compare, program, year)
    rows = found.table.to_dicts()
    others = [m for m in found.methods if m != found.baseline]
    return {
        "found": found,
        "rows": rows,
        "grid": charts.method_grid(rows, found.methods, found.baseline),
        "bars": charts.method_differences(rows, found.methods, found.baseline),
        "map": charts.state_map(rows, "spread", "spread across methods", ATLAS_URL, list(found.methods)),
        "others": others,
        "programs": programs,
        "years": YEARS,
    }


@router.get("/allocation")
def allocation_page(request: Request) -> Response:
    return render(
        request, "allocation.html", title="Allocation by method", page="allocation", **_compared(request)
    )


@router.get("/allocation/compare")
def allocation_fragment(request: Request) -> Response:
    return render(request, "fragments/allocation.html", **_compared(request))
