"""The dedupe input: refused with every problem placed, or prepared into comparison columns."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.identity import people


def frame(**changes: list[str | None]) -> pl.DataFrame:
    base: dict[str, list[str | None]] = {
        "id": ["p1", "p2", "p3"],
        "given_name": ["Jürgen", "伟", None],
        "family_name": ["Müller", "王", "van der Berg"],
        "date_of_birth": ["1986-03-15", "12.08.1974", None],
        "country_of_birth": ["DEU", "chn", None],
        "sex": ["M", "male", None],
        "document_number": ["C01X-00T47", None, " "],
        "document_country": ["D", None, None],
        "state": ["06", "36", "48"],
    }
    base.update(changes)
    return pl.DataFrame(base)


def refusals(data: pl.DataFrame) -> list[str]:
    with pytest.raises(InputError) as refused:
        people.validate(data, "P.csv")
    return [str(problem) for problem in refused.value.problems]


def test_a_clean_input_is_prepared_into_comparison_columns() -> None:
    text, birth = people.validate(frame(), "P.csv")
    assert birth.to_list() == [date(1986, 3, 15), date(1974, 8, 12), None]
    prepared = people.prepare(text, birth)
    assert prepared.row(0, named=True) == {
        "unique_id": "p1",
        "given_std": "JURGEN",
        "family_std": "MULLER",
        "name_sorted": "JURGEN MULLER",
        "given_phon": "SLKN",
        "family_phon": "ML",
        "given_skel": "JURGEN",
        "family_skel": "MULLER",
        "dob": "1986-03-15",
        "dob_year": "1986",
        "dob_month": "03",
        "dob_day": "15",
        "country_of_birth": "DEU",
        "sex": "M",
        "document_number": "C01X00T47",
        "document_country": "DEU",
        "state": "06",
    }
    assert prepared["name_sorted"].to_list() == ["JURGEN MULLER", "WANG WEI", "BERG"]
    assert prepared["given_std"].to_list() == ["JURGEN", "WEI", None]
    assert prepared["sex"].to_list() == ["M", "M", None]
    assert prepared["document_number"].to_list() == ["C01X00T47", None, None]


def test_romanisations_share_a_sound_key() -> None:
    keys = people.name_columns(pl.Series(["x"] * 4), pl.Series(["Wang", "Wong", "Huang", "Zheng"]))
    assert keys["family_phon"].to_list() == ["NK", "NK", "NK", "SNK"]
    arabic = people.name_columns(pl.Series(["محمد", "Muhammad"]), pl.Series(["x", "x"]))
    assert arabic["given_phon"].to_list() == ["MT", "MT"]


def test_romanised_vowels_share_a_skeleton() -> None:
    given = ["Soo-ho", "Suho", "Hyun", "Hyeon", "Young", "Yeong", "Joonsoo", "Junsu"]
    keys = people.name_columns(pl.Series(given), pl.Series(["Suh", "Seo", "Mah", "Ma", "x", "x", "x", "x"]))
    assert keys["given_skel"].to_list() == ["SUHO", "SUHO", "HIN", "HIN", "ING", "ING", "JUNSU", "JUNSU"]
    assert keys["family_skel"].to_list()[:4] == ["SU", "SU", "MA", "MA"]
    assert people.name_columns(pl.Series(["Maria"]), pl.Series(["Lopez"]))["given_skel"].to_list() == ["MARI"]


def test_repeated_and_empty_ids_are_refused_by_row() -> None:
    assert refusals(frame(id=["p1", None, "p1"])) == [
        "P.csv: row 3, column id: the id is empty",
        "P.csv: row 4 (id p1), column id: id repeats row 2",
    ]


def test_impossible_and_unreadable_dates_are_refused_by_row() -> None:
    assert refusals(frame(date_of_birth=["1974-02-31", "soon", "13/13/2000"])) == [
        "P.csv: row 2 (id p1), column date_of_birth: '1974-02-31' is not a calendar date",
        "P.csv: row 3 (id p2), column date_of_birth: 'soon' is not a date in a known form"
        " (YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY, 12 AUG 1974)",
        "P.csv: row 4 (id p3), column date_of_birth: '13/13/2000' is not a calendar date",
    ]


def test_unknown_country_codes_and_sexes_are_refused_by_row() -> None:
    assert refusals(
        frame(
            country_of_birth=["XXX", "UTA", "XPO"], document_country=["XXA", "D", None], sex=["F", "Q", None]
        )
    ) == [
        "P.csv: row 3 (id p2), column country_of_birth: unknown country code 'UTA' (use ISO 3166-1 alpha-3)",
        "P.csv: row 4 (id p3), column country_of_birth: unknown country code 'XPO' (use ISO 3166-1 alpha-3)",
        "P.csv: row 2 (id p1), column document_country: unknown country code 'XXA' (use ISO 3166-1 alpha-3)",
        "P.csv: row 3 (id p2), column sex: sex 'Q' is not F, M or X",
    ]


def test_past_twenty_problems_of_a_kind_the_rest_are_counted() -> None:
    n = 25
    data = pl.DataFrame({column: [None] * n for column in people.COLUMNS}).with_columns(
        pl.Series("id", [f"p{i}" for i in range(n)]), pl.Series("sex", ["Q"] * n)
    )
    found = refusals(data)
    assert len(found) == people.SHOWN + 1
    assert found[-1] == "P.csv: row 22, column sex: and 5 more rows like these"
