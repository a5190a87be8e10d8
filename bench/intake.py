"""Bulk intake as a user runs it (issue 9): `statevisa applications import`, against the bare load.

    .venv/bin/python bench/intake.py [--db postgresql://postgres@127.0.0.1:5432/test] [--rows 100000]
        [--repeat 3] [--against REF] [--backends postgresql sqlite]

Each run times the whole command, `statevisa applications import FILE --program w-visa --state 06
--db URL` (start-up, reading, validating, evaluating, writing, committing, signing the audit log),
on a fresh database: a new PostgreSQL schema or SQLite file, migrated, with the W visa approved.
Its floor is measured in the same database right after it: the very rows the command stored
(applications, cases, case events), read back, then loaded in one committed transaction into
bare copies of the three tables (no index, no foreign key): PostgreSQL's COPY, SQLite's
`executemany`. The ratio says what the importer adds to writing its rows at all; the floor's
PostgreSQL backend CPU says what the server spends on them without checks.

With `--against REF` (a commit, e.g. `main`), the command of that commit's source tree runs too,
interleaved with this tree's run by run on the same file, so both see the same machine. The
machine is shared: every figure is printed with the load average at the time, and the medians
compare runs taken minutes apart under whatever else was running.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, text

from statevisa.config import settings
from statevisa.services import program_versions as versions
from statevisa.services.auditlog import load_signer, make_sequencer, write_new_key
from statevisa.services.authz import Principal, Role
from statevisa.services.context import Platform
from statevisa.services.database import prepare
from statevisa.services.seed import W_CASE

ROOT = Path(__file__).resolve().parent.parent
FEDERAL = Principal("bench-federal", Role.FEDERAL_REVIEWER, "US")
GOAL = 50_000
TABLES = ("applications", "cases", "case_events")
TICK = os.sysconf("SC_CLK_TCK")
RUN = "import sys; from statevisa.cli import main; sys.argv[0] = 'statevisa'; sys.exit(main())"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def keys(folder: Path) -> None:
    """An audit key and identity keyring for this run, in the environment the commands inherit."""
    key = folder / "audit.pem"
    write_new_key(key)
    os.environ["STATEVISA_AUDIT_KEY_FILE"] = str(key)
    os.environ["STATEVISA_IDENTITY_KEYS"] = f"bench:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    os.environ.setdefault("STATEVISA_SECRET_KEY", secrets.token_urlsafe(48))


def approve(url: str) -> None:
    platform = Platform(url, sequencer=make_sequencer(load_signer(settings())))
    now = dt.datetime.now(dt.UTC)
    with platform.unit(FEDERAL, now=now, purpose="bench") as ctx:
        made = versions.upload(ctx, versions.shipped_files("w-visa"))
    with platform.unit(FEDERAL, now=now, purpose="bench") as ctx:
        versions.submit(ctx, made.id)
    with platform.unit(FEDERAL, now=now, purpose="bench") as ctx:
        versions.decide(ctx, made.id, True, "approved for the benchmark")
    platform.close()


@contextmanager
def fresh(backend: str, base: str, folder: Path) -> Iterator[str]:
    """A migrated database with the W visa approved: a PostgreSQL schema (dropped after) or a file."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite'}"
        prepare(url)
        approve(url)
        yield url
        return
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"sv_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        prepare(url)
        approve(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def w_file(folder: Path, rows: int) -> Path:
    """`rows` W visa applications as a state office's CSV holds them, one in seven inadmissible."""
    index = pl.int_range(rows, eager=True)
    frame = pl.DataFrame({"id": [f"ca-{n:07d}" for n in range(rows)]}).with_columns(
        pl.lit(str(v).lower()).alias(k) for k, v in W_CASE.items()
    )
    frame = frame.with_columns(
        pl.when(index % 7 == 0).then(pl.lit("none")).otherwise("purpose").alias("purpose")
    )
    path = folder / "applications.csv"
    frame.write_csv(path)
    return path


def checkout(ref: str, folder: Path) -> Path:
    """The `src` tree of commit `ref`, unpacked under `folder`, for its command to run from."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src"], capture_output=True, check=True
    ).stdout
    target = folder / f"ref-{ref.replace('/', '_')}"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def command(path: Path, url: str, source: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds (the process's own, not its database server's) of one import."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    args = ["applications", "import", str(path), "--program", "w-visa", "--state", "06", "--db", url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"statevisa applications import failed:\n{done.stdout}{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def floor(url: str) -> tuple[float, float | None]:
    """Seconds to load the rows the command stored into bare tables, and the server's CPU for it."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for table in TABLES:
                connection.execute(text(f"CREATE TABLE bare_{table} AS SELECT * FROM {table} WHERE false"))
        raw = engine.raw_connection()
        driver = raw.driver_connection
        if url.startswith("sqlite"):
            cursor = raw.cursor()
            rows = {t: cursor.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
            start = time.perf_counter()
            cursor.execute("BEGIN IMMEDIATE")
            for table, listed in rows.items():
                marks = ", ".join("?" for _ in listed[0])
                cursor.executemany(f"INSERT INTO bare_{table} VALUES ({marks})", listed)
            cursor.execute("COMMIT")
            took = time.perf_counter() - start
            raw.close()
            return took, None
        data: dict[str, bytes] = {}
        with driver.cursor() as cursor:  # type: ignore[union-attr]
            for table in TABLES:
                with cursor.copy(f"COPY {table} TO STDOUT (FORMAT csv)") as copy:
                    data[table] = b"".join(bytes(block) for block in copy)
            raw.commit()
            pid = driver.info.backend_pid  # type: ignore[union-attr]
            cpu, start = _backend_cpu(pid), time.perf_counter()
            for table in TABLES:
                with cursor.copy(f"COPY bare_{table} FROM STDIN (FORMAT csv)") as copy:
                    copy.write(data[table])
            raw.commit()
            took, cpu = time.perf_counter() - start, _backend_cpu(pid) - cpu
        raw.close()
        return took, cpu
    finally:
        engine.dispose()


@dataclass
class Run:
    label: str
    backend: str
    wall: float
    cpu: float
    floor: float
    floor_cpu: float | None
    load: str


def one(
    backend: str, label: str, source: Path | None, args: argparse.Namespace, folder: Path, path: Path
) -> Run:
    with fresh(backend, args.db, folder) as url:
        wall, cpu = command(path, url, source)
        seen = load()
        least, server = floor(url)
    return Run(label, backend, wall, cpu, least, server, seen)


def row(run: Run, rows: int) -> str:
    server = "" if run.floor_cpu is None else f", server CPU {run.floor_cpu:.2f} s"
    return (
        f"| {run.backend} | {run.label} | {run.wall:.2f} s | {rows / run.wall:,.0f}/s | {run.cpu:.2f} s | "
        f"{run.floor:.2f} s{server} | {run.wall / run.floor:.1f}x | {run.load} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("STATEVISA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server to make scratch schemas on (default: $STATEVISA_TEST_DATABASE_URL)",
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", metavar="REF", default=None, help="also run this commit's command")
    parser.add_argument(
        "--backends", nargs="+", default=["postgresql", "sqlite"], choices=["postgresql", "sqlite"]
    )
    args = parser.parse_args()
    print(f"bench/intake.py on {os.cpu_count()} cores, {args.rows:,} W visa applications, {load()}, "
          f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        keys(folder)
        path = w_file(folder, args.rows)
        sources: list[tuple[str, Path | None]] = [("this tree", None)]
        if args.against is not None:
            sources.insert(0, (args.against, checkout(args.against, folder)))
        runs: list[Run] = []
        print("| database | code | `statevisa applications import` | rate | its CPU | floor: bare load "
              "| vs floor | load 1/5 min |")  # fmt: skip
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for _ in range(args.repeat):
            for backend in args.backends:
                for label, source in sources:
                    runs.append(one(backend, label, source, args, folder, path))
                    print(row(runs[-1], args.rows), flush=True)
    print()
    for backend in args.backends:
        for label, _ in sources:
            mine = [r for r in runs if r.backend == backend and r.label == label]
            wall = statistics.median(r.wall for r in mine)
            least = statistics.median(r.floor for r in mine)
            print(f"{backend}, {label}: median {wall:.2f} s, {args.rows / wall:,.0f}/s, "
                  f"{wall / least:.1f}x its floor ({least:.2f} s); goal >= {GOAL:,}/s "
                  f"{'met' if args.rows / wall >= GOAL else 'not met'}")  # fmt: skip
    if args.against is not None:
        for backend in args.backends:
            old, new = (
                statistics.median(r.wall for r in runs if r.backend == backend and r.label == label)
                for label, _ in sources
            )
            print(f"{backend}: this tree takes {new / old:.2f}x the time of {args.against}")
    print(f"ended {dt.datetime.now(dt.UTC):%H:%M} UTC, {load()}")


if __name__ == "__main__":
    main()
