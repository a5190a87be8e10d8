"""The app as `statevisa serve` runs it in each worker process: its own platform, closed at shutdown."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from statevisa.api.app import served
from statevisa.services.auditlog import write_new_key


def test_a_worker_serves_on_the_url_it_is_given_and_closes_its_platform(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_new_key(tmp_path / "audit.pem")
    monkeypatch.setenv("STATEVISA_SECRET_KEY", "a-test-secret-of-at-least-thirty-two-characters")
    monkeypatch.setenv("STATEVISA_AUDIT_KEY_FILE", str(tmp_path / "audit.pem"))
    monkeypatch.setenv("STATEVISA_IDENTITY_KEYS", f"test:{base64.b64encode(bytes(32)).decode()}")
    monkeypatch.setenv("STATEVISA_DATABASE_URL", database_url)
    app = served()
    closed: list[bool] = []
    platform = app.state.api.platform
    close = platform.close

    def closing() -> None:
        closed.append(True)
        close()

    monkeypatch.setattr(platform, "close", closing)
    with TestClient(app) as client:
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/api/v1/applications").status_code == 401
    assert closed == [True]
