"""The programs the docs walk through stay valid and their case tests pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from statevisa.rules.casetests import case_files, run_case_file
from statevisa.rules.load import load_program

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


@pytest.mark.parametrize("program", sorted(EXAMPLES.glob("*/program.yaml")), ids=lambda p: p.parent.name)
def test_example_program_checks_and_passes_its_cases(program: Path) -> None:
    load_program(program)
    files = case_files(program.parent)
    assert files, f"{program.parent} has no case tests"
    failures = [o for f in files for o in run_case_file(f) if not o.passed]
    assert not failures, [(o.case.name, o.problems) for o in failures]
