"""The shipped policy files, one folder per program: ``<jurisdiction>/<program>/program.yaml``.

Jurisdictions are FIPS codes for the US (``US``, ``06``, ``06037``) and ISO 3166-1
alpha-2 codes abroad (``CA``, ``AU``). This module finds the files, and gives the
allocation and selection layers the values a shipped program has in force on a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from ruamel.yaml import YAML

from statevisa.errors import PolicyError
from statevisa.rules.load import load_program
from statevisa.rules.model import Program
from statevisa.rules.resolve import Resolved, resolve

PROGRAMS_DIR = Path(__file__).parent


def shipped_paths() -> list[Path]:
    """Every shipped program file, in folder order."""
    return sorted(PROGRAMS_DIR.glob("*/*/program.yaml"))


@cache
def shipped_ids() -> dict[str, Path]:
    """Program id → program file, read from each file's `id` key."""
    found: dict[str, Path] = {}
    for path in shipped_paths():
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("id"):
            found[str(data["id"])] = path
    return found


def find_program(reference: str) -> Path:
    """A shipped program id, or a path to a program file (or to its folder)."""
    path = Path(reference)
    if reference.endswith((".yaml", ".yml")) or path.exists():
        return path / "program.yaml" if path.is_dir() else path
    ids = shipped_ids()
    if reference not in ids:
        raise PolicyError(f"unknown program '{reference}' (shipped: {', '.join(sorted(ids))})")
    return ids[reference]


@cache
def shipped_program(program_id: str) -> Program:
    """A shipped program, loaded and checked once per process."""
    return load_program(find_program(program_id))


def in_force(program_id: str, on: dt.date, names: Sequence[str]) -> Resolved:
    """The named parameters of a shipped program in force on `on`, with periods and citations."""
    return resolve(shipped_program(program_id), on, names=names)
