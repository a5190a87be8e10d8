"""Fixtures the cooperation tests share: the shipped law, and small law trees written on the fly."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from statevisa.cooperation.load import jurisdictions, load_law, read_law
from statevisa.cooperation.model import Law

FRAME = """\
jurisdiction: "US"
state: US
title: A federal frame for tests
rules:
"""
FRAME_RULE = """\
  US-{action}-0:
    version: 1
    action: "{written}"
    decision: permitted
    priority: 0
    condition: "true"
    effective_from: 1996-09-30
    date_precision: day
    citation: "test frame"
    status: CONFIRMED
    source_tag: "U"
    summary: "Permitted by default."
"""
ACTIONS = ("honor_detainer", "notify_release", "share_data", "share_status", "enter_287g")

LawTree = Callable[[dict[str, str]], Law]


@pytest.fixture(scope="session")
def law() -> Law:
    return load_law()


def write_tree(root: Path, files: dict[str, str], frame: bool = True) -> Path:
    """Write law files (relative path → text) under `root`, with a small federal frame."""
    if frame:
        rules = "".join(
            FRAME_RULE.format(action=a, written="share_data:*" if a == "share_data" else a) for a in ACTIONS
        )
        files = {"us/federal/frame.yaml": FRAME + rules, **files}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> LawTree:
    """Build a Law from law files (relative path → text) plus a small federal frame."""

    def build(files: dict[str, str]) -> Law:
        return read_law(write_tree(tmp_path / "law", files), jurisdictions())

    return build
