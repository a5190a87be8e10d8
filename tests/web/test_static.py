"""The JavaScript the pages load is the vendored npm files, byte for byte as recorded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "src" / "statevisa" / "web" / "static" / "vendor"


def test_every_vendored_file_matches_its_provenance_record() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "vendor_js.py"), "--check"], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, "")
    record = json.loads((VENDOR / "vendor.provenance.json").read_text(encoding="utf-8"))
    assert {entry["package"] for entry in record["files"]} == {
        "vega",
        "vega-lite",
        "vega-embed",
        "htmx.org",
        "axe-core",
    }


def test_pages_load_every_script_from_the_package(site: TestClient) -> None:
    page = site.get("/heartland").text
    for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "htmx.min.js"):
        assert f'<script src="/static/vendor/{name}" defer></script>' in page
        assert site.get(f"/static/vendor/{name}").status_code == 200
