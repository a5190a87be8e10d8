"""A disk cache of checked programs, so a second `check` or `evaluate` does not re-parse YAML.

Parsing and checking a large program (the CRS: five files, 1,700 lines) takes a few hundred
milliseconds; unpickling the checked `Program` takes about one. The key covers everything
the result depends on: the path as given (messages quote it), the bytes of every YAML file
in the program's folder outside ``tests/``, and the engine's own source files (size and
modification time), so an edited program or an upgraded engine is parsed again.

The cache lives in ``$STATEVISA_CACHE_DIR``, else ``$XDG_CACHE_HOME/statevisa``, else
``~/.cache/statevisa``; ``STATEVISA_CACHE_DIR=off`` turns it off. A pickle is only read from
a directory the current user owns and nobody else can write, and only a file the user owns;
any failure to read or write it falls back to parsing, silently: the cache is an accelerator,
never a source of truth.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import statevisa
from statevisa.rules.model import Program

FORMAT = b"statevisa-program-cache-1"
T = TypeVar("T")
ENGINE_DIR = Path(statevisa.__file__).parent / "rules"


def cache_dir() -> Path | None:
    """Where checked programs are kept, or None when caching is off."""
    configured = os.environ.get("STATEVISA_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "none") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "statevisa"


def _engine_fingerprint() -> bytes:
    return source_fingerprint(ENGINE_DIR)


def source_fingerprint(*folders: Path) -> bytes:
    """The version and the size and modification time of every source file in `folders`: a
    cached result built by older code is never read back."""
    digest = hashlib.sha256(statevisa.__version__.encode())
    for folder in folders:
        for source in sorted(folder.glob("*.py")):
            stat = source.stat()
            digest.update(f"{folder.name}/{source.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.digest()


def program_key(path: Path) -> str | None:
    """The cache key of the program file at `path`, or None if its folder cannot be read."""
    folder = path.parent
    digest = hashlib.sha256(FORMAT)
    digest.update(_engine_fingerprint())
    digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
    try:
        files = sorted(
            file for file in folder.rglob("*.y*ml") if "tests" not in file.relative_to(folder).parts[:-1]
        )
        for file in files:
            digest.update(str(file.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()


def _private(directory: Path) -> bool:
    """True when `directory` belongs to this user and no one else may write into it."""
    try:
        stat = directory.stat()
    except OSError:
        return False
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def cached_program(path: Path, load: Callable[[Path], Program]) -> Program:
    """`load(path)`, through the disk cache when it is on and usable."""
    directory = cache_dir()
    key = program_key(path) if directory is not None else None
    if directory is None or key is None:
        return load(path)
    target = directory / "programs" / f"{key}.pickle"
    found = _read(target, Program)
    if found is not None:
        return found
    program = load(path)
    _write(target, program)
    return program


def cached_value(kind: str, key: str | None, load: Callable[[], T], expected: type[T]) -> T:
    """`load()`, through the disk cache (``<kind>/<key>.pickle``) when it is on and `key` is known;
    the key must cover everything the value depends on."""
    directory = cache_dir()
    if directory is None or key is None:
        return load()
    target = directory / kind / f"{key}.pickle"
    found = _read(target, expected)
    if found is not None:
        return found
    value = load()
    _write(target, value)
    return value


def _read(target: Path, expected: type[T]) -> T | None:
    if not target.is_file() or not _private(target.parent):
        return None
    try:
        if target.stat().st_uid != os.getuid():
            return None
        with target.open("rb") as handle:
            found = pickle.load(handle)
    except Exception:  # a truncated or foreign pickle is ignored, never trusted
        return None
    return found if isinstance(found, expected) else None


def _write(target: Path, program: object) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(target.parent):
            return
        handle, name = tempfile.mkstemp(prefix=".program.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(program, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(name, target)
        finally:
            Path(name).unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, RecursionError):
        return
