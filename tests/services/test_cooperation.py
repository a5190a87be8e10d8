"""Cooperation use cases: the gate over the shipped law, its audit record, the law in force."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from statevisa.cooperation.vocabulary import Verdict
from statevisa.errors import InputError
from statevisa.services.cooperation import (
    audit_record,
    decide_file,
    decide_request,
    rules_in_force,
    run_law_tests,
    shipped_law,
)


def test_the_api_and_the_cli_reach_the_same_decision(tmp_path: Path) -> None:
    facts = {"agency_type": "sheriff", "convictions": ["violent_felony"]}
    path = tmp_path / "request.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    from_file = decide_file("06", "2026-05-18", "transfer_custody", path)
    from_api = decide_request("06", dt.date(2026, 5, 18), "transfer_custody", facts)
    assert from_file.to_json() == from_api.to_json()
    assert from_api.decision is Verdict.PERMITTED


def test_a_visa_program_file_is_withheld_only_where_the_law_says_so() -> None:
    facts = {"agency_type": "state_visa_program"}
    fields = ["visa_program_record", "immigration_status"]
    california = decide_request(
        "06", "2026-05-18", "share_data:visa_program_record", facts, fields, include_unconfirmed=True
    )
    assert (california.released, california.withheld) == (("immigration_status",), ("visa_program_record",))
    texas = decide_request("48", "2026-05-18", "share_data:visa_program_record", facts, fields)
    assert texas.released == ("visa_program_record", "immigration_status")


def test_the_audit_record_keeps_the_facts_only_as_a_hash() -> None:
    decision = decide_request(
        "17",
        "2026-05-18",
        "notify_release",
        {"federal_criminal_warrant": True},
        ["address", "immigration_status"],
    )
    record = audit_record(decision)
    canonical = json.dumps(decision.facts.to_json(), sort_keys=True, separators=(",", ":"))
    assert record["facts_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert record["rules"] == [{"rule_id": "IL-notify_release-2", "version": 1}]
    assert (record["decision"], record["fields_released"]) == ("permitted", ["address", "immigration_status"])
    assert "federal_criminal_warrant" not in json.dumps(record)


def test_a_missing_facts_file_is_named_at_its_option(tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        decide_file("06", "2026-05-18", "notify_release", tmp_path / "nope.json")
    assert refused.value.messages == [f"--facts {tmp_path / 'nope.json'}: no such file"]


def test_every_bad_part_of_a_request_is_named_at_once(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text('{"agency_type": "jail"}', encoding="utf-8")
    with pytest.raises(InputError) as refused:
        decide_file("6", "1996-09-29", "share_data", path)
    assert [problem.location.field for problem in refused.value.problems] == [
        "jurisdiction",
        "on",
        "action",
        "facts.agency_type",
    ]
    with pytest.raises(InputError, match="on: '2026-02-30' is not an ISO date"):
        decide_request("06", "2026-02-30", "notify_release", {})


def test_the_rules_of_a_state_on_a_date() -> None:
    found = rules_in_force("37", "2025-10-01")
    assert [rule.id for rule in found.rules] == [
        "NC-honor_detainer-2",
        "NC-notify_release-1",
        "NC-inquire_status-2",
    ]
    assert found.leads_hidden == 1
    assert len(found.frame) == 10
    every = rules_in_force("37", include_unconfirmed=True)
    assert len(every.rules) == 6 and every.leads_hidden == 0
    with pytest.raises(InputError, match="jurisdiction: unknown jurisdiction 'NC'"):
        rules_in_force("NC")


def test_the_shipped_law_passes_its_case_tests_and_walks_every_date() -> None:
    found = run_law_tests()
    assert [f"{r.file}:{r.case.line}: {r.problems}" for r in found.results if not r.passed] == []
    assert found.boundaries == ()
    assert found.untested == ()
    assert len(found.results) >= 400


def test_the_checked_law_is_kept_in_the_disk_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATEVISA_CACHE_DIR", str(tmp_path / "cache"))
    shipped_law.cache_clear()
    try:
        first = shipped_law()
        kept = list((tmp_path / "cache" / "law").glob("*.pickle"))
        assert len(kept) == 1
        shipped_law.cache_clear()
        again = shipped_law()
        assert again == first and again is not first
    finally:
        shipped_law.cache_clear()
