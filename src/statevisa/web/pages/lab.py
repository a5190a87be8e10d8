"""The scenario lab: write or upload a scenario, run it (or a sweep), read and export its report."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from statevisa.errors import NotFoundError, StatevisaError, problem
from statevisa.services import lab
from statevisa.web.lab_jobs import MAX_POINTS, Job
from statevisa.web.site import PageRoute, form, render, site, today

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_SWEEPS = 4


def _job(request: Request, job_id: str) -> Job:
    return site(request).jobs.get(job_id)


@router.get("/lab")
def lab_page(request: Request) -> Response:
    return render(
        request,
        "lab.html",
        title="Scenario lab",
        page="lab",
        text=lab.example_text(),
        sweeps="set.population_pool=200000:400000:50000",
        limit=MAX_POINTS,
    )


@router.post("/lab/runs")
async def start(request: Request) -> Response:
    """Check the scenario and its sweeps, then start the run; answer with its progress."""
    given = await form(request)
    text = given.get("scenario", "")
    sweeps = [line.strip() for line in given.get("sweeps", "").splitlines() if line.strip()][: MAX_SWEEPS + 1]
    try:
        run = lab.load(text, "scenario.yaml", today(request), sweeps)
    except StatevisaError as error:
        template = "fragments/problems.html" if request.headers.get("hx-request") else "lab.html"
        return render(
            request, template, 422, title="Scenario lab", page="lab", text=text, sweeps="\n".join(sweeps),
            limit=MAX_POINTS, problems=error.problems,
        )  # fmt: skip
    job = site(request).jobs.start(run, text)
    if request.headers.get("hx-request"):
        return render(request, "fragments/lab_progress.html", job=job)
    return RedirectResponse(f"/lab/runs/{job.id}", status_code=303)


@router.get("/lab/runs/{job_id}/progress")
def progress(request: Request, job_id: str) -> Response:
    """The progress bar while the run computes; when it is done, the page goes to the report.

    The finished fragment stops the polling (it replaces the polling element) and asks the page
    to open the report (`statevisa:lab-done`, handled in app.js): an HX-Redirect would leave
    the poll running, and its next answer would start the navigation again.
    """
    job = _job(request, job_id)
    response = render(request, "fragments/lab_progress.html", job=job)
    if job.state == "done":
        response.headers["HX-Trigger"] = json.dumps({"statevisa:lab-done": {"url": f"/lab/runs/{job.id}"}})
    return response


@router.get("/lab/runs/{job_id}")
def report_page(request: Request, job_id: str) -> Response:
    job = _job(request, job_id)
    context: dict[str, Any] = {"job": job, "title": "Scenario lab report", "page": "lab"}
    if job.report is not None:
        from statevisa.services.lab_report import charts, slug

        context["charts"] = {name: (slug(name), spec) for name, spec in charts(job.report).items()}
    return render(request, "lab_report.html", **context)


@router.get("/lab/runs/{job_id}/report.html")
def export_html(request: Request, job_id: str) -> Response:
    """The standalone, printable report (charts as inline SVG; no script)."""
    from statevisa.services.lab_report import html

    report = _finished(request, job_id)
    headers = {"Content-Disposition": f'attachment; filename="statevisa-lab-{job_id}.html"'}
    return Response(html(report, _job(request, job_id).text), media_type="text/html", headers=headers)


@router.get("/lab/runs/{job_id}/charts/{name}.{kind}")
def export_chart(request: Request, job_id: str, name: str, kind: str) -> Response:
    """One chart of the report as SVG or PNG (rendered by vl-convert)."""
    from statevisa.services.lab_report import charts, render, slug

    report = _finished(request, job_id)
    found = {slug(title): spec for title, spec in charts(report).items()}
    if name not in found or kind not in ("svg", "png"):
        raise NotFoundError(problem("not-found", f"no chart {name[:60]}.{kind[:4]}", field="chart"))
    media = "image/svg+xml" if kind == "svg" else "image/png"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{kind}"'}
    return Response(render(found[name], kind), media_type=media, headers=headers)


def _finished(request: Request, job_id: str) -> lab.Report:
    job = _job(request, job_id)
    if job.report is None:
        raise NotFoundError(problem("not-finished", f"the run is {job.state}: no report yet", field="run"))
    return job.report
