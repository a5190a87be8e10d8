"""Program-specific selections: the H-1B cap selection and outcome-maximising placement.

Like `statevisa.services.selection`, each use case reads and checks its tables, calls
the core (`selection.h1b`, `selection.placement`) and returns data. The H-1B rules are
read from the `h1b` policy file for the season; the targets above each cap are open in
the law (docs/programs/h1b.md, open items), so the caller always gives them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.errors import InputError, Problem, problem
from statevisa.selection import h1b, schemas
from statevisa.selection.inputs import TableCheck
from statevisa.services.selection import Busy, parse_seed, quiet
from statevisa.tables import check_output, read_table, write_table

REGISTRATIONS = ("registration_id", "beneficiary_id", "wage_level", "advanced_degree")
MAX_PAIRS = 5_000_000
"""The 0-1 program grows with case x place pairs; beyond this, split the problem."""


def registrations(path: Path) -> pl.DataFrame:
    """R.csv: distinct registration ids, a beneficiary for each, wage level 1-4, advanced degree."""
    frame = read_table(path, required=REGISTRATIONS)
    check = TableCheck(frame, str(path), "registration_id")
    ids = check.identifiers("registration_id", unique=True)
    beneficiaries = check.identifiers("beneficiary_id", unique=False)
    levels = check.whole_numbers("wage_level", minimum=1)
    check.report(
        "wage_level", levels > 4, "not-a-wage-level", "is not a wage level (1 for level I to 4 for level IV)"
    )
    advanced = check.booleans("advanced_degree")
    check.raise_if_any()
    return pl.DataFrame(
        {
            "registration_id": ids,
            "beneficiary_id": beneficiaries,
            "wage_level": levels,
            "advanced_degree": advanced,
        }
    )


@dataclass(frozen=True)
class ParameterRead:
    """A policy parameter the selection used: its value as shown, status and citation."""

    name: str
    label: str
    status: str
    cite: str


@dataclass(frozen=True)
class H1bSelection:
    """The selection: rules read, entries drawn from, what was selected per round, and either
    the file written or the check of a published one (`failure` None when it matches)."""

    parameters: tuple[ParameterRead, ...]
    entries: int
    unit: str
    selected: int
    rounds: tuple[tuple[str, int], ...]
    written: Path | None = None
    failure: Problem | None = None


def h1b_select(
    registrations_file: Path,
    seed_text: str,
    season_opens: dt.date,
    regular: int,
    advanced: int,
    *,
    out: Path | None = None,
    check: Path | None = None,
    busy: Busy = quiet,
) -> H1bSelection:
    """Draw the season's H-1B selection and write it to `out`, or check it against `check`."""
    from statevisa.services.policies import h1b_policy

    if (out is None) == (check is None):
        raise InputError(
            problem("one-mode", "give either --out S.csv (draw) or --check S.csv (verify a published draw)")
        )
    if out is not None:
        check_output(out, inputs=[registrations_file])
    seed = parse_seed(seed_text)
    policy = h1b_policy(season_opens)
    rules = h1b.rules_from(policy)
    parameters = tuple(
        ParameterRead(name, value.label(), value.status.value, value.cite)
        for name in h1b.POLICY_PARAMETERS
        for value in [policy.values[name]]
    )
    table = registrations(registrations_file)
    try:
        pool = h1b.entries(table, rules)
    except ValueError as error:
        raise InputError(problem("bad-registrations", str(error), file=registrations_file)) from None
    with busy(f"selecting from {pool.height:,} entries", pool.height):
        selected = h1b.select(pool, seed, target_regular=regular, target_advanced=advanced, rules=rules)
    counts = tuple((str(r), int(n)) for r, n in selected["round"].value_counts(sort=True).iter_rows())
    done = H1bSelection(parameters, pool.height, str(rules.unit), selected.height, counts)
    if out is not None:
        write_table(selected, out)
        return replace(done, written=out)
    assert check is not None
    return replace(done, failure=_compare(selected, check))


def _compare(selected: pl.DataFrame, check: Path) -> Problem | None:
    """The first row where the published selection differs from the draw, or None."""
    published = read_table(check, required=("entry_id", "round", "order"), allow_empty=True)
    expected = selected.cast(pl.String)
    for index, (want, got) in enumerate(zip(expected.iter_rows(), published.iter_rows(), strict=False)):
        if tuple(want) != tuple(str(v).strip() for v in got[:3]):
            message = f"expected {want}, found {got[:3]}"
            return problem("not-the-draw", message, file=check, row=index + 2, row_id=got[0])
    if published.height != expected.height:
        message = f"has {published.height} rows; the draw selects {expected.height}"
        return problem("wrong-count", message, file=check)
    return None


@dataclass(frozen=True)
class Placement:
    """A placement written to `out`: cases placed, cases in all, the total predicted outcome."""

    out: Path
    placed: int
    cases: int
    total: float


def place(
    outcomes: Path,
    capacities: Path,
    out: Path,
    *,
    sizes: Path | None = None,
    everyone: bool = False,
    busy: Busy = quiet,
) -> Placement:
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
    check.unique_rows(
        ["applicant_id", "program_id"], "repeated-pair", "outcome given twice for this case and place"
    )
    check.raise_if_any()
    applicants = applicant_text.unique(maintain_order=True)
    row = check.lookup("applicant_id", applicants)
    if len(applicants) * len(programs) > MAX_PAIRS:
        message = f"{len(applicants):,} cases x {len(programs):,} places is too large to solve"
        raise InputError(problem("too-large", message, file=outcomes))
    matrix = np.full((len(applicants), len(programs)), np.nan)
    matrix[row, column] = value
    family = _sizes(sizes, applicants) if sizes else None
    from statevisa.selection import placement  # SciPy's solver loads only for this use case

    try:
        with busy(f"placing {len(applicants):,} cases", len(applicants) * len(programs)):
            chosen = placement.place(matrix, capacity, size=family, place_everyone=everyone)
    except ValueError as error:
        raise InputError(problem("no-placement", str(error), file=outcomes)) from None
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
    return Placement(out, int(placed.sum()), len(applicants), float(total))


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
