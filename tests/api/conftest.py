"""An HTTP client on the app, on SQLite and PostgreSQL, and tokens for every test principal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from statevisa.api.app import create_app
from statevisa.config import Settings
from statevisa.services import auditlog
from statevisa.services.authz import Principal
from statevisa.services.context import Platform
from statevisa.services.tokens import issue
from tests.platform import NOW

SECRET = b"test-secret-key-with-at-least-32-bytes!!"
SIGNER = auditlog.Signer("test.statevisa/audit", Ed25519PrivateKey.generate())
"""Signs the audit log's heads in API tests, as `statevisa serve` does with its key file."""


@dataclass
class Api:
    """A test client that speaks as a principal: ``api.as_(CALIFORNIA).post(...)``."""

    client: TestClient

    def as_(self, who: Principal | None) -> Speaker:
        return Speaker(self.client, None if who is None else issue(who, SECRET, NOW, 3600))


@dataclass
class Speaker:
    client: TestClient
    token: str | None

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        found = {} if self.token is None else {"Authorization": f"Bearer {self.token}"}
        return {**found, **(extra or {})}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(f"/api/v1{path}", params=params, headers=self._headers(None))

    def post(self, path: str, body: object = None, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.client.post(f"/api/v1{path}", json=body, headers=self._headers(headers))


@pytest.fixture
def api(platform: Platform) -> Iterator[Api]:
    platform.sequencer = auditlog.make_sequencer(SIGNER)
    app = create_app(platform, Settings(SECRET, None, "test/audit"), clock=lambda: NOW)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client)
