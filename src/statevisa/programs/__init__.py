"""The shipped policy files, laid out as the governments are.

``us/federal/<program>/``, ``us/states/<state FIPS>/<program>/``, ``ca/<program>/`` (Canada),
``au/<program>/`` (Australia); each folder holds ``program.yaml``, its section files and
``tests/``. Program ids stay stable whatever the folder. This module only finds files: it
reads the ``id:`` line of each program file rather than parsing YAML, so naming a program
costs microseconds; loading and checking happen in `statevisa.services.programs`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from statevisa.errors import PolicyError, problem

PROGRAMS_DIR = Path(__file__).parent
ID_LINE = re.compile(r"^id:[ \t]*['\"]?([a-z0-9][a-z0-9-]*)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)
"""A top-level ``id: canada-crs`` line; the loader later checks that the id it parses is the same."""


def shipped_paths() -> list[Path]:
    """Every shipped program file, in folder order."""
    return sorted(PROGRAMS_DIR.rglob("program.yaml"))


@cache
def shipped_ids() -> dict[str, Path]:
    """Program id → program file, from the top-level ``id:`` line of each file."""
    found: dict[str, Path] = {}
    for path in shipped_paths():
        match = ID_LINE.search(path.read_text(encoding="utf-8"))
        if match:
            found[match.group(1)] = path
    return found


def find_program(reference: str) -> Path:
    """A shipped program id, or a path to a program file (or to its folder)."""
    path = Path(reference)
    if reference.endswith((".yaml", ".yml")) or path.exists():
        return path / "program.yaml" if path.is_dir() else path
    ids = shipped_ids()
    if reference not in ids:
        raise PolicyError(
            problem(
                "unknown-program",
                f"unknown program '{reference}' (shipped: {', '.join(sorted(ids))})",
            )
        )
    return ids[reference]


def shipped_id(path: Path) -> str | None:
    """The id a shipped file declares, if `path` is one of the shipped files."""
    resolved = path.resolve()
    return next((key for key, value in shipped_ids().items() if value.resolve() == resolved), None)
