"""287(g) registry use cases: the list used, the tables written, and every refused option named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.services.agreements import agreement_growth, count_agreements, find_contradictions


def test_agreements_on_a_date_use_the_newest_list_before_it(tmp_path: Path) -> None:
    out = tmp_path / "agreements.csv"
    found = count_agreements("2026-01-15", "state", out)
    assert (found.list_dates, found.total) == ((dt.date(2025, 12, 31),), 1274)
    written = pl.read_csv(out, schema_overrides={"state_fips": pl.String})
    assert written.columns == ["state_fips", "state", "agreements", "task_force", "warrant_service", "jail"]
    assert written["agreements"].sum() == 1274
    texas = written.filter(pl.col("state") == "TX").row(0)
    assert texas[:3] == ("48", "TX", 259) and sum(texas[3:]) == 259


def test_agreements_by_model_keep_the_total(tmp_path: Path) -> None:
    out = tmp_path / "models.parquet"
    count_agreements("2026-05-18", "model", out)
    written = pl.read_parquet(out)
    assert written.columns == ["state_fips", "state", "model", "agreements"]
    assert written["agreements"].sum() == 1843
    assert set(written["model"]) == {"task_force", "warrant_service", "jail"}


@pytest.mark.parametrize(
    ("as_of", "by", "message"),
    [
        (
            "2025-01-03",
            "state",
            "--as-of: 2025-01-03 is before the first shipped ICE list (2025-01-04); lists: "
            "2025-01-04, 2025-12-31, 2026-05-18",
        ),
        ("2026-02-30", "state", "--as-of: '2026-02-30' is not a date (use YYYY-MM-DD)"),
        ("2026-05-18", "county", "--by: unknown value 'county' (choose: state, model)"),
    ],
)
def test_bad_options_are_named(as_of: str, by: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        count_agreements(as_of, by)
    assert refused.value.messages == [message]


def test_an_output_that_cannot_be_written_is_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unsupported file type '\.txt'"):
        count_agreements("2026-05-18", "state", tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()


def test_growth_covers_every_list(tmp_path: Path) -> None:
    found = agreement_growth("state", tmp_path / "growth.csv")
    assert found.list_dates == (dt.date(2025, 1, 4), dt.date(2025, 12, 31), dt.date(2026, 5, 18))
    assert "change_2025-12-31_2026-05-18" in found.table.columns


def test_contradictions_on_every_list_or_one(tmp_path: Path) -> None:
    every = find_contradictions(out=tmp_path / "c.csv")
    assert every.table.group_by("list_date").len().sort("list_date").rows() == [
        (dt.date(2025, 1, 4), 21),
        (dt.date(2026, 5, 18), 56),
    ]
    assert find_contradictions("2026-01-01").list_dates == (dt.date(2025, 12, 31),)
    assert pl.read_csv(tmp_path / "c.csv").height == 77
