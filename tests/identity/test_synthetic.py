"""The synthetic population: reproducible, in the dedupe layout, with the truth it claims."""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files

import polars as pl

from statevisa.identity import synthetic
from statevisa.identity.people import COLUMNS


def test_a_seed_reproduces_the_same_people() -> None:
    first, again = synthetic.generate(500, 11), synthetic.generate(500, 11)
    assert first.records.equals(again.records) and first.truth.equals(again.truth)
    assert not synthetic.generate(500, 12).records.equals(first.records)


def test_records_have_the_dedupe_columns_and_unique_ids() -> None:
    people = synthetic.generate(2000, 1)
    assert tuple(people.records.columns) == COLUMNS
    assert people.records["id"].is_unique().all()
    assert people.truth["id"].to_list() == people.records["id"].to_list()


def test_one_person_appears_in_one_to_three_different_states() -> None:
    people = synthetic.generate(5000, 2)
    per_person = (
        people.records.join(people.truth, on="id")
        .group_by("person_id")
        .agg(pl.len().alias("records"), pl.col("state").n_unique().alias("states"))
    )
    assert set(per_person["records"].unique().to_list()) == {1, 2, 3}
    assert (per_person["records"] == per_person["states"]).all()
    share = per_person["records"].value_counts().sort("records")["count"].to_list()
    assert share[0] > share[1] > share[2]  # most people apply once


def test_names_come_in_several_scripts_and_transliterations() -> None:
    people = synthetic.generate(20_000, 3)
    given = people.records["given_name"].drop_nulls()
    scripts = {
        "Latin": r"^[\p{Latin} '\-]+$",
        "Cyrillic": r"\p{Cyrillic}",
        "Greek": r"\p{Greek}",
        "Arabic": r"\p{Arabic}",
        "Hebrew": r"\p{Hebrew}",
        "Devanagari": r"\p{Devanagari}",
        "Han": r"\p{Han}",
        "Hangul": r"\p{Hangul}",
        "Kana": r"\p{Hiragana}",
        "Thai": r"\p{Thai}",
    }
    for script, pattern in scripts.items():
        assert given.str.contains(pattern).any(), script
    assert set(people.truth["spelling"].unique().to_list()) == {"own", "native", "variant"}


def test_the_differences_between_records_occur_at_their_rates() -> None:
    people = synthetic.generate(20_000, 4)
    records, truth = people.records, people.truth
    n = records.height
    assert 0.2 < records["document_number"].null_count() / n < 0.3
    assert 0.01 < records["date_of_birth"].null_count() / n < 0.03
    duplicates = truth.join(records, on="id").filter(pl.col("person_id").is_duplicated())
    assert 0.03 < duplicates["typo"].mean() < 0.1  # type: ignore[operator]
    assert (
        duplicates["swap_names"].any() and duplicates["swap_dates"].any() and duplicates["new_document"].any()
    )


def test_birth_dates_are_iso_and_countries_are_codes() -> None:
    records = synthetic.generate(1000, 5).records
    assert records["date_of_birth"].drop_nulls().str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    assert records["country_of_birth"].drop_nulls().str.contains(r"^[A-Z]{3}$").all()


def test_the_name_pools_match_their_provenance() -> None:
    data = files("statevisa.identity").joinpath("data")
    provenance = json.loads(data.joinpath("names.provenance.json").read_text(encoding="utf-8"))
    assert hashlib.sha256(data.joinpath("names.json").read_bytes()).hexdigest() == provenance["sha256"]
    assert synthetic.pools()[1].height == provenance["rows"]
