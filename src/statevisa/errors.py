"""The one exception family that reaches a user.

Core modules raise these with messages a person can act on; the shell (CLI, API)
turns them into exit code 2 or an HTTP 4xx. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable


class StatevisaError(Exception):
    """A user-facing error carrying one or more complete messages."""

    def __init__(self, messages: str | Iterable[str]) -> None:
        self.messages: list[str] = [messages] if isinstance(messages, str) else list(messages)
        if not self.messages:
            raise ValueError("a StatevisaError needs at least one message")
        super().__init__("\n".join(self.messages))


class InputError(StatevisaError):
    """Bad input data: a file, a row or a column the caller supplied."""


class PolicyError(StatevisaError):
    """A malformed policy file: every message names file:line:col."""
