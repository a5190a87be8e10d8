"""``statevisa select place``: outcome-maximising placement under capacities (GeoMatch-style).

One call to `statevisa.services.selection_programs.place`: predicted outcomes per case
and place in, one place (or none) per case out, with the total predicted outcome.
"""

from __future__ import annotations

from pathlib import Path

import click

from statevisa.cli.common import busy, tell
from statevisa.cli.params import PATH


@click.command("place")
@click.option("--outcomes", type=PATH, required=True, help="applicant_id,program_id,outcome")
@click.option("--capacities", type=PATH, required=True, help="program_id,capacity")
@click.option("--out", type=PATH, required=True, help="Output: applicant_id,program_id,outcome")
@click.option("--sizes", type=PATH, help="applicant_id,size (a family uses size places)")
@click.option("--everyone", is_flag=True, help="Refuse unless every case is placed")
def place_command(outcomes: Path, capacities: Path, out: Path, sizes: Path | None, everyone: bool) -> None:
    """Place each case where the summed predicted outcome is highest, within capacities."""
    from statevisa.services.selection_programs import place

    done = place(outcomes, capacities, out, sizes=sizes, everyone=everyone, busy=busy)
    tell(f"placed {done.placed:,} of {done.cases:,} cases; total outcome {done.total:,.4f}")
