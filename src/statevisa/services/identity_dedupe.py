"""`identity dedupe`: find the records of one person in a table of people, on DuckDB or Spark.

Refuses every bad option and every bad row before any work (threshold, output paths, missing
columns, empty or repeated ids, impossible dates, unknown country codes: see
`statevisa.identity.people`). Then it counts the comparisons each blocking rule will make and
hands them to `counted` (the CLI prints them) before the model is trained, so a run that
would compare too many pairs can be stopped. Outputs are written only when everything is
computed, each atomically; if the second cannot be written the first is removed.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from statevisa.errors import InputError, problem
from statevisa.tables import check_output, read_table, write_table

if TYPE_CHECKING:
    import polars as pl
    from splink.internals.database_api import DatabaseAPISubClass

    from statevisa.identity.linkage import Linked, RuleCount

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")
EXACT_COUNT_RECORDS = 200_000
"""Up to this many records the comparisons are counted exactly; above, from a 10% sample per side."""


@dataclass(frozen=True)
class Deduplicated:
    """What a run found and wrote, and the model behind it."""

    records: int
    comparisons: list[RuleCount]
    pairs: int
    people: int
    out: Path
    clusters: Path | None
    seconds: float
    model: dict[str, object]
    charts: dict[str, dict[str, object]]


def _check_options(input: Path, out: Path, clusters: Path | None, threshold: float, backend: str) -> None:
    if not math.isfinite(threshold) or not 0.0 <= threshold <= 1.0:
        raise InputError(
            problem("bad-threshold", f"{threshold} is not a probability from 0 to 1", field="--threshold")
        )
    if backend not in BACKENDS:
        raise InputError(
            problem("bad-backend", f"'{backend}' is not one of duckdb, spark", field="--backend")
        )
    check_output(out, inputs=[input])
    if clusters is not None:
        check_output(clusters, inputs=[input, out])


def _written_pairs(pairs: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    low = pl.min_horizontal("id_l", "id_r")
    high = pl.max_horizontal("id_l", "id_r")
    return pairs.select(low.alias("id_l"), high.alias("id_r"), "match_probability").sort("id_l", "id_r")


def _write_both(
    pairs: pl.DataFrame, out: Path, clusters: pl.DataFrame | None, clusters_out: Path | None
) -> None:
    write_table(pairs, out)
    if clusters is None or clusters_out is None:
        return
    try:
        write_table(clusters, clusters_out)
    except InputError:
        out.unlink(missing_ok=True)
        raise


def dedupe(
    input: Path,
    out: Path,
    *,
    clusters: Path | None = None,
    threshold: float = 0.9,
    backend: Backend = "duckdb",
    counted: Callable[[list[RuleCount]], None] | None = None,
) -> Deduplicated:
    """Link the records of `input` (CSV or Parquet) and write the pairs at or above `threshold`
    to `out` (``id_l,id_r,match_probability``) and, when asked, a cluster id for every record to
    `clusters` (``id,cluster_id``)."""
    import polars as pl

    from statevisa.identity import linkage, people

    started = time.perf_counter()
    _check_options(input, out, clusters, threshold, backend)
    frame = read_table(input, required=people.COLUMNS)
    text, birth = people.validate(frame, str(input))
    prepared = people.prepare(text, birth)
    session = None
    scratch = tempfile.TemporaryDirectory(prefix="statevisa-spark-")
    try:
        if backend == "spark":
            from splink import SparkAPI

            from statevisa.services.identity_spark import local_session

            session = local_session(Path(scratch.name))
            db_api: DatabaseAPISubClass = SparkAPI(  # type: ignore[no-untyped-call]
                spark_session=session, break_lineage_method="checkpoint", num_partitions_on_repartition=2
            )
        else:
            from splink import DuckDBAPI

            db_api = DuckDBAPI()
        sample = 1.0 if prepared.height <= EXACT_COUNT_RECORDS else 0.1
        table = db_api.register(prepared.to_arrow(), dataset_display_name="counted")
        counts = linkage.count_comparisons(table, sample=sample)
        if counted is not None:
            counted(counts)
        linked = _link(db_api, prepared, threshold, str(input))
    finally:
        if session is not None:
            session.stop()
        scratch.cleanup()
    pairs = _written_pairs(linked.pairs)
    order = pl.DataFrame({"id": text["id"]})
    cluster_table = order.join(linked.clusters, on="id", how="left", maintain_order="left")
    _write_both(pairs, out, cluster_table if clusters is not None else None, clusters)
    return Deduplicated(
        records=prepared.height,
        comparisons=counts,
        pairs=pairs.height,
        people=cluster_table["cluster_id"].n_unique(),
        out=out,
        clusters=clusters,
        seconds=time.perf_counter() - started,
        model=linked.model,
        charts=linked.charts,
    )


def _link(db_api: DatabaseAPISubClass, prepared: pl.DataFrame, threshold: float, file: str) -> Linked:
    """Train and predict; a table too small or too uniform to train on is refused by name."""
    from splink.internals.exceptions import EMTrainingException

    from statevisa.identity import linkage

    try:
        return linkage.link(db_api, prepared, threshold)
    except (EMTrainingException, ZeroDivisionError):
        message = (
            f"{prepared.height} records are too few, or too alike, to train the matching model:"
            " it learns from pairs that share a document, a birth date or a name"
        )
        raise InputError(problem("too-few-records", message, file=file)) from None
