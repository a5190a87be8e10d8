"""Programs on the platform: upload a policy file, hold public comment, seek federal approval.

A ProgramVersion moves draft → in_comment → submitted → approved or rejected (a draft may
also be submitted directly, when the law asks for no comment period). Only an approved
version takes applications, and every decision made under it records the version and its
content hash, so "which rules decided this" has one answer. California's AB 20 made federal
consent a condition; the platform makes it one for every program.

A version's files are stored whole (the program file and its section files); their hash is
SHA-256 over the canonical JSON of ``{name: text}`` (keys sorted, UTF-8, no spaces), which
anyone can recompute from an export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from statevisa.errors import ConflictError, InputError, NotFoundError, PolicyError, problem
from statevisa.rules.model import Program as Policy
from statevisa.rules.resolve import Resolved, resolve
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.pages import Page, keyset
from statevisa.store.models import Comment, Program, ProgramVersion

MAX_FILE_BYTES = 2_000_000
MAX_FILES = 40
MAX_COMMENT_CHARS = 20_000
MAIN_FILE = "program.yaml"
MAX_PROGRAM_ID = 64
"""The longest program id the store keeps (the rules engine takes any length: only the platform stores it)."""
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.ya?ml")


class VersionStatus(StrEnum):
    DRAFT = "draft"
    IN_COMMENT = "in_comment"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


MOVES: Mapping[VersionStatus, frozenset[VersionStatus]] = {
    VersionStatus.DRAFT: frozenset({VersionStatus.IN_COMMENT, VersionStatus.SUBMITTED}),
    VersionStatus.IN_COMMENT: frozenset({VersionStatus.SUBMITTED}),
    VersionStatus.SUBMITTED: frozenset({VersionStatus.APPROVED, VersionStatus.REJECTED}),
    VersionStatus.APPROVED: frozenset(),
    VersionStatus.REJECTED: frozenset(),
}


def content_hash(files: Mapping[str, str]) -> str:
    canonical = json.dumps(dict(sorted(files.items())), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@lru_cache(maxsize=64)
def _parsed(digest: str, files_json: str) -> Policy:
    """The checked program of a stored version, parsed once per process per content hash."""
    from statevisa.rules.load import parse_program

    files: dict[str, str] = json.loads(files_json)
    try:
        return parse_program(files[MAIN_FILE], Path(MAIN_FILE), files.get)
    except (RecursionError, MemoryError):
        raise PolicyError(
            problem("too-complex", "the program is too complex to check", file=MAIN_FILE)
        ) from None


def policy_of(version: ProgramVersion) -> Policy:
    return _parsed(version.content_hash, json.dumps(version.files, sort_keys=True))


@lru_cache(maxsize=256)
def _resolved(digest: str, files_json: str, on: dt.date) -> Resolved:
    return resolve(_parsed(digest, files_json), on)


def resolved_on(version: ProgramVersion, on: dt.date) -> Resolved:
    """The version's program with the values in force on `on`, cached: every submission needs it."""
    return _resolved(version.content_hash, json.dumps(version.files, sort_keys=True), on)


_BY_CONTENT: dict[tuple[str, dt.date], Resolved] = {}
_BY_CONTENT_MAX = 256


def resolved_of(session: Session, version: ProgramVersion, on: dt.date) -> Resolved:
    """`resolved_on` for a version read without its files: they are read (one query) only the first
    time a content hash is met on a date, and checked against it.

    A version's files never change after upload and its content hash is the SHA-256 of them, so
    the hash names the rules; reading and re-serialising 35 KB of YAML per submission (the W
    visa) to key the cache cost more than the rest of the lookup. Files that do not hash to the
    stored hash (a row edited behind the platform's back) are resolved from what they say and
    not remembered under the hash.
    """
    key = (version.content_hash, on)
    found = _BY_CONTENT.get(key)
    if found is not None:
        return found
    files: dict[str, str] = session.scalars(
        select(ProgramVersion.files).where(ProgramVersion.id == version.id)
    ).one()
    digest = content_hash(files)
    found = _resolved(digest, json.dumps(files, sort_keys=True), on)
    if digest == version.content_hash:
        if len(_BY_CONTENT) >= _BY_CONTENT_MAX:
            _BY_CONTENT.clear()
        _BY_CONTENT[key] = found
    return found


def check_files(files: Mapping[str, str]) -> dict[str, str]:
    """The uploaded files, refused unless they are a bounded set of plainly named YAML texts."""
    problems = []
    if MAIN_FILE not in files:
        problems.append(problem("no-program-file", f"the upload has no {MAIN_FILE}", field="files"))
    if len(files) > MAX_FILES:
        problems.append(problem("too-many-files", f"at most {MAX_FILES} files per program", field="files"))
    for name, text in files.items():
        if not _FILE_NAME.fullmatch(name):
            problems.append(
                problem("bad-file-name", "must be a plain name ending .yaml", field=f"files/{name}")
            )
        elif len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            problems.append(
                problem("file-too-large", f"over {MAX_FILE_BYTES:,} bytes", field=f"files/{name}")
            )
        elif "\x00" in text:
            problems.append(
                problem("binary-file", "contains a NUL byte: not a text file", field=f"files/{name}")
            )
    if problems:
        raise InputError(problems)
    return dict(files)


@dataclass(frozen=True)
class VersionView:
    id: int
    program_id: str
    version: str
    status: str
    content_hash: str
    jurisdiction: str
    title: str
    uploaded_by: str
    uploaded_at: dt.datetime
    comment_opens: dt.date | None
    comment_closes: dt.date | None
    comments: int
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_reasons: str | None


def _view(ctx: Context, row: ProgramVersion, program: Program) -> VersionView:
    count = ctx.session.scalar(select(func.count()).where(Comment.version_id == row.id)) or 0
    return VersionView(
        row.id,
        row.program_id,
        row.version,
        row.status,
        row.content_hash,
        program.jurisdiction,
        program.title,
        row.uploaded_by,
        row.uploaded_at,
        row.comment_opens,
        row.comment_closes,
        count,
        row.submitted_at,
        row.decided_at,
        row.decided_by,
        row.decision_reasons,
    )


def _resource(program: Program, version: ProgramVersion | None = None) -> Resource:
    if version is None:
        return Resource("Program", program.id, program.jurisdiction)
    return Resource("ProgramVersion", str(version.id), program.jurisdiction)


def upload(ctx: Context, files: Mapping[str, str]) -> VersionView:
    """Store a policy file (and its sections) as a new draft version, after the engine checks it."""
    checked = check_files(files)
    digest = content_hash(checked)
    policy = _parsed(digest, json.dumps(checked, sort_keys=True))
    if len(policy.id) > MAX_PROGRAM_ID:
        raise InputError(
            problem(
                "id-too-long",
                f"id '{policy.id[:20]}…' has {len(policy.id)} characters: the platform keeps "
                f"program ids of at most {MAX_PROGRAM_ID}",
                file=MAIN_FILE,
            )
        )
    if policy.jurisdiction != "US" and not (len(policy.jurisdiction) == 2 and policy.jurisdiction.isdigit()):
        raise InputError(
            problem(
                "not-a-us-jurisdiction",
                f"jurisdiction '{policy.jurisdiction}' is not US or a state FIPS code: the platform "
                "runs US programs (reference encodings of other countries stay in `statevisa evaluate`)",
                file=MAIN_FILE,
            )
        )
    program = ctx.session.get(Program, policy.id)
    if program is None:
        program = Program(
            id=policy.id, title=policy.title, jurisdiction=policy.jurisdiction, created_at=ctx.now
        )
        ctx.authorize("program.upload", _resource(program), creating=True)
        ctx.session.add(program)
    else:
        ctx.authorize("program.upload", _resource(program), creating=True)
        if program.jurisdiction != policy.jurisdiction:
            raise ConflictError(
                problem(
                    "jurisdiction-changed",
                    f"program {policy.id} belongs to {program.jurisdiction}; "
                    f"the file says {policy.jurisdiction}",
                    file=MAIN_FILE,
                )
            )
        program.title = policy.title
    clash = ctx.session.scalar(
        select(ProgramVersion).where(
            ProgramVersion.program_id == policy.id, ProgramVersion.version == policy.version
        )
    )
    if clash is not None:
        same = clash.content_hash == digest
        raise ConflictError(
            problem(
                "version-exists",
                f"{policy.id} {policy.version} is already version {clash.id}"
                + ("" if same else " with other content: raise `version:` in program.yaml"),
                file=MAIN_FILE,
            )
        )
    row = ProgramVersion(
        program_id=policy.id,
        version=policy.version,
        status=VersionStatus.DRAFT,
        content_hash=digest,
        files=checked,
        uploaded_by=ctx.principal.subject,
        uploaded_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit(
        "program.upload", _resource(program, row), detail={"content_hash": digest, "version": policy.version}
    )
    return _view(ctx, row, program)


def _load(ctx: Context, version_id: int, action: str) -> tuple[ProgramVersion, Program]:
    row = ctx.session.get(ProgramVersion, version_id)
    if row is None:
        raise NotFoundError(problem("not-found", f"no program version {version_id}", field="version"))
    program = ctx.session.get(Program, row.program_id)
    assert program is not None  # a foreign key
    ctx.authorize(action, _resource(program, row))
    return row, program


def _move(row: ProgramVersion, target: VersionStatus) -> None:
    current = VersionStatus(row.status)
    if target not in MOVES[current]:
        allowed = ", ".join(sorted(MOVES[current])) or "none: the decision is final"
        raise ConflictError(
            problem(
                "illegal-version-move",
                f"version {row.id} is {current}: it cannot become {target} (allowed from here: {allowed})",
                field="status",
            )
        )
    row.status = target


def get(ctx: Context, version_id: int) -> VersionView:
    row, program = _load(ctx, version_id, "version.read")
    return _view(ctx, row, program)


def list_versions(ctx: Context, program_id: str | None, cursor: str | None, limit: int) -> Page[VersionView]:
    query = select(ProgramVersion)
    if program_id is not None:
        query = query.where(ProgramVersion.program_id == program_id)
    rows, next_cursor = keyset(ctx.session, query, ProgramVersion.id, cursor, limit)
    programs = {
        p.id: p
        for p in ctx.session.scalars(select(Program).where(Program.id.in_({r.program_id for r in rows})))
    }
    for row in rows:
        ctx.authorize("version.read", _resource(programs[row.program_id], row))
    return Page([_view(ctx, row, programs[row.program_id]) for row in rows], next_cursor)


def publish(ctx: Context, version_id: int, opens: dt.date, closes: dt.date) -> VersionView:
    """Open a draft for public comment from `opens` to `closes` (both days included)."""
    row, program = _load(ctx, version_id, "version.publish")
    if closes < opens:
        raise InputError(
            problem("period-reversed", f"closes {closes} before it opens {opens}", field="closes")
        )
    if closes < ctx.today:
        raise InputError(problem("period-past", f"closes {closes}, which is already past", field="closes"))
    _move(row, VersionStatus.IN_COMMENT)
    row.comment_opens, row.comment_closes = opens, closes
    ctx.audit("version.publish", _resource(program, row), detail={"opens": str(opens), "closes": str(closes)})
    return _view(ctx, row, program)


@dataclass(frozen=True)
class CommentView:
    id: int
    version_id: int
    author: str
    author_role: str
    body: str
    created_at: dt.datetime


def comment(ctx: Context, version_id: int, body: str) -> CommentView:
    """A public comment on a version whose comment period is open today."""
    row, program = _load(ctx, version_id, "version.comment")
    text = body.strip()
    if not text:
        raise InputError(problem("empty-comment", "a comment needs some text", field="body"))
    if len(text) > MAX_COMMENT_CHARS:
        raise InputError(
            problem("comment-too-long", f"at most {MAX_COMMENT_CHARS:,} characters", field="body")
        )
    opens, closes = row.comment_opens, row.comment_closes
    if row.status != VersionStatus.IN_COMMENT or opens is None or closes is None:
        raise ConflictError(
            problem("not-in-comment", f"version {row.id} is {row.status}, not open for comment")
        )
    if not opens <= ctx.today <= closes:
        raise ConflictError(
            problem("comment-closed", f"the comment period runs {opens} to {closes}; today is {ctx.today}")
        )
    made = Comment(
        version_id=row.id,
        author=ctx.principal.subject,
        author_role=str(ctx.principal.role),
        body=text,
        created_at=ctx.now,
    )
    ctx.session.add(made)
    ctx.session.flush()
    ctx.audit("version.comment", _resource(program, row), detail={"comment": made.id})
    return CommentView(made.id, row.id, made.author, made.author_role, made.body, made.created_at)


def comments(ctx: Context, version_id: int, cursor: str | None, limit: int) -> Page[CommentView]:
    row, _ = _load(ctx, version_id, "version.read")
    rows, next_cursor = keyset(
        ctx.session, select(Comment).where(Comment.version_id == row.id), Comment.id, cursor, limit
    )
    return Page(
        [CommentView(c.id, c.version_id, c.author, c.author_role, c.body, c.created_at) for c in rows],
        next_cursor,
    )


def submit(ctx: Context, version_id: int) -> VersionView:
    """Ask for federal approval; a comment period must have ended first."""
    row, program = _load(ctx, version_id, "version.submit")
    if (
        row.status == VersionStatus.IN_COMMENT
        and row.comment_closes is not None
        and ctx.today <= row.comment_closes
    ):
        raise ConflictError(
            problem(
                "comment-still-open", f"the comment period is open until {row.comment_closes}", field="status"
            )
        )
    _move(row, VersionStatus.SUBMITTED)
    row.submitted_at = ctx.now
    ctx.audit("version.submit", _resource(program, row))
    return _view(ctx, row, program)


def decide(ctx: Context, version_id: int, approve: bool, reasons: str) -> VersionView:
    """A federal reviewer approves or rejects a submitted version, with reasons on the record."""
    row, program = _load(ctx, version_id, "version.decide")
    text = reasons.strip()
    if not text:
        raise InputError(problem("no-reasons", "a decision needs its reasons", field="reasons"))
    if len(text) > MAX_COMMENT_CHARS:
        raise InputError(
            problem("reasons-too-long", f"at most {MAX_COMMENT_CHARS:,} characters", field="reasons")
        )
    _move(row, VersionStatus.APPROVED if approve else VersionStatus.REJECTED)
    row.decided_at, row.decided_by, row.decision_reasons = ctx.now, ctx.principal.subject, text
    ctx.audit("version.decide", _resource(program, row), detail={"approved": approve})
    return _view(ctx, row, program)


def approved_version(ctx: Context, program_id: str) -> tuple[ProgramVersion, Program]:
    """The version of a program that takes applications now: its latest approved one."""
    program = ctx.session.get(Program, program_id)
    if program is None:
        raise NotFoundError(problem("not-found", f"no program {program_id}", field="program"))
    row = ctx.session.scalar(
        select(ProgramVersion)
        .where(ProgramVersion.program_id == program_id, ProgramVersion.status == VersionStatus.APPROVED)
        .order_by(ProgramVersion.id.desc())
        .limit(1)
    )
    if row is None:
        raise not_approved(program_id)
    return row, program


def not_approved(program_id: str) -> ConflictError:
    """The refusal of a program without an approved version (`approved_version`'s, and the
    submission's, which reads the version in its own query)."""
    return ConflictError(
        problem(
            "not-approved",
            f"program {program_id} has no approved version: it takes no applications",
            field="program",
        )
    )


def require_runs_in(program: Program, state: str, field: str) -> None:
    """Refuse a state a program does not run in: a state program runs in its own state only."""
    if program.jurisdiction not in ("US", state):
        raise InputError(
            problem("wrong-state", f"program {program.id} runs in {program.jurisdiction} only", field=field)
        )


def shipped_files(reference: str) -> dict[str, str]:
    """A program's policy file and section files (a shipped id, a program.yaml or its folder), as an
    upload carries them; checked as an upload would be, so a bundle that is refused here would be
    refused by the platform too."""
    from statevisa.programs import find_program

    main = find_program(reference)
    if not main.is_file():
        raise InputError(problem("no-such-file", "no such file", file=main))
    if main.name != MAIN_FILE:
        raise InputError(
            problem("not-program-yaml", f"the program file must be named {MAIN_FILE}", file=main)
        )
    try:
        files = {path.name: path.read_text(encoding="utf-8") for path in sorted(main.parent.glob("*.yaml"))}
    except UnicodeDecodeError as error:
        raise InputError(
            problem("not-utf8", f"a policy file is not UTF-8: {error.reason}", file=main.parent)
        ) from None
    return check_files(files)
