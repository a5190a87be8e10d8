"""Shared fixtures: an in-process CLI runner and the PostgreSQL URL (required in CI)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings

from statevisa.cli import main

pytest_plugins = ["tests.databases"]

settings.register_profile("statevisa", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("statevisa")
"""Property tests check what is true, not how fast: no per-example deadline, so a loaded CI
machine cannot fail a test that is right (speed is measured in bench/, never in tests)."""


@dataclass(frozen=True)
class CliResult:
    """What a person would see: the exit code and both streams."""

    code: int
    stdout: str
    stderr: str


CliRunner = Callable[..., CliResult]

CRS_E3: dict[str, object] = {
    "id": "e3", "age": 34, "with_spouse": False, "education": "bachelors",
    "first_official_language": "en",
    "english_speaking": 9, "english_listening": 7, "english_reading": 9, "english_writing": 9,
    "french_speaking": 0, "french_listening": 0, "french_reading": 0, "french_writing": 0,
    "canadian_work_years": 1, "foreign_work_years": 0, "certificate_of_qualification": False,
    "canadian_education": "none", "sibling_in_canada": False, "provincial_nomination": False,
    "job_offer": "noc_00",
}  # fmt: skip
"""Worked example E3 of canada-crs.md §7: 579 on 2025-03-24, 379 from 2025-03-25."""


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run `statevisa ARGS...` in-process and return its exit code and output."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test database URL; in CI its absence is a failure, never a skip."""
    url = os.environ.get("STATEVISA_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("STATEVISA_TEST_DATABASE_URL is not set in CI: PostgreSQL tests cannot run")
        pytest.skip("STATEVISA_TEST_DATABASE_URL is not set (set it to run PostgreSQL tests)")
    return url
