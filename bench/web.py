"""Every dashboard page rendered on the demo data, against the goal of 1 second (issue 12).

    .venv/bin/python bench/web.py [--people 400] [--repeat 7] [--markdown]

Seeds the demo database `make demo` serves (the same `services.seed`, `--people` synthetic
applicants) into a temporary folder, builds the app as `statevisa serve` does, and requests
every page and every fragment a control asks for through the app in process (no network), as
a browser would: each once cold (the first request after start-up, when the process has not yet
loaded a program, a county table or the capacity model: the demo is seeded by another
process, `statevisa demo seed`) and then `--repeat` times warm, interleaved
with `/health`, the app's floor (the same stack with no page work). It prints the cold time, the
warm median, the ratio of the warm median to the floor's, and whether the warm median meets the
1 s goal. The machine's load (`os.getloadavg`) is printed before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from statevisa.services.seed import W_CASE

GOAL = 1.0
W_FORM = {name: "true" if value is True else str(value) for name, value in W_CASE.items()}
"""A W visa case as the page's form sends it."""
PAGES: tuple[tuple[str, str, dict[str, str] | None], ...] = (
    ("front page", "/", None),
    ("programs", "/programs", None),
    ("a program (W visa)", "/programs/w-visa", None),
    (
        "evaluate a case (fragment)",
        "/programs/w-visa/evaluate",
        {"stage": "application", "role": "principal"},
    ),
    ("Heartland map", "/heartland", None),
    ("Heartland controls (fragment)", "/heartland/map?window=3&method=webster&colour=participation", None),
    ("one county explained (fragment)", "/heartland/county/06037", None),
    ("allocation by method", "/allocation", None),
    ("rounds", "/rounds", None),
    ("verify a draw (fragment)", "/rounds/1/verify", None),
    ("cooperation", "/cooperation", None),
    ("cooperation law on a date (fragment)", "/cooperation/law?action=enter_287g&day=9000", None),
    ("scenario lab", "/lab", None),
    ("audit", "/audit", None),
    ("inclusion proof (fragment)", "/audit/inclusion?index=100", None),
)


def _folder() -> Path:
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="statevisa-bench-", dir=shm if shm.is_dir() else None))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from statevisa.api.app import create_app
    from statevisa.config import settings as read_settings
    from statevisa.services.context import open_platform

    load_before = os.getloadavg()
    folder = _folder()
    try:
        url = f"sqlite:///{folder / 'demo.db'}"
        started = time.perf_counter()
        seeding = [str(Path(sys.executable).parent / "statevisa"), "demo", "seed", "--db", url]
        done = subprocess.run(
            [*seeding, "--people", str(args.people)], cwd=folder, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"statevisa demo seed failed:\n{done.stderr}")
        print(f"seeded in {time.perf_counter() - started:.1f} s (another process)", file=sys.stderr)
        demo = folder / ".statevisa"
        settings = read_settings(
            {
                "STATEVISA_SECRET_KEY": (demo / "secret_key").read_text().strip(),
                "STATEVISA_AUDIT_KEY_FILE": str(demo / "audit.pem"),
            }
        )
        platform = open_platform(url, settings)
        app = create_app(platform, settings)
        rows = []
        with TestClient(app) as client:

            def timed(path: str, body: dict[str, str] | None) -> float:
                start = time.perf_counter()
                answer = client.post(path, data=body) if body else client.get(path)
                elapsed = time.perf_counter() - start
                if answer.status_code != 200 and not (body and answer.status_code == 422):
                    raise SystemExit(f"{path} answered {answer.status_code}: {answer.text[:300]}")
                return elapsed

            timed("/health", None)
            for name, path, body in PAGES:
                cold = timed(path, body)
                warm, floor = [], []
                for _ in range(args.repeat):
                    warm.append(timed(path, body))
                    floor.append(timed("/health", None))
                rows.append((name, path, cold, statistics.median(warm), statistics.median(floor)))
        platform.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    load_after = os.getloadavg()
    head = (
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}; demo with {args.people} applicants; load average {load_before[0]:.2f} "
        f"before, {load_after[0]:.2f} after. Warm: median of {args.repeat}, interleaved with /health."
    )
    print(head)
    print()
    if args.markdown:
        print("| page | request | cold s | warm s | /health s | warm / floor | ≤ 1 s |")
        print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for name, path, first, median, base in rows:
        met = "yes" if median <= GOAL else "NO"
        if args.markdown:
            ratio = f"{median / base:.0f}x"
            print(f"| {name} | `{path}` | {first:.3f} | {median:.3f} | {base:.4f} | {ratio} | {met} |")
        else:
            print(
                f"{name:38} cold {first:6.3f} s  warm {median:6.3f} s  ({median / base:5.0f}x /health)  {met}"
            )
    return 0 if all(row[3] <= GOAL for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
