"""The list of vendored datasets and cached access to their files.

Every dataset in `reference/data/` has a `<id>.provenance.json` written by
`scripts/vendor_reference.py`: origin (upstream repository, commit, blob), vintage, licence,
row count and the published checks re-run at build time. Loaders go through `table()` so a
file is parsed once per process, and through importlib.resources so an installed wheel (or a
zip) works the same as a source checkout; nothing here reads outside the package.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

import polars as pl

from statevisa.errors import InputError, StatevisaError, problem

_DATA = "data"


@dataclass(frozen=True)
class Dataset:
    """One vendored dataset as its provenance file describes it."""

    id: str
    title: str
    family: str
    file: str
    vintage: str
    rows: int
    licence: str
    source: str
    checks_passed: int
    checks_total: int


def _data_dir() -> Traversable:
    return files("statevisa.reference").joinpath(_DATA)


def _source_label(sources: list[dict[str, str]]) -> str:
    """Human label: the upstream repository plus the original publisher URL when known."""
    parts = []
    for item in sources:
        label = item.get("repo", "")
        if item.get("original"):
            label = f"{label} (orig. {item['original']})" if label else item["original"]
        parts.append(label)
    return "; ".join(parts)


@cache
def provenance(dataset_id: str) -> dict[str, object]:
    """The full provenance record of one dataset, as written by the build script."""
    resource = _data_dir().joinpath(f"{dataset_id}.provenance.json")
    if not resource.is_file():
        raise InputError(
            problem("unknown-dataset", f"unknown dataset '{dataset_id}' (known: {', '.join(ids())})")
        )
    record: dict[str, object] = json.loads(resource.read_text(encoding="utf-8"))
    return record


@cache
def ids() -> tuple[str, ...]:
    """Dataset ids in file-name order."""
    suffix = ".provenance.json"
    names = (r.name for r in _data_dir().iterdir() if r.name.endswith(suffix))
    return tuple(sorted(name[: -len(suffix)] for name in names))


def datasets() -> list[Dataset]:
    """Every vendored dataset, grouped by family then id, for `statevisa data list`."""
    out = []
    for dataset_id in ids():
        rec = provenance(dataset_id)
        checks = rec.get("checks", [])
        check_list = checks if isinstance(checks, list) else []
        sources = rec.get("sources", [])
        out.append(
            Dataset(
                id=dataset_id,
                title=str(rec["title"]),
                family=str(rec["family"]),
                file=str(rec["file"]),
                vintage=str(rec["vintage"]),
                rows=int(str(rec["rows"])),
                licence=str(rec["licence"]),
                source=_source_label(sources if isinstance(sources, list) else []),
                checks_passed=sum(1 for c in check_list if isinstance(c, dict) and c.get("ok")),
                checks_total=len(check_list),
            )
        )
    return sorted(out, key=lambda d: (d.family, d.id))


@cache
def table(dataset_id: str) -> pl.DataFrame:
    """The dataset's Parquet table, read once per process.

    Polars frames are immutable, so handing the same cached frame to every caller is safe.
    """
    record = provenance(dataset_id)
    name = str(record["file"])
    if not name.endswith(".parquet"):
        raise StatevisaError(problem("not-a-table", f"dataset '{dataset_id}' is not a table ({name})"))
    payload = _data_dir().joinpath(name).read_bytes()
    return pl.read_parquet(io.BytesIO(payload))


@cache
def text(dataset_id: str) -> str:
    """A gzip-compressed text dataset (the TopoJSON files), decompressed once per process."""
    name = str(provenance(dataset_id)["file"])
    if not name.endswith(".gz"):
        raise StatevisaError(
            problem("not-text", f"dataset '{dataset_id}' is not a compressed text file ({name})")
        )
    return gzip.decompress(_data_dir().joinpath(name).read_bytes()).decode("utf-8")
