"""Shared pieces of the vendoring build: the dataset record, the shared-folder reader, checks, writing."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "census"
OUT = ROOT / "src" / "statevisa" / "reference" / "data"
POPEST_ORIGINAL = "https://www2.census.gov/programs-surveys/popest/datasets/"
PUBLIC_DOMAIN = "US government work (Census Bureau / BLS): public domain"
BUILT_BY = "scripts/vendor_reference.py"  # recorded in every provenance file: the documented entry point


@dataclass
class Dataset:
    """One vendored dataset: where it came from, what was done to it, what was checked."""

    id: str
    title: str
    family: str
    vintage: str
    sources: list[dict[str, str]]
    licence: str
    transform: str
    caveats: list[str] = field(default_factory=list)
    checks: list[dict[str, object]] = field(default_factory=list)
    rows: int | None = None  # for non-table files: the number of geometries

    def check(self, what: str, observed: object, expected: object) -> None:
        """Record a published check; the build aborts at the end if any check failed."""
        self.checks.append(
            {"check": what, "expected": expected, "observed": observed, "ok": observed == expected}
        )

    def check_value(
        self, what: str, frame: pl.DataFrame, column: str, expected: object, **where: object
    ) -> None:
        """Check the one value of `column` in the row of `frame` matching `where`."""
        self.check(what, value(frame, column, **where), expected)

    def check_total(self, what: str, frame: pl.DataFrame, column: str, expected: int) -> None:
        """Check the sum of `column` over `frame`."""
        self.check(what, int(frame[column].sum()), expected)


Payload = pl.DataFrame | bytes
Built = tuple[Dataset, Payload]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def git_blob(path: Path) -> str:
    done = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True)
    return done.stdout.strip()


@dataclass(frozen=True)
class Census:
    """The shared census folder the build reads (../shared/data/census unless told otherwise)."""

    root: Path

    def path(self, rel: str) -> Path:
        return self.root / rel

    def csv(self, rel: str, **options: Any) -> pl.DataFrame:
        """Read one shared CSV with every column as text unless `options` say otherwise."""
        options.setdefault("infer_schema", False)
        return pl.read_csv(self.root / rel, **options)

    def source(self, rel: str, **origin: str) -> dict[str, str]:
        """Describe one input file: its path in the census data copy the build read, its upstream
        origin, and hashes of that copy."""
        path = self.root / rel
        return {
            "census_copy": rel,
            **origin,
            "sha256": sha256(path),
            "git_blob_of_copy": git_blob(path),
        }


def value(frame: pl.DataFrame, column: str, **where: object) -> object:
    rows = frame.filter(*[pl.col(k) == v for k, v in where.items()])
    return rows[column].item() if rows.height == 1 else f"{rows.height} rows"


def july1_columns(source: str, years: Iterable[int]) -> list[pl.Expr]:
    """`<source><year>` text columns as Int64 columns named `july1:<year>`."""
    return [pl.col(f"{source}{y}").cast(pl.Int64).alias(f"july1:{y}") for y in years]


def long_format(wide: pl.DataFrame, index: list[str]) -> pl.DataFrame:
    """Wide `<reference>:<year>` value columns -> rows with reference, year (Int16) and population."""
    long = wide.unpivot(
        [c for c in wide.columns if ":" in c],
        index=index,
        variable_name="key",
        value_name="population",
    )
    return long.with_columns(
        pl.col("key").str.split(":").list.get(0).alias("reference"),
        pl.col("key").str.split(":").list.get(1).cast(pl.Int16).alias("year"),
    )


def failures(builds: Iterable[Built]) -> list[str]:
    """One line per failed check over all builds (empty when every check passed)."""
    return [
        f"{ds.id}: {c['check']}: observed {c['observed']}, expected {c['expected']}"
        for ds, _ in builds
        for c in ds.checks
        if not c["ok"]
    ]


def write(out: Path, ds: Dataset, payload: Payload, built_by: str = BUILT_BY) -> None:
    """Write a dataset (Parquet, or gzip bytes) and its provenance file beside it."""
    if isinstance(payload, pl.DataFrame):
        name = f"{ds.id}.parquet"
        payload.write_parquet(out / name, compression="zstd", compression_level=19, statistics=False)
        rows, columns = payload.height, {c: str(t) for c, t in payload.schema.items()}
    else:
        name = f"{ds.id}.json.gz"
        (out / name).write_bytes(payload)
        rows, columns = ds.rows or 0, {}
    record = {
        "id": ds.id,
        "title": ds.title,
        "family": ds.family,
        "file": name,
        "vintage": ds.vintage,
        "rows": rows,
        "columns": columns,
        "licence": ds.licence,
        "sources": ds.sources,
        "transform": ds.transform,
        "caveats": ds.caveats,
        "checks": ds.checks,
        "sha256": sha256(out / name),
        "built_by": built_by,
    }
    (out / f"{ds.id}.provenance.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
