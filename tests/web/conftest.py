"""The dashboard on a seeded demo database: in-process for HTTP tests, served for the browser tests.

The demo is seeded once per test process (`services.seed`, the data `make demo` serves, with
fewer synthetic people) into a folder on tmpfs when there is one, since SQLite's fsyncs are
most of the seeding time on disk. Tests that write get their own copy of the file. The clock
is fixed, so every page reads the same comment periods and dates on every run.

The browser tests run in Debian's chromium (`/usr/bin/chromium`, never a downloaded browser).
When it is missing the set-up installs it with apt-get; if that fails, the browser tests fail
in CI (``CI=true``) and are skipped, with the reason, elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from statevisa.api.app import create_app
from statevisa.config import Settings
from statevisa.services.auditlog import load_signer, make_sequencer, write_new_key
from statevisa.services.authz import Principal, Role
from statevisa.services.context import Platform
from statevisa.services.database import prepare
from statevisa.services.seed import Seeded, seed
from statevisa.services.tokens import issue

CHROMIUM = Path("/usr/bin/chromium")
SECRET = b"web-test-secret-with-at-least-32-bytes!!"
NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
PEOPLE = 120
CALIFORNIA = Principal("ca-officer-web", Role.STATE_OFFICER, "06")
TEXAS = Principal("tx-officer-web", Role.STATE_OFFICER, "48")
ANALYST = Principal("analyst-web", Role.ANALYST, "US")


@dataclass(frozen=True)
class Demo:
    """A seeded demo database file, the settings that signed its log, and what was seeded."""

    path: Path
    settings: Settings
    seeded: Seeded

    def copy(self, folder: Path) -> str:
        target = folder / "demo.db"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"


def token(who: Principal) -> str:
    return issue(who, SECRET, NOW, 3600)


def _fast_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="statevisa-web-", dir=shm))
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = _fast_folder(tmp_path_factory)
    key = folder / "audit.pem"
    write_new_key(key)
    settings = Settings(SECRET, key, "web-test.statevisa/audit")
    path = folder / "template.db"
    prepare(f"sqlite:///{path}")
    platform = Platform(f"sqlite:///{path}", sequencer=make_sequencer(load_signer(settings)))
    try:
        seeded = seed(platform, NOW, PEOPLE)
    finally:
        platform.close()
    yield Demo(path, settings, seeded)
    shutil.rmtree(folder, ignore_errors=True)


def open_app(url: str, settings: Settings) -> tuple[Any, Platform]:
    platform = Platform(url, sequencer=make_sequencer(load_signer(settings)))
    return create_app(platform, settings, clock=lambda: NOW), platform


@pytest.fixture(scope="session")
def shared_site(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on a copy of the demo that read-only tests share (never write through it)."""
    app, platform = open_app(demo.copy(tmp_path_factory.mktemp("read")), demo.settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    platform.close()


@pytest.fixture
def site(shared_site: TestClient) -> TestClient:
    """The shared app, signed out: a login cookie one test set must not sign in the next test."""
    shared_site.cookies.clear()
    return shared_site


@pytest.fixture
def writable(demo: Demo, tmp_path: Path) -> Iterator[TestClient]:
    """The app on this test's own copy of the demo."""
    app, platform = open_app(demo.copy(tmp_path), demo.settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    platform.close()


# The browser: Debian's chromium, and the app served over HTTP --------------------------------


def _install_chromium() -> str | None:
    """Install chromium from the system packages; the reason it failed, or None."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available to install chromium"
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        return "not root: run `apt-get install -y chromium` first"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    said = ""
    for steps in ([install], [["apt-get", "update"], install]):  # the package lists may be stale
        for command in steps:
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            said = done.stderr[-300:]
            if done.returncode != 0:
                break
        if CHROMIUM.exists():
            return None
    return f"apt-get install chromium failed: {said}"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium; installed now if missing. Missing in CI is a failure, never a skip."""
    if not CHROMIUM.exists():
        why = _install_chromium()
        if why is not None:
            if os.environ.get("CI"):
                pytest.fail(f"the browser tests need {CHROMIUM} in CI: {why}")
            pytest.skip(f"no {CHROMIUM}: {why}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium: Path) -> dict[str, Any]:
    return {"executable_path": str(chromium)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def served(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 (a thread of this process), on its own demo copy."""
    app, platform = open_app(demo.copy(tmp_path_factory.mktemp("served")), demo.settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the dashboard server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    platform.close()


@pytest.fixture(scope="session")
def browser_context_args(served: str) -> dict[str, Any]:
    return {"base_url": served, "viewport": {"width": 1280, "height": 900}}


def signed_in(who: Principal, **headers: str) -> dict[str, str]:
    """Request headers that carry `who`'s token in the login cookie (and any others given)."""
    from statevisa.web.site import COOKIE

    return {"Cookie": f"{COOKIE}={token(who)}", **headers}
