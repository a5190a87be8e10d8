"""The dashboard in a real browser (Debian's chromium): pages, controls, maps, keyboard, axe-core.

Every page, at 1,280 px and at a 390 px phone width, must load with no console error, no
failed request and no HTTP error, draw all its charts, fit the screen (wide tables scroll in
their own region), and pass axe-core with no serious or critical violation. The controls are
driven as a visitor would, and what they change is read back from the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response, expect

from statevisa.cooperation.vocabulary import FRAME_START
from statevisa.reference.geo import county_ids
from tests.web.conftest import CALIFORNIA, Demo, token

PAGES = (
    "/",
    "/programs",
    "/programs/w-visa",
    "/heartland",
    "/allocation",
    "/rounds",
    "/cooperation",
    "/lab",
    "/audit",
    "/login",
)
WIDTHS = (1280, 390)
SERIOUS = ("serious", "critical")


@dataclass
class Trouble:
    """What went wrong while a page was open: console errors, failed requests, HTTP errors."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.items.append(f"console error: {message.text}")

    def _failed(self, request: Request) -> None:
        self.items.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, Trouble]]:
    trouble = Trouble()
    trouble.watch(page)
    yield page, trouble


def charts_drawn(page: Page) -> None:
    """Wait until every chart on the page has been drawn by vega-embed (or has failed)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-spec]')].every(el => el.dataset.ready)", timeout=30_000
    )
    failed = page.locator("[data-spec][data-ready=error]")
    assert failed.count() == 0, failed.first.text_content()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(url="/static/vendor/axe.min.js")
    found: list[dict[str, Any]] = page.evaluate("async () => (await axe.run()).violations")
    return [v for v in found if v["impact"] in SERIOUS]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_cleanly_fits_the_screen_and_passes_axe(
    watched: tuple[Page, Trouble], path: str, width: int
) -> None:
    page, trouble = watched
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path)
    page.wait_for_load_state("networkidle")
    charts_drawn(page)
    assert trouble.items == []
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{path} is {overflow}px wider than a {width}px screen"
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}" for v in axe_violations(page)
    ]
    assert problems == []


def test_the_county_map_has_one_shape_per_county_of_the_atlas(watched: tuple[Page, Trouble]) -> None:
    page, trouble = watched
    page.goto("/heartland")
    charts_drawn(page)
    shapes = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('#chart-county-map g.mark-shape.role-mark')]"
        ".map(g => g.querySelectorAll(':scope > path').length))"
    )
    assert shapes == len(county_ids("counties_albers")) == 3144
    assert trouble.items == []


def test_the_heartland_controls_redraw_the_map_and_a_click_explains_a_county(
    watched: tuple[Page, Trouble],
) -> None:
    page, trouble = watched
    page.goto("/heartland")
    charts_drawn(page)
    summary = page.get_by_test_id("heartland-summary")
    expect(summary).to_contain_text("V2020")
    page.get_by_label("Growth window (years)").select_option("3")
    expect(summary).to_contain_text("July 1 2021 -> July 1 2024, V2024")
    page.get_by_label("Cap shared by").select_option("webster")
    expect(page.get_by_test_id("heartland-caps")).to_contain_text("Share (webster)")
    page.get_by_label("participation").check()
    charts_drawn(page)
    expect(page.get_by_label("Map colours")).to_contain_text("eligible, not participating")
    los_angeles = page.locator("#chart-county-map path[aria-label*='Los Angeles County']")
    los_angeles.first.dispatch_event("click")
    expect(page.get_by_test_id("county-explanation")).to_contain_text("Los Angeles County, California")
    assert trouble.items == []


def test_a_county_is_explained_from_the_keyboard(watched: tuple[Page, Trouble]) -> None:
    page, trouble = watched
    page.goto("/heartland")
    page.get_by_label("County FIPS").focus()
    page.keyboard.type("38053")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("county-explanation")).to_contain_text("McKenzie County, North Dakota")
    assert trouble.items == []


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(watched: tuple[Page, Trouble]) -> None:
    page, _ = watched
    page.goto("/programs")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to the content")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_evaluating_a_case_shows_the_explanation_tree(watched: tuple[Page, Trouble]) -> None:
    page, trouble = watched
    page.goto("/programs/w-visa")
    page.get_by_role("button", name="Evaluate").click()
    explanation = page.get_by_test_id("explanation")
    expect(explanation).to_contain_text("eligible")
    expect(explanation.locator("tr", has_text="eligible").first).to_contain_text("true")
    page.get_by_label("purpose").select_option("none")
    page.get_by_role("button", name="Evaluate").click()
    expect(explanation.locator("tr", has_text="principal_qualifies")).to_contain_text("false")
    assert trouble.items == []


def test_the_allocation_year_redraws_the_comparison(watched: tuple[Page, Trouble]) -> None:
    page, trouble = watched
    page.goto("/allocation")
    page.get_by_label("Population year (July 1 estimates)").select_option("2020")
    expect(page.get_by_test_id("allocation-summary")).to_contain_text("by population (2020)")
    charts_drawn(page)
    assert trouble.items == []


def test_the_date_slider_moves_the_law_map(watched: tuple[Page, Trouble]) -> None:
    page, trouble = watched
    page.goto("/cooperation")
    charts_drawn(page)
    summary = page.get_by_test_id("law-summary")
    page.get_by_label("Date").fill(str((dt.date(2013, 1, 1) - FRAME_START).days))
    expect(summary).to_contain_text("On 2013-01-01")
    page.get_by_label("Action asked of the agency").select_option("enter_287g")
    expect(summary).to_contain_text("enter_287g is")
    charts_drawn(page)
    page.get_by_label("ICE list of", exact=True).select_option("2025-01-04")
    expect(page.get_by_test_id("registry-summary")).to_contain_text("list of 2025-01-04")
    assert trouble.items == []


def test_a_lab_run_shows_its_progress_then_its_report(watched: tuple[Page, Trouble]) -> None:
    page, trouble = watched
    page.goto("/lab")
    page.get_by_label("Scenario (YAML)").fill(
        "title: W caps\non: 2026-03-01\nprogram: w-visa\ncaps: {year: 2024}\nheartland: {participants: 3}\n"
    )
    page.get_by_label("Sweeps", exact=False).fill("")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/lab/runs/*", timeout=60_000)
    charts_drawn(page)
    expect(page.get_by_test_id("lab-results")).to_contain_text("caps total")
    assert axe_violations(page) == []
    assert trouble.items == []


def test_verify_this_draw_replays_the_lottery(watched: tuple[Page, Trouble], demo: Demo) -> None:
    page, trouble = watched
    page.goto("/rounds")
    page.get_by_role("button", name="Verify this draw").first.click()
    expect(page.get_by_test_id("verification")).to_contain_text("the same entries, in the same order")
    assert trouble.items == []


def test_an_inclusion_proof_is_checked_on_the_audit_page(watched: tuple[Page, Trouble]) -> None:
    page, trouble = watched
    page.goto("/audit")
    page.get_by_label("Event index").fill("7")
    page.get_by_role("button", name="Check inclusion").click()
    expect(page.get_by_test_id("inclusion-result")).to_contain_text("Included.")
    assert trouble.items == []


def test_signing_in_with_a_token_shows_what_the_role_may_see(
    watched: tuple[Page, Trouble], context: BrowserContext, demo: Demo
) -> None:
    page, trouble = watched
    page.goto(f"/rounds/{demo.seeded.round_id}")
    expect(page.get_by_text("Who was invited is personal")).to_be_visible()
    page.get_by_role("link", name="sign in", exact=True).click()
    page.get_by_label("Bearer token").fill(token(CALIFORNIA))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("invited")).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "statevisa_token")
    assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Strict")
    assert page.evaluate("() => document.cookie") == ""  # out of page scripts' reach
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert trouble.items == []
