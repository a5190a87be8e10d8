"""The operations platform under load (issue 9 §6): submissions through the API, and bulk intake.

    .venv/bin/python bench/api.py [--db postgresql://postgres@127.0.0.1:5432/test] [--concurrency 16]
        [--count 3000] [--seconds 60] [--rows 100000] [--profile FILE] [api] [import]

Everything runs on 127.0.0.1 against a fresh PostgreSQL schema made for the run and dropped after.

- api: starts `statevisa serve` on a free loopback port, approves the W visa, then posts `--count`
  applications (`POST /api/v1/applications`, a California state officer's token) from an asyncio
  load generator holding `--concurrency` connections, and stops after `--seconds` whatever is
  left. Prints submissions/s, p50 and p99 latency against the goal (>= 1,000/s with p99 <= 100 ms).
  Baselines in the same run: `GET /health` under the same load (the HTTP floor: no token, no
  database), and `applications.submit` called in process, one unit of work each, committed and
  sequenced into the signed log as the server does (the work without HTTP). With `--profile
  FILE` the server runs under cProfile and its top functions are printed.
- import: `--rows` applications imported in process, a W visa file (23 inputs, 26 outputs) and a
  one-input program's, each against its floor (reading, validating and evaluating the same
  file, no database) with the CPU of this process and of its PostgreSQL backend; then the whole
  `statevisa applications import` command, and the W visa file into SQLite. Prints
  applications/s against the goal (>= 50,000/s on PostgreSQL).

The load generator shares the two cores with the server and PostgreSQL; the machine's load
(`os.getloadavg`) is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import polars as pl
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from statevisa.config import settings
from statevisa.rules.resolve import Resolved
from statevisa.services import applications, intake
from statevisa.services import program_versions as versions
from statevisa.services.applications import Submission
from statevisa.services.auditlog import load_signer, make_sequencer, write_new_key
from statevisa.services.authz import Principal, Role
from statevisa.services.context import Context, Platform
from statevisa.services.database import prepare
from statevisa.services.seed import W_CASE
from statevisa.services.tokens import issue

STATEVISA = str(Path(sys.executable).with_name("statevisa"))
FEDERAL = Principal("bench-federal", Role.FEDERAL_REVIEWER, "US")
OFFICER = Principal("bench-officer-06", Role.STATE_OFFICER, "06")
API_GOAL, P99_GOAL_MS, IMPORT_GOAL = 1_000, 100, 50_000
SAMPLED = """
import collections, json, sys, threading, time
from statevisa.cli import main
out, seen, me = sys.argv.pop(1), collections.Counter(), None
def sample():
    global me
    me = threading.get_ident()
    while True:
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            stack = []
            while frame is not None:
                stack.append(f"{frame.f_code.co_filename.rsplit('/site-packages/', 1)[-1]}:"
                             f"{frame.f_code.co_name}")
                frame = frame.f_back
            seen[tuple(stack)] += 1
        time.sleep(0.002)
threading.Thread(target=sample, daemon=True).start()
try:
    main(sys.argv[1:])
finally:
    with open(out, "w") as handle:
        json.dump([[list(stack), n] for stack, n in seen.items()], handle)
"""
"""`statevisa` run with a sampler thread that records every other thread's stack every 2 ms (cProfile
sees only the thread that starts it, and the API's routes run in worker threads)."""


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


@contextmanager
def fresh_schema(base: str) -> Iterator[str]:
    """A new, migrated schema on the server at `base`; dropped afterwards."""
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"sv_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as error:
        raise SystemExit(f"bench/api.py needs PostgreSQL (--db): {str(error).splitlines()[0]}") from None
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        prepare(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def keys(folder: Path) -> dict[str, str]:
    """A token secret and an audit key for this run, as the environment passes them."""
    key = folder / "audit.pem"
    write_new_key(key)
    env = {
        "STATEVISA_SECRET_KEY": secrets.token_urlsafe(48),
        "STATEVISA_AUDIT_KEY_FILE": str(key),
        "STATEVISA_IDENTITY_KEYS": f"bench:{base64.b64encode(secrets.token_bytes(32)).decode()}",
    }
    os.environ.update(env)
    return env


def approved(platform: Platform) -> None:
    now = dt.datetime.now(dt.UTC)
    with platform.unit(FEDERAL, now=now, purpose="bench") as ctx:
        made = versions.upload(ctx, versions.shipped_files("w-visa"))
    with platform.unit(FEDERAL, now=now, purpose="bench") as ctx:
        versions.submit(ctx, made.id)
    with platform.unit(FEDERAL, now=now, purpose="bench") as ctx:
        versions.decide(ctx, made.id, True, "approved for the benchmark")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(url: str, env: dict[str, str], profile: Path | None, workers: int) -> Iterator[tuple[str, int]]:
    """`statevisa serve` on a free loopback port, stopped with Ctrl-C (SIGINT) afterwards."""
    port = free_port()
    named = f"{url}&application_name={SERVER_NAME}"
    command = [STATEVISA, "serve", "--db", named, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(1 if profile is not None else workers)]  # the sampler sees one process
    if profile is not None:
        command = [sys.executable, "-c", SAMPLED, str(profile), *command[1:]]
    process = subprocess.Popen(command, env={**os.environ, **env}, stderr=subprocess.PIPE)
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{address}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not answer /health within 60 s")
        yield address, process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def request_bytes(
    address: str, method: str, path: str, body: dict[str, object] | None, token: str | None
) -> bytes:
    """One HTTP/1.1 request as the load generator sends it, again and again on a kept-alive connection."""
    host = address.removeprefix("http://")
    data = b"" if body is None else json.dumps(body).encode()
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Accept: application/json"]
    if token is not None:
        head.append(f"Authorization: Bearer {token}")
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


async def answer(reader: asyncio.StreamReader) -> int:
    """Read one response (its head and its Content-Length body) and return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in lines if line[:15].lower() == b"content-length:"), None
    )
    if length is None:
        raise SystemExit(f"the server answered without a Content-Length: {lines[0]!r}")
    await reader.readexactly(length)
    return int(lines[0].split(b" ", 2)[1])


async def drive(
    address: str,
    method: str,
    path: str,
    body: dict[str, object] | None,
    token: str | None,
    count: int,
    concurrency: int,
    seconds: float,
) -> tuple[list[float], float, int]:
    """Send up to `count` requests with `concurrency` connections in flight for at most `seconds`.

    Returns each answered request's latency (s), the wall time, and how many failed. The client
    is asyncio streams writing one prepared request and reading the answer's head and body (no
    HTTP library): about a tenth of httpx's CPU per request, which matters when it shares the
    two cores with the server it measures.
    """  # fmt: skip
    message = request_bytes(address, method, path, body, token)
    host, port = address.removeprefix("http://").rsplit(":", 1)
    latencies: list[float] = []
    failed = 0
    sent = 0
    start = time.perf_counter()
    deadline = start + seconds

    async def worker() -> None:
        nonlocal sent, failed
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while sent < count and time.perf_counter() < deadline:
                sent += 1
                began = time.perf_counter()
                writer.write(message)
                status = await answer(reader)
                latencies.append(time.perf_counter() - began)
                failed += status >= 400
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - start, failed


SERVER_NAME = "statevisa-bench-server"
TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a backend that ended between listing and reading
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _family(pid: int) -> list[int]:
    """A process and its descendants (the server's worker processes)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(member for child in children for member in _family(int(child)))]


def cpu(url: str, server_pid: int) -> tuple[float, float, float]:
    """CPU seconds so far of the server's processes, of its PostgreSQL backends, and of this process."""
    engine = create_engine(url)
    with engine.connect() as connection:
        backends = connection.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": SERVER_NAME}
        ).all()
    engine.dispose()
    server = sum(_cpu_of(pid) for pid in _family(server_pid))
    return server, sum(_cpu_of(pid) for pid in backends), time.process_time()


def summary(label: str, latencies: list[float], wall: float, failed: int) -> str:
    ms = sorted(1000 * x for x in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
    return f"| {label} | {len(ms):,} | {failed} | {len(ms) / wall:,.0f}/s | {p50:.1f} ms | {p99:.1f} ms |"


def in_process(platform: Platform, count: int) -> float:
    """Submissions per second through the service alone: one unit of work each, sequenced and signed."""
    start = time.perf_counter()
    for _ in range(count):
        with platform.unit(OFFICER, now=dt.datetime.now(dt.UTC), purpose="bench") as ctx:
            applications.submit(ctx, Submission("w-visa", "06", W_CASE))
    return count / (time.perf_counter() - start)


def api(url: str, env: dict[str, str], args: argparse.Namespace) -> None:
    print(
        f"\n== api: POST /api/v1/applications, concurrency {args.concurrency}, "
        f"`statevisa serve --workers {args.workers}`, {load()}"
    )
    platform = Platform(url, sequencer=make_sequencer(load_signer(settings())))
    approved(platform)
    token = issue(OFFICER, env["STATEVISA_SECRET_KEY"].encode(), dt.datetime.now(dt.UTC), 3600)
    body: dict[str, object] = {"program": "w-visa", "state": "06", "inputs": W_CASE}
    rows = [
        "| requests | answered | failed | rate | p50 | p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    with server(url, env, args.profile, args.workers) as (address, pid):
        asyncio.run(drive(address, "POST", "/api/v1/applications", body, token, 100, args.concurrency, 30))
        floor = asyncio.run(
            drive(address, "GET", "/health", None, None, args.count, args.concurrency, args.seconds)
        )
        rows.append(summary("`GET /health` (HTTP floor)", *floor))
        before = cpu(url, pid)
        posted = asyncio.run(
            drive(
                address,
                "POST",
                "/api/v1/applications",
                body,
                token,
                args.count,
                args.concurrency,
                args.seconds,
            )
        )
        spent = [after - first for after, first in zip(cpu(url, pid), before, strict=True)]
        rows.append(summary("`POST /api/v1/applications`", *posted))
    rate = in_process(platform, min(args.count, 500))
    platform.close()
    print("\n".join(rows))
    latencies, wall, failed = posted
    reached = len(latencies) / wall
    p99 = sorted(latencies)[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000
    met = reached >= API_GOAL and p99 <= P99_GOAL_MS and not failed
    print(f"in process, `applications.submit` one unit each (no HTTP): {rate:,.0f}/s")
    served, cores = len(latencies), os.cpu_count() or 1
    per = sum(spent) / served
    print(
        f"CPU per submission: server processes {1000 * spent[0] / served:.1f} ms, its PostgreSQL backends "
        f"{1000 * spent[1] / served:.1f} ms, load generator {1000 * spent[2] / served:.1f} ms; at "
        f"{1000 * per:.1f} ms each, {cores} idle cores would serve at most {cores / per:,.0f}/s"
    )
    print(f"goal >= {API_GOAL:,}/s with p99 <= {P99_GOAL_MS} ms: {reached:,.0f}/s, p99 {p99:.0f} ms", end=" ")
    print(f"({'met' if met else 'not met'}); {load()}")
    if args.profile is not None:
        hotspots(args.profile)


def hotspots(path: Path, top: int = 30) -> None:
    """The server's busy samples: the share of them in which each function was running or waiting below."""
    stacks = [(stack, n) for stack, n in json.loads(path.read_text()) if not _idle(stack)]
    busy = sum(n for _, n in stacks)
    inclusive: Counter[str] = Counter()
    for stack, n in stacks:
        for name in set(stack):
            inclusive[name] += n
    print(f"\nserver samples ({path}): {busy:,} busy; share of them spent in or below each function")
    for name, n in inclusive.most_common(top):
        print(f"{100 * n / busy:5.1f}%  {name}")


def _idle(stack: list[str]) -> bool:
    leaf = stack[0] if stack else ""
    return any(
        mark in leaf for mark in ("selectors.py", "threading.py:wait", "queue.py:get", "thread.py:_worker")
    )


POINTS = """\
# A benchmark fixture, not law: one input, a decision and a score, so each stored row is small.
id: bench-points
title: One-input points program (benchmark fixture)
jurisdiction: "06"
status: draft
version: 1.0.0
description: An invented program for bench/api.py; its act is fictional.
references:
  act: {title: Benchmark Act (fictional), url: https://example.org/benchmark-act}
inputs:
  years_of_experience: {type: int, min: 0, max: 60, description: Years of work in the occupation}
rules:
  eligible: {formula: years_of_experience >= 2, cite: "act: § 1"}
  score: {formula: years_of_experience * 10, cite: "act: § 2"}
outputs: [eligible, score]
"""


def w_file(folder: Path, rows: int, prefix: str) -> Path:
    """`rows` W visa applications as a state office's CSV holds them, one in seven inadmissible."""
    index = pl.int_range(rows, eager=True)
    frame = pl.DataFrame({"id": [f"{prefix}{n:07d}" for n in range(rows)]}).with_columns(
        pl.lit(str(v).lower()).alias(k) for k, v in W_CASE.items()
    )
    frame = frame.with_columns(
        pl.when(index % 7 == 0).then(pl.lit("none")).otherwise("purpose").alias("purpose")
    )
    path = folder / f"{prefix}applications.csv"
    frame.write_csv(path)
    return path


def points_file(folder: Path, rows: int) -> Path:
    path = folder / "points.csv"
    years = (pl.int_range(rows, eager=True) * 7919 % 41).alias("years_of_experience")
    pl.DataFrame({"id": [f"p-{n:07d}" for n in range(rows)]}).with_columns(years).write_csv(path)
    return path


def floor(resolved: Resolved, path: Path) -> float:
    """Seconds to read, validate and evaluate the file (the work before any write), in process."""
    from statevisa.rules.evaluate import evaluate_frame
    from statevisa.rules.validate import validate
    from statevisa.tables import read_table

    start = time.perf_counter()
    frame = intake.with_blanks(resolved.program, read_table(path))
    evaluate_frame(resolved, validate(resolved, frame, str(path)), str(path))
    return time.perf_counter() - start


def imported(platform: Platform, program: str, path: Path) -> tuple[float, float, int, float, float]:
    """The import in process: seconds (commit and signed log included), its floor, bytes stored per
    row, and the CPU seconds this process and its PostgreSQL backend spent on it."""
    size = "SELECT pg_total_relation_size('applications')"
    with platform.session() as session:
        version, _ = versions.approved_version(
            Context(session, OFFICER, dt.datetime.now(dt.UTC), "bench"), program
        )
        resolved = versions.resolved_on(version, dt.date.today())
        before_bytes = session.scalar(text(size)) or 0
    least = floor(resolved, path)
    start = time.perf_counter()
    with platform.unit(OFFICER, now=dt.datetime.now(dt.UTC), purpose="bench") as ctx:
        backend = int(ctx.session.scalar(text("SELECT pg_backend_pid()")) or 0)
        server, here = _cpu_of(backend), time.process_time()
        done = intake.import_table(ctx, path, program, "06", dt.date.today())
        server, here = _cpu_of(backend) - server, time.process_time() - here
    took = time.perf_counter() - start
    with platform.session() as session:
        grown = (session.scalar(text(size)) or 0) - before_bytes
    return took, least, grown // done.rows, here, server


def on_sqlite(folder: Path, path: Path) -> float:
    """Seconds to import `path` into a fresh SQLite file (executemany instead of COPY)."""
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    prepare(url)
    platform = Platform(url, sequencer=make_sequencer(load_signer(settings())))
    approved(platform)
    start = time.perf_counter()
    with platform.unit(OFFICER, now=dt.datetime.now(dt.UTC), purpose="bench") as ctx:
        intake.import_table(ctx, path, "w-visa", "06", dt.date.today())
    took = time.perf_counter() - start
    platform.close()
    return took


def bulk(url: str, folder: Path, args: argparse.Namespace) -> None:
    print(f"\n== import: {args.rows:,} applications from a CSV file, in one transaction, {load()}")
    platform = Platform(url, sequencer=make_sequencer(load_signer(settings())))
    with platform.session() as session:
        if not session.scalar(text("SELECT count(*) FROM program_versions WHERE status = 'approved'")):
            approved(platform)
    with platform.unit(OFFICER, now=dt.datetime.now(dt.UTC), purpose="bench") as ctx:
        made = versions.upload(ctx, {"program.yaml": POINTS})
        versions.submit(ctx, made.id)
    with platform.unit(FEDERAL, now=dt.datetime.now(dt.UTC), purpose="bench") as ctx:
        versions.decide(ctx, made.id, True, "approved for the benchmark")
    rows = [
        "| program, rows | floor: read, validate, evaluate | import in process | rate | vs floor | per row "
        "| CPU: Python, PostgreSQL |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    wide = imported(platform, "w-visa", w_file(folder, args.rows, "ca-"))
    narrow = imported(platform, "bench-points", points_file(folder, args.rows))
    platform.close()
    for label, (took, least, stored, here, server) in (
        ("W visa (23 inputs, 26 outputs)", wide),
        ("one input, 2 outputs", narrow),
    ):
        rows.append(
            f"| {label}, {args.rows:,} | {least:.2f} s | {took:.2f} s | {args.rows / took:,.0f}/s | "
            f"{took / least:.1f}x | {stored:,} B | {here:.2f} s, {server:.2f} s |"
        )
    second = w_file(folder, args.rows, "tx-")
    command = [STATEVISA, "applications", "import", str(second), "--program", "w-visa", "--state", "48"]
    start = time.perf_counter()
    finished = subprocess.run([*command, "--db", url], capture_output=True, text=True, check=False)
    whole = time.perf_counter() - start
    if finished.returncode != 0:
        raise SystemExit(f"statevisa applications import failed:\n{finished.stderr}")
    print("\n".join(rows))
    print(
        f"`statevisa applications import` (W visa), whole process: {whole:.2f} s, {args.rows / whole:,.0f}/s"
    )
    embedded = on_sqlite(folder, second)
    print(f"the same W visa file into SQLite (the embedded default), in process: {embedded:.2f} s, "
          f"{args.rows / embedded:,.0f}/s")  # fmt: skip
    print(
        f"goal >= {IMPORT_GOAL:,}/s: W visa {args.rows / wide[0]:,.0f}/s, "
        f"one input {args.rows / narrow[0]:,.0f}/s; "
        f"on CPU alone (an idle machine, no overlap) W visa {args.rows / (wide[3] + wide[4]):,.0f}/s, "
        f"one input {args.rows / (narrow[3] + narrow[4]):,.0f}/s; {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sections", nargs="*", help="api, import (default: both)")
    parser.add_argument(
        "--db",
        default=os.environ.get("STATEVISA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server to make a scratch schema on (default: $STATEVISA_TEST_DATABASE_URL)",
    )
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: one per core)"
    )
    parser.add_argument("--count", type=int, default=3_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    args.sections = args.sections or ["api", "import"]
    if not set(args.sections) <= {"api", "import"}:
        parser.error(f"unknown section(s): {', '.join(sorted(set(args.sections) - {'api', 'import'}))}")
    print(f"bench/api.py on {os.cpu_count()} cores, {load()}")
    with tempfile.TemporaryDirectory() as scratch, fresh_schema(args.db) as url:
        env = keys(Path(scratch))
        if "api" in args.sections:
            api(url, env, args)
        if "import" in args.sections:
            bulk(url, Path(scratch), args)


if __name__ == "__main__":
    main()
