"""The lab page: a scenario run in the background with its progress, then its report and exports."""

from __future__ import annotations

import json
import re
import time

from fastapi.testclient import TestClient

CAPS = "title: W caps\non: 2026-03-01\nprogram: w-visa\ncaps: {year: 2024}\nheartland: {participants: 3}\n"
HTMX = {"HX-Request": "true"}


def _finished(site: TestClient, text: str, sweeps: str = "") -> str:
    """Start a run as the page does and poll its progress until it is done; its id."""
    started = site.post("/lab/runs", data={"scenario": text, "sweeps": sweeps}, headers=HTMX)
    assert started.status_code == 200, started.text
    found = re.search(r'hx-get="/lab/runs/([\w-]+)/progress"', started.text)
    assert found is not None
    job = found.group(1)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = site.get(f"/lab/runs/{job}/progress", headers=HTMX)
        if "HX-Trigger" in answer.headers:
            assert json.loads(answer.headers["HX-Trigger"]) == {
                "statevisa:lab-done": {"url": f"/lab/runs/{job}"}
            }
            assert "hx-trigger" not in answer.text  # the finished fragment stops the polling
            return job
        assert "problems" not in answer.text, answer.text
        time.sleep(0.2)
    raise AssertionError("the run did not finish in two minutes")


def test_the_page_offers_the_shipped_example(site: TestClient) -> None:
    page = site.get("/lab").text
    assert "W visa with a larger pool" in page and 'data-into="scenario"' in page


def test_a_run_reports_its_results_with_charts_and_exports(site: TestClient) -> None:
    job = _finished(site, CAPS)
    page = site.get(f"/lab/runs/{job}").text
    assert '<td>caps total</td><td class="num">500,000</td>' in page
    assert 'id="spec-caps-by-state"' in page and 'id="spec-heartland-caps"' in page
    exported = site.get(f"/lab/runs/{job}/report.html")
    assert exported.headers["content-disposition"] == f'attachment; filename="statevisa-lab-{job}.html"'
    assert "<script" not in exported.text and exported.text.count("<svg") == 2
    assert site.get(f"/lab/runs/{job}/charts/caps-by-state.svg").text.startswith("<svg")
    assert site.get(f"/lab/runs/{job}/charts/caps-by-state.png").content[:4] == b"\x89PNG"
    assert site.get(f"/lab/runs/{job}/charts/nothing.svg").status_code == 404


def test_a_bad_scenario_is_refused_at_its_line_before_it_runs(site: TestClient) -> None:
    answer = site.post("/lab/runs", data={"scenario": "titel: x\ncaps: {}\n", "sweeps": ""}, headers=HTMX)
    assert answer.status_code == 422
    assert "scenario.yaml:1:1: unknown key &#39;titel&#39;" in answer.text


def test_a_sweep_too_large_for_the_page_is_sent_to_the_command_line(site: TestClient) -> None:
    answer = site.post(
        "/lab/runs", data={"scenario": CAPS, "sweeps": "set.population_pool=0:1000000:1000"}, headers=HTMX
    )
    assert answer.status_code == 422
    assert "1,001 points is more than a page runs (200): use `statevisa lab run`" in answer.text


def test_an_unknown_run_is_not_found(site: TestClient) -> None:
    assert site.get("/lab/runs/nope").status_code == 404
