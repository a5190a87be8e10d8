"""Path and query parameters shared by the routes, bounded so no value can overflow a database column."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from statevisa.services.pages import DEFAULT_LIMIT, MAX_LIMIT

MAX_ID = 2**53
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record id")]
ProgramId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="A program id")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Cursor = Annotated[str | None, Query(max_length=100, description="The next_cursor of the previous page")]
ProgramFilter = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", alias="program")]
DEFAULT = DEFAULT_LIMIT
ProgramName = Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="A program id")]
Year = Annotated[int, Query(ge=1900, le=2200, description="A program year")]
