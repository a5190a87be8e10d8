"""Slices of work spread over threads: every row once, and a failure is not lost."""

from __future__ import annotations

import pytest

from statevisa.selection import parallel


@pytest.mark.parametrize(("rows", "task_rows"), [(0, 4), (1, 4), (10, 3), (12, 4), (10, 100)])
def test_every_row_is_in_exactly_one_slice(
    rows: int, task_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "TASK_ROWS", task_rows)
    seen: list[int] = []
    parallel.over_rows(rows, lambda start, stop: seen.extend(range(start, stop)))
    assert sorted(seen) == list(range(rows))


def test_an_exception_in_any_task_is_raised() -> None:
    def work(task: int) -> None:
        if task == 3:
            raise ValueError("task 3 failed")

    with pytest.raises(ValueError, match="task 3 failed"):
        parallel.each(list(range(8)), work)
