"""The rounds page: cut-offs and invitations over time, lottery commitments, a draw verified."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from statevisa.services import round_summaries
from statevisa.web import forms
from statevisa.web.site import PageRoute, call, render, visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/rounds")
def rounds_page(request: Request) -> Response:
    from statevisa.web import charts

    found = call(request, round_summaries.summaries)
    rows = [vars(summary) for summary in found]
    ranked = any(summary.cutoff is not None for summary in found)
    return render(
        request,
        "rounds.html",
        title="Rounds",
        page="rounds",
        rounds=found,
        cutoffs=charts.cutoffs(rows) if ranked else None,
        invited=charts.invitations(rows) if found else None,
    )


def _round_id(text: str) -> int:
    return forms.whole(text, "round", minimum=1, maximum=2**31 - 1)


@router.get("/rounds/{round_id}/verify")
def verify(request: Request, round_id: str) -> Response:
    """Replay the round in the server and say what was checked (a fragment, or a page)."""
    found = call(request, round_summaries.verify, _round_id(round_id))
    if request.headers.get("hx-request"):
        return render(request, "fragments/verification.html", found=found)
    return render(
        request, "verification.html", title=f"Round {found.round_id} verified", page="rounds", found=found
    )


@router.get("/rounds/{round_id}")
def round_page(request: Request, round_id: str) -> Response:
    """One round; its invited applications only for a signed-in visitor the policy lets see them."""
    number = _round_id(round_id)
    found = [s for s in call(request, round_summaries.summaries) if s.id == number]
    if not found:
        from statevisa.errors import NotFoundError, problem

        raise NotFoundError(problem("not-found", f"no round {number}", field="round"))
    invited = call(request, round_summaries.invitations, number) if visitor(request).signed_in else None
    return render(
        request, "round.html", title=f"Round {number}", page="rounds", round=found[0], invited=invited
    )
