"""The audit page: the latest signed tree head, and an inclusion proof checked for one event."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from statevisa.services import audit_check
from statevisa.web.site import PageRoute, call, render, site

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/audit")
def audit_page(request: Request) -> Response:
    head = call(request, audit_check.head, site(request).verifier)
    return render(request, "audit.html", title="Audit log", page="audit", head=head)


@router.get("/audit/inclusion")
def inclusion(request: Request, index: str = "") -> Response:
    """Check event INDEX's inclusion proof (an htmx fragment, or a page when loaded directly)."""
    from statevisa.web.forms import whole

    found = call(request, audit_check.check_inclusion, whole(index, "index"), site(request).verifier)
    if request.headers.get("hx-request"):
        return render(request, "fragments/inclusion.html", found=found)
    head = call(request, audit_check.head, site(request).verifier)
    return render(request, "audit.html", title="Audit log", page="audit", head=head, found=found)
