"""Helpers every CLI area shares: the error printer and the console."""

from __future__ import annotations

from collections.abc import Iterable

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
