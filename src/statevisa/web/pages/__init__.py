"""One module per page; `ROUTERS` is what `site.mount` includes, in navigation order."""

from __future__ import annotations

from fastapi import APIRouter

from statevisa.web.pages import (
    account,
    allocation,
    atlas,
    audit,
    cooperation,
    heartland,
    home,
    lab,
    programs,
    rounds,
)

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    account.router,
    atlas.router,
    programs.router,
    heartland.router,
    allocation.router,
    rounds.router,
    cooperation.router,
    lab.router,
    audit.router,
)
