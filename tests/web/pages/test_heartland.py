"""The Heartland page: the county map, the controls that redraw it, a county explained."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from statevisa.reference.geo import county_ids


def _spec(page: str, name: str) -> dict[str, object]:
    found = re.search(rf'<script type="application/json" id="spec-{name}">(.*?)</script>', page, re.S)
    assert found is not None
    spec: dict[str, object] = json.loads(found.group(1))
    return spec


def test_the_map_carries_every_county_of_the_atlas_it_draws(site: TestClient) -> None:
    page = site.get("/heartland").text
    datasets = _spec(page, "county-map")["datasets"]
    assert isinstance(datasets, dict)
    assert {row["fips"] for row in datasets["counties"]} == county_ids("counties_albers")
    assert "<strong>10</strong> counties participate" in page


def test_the_controls_redraw_the_map_and_the_caps(site: TestClient) -> None:
    default = site.get("/heartland/map").text
    changed = site.get("/heartland/map?window=3&vintage=2024&method=webster&colour=participation").text
    assert "growth July 1 2010 -&gt; July 1 2020, V2020" in default
    assert "growth July 1 2021 -&gt; July 1 2024, V2024" in changed
    assert "Share (webster)" in changed
    categories = {row["category"] for row in _spec(changed, "county-map")["datasets"]["counties"]}  # type: ignore[index]
    assert categories == {"participating", "eligible, not participating", "not eligible"}


def test_a_window_no_vintage_spans_is_refused_at_the_control(site: TestClient) -> None:
    answer = site.get("/heartland/map?window=10&vintage=2024", headers={"HX-Request": "true"})
    assert answer.status_code == 422
    assert "no single vendored vintage spans a 10-year window" in answer.text


def test_one_county_is_explained_by_the_policy_file(site: TestClient) -> None:
    answer = site.get("/heartland/county/06037", headers={"HX-Request": "true"}).text
    assert "<h3>Los Angeles County, California</h3>" in answer
    assert "<strong>Eligible</strong>" in answer
    assert site.get("/heartland/explain?fips=6037").status_code == 422
