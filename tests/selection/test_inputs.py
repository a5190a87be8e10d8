"""Column checks of the selection tables: id positions, whatever the order of the tables."""

from __future__ import annotations

import polars as pl
import pytest

from statevisa.selection import inputs
from statevisa.selection.inputs import positions

KNOWN = pl.Series(["a", "b", "c", "d"])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a", "b", "c", "d"], [0, 1, 2, 3]),  # same ids, same order: one comparison
        (["d", "c", "b", "a"], [3, 2, 1, 0]),
        (["b", "x", "b"], [1, -1, 1]),
        (["a", "b", "c", "e"], [0, 1, 2, -1]),  # same length, one id differs
        ([], []),
    ],
)
def test_positions_of_ids_in_a_known_list(values: list[str], expected: list[int]) -> None:
    assert positions(pl.Series(values, dtype=pl.String), KNOWN).tolist() == expected


@pytest.mark.parametrize("ids", [["a1", "b2", "c3"], ["a1", " b2", "c3\t"]])
def test_ids_are_trimmed_whether_or_not_the_column_is_long(
    ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for rows in (1, 10**9):  # the views check, and the plain trim
        monkeypatch.setattr(inputs, "TRIM_CHECK_ROWS", rows)
        check = inputs.TableCheck(pl.DataFrame({"id": ids}), "E.csv", "id")
        assert check.identifiers("id", unique=True).to_list() == ["a1", "b2", "c3"]
