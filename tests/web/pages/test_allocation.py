"""The allocation page: a program's caps under each method side by side, differences marked."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_caps_under_each_method_are_side_by_side_with_the_baseline_marked(site: TestClient) -> None:
    page = site.get("/allocation").text
    assert "hamilton (baseline)</th>" in page
    for method in ("huntington-hill", "webster", "jefferson", "adams"):
        assert f'<th scope="col" class="num">{method}</th>' in page
    assert '<tr class="differs"><td>California</td>' in page
    assert 'id="spec-method-grid"' in page and 'id="spec-spread-map"' in page


def test_the_population_year_changes_the_numbers(site: TestClient) -> None:
    older = site.get("/allocation/compare?year=2020").text
    newer = site.get("/allocation/compare?year=2024").text
    assert "by population (2020)" in older and "by population (2024)" in newer
    assert older != newer
    assert site.get("/allocation/compare?year=1999").status_code == 422
