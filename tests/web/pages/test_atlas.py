"""The map shapes are served once, compressed and cacheable."""

from __future__ import annotations

import gzip
import json

from fastapi.testclient import TestClient


def test_the_atlas_is_the_vendored_topojson_gzip_compressed_with_an_etag(site: TestClient) -> None:
    answer = site.get("/atlas/us-albers.json", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert json.loads(answer.content)["objects"].keys() == {"counties", "states", "nation"}
    assert answer.headers["content-encoding"] == "gzip"
    again = site.get("/atlas/us-albers.json", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    assert site.get("/atlas/other.json").status_code == 404
    assert gzip.decompress(gzip.compress(b"x")) == b"x"
