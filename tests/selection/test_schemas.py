"""The selection tables' checks: a repeated choice is found however the lists are shaped."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError
from statevisa.selection import schemas

PROGRAMS = pl.Series([f"p{i}" for i in range(6)])


@settings(max_examples=80, deadline=None)
@given(lists=st.lists(st.lists(st.integers(0, 5), min_size=1, max_size=4), min_size=1, max_size=12))
def test_a_program_listed_twice_is_refused_and_only_then(lists: list[list[int]]) -> None:
    """Equal-length lists take the per-row sort, ragged ones the counting path: same verdict."""
    frame = pl.DataFrame(
        {
            "applicant_id": [f"a{a}" for a, chosen in enumerate(lists) for _ in chosen],
            "program_id": [f"p{p}" for chosen in lists for p in chosen],
            "rank": [str(r + 1) for chosen in lists for r in range(len(chosen))],
        }
    )
    repeated = any(len(set(chosen)) < len(chosen) for chosen in lists)
    if not repeated:
        applicants, prefs = schemas.preferences(frame, "P.csv", PROGRAMS, "C.csv")
        assert applicants.ids.to_list() == [f"a{a}" for a in range(len(lists))]
        assert prefs.program.tolist() == [p for chosen in lists for p in chosen]
        return
    with pytest.raises(InputError) as refused:
        schemas.preferences(frame, "P.csv", PROGRAMS, "C.csv")
    assert {p.code for p in refused.value.problems} == {"repeated-choice"}
