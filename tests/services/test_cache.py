"""A checked program is kept on disk: the second load does not parse YAML again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from statevisa.programs import PROGRAMS_DIR
from statevisa.rules import load as rules_load
from statevisa.services import cache
from statevisa.services.programs import load

CRS = PROGRAMS_DIR / "ca" / "canada-crs"


@pytest.fixture
def program_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the CRS and an empty private cache directory."""
    monkeypatch.setenv("STATEVISA_CACHE_DIR", str(tmp_path / "cache"))
    folder = shutil.copytree(CRS, tmp_path / "canada-crs")
    return folder / "program.yaml"


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    seen: list[Path] = []
    original = rules_load.load_program

    def counting(path: Path) -> object:
        seen.append(path)
        return original(path)

    monkeypatch.setattr(rules_load, "load_program", counting)
    return seen


def test_the_second_load_comes_from_the_cache(program_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = count_parses(monkeypatch)
    first = load(program_copy)
    second = load(program_copy)
    assert parses == [program_copy]
    assert second == first
    assert len(list((program_copy.parent.parent / "cache" / "programs").glob("*.pickle"))) == 1


def test_editing_a_section_file_parses_again(program_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = count_parses(monkeypatch)
    load(program_copy)
    section = program_copy.parent / "core.yaml"
    section.write_text(section.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    load(program_copy)
    assert len(parses) == 2


def test_a_damaged_or_foreign_cache_file_is_ignored(
    program_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = count_parses(monkeypatch)
    load(program_copy)
    (pickle_file,) = (program_copy.parent.parent / "cache" / "programs").glob("*.pickle")
    pickle_file.write_bytes(b"not a pickle")
    assert load(program_copy).id == "canada-crs"
    assert len(parses) == 2


def test_a_cache_others_can_write_is_not_read(program_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = count_parses(monkeypatch)
    load(program_copy)
    folder = program_copy.parent.parent / "cache" / "programs"
    os.chmod(folder, 0o777)
    load(program_copy)
    assert len(parses) == 2


def test_the_cache_can_be_turned_off(program_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATEVISA_CACHE_DIR", "off")
    parses = count_parses(monkeypatch)
    load(program_copy)
    load(program_copy)
    assert len(parses) == 2
    assert cache.cache_dir() is None
