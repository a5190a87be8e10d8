"""The platform from the shell: a database created, a token issued, the demo seeded, the log verified."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest

from tests.conftest import CliRunner

SECRET = "a-test-secret-of-at-least-thirty-two-characters"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STATEVISA_SECRET_KEY", SECRET)
    monkeypatch.delenv("STATEVISA_DATABASE_URL", raising=False)
    monkeypatch.setenv("STATEVISA_AUDIT_KEY_FILE", str(tmp_path / "audit.pem"))
    return tmp_path


def test_a_token_is_printed_on_its_last_line_with_the_claims_asked_for(cli: CliRunner, env: Path) -> None:
    done = cli("admin", "token", "--role", "county_officer", "--jurisdiction", "06037", "--subject", "la-1")
    assert done.code == 0, done.stderr
    claims = jwt.decode(
        done.stdout.strip().splitlines()[-1], SECRET, algorithms=["HS256"], issuer="statevisa"
    )
    assert (claims["sub"], claims["role"], claims["jur"]) == ("la-1", "county_officer", "06037")


def test_a_role_that_does_not_fit_its_jurisdiction_gets_no_token(cli: CliRunner, env: Path) -> None:
    done = cli("admin", "token", "--role", "county_officer", "--jurisdiction", "06")
    assert done.code == 2
    assert "--jurisdiction: a county_officer acts for a county, not a state (06)" in done.stderr


def test_without_a_secret_no_token_is_issued(
    cli: CliRunner, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATEVISA_SECRET_KEY")
    done = cli("admin", "token", "--role", "analyst", "--jurisdiction", "US")
    assert done.code == 2 and "STATEVISA_SECRET_KEY is not set" in done.stderr


def test_an_old_database_is_refused_until_upgraded(cli: CliRunner, env: Path) -> None:
    assert cli("audit", "keygen", "--out", "audit.pem").code == 0
    refused = cli("audit", "head")
    assert refused.code == 2 and "no statevisa schema yet; run: statevisa db upgrade" in refused.stderr
    assert cli("db", "upgrade").code == 0
    assert "no signed checkpoint yet" in cli("audit", "head").stderr


def test_the_seeded_demo_verifies_and_proves(cli: CliRunner, env: Path) -> None:
    assert cli("audit", "keygen", "--out", "audit.pem").code == 0
    seeded = cli("demo", "seed", "--people", "12")
    assert seeded.code == 0, seeded.stderr
    assert "lottery round 1" in seeded.stderr
    verified = cli("audit", "verify")
    assert verified.code == 0 and verified.stdout.startswith("ok: ")
    head = cli("audit", "head").stdout
    size = int(head.splitlines()[1])
    proof = json.loads(cli("audit", "prove", str(size - 1)).stdout)
    assert (proof["leaf_index"], proof["tree_size"]) == (size - 1, size)
    assert json.loads(cli("audit", "consistency", "1").stdout)["new_size"] == size
    assert cli("audit", "export", "--out", "events.jsonl").code == 0
    assert len((env / "events.jsonl").read_text().splitlines()) == size
    assert cli("demo", "seed").code == 2  # never seeds twice
