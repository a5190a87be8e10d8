"""`identity dedupe` at scale: seconds, peak memory, precision and recall against known truth.

Run: ``.venv/bin/python bench/identity.py [--records 1000000] [--spark-records 20000]``
(``--spark-records 0`` skips Spark). Issue 11 §3's goal: 1,000,000 records in <= 60 s on the
2-core machine with recall >= 0.99 at precision >= 0.99.

Each backend runs once at the lowest of ``--thresholds`` (default 0.5); the written pairs carry
their probabilities, so pairs are scored at every threshold, and so are the clusters they imply
(connected components, as splink clusters, computed here with SciPy).

Synthetic people (`statevisa.identity.synthetic`, seeded) are written as Parquet with their
truth. Each backend runs `statevisa.services.identity_dedupe.dedupe` in a fresh process, as the
CLI would (reading the file, validating, counting comparisons, training, predicting,
clustering, writing both outputs); this script samples that process tree's resident memory
(the JVM included) every 0.2 s from /proc. Precision and recall are scored on pairs written and
on the pairs the clusters imply. The baseline, measured in the same run, is the exact layer:
records joined when they share a document or a full name key with birth date and country of
birth (what the keyed tokens compare), in Polars.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from statevisa.identity import accuracy, people, synthetic

RECORDS_PER_PERSON = 1.34
"""Records per person with the default rates (1 + 0.27 + 0.07)."""
CHILD = """
import json, sys, time
from pathlib import Path
from statevisa.services.identity_dedupe import dedupe
folder, backend = Path(sys.argv[1]), sys.argv[2]
result = dedupe(folder / "people.parquet", folder / f"{backend}_pairs.csv",
                clusters=folder / f"{backend}_clusters.csv", threshold=float(sys.argv[3]), backend=backend)
(folder / f"{backend}_charts.json").write_text(json.dumps(result.charts))
print(json.dumps({"seconds": result.seconds, "pairs": result.pairs, "people": result.people,
                  "comparisons": [[c.rule, c.marginal] for c in result.comparisons]}))
"""


def load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, StopIteration):
            continue
    return total


def run_backend(folder: Path, backend: str, threshold: float) -> dict[str, object]:
    """One dedupe in a fresh process; its result, wall seconds and peak memory of its tree."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), backend, str(threshold)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{backend} run failed with exit code {process.returncode}")
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    result["peak_gib"] = peak / 2**30
    return result


def exact_layer(records: pl.DataFrame) -> tuple[float, pl.DataFrame]:
    """The baseline: pairs sharing a document key or a person key, as the tokens would."""
    started = time.perf_counter()
    text, birth = people.validate(records, "people.parquet")
    prepared = people.prepare(text, birth)
    keys = prepared.select(
        pl.col("unique_id").alias("id"),
        pl.concat_str("document_number", "document_country", separator="|").alias("document"),
        pl.concat_str("name_sorted", "dob", "country_of_birth", separator="|").alias("person"),
    )
    pairs = []
    for column in ("document", "person"):
        keyed = keys.select("id", column).drop_nulls()
        joined = keyed.join(keyed, on=column).filter(pl.col("id") < pl.col("id_right"))
        pairs.append(joined.select(pl.col("id").alias("id_l"), pl.col("id_right").alias("id_r")))
    found = pl.concat(pairs).unique()
    return time.perf_counter() - started, found


def components(ids: pl.Series, pairs: pl.DataFrame) -> pl.DataFrame:
    """Cluster ids (id, cluster_id) from pairs: connected components over the records."""
    index = pl.DataFrame({"id": ids, "n": np.arange(ids.len())})
    edges = pairs.join(index.rename({"id": "id_l", "n": "a"}), on="id_l").join(
        index.rename({"id": "id_r", "n": "b"}), on="id_r"
    )
    size = ids.len()
    graph = coo_matrix(
        (np.ones(edges.height), (edges["a"].to_numpy(), edges["b"].to_numpy())), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    return pl.DataFrame({"id": ids, "cluster_id": labels})


def save_charts(charts: dict[str, dict[str, object]], folder: Path) -> None:
    """Each Vega-Lite chart spec the service returned, rendered to SVG."""
    import vl_convert

    folder.mkdir(parents=True, exist_ok=True)
    for name, spec in charts.items():
        (folder / f"identity-{name.replace('_', '-')}.svg").write_text(vl_convert.vegalite_to_svg(spec))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--spark-records", type=int, default=20_000)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.8, 0.9, 0.95, 0.99])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--charts", type=Path, help="Write the DuckDB run's match-weight charts here as SVG")
    args = parser.parse_args()
    print(f"load average (1/5/15 min) at start: {load()}; {os.cpu_count()} cores")
    rows, scores = [], []
    run_at = min(args.thresholds)
    sizes = [("duckdb", args.records)] + ([("spark", args.spark_records)] if args.spark_records else [])
    for backend, size in sizes:
        made = synthetic.generate(round(size / RECORDS_PER_PERSON), args.seed)
        with tempfile.TemporaryDirectory(prefix="bench-identity-") as name:
            folder = Path(name)
            made.records.write_parquet(folder / "people.parquet")
            baseline_seconds, baseline_pairs = exact_layer(made.records)
            exact = accuracy.of_pairs(baseline_pairs, made.truth)
            result = run_backend(folder, backend, run_at)
            written = pl.read_csv(
                folder / f"{backend}_pairs.csv", schema_overrides={"id_l": pl.String, "id_r": pl.String}
            )
            splink_clusters = accuracy.of_clusters(
                pl.read_csv(folder / f"{backend}_clusters.csv"), made.truth
            )
            if args.charts is not None and backend == "duckdb":
                save_charts(json.loads((folder / "duckdb_charts.json").read_text()), args.charts)
        for threshold in sorted(args.thresholds):
            kept = written.filter(pl.col("match_probability") >= threshold)
            found = accuracy.of_pairs(kept, made.truth)
            grouped = accuracy.of_clusters(components(made.records["id"], kept), made.truth)
            scores.append(
                f"| {backend} | {threshold} | {found.precision:.4f} | {found.recall:.4f} |"
                f" {grouped.precision:.4f} | {grouped.recall:.4f} |"
            )
        comparisons = sum(marginal for _, marginal in result["comparisons"])  # type: ignore[attr-defined]
        rows.append(
            f"| {backend} | {made.records.height:,} | {comparisons:,} | {result['seconds']:.1f} |"
            f" {result['wall']:.1f} | {result['peak_gib']:.2f} | {splink_clusters.precision:.4f} |"
            f" {splink_clusters.recall:.4f} | {baseline_seconds:.1f} | {exact.precision:.4f} |"
            f" {exact.recall:.4f} |"
        )
        print(f"{backend}: done, load average now {load()}", flush=True)
    print(
        f"\n| backend | records | comparisons | dedupe s | process s | peak GiB | clusters P at {run_at}"
        f" | clusters R at {run_at} | exact layer s | exact P | exact R |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    print("\n| backend | threshold | pairs P | pairs R | clusters P | clusters R |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(scores))
    print(f"\nload average (1/5/15 min) at end: {load()}")


if __name__ == "__main__":
    main()
