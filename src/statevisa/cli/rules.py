"""CLI for the rules engine: programs list, check, evaluate, explain, test."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the rules commands to the main app."""
