"""Problems as data: where, a stable code, and words a person can act on.

Core modules raise `InputError` or `PolicyError` carrying one or more `Problem`s; the
edge renders them: the CLI prints ``str(problem)`` (``file:line:col: message`` or
``file: row N (id X), column C: message``) and exits 2, the API returns them as RFC 9457
problem details. Nobody parses a message back into its parts: the location travels as
fields. Anything else raised is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TypeVar


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is, in whichever terms the input has.

    A text file has `line` and `column` (1-based); a table has `row` (its CSV line number,
    header = 1, the same N for Parquet) and a `field` (the column); one case has its
    `row_id` and a `field` (the input name); a command-line option is a `field` starting
    with ``--``, with the `file` it named if any (``--out E.csv: ...``).
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    row: int | None = None
    row_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        if self.field is not None and self.field.startswith("--") and self.line is None and not self.row:
            return f"{self.field} {self.file}" if self.file else self.field  # an option and the path it named
        head = self.file or ""
        if self.line is not None:
            head += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        tail: list[str] = []
        tabular = self.row is not None or self.row_id is not None
        if self.row is not None:
            tail.append(f"row {self.row}" + (f" (id {self.row_id})" if self.row_id else ""))
        elif self.row_id is not None:
            tail.append(f"case {self.row_id}" if self.row_id else "case")
        if self.field is not None:
            if tabular or (self.file and self.line is None):
                noun = "columns" if ", " in self.field else "column"  # a constraint names several
                tail.append(f"{noun} {self.field}")
            else:
                tail.append(self.field)
        if head and tail:
            return f"{head}: {', '.join(tail)}"
        return head or ", ".join(tail)

    def to_json(self) -> dict[str, object]:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input.

    `code` is a stable kebab-case identifier a script or an API client can branch on
    (``not-a-number``, ``duplicate-id``, ``yaml-syntax``); `message` says what is wrong
    without repeating the location, which `__str__` puts in front.
    """

    code: str
    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message

    def to_json(self) -> dict[str, object]:
        """The problem as a plain object: code, message, location fields, and the rendered text."""
        return {"code": self.code, "message": self.message, **self.location.to_json(), "text": str(self)}


def problem(
    code: str,
    message: str,
    *,
    file: object = None,
    line: int | None = None,
    column: int | None = None,
    row: int | None = None,
    row_id: object = None,
    field: str | None = None,
) -> Problem:
    """Build a Problem from keyword parts (`file` may be a Path; an empty `row_id` is dropped)."""
    shown_id = None if row_id is None or str(row_id) == "" else str(row_id)
    return Problem(
        code,
        message,
        Location(None if file is None else str(file), line, column, row, shown_id, field),
    )


def table_problem(code: str, message: str, file: object, index: int, row_id: object, column: str) -> Problem:
    """A problem in a table cell; `index` is the 0-based row, shown as its CSV line (index + 2)."""
    return problem(code, message, file=file, row=index + 2, row_id=row_id, field=column)


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of byte `offset`: where a reader points at a bad byte."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


class StatevisaError(Exception):
    """A user-facing error carrying one or more problems."""

    default_code = "invalid"

    def __init__(self, problems: Problem | str | Iterable[Problem | str]) -> None:
        items = [problems] if isinstance(problems, Problem | str) else list(problems)
        self.problems: list[Problem] = [
            item if isinstance(item, Problem) else Problem(self.default_code, item) for item in items
        ]
        if not self.problems:
            raise ValueError("a StatevisaError needs at least one problem")
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        """Every problem rendered as one line, location first."""
        return [str(item) for item in self.problems]


class InputError(StatevisaError):
    """Bad input data: a file, a row, a column, an option or a field the caller supplied."""

    default_code = "invalid-input"


class PolicyError(StatevisaError):
    """A malformed policy file (every problem names file:line:col) or a program that cannot decide."""

    default_code = "invalid-policy"


class NotFoundError(StatevisaError):
    """The thing asked for does not exist, or the caller may not know it does (no leak of existence)."""

    default_code = "not-found"


class ForbiddenError(StatevisaError):
    """The caller's role may never do this, whatever the jurisdiction."""

    default_code = "forbidden"


class UnauthenticatedError(StatevisaError):
    """No credential, or one that is malformed, expired or not signed by this platform."""

    default_code = "unauthenticated"


class ConflictError(StatevisaError):
    """The request is well formed but the state of the records forbids it now (an illegal case
    transition, a cap already reached, a comment period that is closed, a key reused)."""

    default_code = "conflict"


class StoreError(StatevisaError):
    """The database cannot serve: unreachable, or at a schema revision this code does not run on."""

    default_code = "store-unavailable"


E = TypeVar("E", bound=StatevisaError)


def renamed_fields(error: E, names: Mapping[str, str]) -> E:
    """The same error with its problems' fields renamed (``--wage`` → ``annual_wage``), so a
    check written for the command line answers an API caller in the API's own terms."""

    def rename(item: Problem) -> Problem:
        field = item.location.field
        if field is None or field not in names:
            return item
        return replace(item, location=replace(item.location, field=names[field]))

    return type(error)([rename(item) for item in error.problems])
