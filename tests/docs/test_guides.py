"""Every API call in the how-to guides, replayed in order against a fresh platform: each must succeed.

A guide's call is a ``curl`` line in a ``sh`` block; the HTML comment before the block
(``<!-- on YYYY-MM-DD -->``) is the day it is made on. The token variable names the caller
(the guide creates each with ``statevisa admin token``); ``-d @upload.json`` is the output of
``statevisa programs bundle`` in the same block.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from statevisa.api.app import create_app
from statevisa.config import Settings
from statevisa.services.authz import Principal, Role
from statevisa.services.context import Platform
from statevisa.services.program_versions import shipped_files
from statevisa.services.tokens import issue

GUIDES = Path(__file__).parents[2] / "docs" / "guides"
SECRET = b"guide-test-secret-of-at-least-32-bytes"
CALLERS = {
    "UT": Principal("ut-office", Role.STATE_OFFICER, "49"),
    "FED": Principal("fed-reviewer", Role.FEDERAL_REVIEWER, "US"),
    "APPLICANT": Principal("applicant-1", Role.APPLICANT, "49"),
    "PUBLIC": Principal("commenter-1", Role.ANALYST, "US"),
    "ANALYST": Principal("analyst-1", Role.ANALYST, "US"),
    "CA": Principal("ca-office", Role.STATE_OFFICER, "06"),
    "LA": Principal("la-county-clerk", Role.COUNTY_OFFICER, "06037"),
}
BLOCK = re.compile(r"(?:<!-- on (\d{4}-\d{2}-\d{2}) -->\n)?```sh\n(.*?)```", re.S)
CURL = re.compile(
    r"curl -s (?:-X (?P<method>\w+) )?'?http://127\.0\.0\.1:8000(?P<path>[^\s']+)'? (?P<rest>.*)", re.S
)


def calls(guide: Path) -> Iterator[tuple[dt.date, str, str, str, object]]:
    """(day, method, path, caller, body) for every curl call of the guide, in order."""
    for day, block in BLOCK.findall(guide.read_text(encoding="utf-8")):
        joined = block.replace("\\\n", " ")
        bundle = re.search(r"statevisa programs bundle (\S+) > upload\.json", joined)
        for line in joined.splitlines():
            found = CURL.search(line)
            if found is None:
                continue
            rest = found["rest"]
            caller = re.search(r"Bearer \$(\w+)", rest)
            assert caller is not None, f"{guide.name}: a call without a token: {line}"
            body: object = None
            data = re.search(r"-d '(.*?)'(?:\s|$)", rest)
            if data is not None:
                body = json.loads(data[1])
            elif "-d @upload.json" in rest:
                assert bundle is not None
                body = {"files": shipped_files(bundle[1])}
            yield (
                dt.date.fromisoformat(day),
                found["method"] or "GET",
                found["path"].split(" ")[0],
                caller[1],
                body,
            )


@pytest.mark.parametrize("guide", sorted(GUIDES.glob("*.md")), ids=lambda p: p.stem)
def test_every_call_of_the_guide_succeeds_in_order(guide: Path, platform: Platform) -> None:
    moment = {"now": dt.datetime(2027, 1, 1, tzinfo=dt.UTC)}
    app = create_app(platform, Settings(SECRET, None, "guide/audit"), clock=lambda: moment["now"])
    found = list(calls(guide))
    assert found, f"{guide.name} has no API calls"
    assert len(found) == guide.read_text(encoding="utf-8").count("curl -s"), "a call the parser missed"
    with TestClient(app) as client:
        for day, method, path, caller, body in found:
            moment["now"] = dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)
            token = issue(CALLERS[caller], SECRET, moment["now"], 3600)
            answer = client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code < 300, f"{guide.name}: {method} {path} on {day}: {answer.text}"
