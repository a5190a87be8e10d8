"""docs/api.md is what scripts/api_reference.py renders from the app as it is now."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).parents[2]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_reference", ROOT / "scripts" / "api_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_api_reference_is_not_stale() -> None:
    script = load_script()
    rendered = script.render(script.document())
    written = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert written == rendered, "docs/api.md is stale: run python scripts/api_reference.py"


def test_every_operation_has_a_section_and_a_summary() -> None:
    script = load_script()
    document = script.document()
    written = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f"`{method.upper()} {path}`\n\n{operation['summary']}\n" in written
            assert not operation["summary"].startswith(("Get ", "List ", "Create ")), (method, path)
