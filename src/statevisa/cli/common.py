"""Helpers every CLI area shares: plain lines on stderr, the error printer and the consoles."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class _LazyConsole:
    """A Rich console created on first use, so that importing the CLI does not import Rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


stdout: Console = _LazyConsole(highlight=False)  # type: ignore[assignment]
stderr: Console = _LazyConsole(stderr=True, highlight=False, soft_wrap=True)  # type: ignore[assignment]


def tell(message: str) -> None:
    """Print one plain line on stderr, as written: no Rich, so commands that only report a line
    (`evaluate`, an error) do not import it, and no markup or emoji codes are interpreted."""
    sys.stderr.write(f"{message}\n")


def print_errors(messages: Iterable[str]) -> None:
    """Print user errors one per line on stderr, unstyled so they stay greppable."""
    for message in messages:
        tell(message)


def warn(message: str) -> None:
    """Print a warning line on stderr."""
    tell(f"warning: {message}")


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
