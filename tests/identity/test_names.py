"""Name normalisation on names from ten scripts, and each documented rule on its own."""

from __future__ import annotations

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.identity import names


@pytest.mark.parametrize(
    ("script", "given", "family", "given_shown", "family_shown"),
    [
        ("Cyrillic", "Дмитрий", "Шевченко", "DMITRIY", "SHEVCHENKO"),
        ("Greek", "Γεώργιος", "Παπαδόπουλος", "GEORGIOS", "PAPADOPOYLOS"),
        ("Arabic", "محمد", "حداد", "MHMD", "HDD"),
        ("Hebrew", "משה", "לוי", "MSH", "LVY"),
        ("Devanagari", "राहुल", "शर्मा", "RAHUL", "SRMA"),
        ("Han", "伟", "王", "WEI", "WANG"),
        ("Hangul", "민준", "김", "MINJUN", "GIM"),
        ("Kana", "さくら", "さとう", "SAKURA", "SATOU"),
        ("Thai", "สมชาย", "ศรีสุข", "SMCHAY", "SRISUKH"),
        ("Latin", "Thị Lan", "Nguyễn", "THI LAN", "NGUYEN"),
        ("Latin", "Łukasz", "Wiśniewski", "LUKASZ", "WISNIEWSKI"),
    ],
)
def test_every_script_comes_out_as_upper_case_ascii(
    script: str, given: str, family: str, given_shown: str, family_shown: str
) -> None:
    assert (names.display_name(given), names.display_name(family)) == (given_shown, family_shown)


def test_apostrophes_join_and_other_punctuation_separates() -> None:
    """Doc 9303-3 §4.6: D'ARTAGNAN becomes DARTAGNAN, MARIE-ELISE becomes MARIE ELISE."""
    assert names.display_name("d'Artagnan") == "DARTAGNAN"
    assert names.display_name("O\u2019Connor") == "OCONNOR"  # a typographic apostrophe
    assert names.display_name("Marie-Élise") == "MARIE ELISE"
    assert names.display_name("  Smith,  Jones. ") == "SMITH JONES"


def test_titles_and_suffixes_leave_the_key() -> None:
    assert names.name_key("Dr. John Jr.", "Smith III") == names.name_key("John", "Smith") == "JOHN SMITH"


def test_particles_leave_a_family_name_only_before_another_component() -> None:
    assert names.name_key("Martin", "van der Muellen") == names.name_key("Martin", "Mullen")
    assert names.name_key("Huda", "Al-Basri") == "BASRI HUDA"
    assert names.name_key("Lan", "Lê") == "LAN LE"  # the Vietnamese family name Lê stays
    assert names.name_key("Do Yun", "Kim") == "DO YUN KIM"  # given names keep DO


def test_icao_alternative_transliterations_agree() -> None:
    """Doc 9303-3 §6 allows Ü as UE or U, Ö as OE or O, Å as AA or A."""
    assert names.name_key("Jürgen", "Müller") == names.name_key("Juergen", "Mueller") == "JURGEN MULLER"
    assert names.name_key("Åsa", "Öberg") == names.name_key("Aasa", "Oeberg")


def test_name_order_does_not_matter() -> None:
    assert names.name_key("Wei", "Wang") == names.name_key("Wang", "Wei") == "WANG WEI"
    assert names.name_key("Anna Maria", "Eriksson") == names.name_key("Maria Anna", "ERIKSSON")
    assert names.name_key("伟", "王") == names.name_key("Wei", "Wang")


def test_an_empty_name_is_refused() -> None:
    for given, family in (("", ""), ("Dr.", "-"), ("  ", "Jr")):
        with pytest.raises(InputError) as refused:
            names.name_key(given, family)
        assert str(refused.value) == "name: the name is empty once titles and punctuation are removed"


def test_columns_are_normalised_whole_with_nulls_as_empty() -> None:
    given = pl.Series(["Anna Maria", None, "Мария", "Anna Maria"])
    family = pl.Series(["Eriksson", "Lopez", None, "Eriksson"])
    forms = names.forms(given, family=False)
    assert forms["display"].to_list() == ["ANNA MARIA", "", "MARIYA", "ANNA MARIA"]
    assert forms["compact"].to_list() == ["ANNAMARIA", "", "MARIYA", "ANNAMARIA"]
    assert names.keys(given, family).to_list() == [
        "ANNA MARIA ERIKSSON",
        "LOPEZ",
        "MARIYA",
        "ANNA MARIA ERIKSSON",
    ]


def test_a_column_without_non_ascii_values_skips_transliteration() -> None:
    assert names.transliterate(pl.Series("n", ["ANNA", None])).to_list() == ["ANNA", None]
