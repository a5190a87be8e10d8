"""The audit log over HTTP: what a reviewer fetches verifies with the standalone verifier."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from statevisa.audit import checkpoint
from statevisa.services import applicants, auditlog
from statevisa.services.context import Platform
from tests.api.conftest import SIGNER, Api
from tests.platform import ANALYST, APPLICANT, CALIFORNIA, EMPLOYER, FEDERAL, act
from tests.tools.test_verify_audit import run as verify_audit

KEY = str(SIGNER.verifier)


def log_three(platform: Platform) -> None:
    """Three applicants recorded, and one read of protected fields: four events."""
    made = [
        act(platform, APPLICANT, applicants.create, applicants.NewApplicant("06", name, "Doe"))
        for name in ("Ana", "Bo", "Cy")
    ]
    act(platform, CALIFORNIA, applicants.get, made[0].id)


def test_the_head_is_the_signed_note_exactly(api: Api, platform: Platform) -> None:
    log_three(platform)
    got = api.as_(EMPLOYER).get("/audit/head")
    assert got.status_code == 200 and got.headers["content-type"] == "text/plain; charset=utf-8"
    with platform.session() as session:
        assert got.text == auditlog.head(session)
    opened = checkpoint.open_checkpoint(got.text, SIGNER.verifier)
    assert (opened.origin, opened.size) == ("test.statevisa/audit", 4)


def test_proofs_verify_against_the_head_with_the_standalone_tool(
    api: Api, platform: Platform, tmp_path: Path
) -> None:
    log_three(platform)
    speaker = api.as_(ANALYST)
    old = speaker.get("/audit/head").text
    act(platform, APPLICANT, applicants.create, applicants.NewApplicant("06", "Di", "Doe"))
    new = speaker.get("/audit/head").text
    proof = speaker.get("/audit/proofs/inclusion/3")
    grown = speaker.get("/audit/proofs/consistency", old_size=4)
    assert proof.status_code == grown.status_code == 200
    assert proof.json()["tree_size"] == 5 and grown.json()["old_size"] == 4
    assert json.loads(base64.b64decode(proof.json()["leaf"]))["action"] == "applicant.read_protected"
    texts = {"old": old, "new": new, "proof.json": proof.text, "grown.json": grown.text}
    files = {name: tmp_path / name for name in texts}
    for name, text in texts.items():
        files[name].write_text(text, encoding="utf-8")
    checked = verify_audit("inclusion", "--key", KEY, "--note", files["new"], "--proof", files["proof.json"])
    assert checked.code == 0, checked.err
    checked = verify_audit(
        "consistency", "--key", KEY, "--old-note", files["old"], "--note", files["new"],
        "--proof", files["grown.json"],
    )  # fmt: skip
    assert checked.code == 0, checked.err


def test_the_export_rebuilds_the_signed_tree(api: Api, platform: Platform, tmp_path: Path) -> None:
    log_three(platform)
    got = api.as_(CALIFORNIA).get("/audit/export")
    assert got.status_code == 200 and got.headers["content-type"] == "application/jsonl"
    with platform.session() as session:
        assert got.text == "".join(auditlog.export_lines(session))
        (tmp_path / "head").write_text(auditlog.head(session), encoding="utf-8")
    (tmp_path / "events.jsonl").write_text(got.text, encoding="utf-8")
    checked = verify_audit(
        "rebuild", "--key", KEY, "--note", tmp_path / "head", "--export", tmp_path / "events.jsonl"
    )
    assert checked.code == 0 and len(got.text.splitlines()) == 4, checked.err


def test_events_left_pending_by_a_crash_are_sequenced_before_the_answer(api: Api, platform: Platform) -> None:
    sequencer, platform.sequencer = platform.sequencer, None  # as if the process died after the commit
    log_three(platform)
    platform.sequencer = sequencer
    with platform.session() as session:
        assert auditlog.latest(session) is None
    head = api.as_(FEDERAL).get("/audit/head").text
    assert checkpoint.open_checkpoint(head, SIGNER.verifier).size == 4
    assert api.as_(FEDERAL).get("/audit/proofs/inclusion/0").json()["tree_size"] == 4


def test_export_is_for_officers_and_reading_for_everyone(api: Api, platform: Platform) -> None:
    log_three(platform)
    refused = api.as_(ANALYST).get("/audit/export")
    assert refused.status_code == 403
    assert refused.json()["problems"][0]["message"] == "the analyst role may not export this auditlog"
    assert api.as_(None).get("/audit/head").status_code == 401
    assert api.as_(APPLICANT).get("/audit/proofs/consistency", old_size=1).status_code == 200


def test_an_empty_log_and_out_of_range_proofs_are_problems(api: Api, platform: Platform) -> None:
    empty = api.as_(FEDERAL).get("/audit/head")
    assert empty.status_code == 404 and empty.json()["problems"][0]["code"] == "empty-log"
    log_three(platform)
    past = api.as_(FEDERAL).get("/audit/proofs/inclusion/4")
    assert past.status_code == 422
    assert past.json()["problems"][0] == {
        "code": "out-of-range", "message": "the log holds events 0 to 3", "field": "index",
        "text": "index: the log holds events 0 to 3",
    }  # fmt: skip
    grown = api.as_(FEDERAL).get("/audit/proofs/consistency", old_size=5)
    assert grown.json()["problems"][0]["text"] == "old_size: must be between 1 and 4"
    assert api.as_(FEDERAL).get("/audit/proofs/consistency", old_size=0).status_code == 422
