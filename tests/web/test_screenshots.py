"""Screenshots of every page at 1,280 px and 390 px: the docs' pictures, and a check that each draws.

``make screenshots`` runs this with ``STATEVISA_SCREENSHOTS=docs/screenshots`` so the pictures
in the docs are regenerated from the demo data; in a plain test run they go to a temporary
folder, and each must still be a full picture of a drawn page.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.test_browser import charts_drawn


def _evaluate(page: Page) -> None:
    page.get_by_role("button", name="Evaluate").click()
    expect(page.get_by_test_id("explanation")).to_be_visible()


def _county(page: Page) -> None:
    page.get_by_label("County FIPS").fill("38053")
    page.get_by_role("button", name="Explain").click()
    expect(page.get_by_test_id("county-explanation")).to_be_visible()


def _verify(page: Page) -> None:
    page.get_by_role("button", name="Verify this draw").first.click()
    expect(page.get_by_test_id("verification")).to_be_visible()


def _inclusion(page: Page) -> None:
    page.get_by_role("button", name="Check inclusion").click()
    expect(page.get_by_test_id("inclusion-result")).to_be_visible()


MAX_HEIGHT = 2_600
"""Long pages are cut here: the top of a page shows what it is; the docs stay small."""


def _lab_run(page: Page) -> None:
    page.get_by_label("Sweeps", exact=False).fill("")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/lab/runs/*", timeout=120_000)


SHOTS: tuple[tuple[str, str, Callable[[Page], None] | None], ...] = (
    ("home", "/", None),
    ("programs", "/programs", None),
    ("program", "/programs/w-visa", _evaluate),
    ("heartland", "/heartland", _county),
    ("heartland-participation", "/heartland?colour=participation&method=webster", None),
    ("allocation", "/allocation", None),
    ("rounds", "/rounds", _verify),
    ("cooperation", "/cooperation", None),
    ("lab", "/lab", None),
    ("lab-report", "/lab", _lab_run),
    ("audit", "/audit", _inclusion),
    ("login", "/login", None),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("STATEVISA_SCREENSHOTS")
    target = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(("name", "path", "action"), SHOTS, ids=[shot[0] for shot in SHOTS])
def test_a_screenshot_of_each_page(
    page: Page, folder: Path, name: str, path: str, action: Callable[[Page], None] | None, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path)
    page.wait_for_load_state("networkidle")
    charts_drawn(page)
    if action is not None:
        action(page)
        charts_drawn(page)
    target = folder / f"{name}-{width}.png"
    height = min(MAX_HEIGHT, int(page.evaluate("() => document.documentElement.scrollHeight")))
    page.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
    assert target.stat().st_size > 10_000
