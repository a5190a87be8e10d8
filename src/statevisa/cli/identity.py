"""`statevisa identity`: certify a travel document's MRZ, and find one person across records.

Each command parses its arguments, makes one call to `statevisa.services.identity` or
`statevisa.services.identity_dedupe`, and renders the result. ``check-mrz`` exits 0 when the
zone is valid, 1 when a check failed, 2 when the lines cannot be an MRZ; ``dedupe`` prints the
comparisons each blocking rule will make before it trains, and exits 2 on bad input without
writing anything. Services, Polars and splink are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from statevisa.cli import Group
from statevisa.cli.common import stdout
from statevisa.cli.params import PATH, Number

if TYPE_CHECKING:
    from statevisa.identity.linkage import RuleCount
    from statevisa.identity.mrz import MrzReport

app = Group(
    "identity",
    help="Identity: certify a travel document (MRZ), find one person across states' records.",
    no_args_is_help=True,
)


def _render(report: MrzReport) -> None:
    fields = report.fields
    failures = report.failures
    head = "valid" if report.valid else f"invalid: {len(failures)} of {len(report.checks)} checks failed"
    stdout.print(f"{head} ({fields.format}, document code {fields.document_code})", markup=False)
    for check in failures:
        stdout.print(f"  {check.code}: {check.message}", markup=False)
    name = ", ".join(part for part in (fields.primary_identifier, fields.secondary_identifier) if part)
    rows = [
        ("issuing State", fields.issuing_state + ("  (specimen)" if fields.specimen else "")),
        ("document number", fields.document_number),
        ("name", name + ("  (may be truncated)" if fields.name_possibly_truncated else "")),
        ("nationality", fields.nationality),
        ("date of birth", str(fields.date_of_birth or f"unknown ({fields.date_of_birth_raw})")),
        ("sex", fields.sex),
        ("date of expiry", str(fields.date_of_expiry or fields.date_of_expiry_raw)),
        (
            "optional data",
            " / ".join(part for part in (fields.optional_data, fields.optional_data_2) if part),
        ),
    ]
    for label, value in rows:
        if value:
            stdout.print(f"{label:<16}{value}", markup=False)


@app.command("check-mrz")
@click.argument("line1")
@click.argument("line2")
@click.argument("line3", required=False)
@click.option(
    "--on",
    "on_text",
    metavar="YYYY-MM-DD",
    help="Judge expiry and birth dates as of this day [default: today]",
)
@click.option("--json", "as_json", is_flag=True, help="Print the fields and every check as JSON")
def check_mrz(line1: str, line2: str, line3: str | None, on_text: str | None, as_json: bool) -> None:
    """Certify a machine readable zone (TD1: 3 lines, TD2 and TD3: 2): exit 0 valid, 1 invalid, 2 unusable."""
    from statevisa.services import identity as service

    on = service.parse_on(on_text, dt.date.today())
    lines = [line1, line2] + ([line3] if line3 is not None else [])
    report = service.check_document(lines, on)
    if as_json:
        print(json.dumps({"on": on.isoformat(), **report.to_json()}, ensure_ascii=False, indent=2))
    else:
        _render(report)
    sys.exit(0 if report.valid else 1)


def _print_counts(counts: list[RuleCount]) -> None:
    stdout.print("comparisons per blocking rule (new pairs, running total):", markup=False)
    width = max(len(count.rule) for count in counts)
    for count in counts:
        stdout.print(f"  {count.rule:<{width}}  {count.marginal:>14,}  {count.cumulative:>14,}", markup=False)


@app.command("dedupe")
@click.option(
    "--input",
    "input_path",
    type=PATH,
    required=True,
    help="People: CSV or Parquet with id, names, birth, document, state",
)
@click.option(
    "--out", type=PATH, required=True, help="Pairs at or above the threshold: id_l,id_r,match_probability"
)
@click.option("--clusters", type=PATH, help="A cluster id for every record: id,cluster_id")
@click.option(
    "--threshold", type=Number(), default=0.9, help="Lowest match probability written and clustered"
)
@click.option(
    "--backend",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    help="duckdb (one machine) or spark (local mode here)",
)
def dedupe(input_path: Path, out: Path, clusters: Path | None, threshold: float, backend: str) -> None:
    """Find the records of one person (splink: blocking, EM-trained match weights, clustering)."""
    from statevisa.services import identity_dedupe as service

    result = service.dedupe(
        input_path,
        out,
        clusters=clusters,
        threshold=threshold,
        backend="spark" if backend == "spark" else "duckdb",
        counted=_print_counts,
    )
    written = f"{result.out}" + (f" and {result.clusters}" if result.clusters else "")
    stdout.print(
        f"{result.records:,} records, {result.pairs:,} pairs at or above {threshold},"
        f" {result.people:,} people; wrote {written} in {result.seconds:.1f} s",
        markup=False,
        soft_wrap=True,
    )
