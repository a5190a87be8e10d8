"""The commands people type most start fast: help and the program list load no data libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from statevisa.programs import PROGRAMS_DIR

PROBE = """
import sys
from statevisa.cli import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = sorted(name for name in ("polars", "numpy", "scipy", "pyarrow") if name in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["programs", "list"], ["programs", "list", "--format", "json"]])
def test_help_and_the_program_list_import_neither_polars_nor_numpy(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, check=True
    )
    assert "HEAVY=\n" in done.stderr or done.stderr.rstrip().endswith("HEAVY="), done.stderr
    assert done.stdout  # it did print the help or the list


def test_a_command_that_evaluates_does_load_polars() -> None:
    """The probe can see a heavy import when there is one."""
    cases = PROGRAMS_DIR / "au" / "australia-points" / "tests" / "worked_examples.yaml"
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=["test", str(cases)])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "polars" in done.stderr.rsplit("HEAVY=", 1)[1]
