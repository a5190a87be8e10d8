"""Every YAML case test beside every shipped program passes, through both evaluators."""

from __future__ import annotations

from pathlib import Path

import pytest

from statevisa.programs import PROGRAMS_DIR
from statevisa.rules.casetests import case_files, run_case_file

FILES = case_files(PROGRAMS_DIR)


def test_programs_have_case_tests() -> None:
    programs = {path.parent for path in PROGRAMS_DIR.rglob("program.yaml")}
    tested = {path.parent.parent for path in FILES}
    assert programs and programs == tested, (
        f"programs without case tests: {sorted(map(str, programs - tested))}"
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PROGRAMS_DIR)))
def test_case_file_passes(path: Path) -> None:
    failures = [f"{o.case.name}: {'; '.join(o.problems)}" for o in run_case_file(path) if not o.passed]
    assert not failures, "\n".join(failures)
