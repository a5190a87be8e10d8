"""`statevisa data list`: the vendored reference datasets, their vintage, source and size.

Everything shown comes from the provenance files beside the data, so the list cannot drift
from what is shipped. ``--format csv|json`` gives the full record (title, family, licence,
checks passed and run) for scripts.
"""

from __future__ import annotations

from statevisa.cli import Group
from statevisa.cli.common import stdout
from statevisa.cli.render import Format, emit, format_option

app = Group(
    "data", help="Vendored reference data (Census, BLS, us-atlas) with provenance.", no_args_is_help=True
)

COLUMNS = (
    "dataset",
    "title",
    "family",
    "vintage",
    "licence",
    "source",
    "rows",
    "checks_passed",
    "checks_total",
)
"""The record `--format csv|json` writes, one per dataset."""


@app.command("list")
@format_option
def list_datasets(fmt: Format) -> None:
    """Show each vendored dataset: id, vintage, source, rows and the build-time checks."""
    from statevisa.services.reference import datasets

    found = datasets()
    if fmt is not Format.table:
        emit([{"dataset": item.id, **vars(item)} for item in found], COLUMNS, fmt)
        return
    from rich.table import Table

    table = Table(title="Vendored reference data (src/statevisa/reference/data)")
    table.add_column("dataset", no_wrap=True)  # ids are what people copy: never break them
    for column in ("vintage", "source", "rows", "checks"):
        table.add_column(column, justify="right" if column in ("rows", "checks") else "left")
    for item in found:
        table.add_row(
            item.id, item.vintage, item.source, f"{item.rows:,}", f"{item.checks_passed}/{item.checks_total}"
        )
    stdout.print(table)
    stdout.print(
        "Provenance (origin, commit, blob, licence, checks): reference/data/<dataset>.provenance.json",
        markup=False,
    )
