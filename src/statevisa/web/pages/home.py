"""The front page: what each page answers, one line each."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from statevisa.web.site import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "home.html", title="Dashboard", page="home")
