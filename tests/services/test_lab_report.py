"""A lab run's export: charts rendered offline, a standalone report, every file written whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from statevisa.errors import InputError
from statevisa.services import lab, lab_report

CAPS = "title: W caps\non: 2026-03-01\nprogram: w-visa\ncaps: {year: 2024}\nheartland: {participants: 3}\n"


@pytest.fixture(scope="module")
def report() -> lab.Report:
    return lab.execute(lab.load(CAPS, "caps.yaml", dt.date(2026, 3, 2)))


def test_a_single_run_charts_each_of_its_tables(report: lab.Report) -> None:
    assert set(lab_report.charts(report)) == {"caps by state", "heartland caps"}


def test_the_export_holds_the_report_results_tables_and_charts_in_svg_and_png(
    report: lab.Report, tmp_path: Path
) -> None:
    written = lab_report.write(report, tmp_path / "out", CAPS)
    names = sorted(str(path.relative_to(tmp_path / "out")) for path in written)
    assert names == [
        "charts/caps-by-state.png", "charts/caps-by-state.svg", "charts/heartland-caps.png",
        "charts/heartland-caps.svg", "report.html", "results.csv", "scenario.yaml",
        "tables/caps-by-state.csv", "tables/heartland-caps.csv",
    ]  # fmt: skip
    assert (tmp_path / "out/charts/caps-by-state.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "out/charts/caps-by-state.svg").read_text().startswith("<svg")
    page = (tmp_path / "out/report.html").read_text()
    assert "<script" not in page and page.count("<svg") == 2
    assert "@media print" in page and "W caps" in page


def test_an_output_that_is_a_file_is_refused(report: lab.Report, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("x")
    with pytest.raises(InputError, match="is a file: --out names a folder"):
        lab_report.write(report, taken)


def test_results_are_shown_as_a_reader_takes_them_in() -> None:
    assert [lab_report.shown(v) for v in (555000.0, 980.137, 0.25, None, 3)] == [
        "555,000",
        "980.1",
        "0.25",
        "-",
        "3",
    ]
