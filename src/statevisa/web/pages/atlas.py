"""The map shapes: the vendored us-atlas TopoJSON, pre-projected, served once and cached.

Maps fetch their shapes from here rather than carrying 800 kB of geometry in every page; the
bytes are the package's own (`statevisa.reference.geo`), gzip-compressed once per process.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache

from fastapi import APIRouter, Request, Response

from statevisa.errors import NotFoundError, problem
from statevisa.web.site import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ATLAS_URL = "/atlas/us-albers.json"


@cache
def _atlas() -> tuple[bytes, bytes, str]:
    from statevisa.reference.geo import topojson_text

    raw = topojson_text("counties_albers").encode("utf-8")
    return raw, gzip.compress(raw, mtime=0), hashlib.sha256(raw).hexdigest()[:32]


@router.get("/atlas/{name}")
def atlas(request: Request, name: str) -> Response:
    """US counties, states and nation (Census 2023 cartographic boundaries, Albers USA, 975 x 610)."""
    if f"/atlas/{name}" != ATLAS_URL:
        raise NotFoundError(problem("not-found", f"no atlas {name[:40]!r}", field="atlas"))
    raw, packed, tag = _atlas()
    headers = {"Cache-Control": "public, max-age=86400", "ETag": f'"{tag}"', "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == f'"{tag}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            packed, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"}
        )
    return Response(raw, media_type="application/json", headers=headers)
