"""``statevisa select place``: outcome-maximising placement under capacities (GeoMatch-style).

One call to `statevisa.services.selection_programs.place`: predicted outcomes per case
and place in, one place (or none) per case out, with the total predicted outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from statevisa.cli.common import busy, stderr


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
    from statevisa.services.selection_programs import place

    done = place(outcomes, capacities, out, sizes=sizes, everyone=everyone, busy=busy)
    stderr.print(
        f"placed {done.placed:,} of {done.cases:,} cases; total outcome {done.total:,.4f}", markup=False
    )
