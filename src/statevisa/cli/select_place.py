"""``statevisa select place``: outcome-maximising placement under capacities (GeoMatch-style).

A thin shell over `statevisa.selection.placement`: predicted outcomes per case and
place in, one place (or none) per case out, with the total predicted outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import polars as pl
import typer
from numpy.typing import NDArray

from statevisa.cli.common import busy, stderr
from statevisa.errors import InputError
from statevisa.selection import schemas
from statevisa.selection.inputs import TableCheck
from statevisa.tables import check_output, read_table, write_table

MAX_PAIRS = 5_000_000
"""The 0-1 program grows with case x place pairs; beyond this, split the problem."""


def place_command(
    outcomes: Annotated[Path, typer.Option("--outcomes", help="applicant_id,program_id,outcome")],
    capacities: Annotated[Path, typer.Option("--capacities", help="program_id,capacity")],
    out: Annotated[Path, typer.Option("--out", help="Output: applicant_id,program_id,outcome")],
    sizes: Annotated[
        Path | None, typer.Option("--sizes", help="applicant_id,size (a family uses size places)")
    ] = None,
    everyone: Annotated[bool, typer.Option("--everyone", help="Refuse unless every case is placed")] = False,
) -> None:
    """Place each case where the summed predicted outcome is highest, within capacities."""
    check_output(out, inputs=[outcomes, capacities, sizes])
    programs, capacity = schemas.capacities(
        read_table(capacities, required=schemas.CAPACITIES), str(capacities)
    )
    frame = read_table(outcomes, required=("applicant_id", "program_id", "outcome"))
    check = TableCheck(frame, str(outcomes), "applicant_id")
    applicant_text = check.identifiers("applicant_id", unique=False)
    column = check.references("program_id", programs, "program", str(capacities))
    value = check.numbers("outcome")
    check.unique_rows(["applicant_id", "program_id"], "outcome given twice for this case and place")
    check.raise_if_any()
    applicants = applicant_text.unique(maintain_order=True)
    row = TableCheck(pl.DataFrame({"applicant_id": applicant_text}), str(outcomes), "applicant_id").lookup(
        "applicant_id", applicants
    )
    if len(applicants) * len(programs) > MAX_PAIRS:
        raise InputError(
            f"{outcomes}: {len(applicants):,} cases x {len(programs):,} places is too large to solve"
        )
    matrix = np.full((len(applicants), len(programs)), np.nan)
    matrix[row, column] = value
    family = _sizes(sizes, applicants) if sizes else None
    from statevisa.selection import placement  # SciPy's solver loads only for this command

    try:
        with busy(f"placing {len(applicants):,} cases", len(applicants) * len(programs)):
            chosen = placement.place(matrix, capacity, size=family, place_everyone=everyone)
    except ValueError as error:
        raise InputError(f"{outcomes}: {error}") from error
    placed = chosen >= 0
    picked = np.where(placed, chosen, 0)
    result = pl.DataFrame(
        {
            "applicant_id": applicants,
            "program_id": programs.gather(picked),
            "outcome": matrix[np.arange(len(applicants)), picked],
            "placed": placed,
        }
    ).select(
        "applicant_id",
        pl.when("placed").then(pl.col("program_id")).alias("program_id"),
        pl.when("placed").then(pl.col("outcome")).alias("outcome"),
    )
    write_table(result, out)
    total = placement.total_outcome(matrix, chosen)
    stderr.print(
        f"placed {int(placed.sum()):,} of {len(applicants):,} cases; total outcome {total:,.4f}", markup=False
    )


def _sizes(path: Path, applicants: pl.Series) -> NDArray[np.int64]:
    """Each case's size (1 when Z.csv does not list it)."""
    frame = read_table(path, required=("applicant_id", "size"))
    check = TableCheck(frame, str(path), "applicant_id")
    ids = check.identifiers("applicant_id", unique=True)
    size = check.whole_numbers("size", minimum=1)
    check.raise_if_any()
    table = pl.DataFrame({"applicant_id": ids, "size": size})
    joined = pl.DataFrame({"applicant_id": applicants}).join(
        table, on="applicant_id", how="left", maintain_order="left"
    )
    return joined["size"].fill_null(1).to_numpy().astype(np.int64)
