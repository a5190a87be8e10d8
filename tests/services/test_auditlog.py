"""The transparency log in the store: sequenced, signed, proved, and any tampering found and named."""

from __future__ import annotations

import base64
import datetime as dt
import json
import multiprocessing
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text

from statevisa.audit import checkpoint, merkle, note
from statevisa.errors import StatevisaError
from statevisa.services import applicants, auditlog
from statevisa.services.context import Platform
from statevisa.store.models import AuditEvent, AuditLeaf
from tests.platform import APPLICANT, CALIFORNIA, act

SIGNER = auditlog.Signer("test.statevisa/audit", Ed25519PrivateKey.generate())
NOW = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)


@pytest.fixture
def logged(database_url: str) -> Iterator[Platform]:
    """A platform whose units sequence and sign their events, with five applicants recorded."""
    opened = Platform(database_url, sequencer=auditlog.make_sequencer(SIGNER))
    for name in ("Ana", "Bo", "Cy"):
        new = applicants.NewApplicant("06", name, "Doe", document_number="X1", document_country="USA")
        made = act(opened, APPLICANT, applicants.create, new)
        act(opened, CALIFORNIA, applicants.get, made.id)  # a read of protected fields: logged too
    yield opened
    opened.close()


def test_every_write_and_protected_read_is_a_leaf_under_a_signed_head(logged: Platform) -> None:
    with logged.session() as session:
        note_text = auditlog.head(session)
        found = auditlog.verify(session, SIGNER.verifier)
        proof = auditlog.prove(session, 3)
        grown = auditlog.consistency(session, 2)
        lines = list(auditlog.export_lines(session))
    opened = checkpoint.open_checkpoint(note_text, SIGNER.verifier)
    assert (opened.origin, opened.size) == ("test.statevisa/audit", 6)
    assert found.ok and (found.tree_size, found.events, found.pending) == (6, 6, 0)
    leaf = base64.b64decode(str(proof["leaf"]))
    path = [base64.b64decode(h) for h in cast(list[str], proof["inclusion_path"])]
    assert merkle.verify_inclusion(merkle.leaf_hash(leaf), 3, 6, path, opened.root)
    assert json.loads(leaf)["action"] == "applicant.read_protected"
    assert grown["old_size"] == 2 and len(lines) == 6
    assert json.loads(lines[1])["fields"] == [
        "date_of_birth",
        "document_country",
        "document_number",
        "address",
        "immigration_status",
    ].__class__(sorted(json.loads(lines[1])["fields"]))


def _tamper(platform: Platform, statement: str) -> None:
    """What an attacker with the database could do: drop the append-only guard and change rows."""
    with platform.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for table in ("audit_events", "audit_leaves"):
                for verb in ("update", "delete"):
                    session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        session.execute(text(statement))


def test_the_log_refuses_updates_and_deletes(logged: Platform) -> None:
    with pytest.raises(Exception, match="append-only"), logged.session() as session:
        session.execute(text("UPDATE audit_events SET actor = 'mallory'"))
    with pytest.raises(Exception, match="append-only"), logged.session() as session:
        session.execute(text("DELETE FROM audit_leaves WHERE idx = 5"))


@pytest.mark.parametrize(
    ("statement", "index", "words"),
    [
        (
            "UPDATE audit_events SET actor = 'mallory' "
            "WHERE id = (SELECT event_id FROM audit_leaves WHERE idx = 2)",
            2,
            "differs from its logged leaf",
        ),
        ("DELETE FROM audit_leaves WHERE idx = 4", 4, "is missing"),
        (
            "INSERT INTO audit_leaves (idx, event_id, leaf, leaf_hash) SELECT 6, event_id, leaf, leaf_hash "
            "FROM audit_leaves WHERE idx = 0",
            6,
            "not covered by any signed checkpoint",
        ),
    ],
)
def test_an_edit_a_deletion_and_an_insertion_are_each_named(
    logged: Platform, statement: str, index: int, words: str
) -> None:
    if statement.startswith("INSERT"):  # the copied leaf needs its own event row to point at
        statement = statement.replace("SELECT 6, event_id", "SELECT 6, (SELECT max(id) FROM audit_events)")
        with logged.session() as session:
            session.execute(
                text(
                    "INSERT INTO audit_events (at, actor, role, jurisdiction, purpose, action, "
                    "resource_type, resource_id, fields, detail) SELECT at, actor, role, jurisdiction, "
                    "purpose, action, resource_type, resource_id, fields, detail FROM audit_events "
                    "WHERE id = (SELECT min(id) FROM audit_events)"
                )
            )
    _tamper(logged, statement)
    with logged.session() as session:
        found = auditlog.verify(session, SIGNER.verifier)
    assert not found.ok and found.first_bad_index == index and words in found.why


def test_a_missing_key_file_is_a_clear_error(tmp_path: Path) -> None:
    from statevisa.config import Settings

    with pytest.raises(StatevisaError, match="STATEVISA_AUDIT_KEY_FILE is not set"):
        auditlog.load_signer(Settings(None, None, "x"))
    with pytest.raises(StatevisaError, match="no such file"):
        auditlog.load_signer(Settings(None, tmp_path / "absent.pem", "x"))


def test_units_committing_together_share_sequencer_runs_and_each_is_logged_on_return(
    logged: Platform,
) -> None:
    def one(n: int) -> int:
        new = applicants.NewApplicant("06", f"P{n}", "Doe", document_number=f"X{n}", document_country="USA")
        made = act(logged, APPLICANT, applicants.create, new)
        logged_leaves = (
            select(func.count())
            .select_from(AuditLeaf)
            .join(AuditEvent, AuditEvent.id == AuditLeaf.event_id)
            .where(AuditEvent.resource_id == str(made.id), AuditEvent.action == "applicant.create")
        )
        with logged.session() as session:  # in the log before the unit returned
            return session.scalar(logged_leaves) or 0

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(one, range(24))) == [1] * 24
    with logged.session() as session:
        found = auditlog.verify(session, SIGNER.verifier)
    assert found.ok and (found.events, found.pending) == (30, 0)


def test_a_caller_arriving_during_a_run_is_covered_by_the_next_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three callers, the first one's run held open: the second runs once for both latecomers."""
    release, runs = threading.Event(), list[int]()

    def fake(sessions: object, now: object, signer: object, only: object = None) -> int:
        runs.append(len(runs))
        if len(runs) == 1:
            release.wait(30)
        return 1

    monkeypatch.setattr(auditlog, "sequence", fake)
    coalesced = auditlog.Coalesced(SIGNER)
    first = threading.Thread(target=coalesced, args=(None, None))
    first.start()
    deadline = time.monotonic() + 30
    while not runs and time.monotonic() < deadline:
        time.sleep(0.001)
    late = [threading.Thread(target=coalesced, args=(None, None)) for _ in range(2)]
    for thread in late:
        thread.start()
    while coalesced._issued < 3 and time.monotonic() < deadline:  # both latecomers hold a ticket
        time.sleep(0.001)
    release.set()
    for thread in (first, *late):
        thread.join(30)
    assert runs == [0, 1]


def test_a_run_for_given_events_leaves_the_others_pending_for_a_full_run(logged: Platform) -> None:
    """A unit hands the sequencer its own event ids; an event committed without its sequencer
    (a process that died after its commit) waits for the next full run, then is logged."""
    sequencer, logged.sequencer = logged.sequencer, None
    orphan = applicants.NewApplicant("06", "Orphan", "Doe", document_number="X9", document_country="USA")
    act(logged, APPLICANT, applicants.create, orphan)
    logged.sequencer = sequencer
    new = applicants.NewApplicant("06", "Dee", "Doe", document_number="X2", document_country="USA")
    act(logged, APPLICANT, applicants.create, new)
    with logged.session() as session:
        after_unit = auditlog.verify(session, SIGNER.verifier)
    assert after_unit.ok and (after_unit.tree_size, after_unit.pending) == (7, 1)
    assert auditlog.sequence(logged.sessions, NOW, SIGNER, only=[]) == 0
    assert auditlog.sequence(logged.sessions, NOW, SIGNER) == 1
    with logged.session() as session:
        found = auditlog.verify(session, SIGNER.verifier)
    assert found.ok and (found.tree_size, found.events, found.pending) == (8, 8, 0)


def _writer(url: str, pem: bytes, prefix: str, count: int) -> None:
    """One server process: its own platform and sequencer, units from four threads."""
    signer = auditlog.Signer(SIGNER.origin, note.load_private_key(pem))
    opened = Platform(url, sequencer=auditlog.make_sequencer(signer))

    def one(n: int) -> None:
        new = applicants.NewApplicant(
            "06", f"{prefix}{n}", "Doe", document_number=f"X{n}", document_country="USA"
        )
        act(opened, APPLICANT, applicants.create, new)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, range(count)))
    opened.close()


def test_server_processes_writing_at_once_keep_one_gapless_signed_log(logged: Platform) -> None:
    """`statevisa serve --workers N`: each process sequences under the database's lock; the log
    has every event once, in one order, every head verifies."""
    pem = note.private_key_pem(SIGNER.key)
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_writer, args=(logged.url, pem, f"W{w}-", 12)) for w in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(240)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    with logged.session() as session:
        found = auditlog.verify(session, SIGNER.verifier)
        logged_ids = session.scalars(select(AuditLeaf.event_id)).all()
    assert found.ok and (found.tree_size, found.events, found.pending) == (42, 42, 0)
    assert len(set(logged_ids)) == 42
