"""The cooperation page: the law map by action and date, 287(g) lists, contradictions, capacity."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from statevisa.cooperation.vocabulary import FRAME_START


def test_the_page_shows_the_law_the_registry_and_the_capacity_scenarios(site: TestClient) -> None:
    page = site.get("/cooperation").text
    assert "<code>honor_detainer</code> is" in page
    assert 'id="spec-law-map"' in page and 'id="spec-agreements-map"' in page and 'id="spec-capacity"' in page
    assert "restrictive states adopt the Texas regime" in page


def test_the_date_slider_and_the_action_redraw_the_law(site: TestClient) -> None:
    day = (dt.date(2013, 1, 1) - FRAME_START).days
    answer = site.get(f"/cooperation/law?action=enter_287g&profile=pending_felony&day={day}").text
    assert '<output for="day">2013-01-01</output>' in answer
    assert "<code>enter_287g</code> is" in answer and "a pending felony charge" in answer
    late = site.get("/cooperation/law?day=999999", headers={"HX-Request": "true"})
    assert late.status_code == 422 and "day: must be from 0 to" in late.text


def test_each_ice_list_has_its_agreements_and_contradictions(site: TestClient) -> None:
    first = site.get("/cooperation/registry?list=2025-01-04").text
    assert "135 agreements on ICE's list of 2025-01-04" in first
    assert site.get("/cooperation/registry?list=2025-01-05").status_code == 422
