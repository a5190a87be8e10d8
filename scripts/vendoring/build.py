"""The build: every dataset in order, the check gate, then the writes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .ages import build_prime_age_county, build_prime_age_state
from .codes import build_codes
from .common import OUT, ROOT, SHARED, Built, Census, failures, write
from .geo import build_geo, write_licence
from .labor import build_laus, build_oews, build_saipe
from .population import (
    build_census_panel,
    build_county_v2024,
    build_pep_v2020,
    build_pep_v2023,
    build_state_v2024,
)


def build_all(census: Census) -> list[Built]:
    """Read and check every dataset; nothing is written here."""
    v2020 = build_pep_v2020(census)
    v2023 = build_pep_v2023(census)
    state24 = build_state_v2024(census)
    return [
        v2020,
        v2023,
        state24,
        build_county_v2024(census, state24[1]),
        build_census_panel(census),
        build_prime_age_county(census, v2023[1]),
        build_prime_age_state(census),
        *build_codes(census),
        build_laus(census),
        build_saipe(census),
        build_oews(census),
        *build_geo(census, v2023[1]),
    ]


def replace_output(census: Census, out: Path, builds: list[Built]) -> None:
    """Empty `out` (all but an __init__.py) and write every dataset and the atlas licence."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        if old.is_file() and old.name != "__init__.py":
            old.unlink()
    for ds, payload in builds:
        write(out, ds, payload)
    write_licence(census, out)


def shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/vendor_reference.py",
        description="Rebuild src/statevisa/reference/data from the shared census folder; "
        "writes nothing if a published check fails.",
    )
    parser.add_argument("--source", type=Path, default=SHARED, help="the shared census folder read")
    parser.add_argument("--out", type=Path, default=OUT, help="the folder emptied and written")
    args = parser.parse_args(argv)
    source, out = args.source, args.out.resolve()
    if not source.is_dir():
        print(f"{source}: not found (the build needs the shared data folder)", file=sys.stderr)
        return 2
    census = Census(source)
    builds = build_all(census)
    failed = failures(builds)
    if failed:
        print("checks failed, nothing written:\n" + "\n".join(failed), file=sys.stderr)
        return 1
    replace_output(census, out, builds)
    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {len(builds)} datasets to {shown(out)} ({total / 1e6:.2f} MB)")
    for ds, _ in builds:
        print(f"  {ds.id}: {len(ds.checks)} checks passed")
    return 0
