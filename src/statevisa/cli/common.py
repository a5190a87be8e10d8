"""Helpers every CLI area shares: the error printer and the console."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from rich.console import Console

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def print_errors(messages: Iterable[str]) -> None:
    """Print user errors one per line on stderr, unstyled so they stay greppable."""
    for message in messages:
        stderr.print(message, markup=False)


def warn(message: str) -> None:
    """Print a warning line on stderr."""
    stderr.print(f"warning: {message}", markup=False)


BUSY_ROWS = 1_000_000
"""Work on fewer rows than this finishes too fast to need a spinner."""


@contextmanager
def busy(message: str, rows: int) -> Iterator[None]:
    """A spinner on stderr while long work runs, only when stderr is a terminal."""
    if rows < BUSY_ROWS or not stderr.is_terminal:
        yield
        return
    with stderr.status(message):
        yield
