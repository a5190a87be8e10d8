"""Bulk intake: a state office's spreadsheet of applications loaded in one pass, all or nothing.

A CSV or Parquet file holds one application per row: an `id` column (the office's own
reference, kept as the application's external id), the program's inputs, and optionally a
`state` column. The whole file is validated and evaluated vectorised by the rules engine
(`rules.validate`, `rules.evaluate.evaluate_frame`) with the program's approved version on
the date given, then every application, its case (submitted, then eligible or ineligible by
the system, exactly as `applications.open_case` records a single submission) and the two
events of each case are written in the caller's one transaction, with one audit event for
the import naming the file's SHA-256 and its row count. Any bad cell, wrong state or id
already taken refuses the whole file, naming the row and column; nothing is written.

Explanation trees are not computed here: `applications.get` explains an imported application
on its first read, from the inputs stored with it.

An external id is unique within a program and state: the same office re-importing a file, or
a file that repeats an id, is refused. On PostgreSQL an advisory lock per program serialises
imports so two at once cannot both pass that check (SQLite writers are serialised already).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import polars as pl
from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from statevisa.cases.states import Actor, CaseState, check
from statevisa.errors import InputError, NotFoundError, Problem, problem, table_problem
from statevisa.rules.model import Program as Policy
from statevisa.services.applications import decision_outputs, decision_reason
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.employers import require_jurisdiction
from statevisa.services.moves import SYSTEM_SUBJECT
from statevisa.services.program_versions import approved_version, require_runs_in, resolved_on
from statevisa.store import bulk
from statevisa.store.models import Application, Case, Event, Jurisdiction, Program, ProgramVersion

MAX_ROWS = 1_000_000
"""One import's ceiling: about 2 GB of memory in flight; a larger file is split by the office."""
MAX_ID_CHARS = 64
MAX_MESSAGES = 20
ROW = "__row__"
LOCK_PREFIX = b"statevisa-import:"


@dataclass(frozen=True)
class Imported:
    """What an import wrote: how many applications, decided how, under which version, and its proof."""

    program_id: str
    version_id: int
    version: str
    content_hash: str
    evaluated_on: dt.date
    batch: str
    file_sha256: str
    rows: int
    eligible: int
    states: list[str]
    first_application_id: int
    last_application_id: int


def program_jurisdiction(session: Session, program_id: str) -> str:
    """Where a program runs (US or a state): whom a command-line import acts for by default."""
    program = session.get(Program, program_id)
    if program is None:
        raise NotFoundError(problem("not-found", f"no program {program_id}", field="--program"))
    return program.jurisdiction


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _table(model: type[Application | Case | Event]) -> Table:
    return cast(Table, model.__table__)


def _refuse(
    frame: pl.DataFrame,
    ids: pl.Series,
    column: str,
    code: str,
    say: Callable[[dict[str, object]], str],
    source: str,
) -> None:
    """Raise one problem per flagged row of `frame` (it holds `ROW`), the first few in file order."""
    found: list[Problem] = [
        table_problem(code, say(row), source, int(str(row[ROW])), ids[int(str(row[ROW]))], column)
        for row in frame.sort(ROW).head(MAX_MESSAGES).iter_rows(named=True)
    ]
    if frame.height > MAX_MESSAGES:
        found.append(
            problem("more-problems", f"... and {frame.height - MAX_MESSAGES} more problem(s)", file=source)
        )
    raise InputError(found)


def _states(ctx: Context, program: Program, frame: pl.DataFrame, state: str | None, source: str) -> pl.Series:
    """The state of every row: `--state`, the file's `state` column, or a state program's own state."""
    if state is not None:
        require_jurisdiction(ctx, state, "state", "--state")
        require_runs_in(program, state, "--state")
    if "state" not in frame.columns:
        if state is None and program.jurisdiction == "US":
            raise InputError(
                problem(
                    "no-state",
                    f"program {program.id} is national: give --state FIPS, or a state column in the file",
                    field="--state",
                )
            )
        return pl.repeat(state or program.jurisdiction, frame.height, dtype=pl.String, eager=True).alias(
            "state"
        )
    try:
        column = frame["state"].cast(pl.String).str.strip_chars().alias("state")
    except pl.exceptions.PolarsError:
        raise InputError(
            problem("unusable-column", f"holds {frame.schema['state']} values, not state FIPS codes",
                    file=source, field="state")
        ) from None  # fmt: skip
    known = set(ctx.session.scalars(select(Jurisdiction.fips).where(Jurisdiction.kind == "state")))
    must = state or (None if program.jurisdiction == "US" else program.jurisdiction)
    checked = pl.DataFrame({ROW: pl.int_range(frame.height, eager=True), "state": column})
    unknown = checked.filter(~pl.col("state").is_in(sorted(known)) | pl.col("state").is_null())
    ids = frame["id"].cast(pl.String) if "id" in frame.columns else pl.Series([None] * frame.height)
    if unknown.height:
        _refuse(
            unknown,
            ids,
            "state",
            "unknown-state",
            lambda r: f"'{r['state'] or ''}' is not a state FIPS code",
            source,
        )
    other = checked.filter(pl.col("state") != must) if must is not None else checked.clear()
    if other.height:
        why = "the --state given" if state is not None else f"where program {program.id} runs"
        _refuse(other, ids, "state", "wrong-state", lambda r: f"'{r['state']}' is not {must}, {why}", source)
    return column


def _check_ids(typed: pl.DataFrame, source: str) -> None:
    long = typed.with_row_index(ROW).filter(pl.col("id").str.len_chars() > MAX_ID_CHARS)
    if long.height:
        _refuse(
            long,
            typed["id"],
            "id",
            "id-too-long",
            lambda _: f"an id has at most {MAX_ID_CHARS} characters",
            source,
        )


def _lock(ctx: Context, program: Program) -> None:
    """Serialise imports into one program on PostgreSQL, so the duplicate check below holds."""
    if ctx.session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(LOCK_PREFIX + program.id.encode()).digest()[:8], "big", signed=True
        )
        ctx.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _taken(ctx: Context, program: Program, ids: pl.Series) -> pl.DataFrame:
    """The program's applications whose external id is among `ids`: external_id, state, application."""
    listed = ids.to_list()
    if ctx.session.get_bind().dialect.name == "postgresql":
        among = text("SELECT unnest(CAST(:ids AS text[]))").bindparams(ids=listed)
    else:
        among = text("SELECT value FROM json_each(:ids)").bindparams(ids=json.dumps(listed))
    found = ctx.session.execute(
        select(Application.external_id, Application.state, Application.id)
        .join(ProgramVersion, ProgramVersion.id == Application.version_id)
        .where(ProgramVersion.program_id == program.id, Application.external_id.in_(among))
    ).all()
    return pl.DataFrame(
        [tuple(row) for row in found],
        schema={"id": pl.String, "state": pl.String, "application": pl.Int64},
        orient="row",
    )


def _not_taken(ctx: Context, program: Program, typed: pl.DataFrame, states: pl.Series, source: str) -> None:
    taken = _taken(ctx, program, typed["id"])
    if taken.height == 0:
        return
    rows = typed.select("id").with_columns(states).with_row_index(ROW)
    clash = rows.join(taken, on=["id", "state"], how="inner")
    if clash.height:
        _refuse(
            clash,
            typed["id"],
            "id",
            "duplicate-id",
            lambda r: (
                f"id {r['id']} is already application {r['application']} of {program.id} in {r['state']}"
            ),
            source,
        )


def with_blanks(policy: Policy, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with a blank column for each optional input it leaves out, as a single submission may."""
    absent = [
        name for name, spec in policy.inputs.items() if spec.optional_when and name not in frame.columns
    ]
    return frame.with_columns(pl.lit(None, dtype=pl.String).alias(name) for name in absent)


def _json(names: list[str]) -> pl.Expr:
    if not names:
        return pl.lit("{}")
    return pl.struct(pl.col(names)).struct.json_encode()


def import_table(ctx: Context, path: Path, program_id: str, state: str | None, on: dt.date) -> Imported:
    """Validate, evaluate and store every application of a file, in the caller's one transaction."""
    from statevisa.rules.evaluate import evaluate_frame
    from statevisa.rules.validate import validate
    from statevisa.tables import read_table

    source = str(path)
    version, program = approved_version(ctx, program_id)
    resolved = resolved_on(version, on)
    eligible_name, score_name = decision_outputs(resolved.program)
    frame = read_table(path)
    if frame.height > MAX_ROWS:
        raise InputError(
            problem("too-many-rows", f"at most {MAX_ROWS:,} rows per import: split the file", file=source)
        )
    states = _states(ctx, program, frame, state, source)
    listed = states.unique().sort().to_list()
    batch = uuid.uuid4().hex
    for where in listed:
        ctx.authorize("application.import", Resource("Application", batch, where), creating=True)
    typed = validate(resolved, with_blanks(resolved.program, frame), source)
    _check_ids(typed, source)
    _lock(ctx, program)
    _not_taken(ctx, program, typed, states, source)
    result = evaluate_frame(resolved, typed, source)
    for target in (CaseState.ELIGIBLE, CaseState.INELIGIBLE):
        check(CaseState.SUBMITTED, target, Actor.SYSTEM)
    given = [name for name in typed.columns if name != "id" and name in frame.columns]
    outputs = [name for name in result.columns if name != "id"]
    score = result[score_name].cast(pl.Float64) if score_name is not None else pl.lit(None, dtype=pl.Float64)
    decided = pl.DataFrame(
        {
            "id": bulk.reserve_ids(ctx.session, _table(Application), frame.height),
            "case_id": bulk.reserve_ids(ctx.session, _table(Case), frame.height).alias("case_id"),
            "external_id": typed["id"],
            "state": states,
            "inputs": typed.select(_json(given)).to_series(),
            "outputs": result.select(_json(outputs)).to_series(),
            "eligible": result[eligible_name].cast(pl.Boolean),
        }
    ).with_columns(score.alias("score"))
    _write(ctx, program, version, on, batch, decided)
    digest = file_sha256(path)
    eligible = int(decided["eligible"].sum())
    ctx.audit(
        "application.import",
        Resource("Application", batch, listed[0] if len(listed) == 1 else "US"),
        detail={
            "file_sha256": digest, "rows": decided.height, "eligible": eligible, "program": program.id,
            "version": version.id, "evaluated_on": on.isoformat(), "batch": batch,
            "states": ",".join(listed)[:1000],
        },
    )  # fmt: skip
    ids = decided["id"]
    return Imported(
        program.id, version.id, version.version, version.content_hash, on, batch, digest,
        decided.height, eligible, listed, int(ids[0]), int(ids[-1]),
    )  # fmt: skip


def _write(
    ctx: Context, program: Program, version: ProgramVersion, on: dt.date, batch: str, decided: pl.DataFrame
) -> None:
    """Applications, their cases and each case's two events, as `applications.open_case` writes one.

    `decided` holds a row per application: its reserved id and case id, external id, state,
    inputs and outputs (JSON text), eligible and score. An application keeps the inputs its
    row gave (typed: a blank cell as the value the engine read for it), as a submission keeps
    the inputs it was sent.
    """
    now, who = ctx.now, ctx.principal
    bulk.append(
        ctx.session,
        _table(Application),
        decided.select("id", "external_id", "state", "inputs", "outputs", "eligible", "score"),
        {"version_id": version.id, "owner": who.subject, "evaluated_on": on, "submitted_at": now,
         "import_batch": batch},
    )  # fmt: skip
    target = (
        pl.when(pl.col("eligible"))
        .then(pl.lit(str(CaseState.ELIGIBLE)))
        .otherwise(pl.lit(str(CaseState.INELIGIBLE)))
    )
    cases = decided.select(
        id=pl.col("case_id"), application_id=pl.col("id"), jurisdiction=pl.col("state"), state=target
    )
    bulk.append(ctx.session, _table(Case), cases, {"opened_at": now, "updated_at": now})
    why = (
        pl.when(pl.col("eligible"))
        .then(pl.lit(decision_reason(program, version, on, True)))
        .otherwise(pl.lit(decision_reason(program, version, on, False)))
    )
    submitted = decided.select(
        "case_id",
        step=pl.lit(0),
        from_state=pl.lit(None, dtype=pl.String),
        to_state=pl.lit(str(CaseState.SUBMITTED)),
        actor=pl.lit(who.subject),
        role=pl.lit(str(who.role)),
        reason=pl.lit("submitted"),
        details=pl.lit("{}"),
    )
    moved = decided.select(
        "case_id",
        step=pl.lit(1),
        from_state=pl.lit(str(CaseState.SUBMITTED)),
        to_state=target,
        actor=pl.lit(SYSTEM_SUBJECT),
        role=pl.lit(str(Actor.SYSTEM)),
        reason=why,
        details=pl.lit(json.dumps({"version_id": version.id})),
    )
    events = pl.concat([submitted, moved]).sort("case_id", "step").drop("step")
    bulk.append(ctx.session, _table(Event), events, {"at": now})
