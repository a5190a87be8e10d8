"""Country codes: ISO 3166-1 from pycountry, ICAO's additions from the vendored Part 3 table."""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files

import pytest

from statevisa.identity import codes


def test_iso_codes_are_issuers_and_nationalities() -> None:
    for code in ("USA", "MEX", "DEU", "IND"):
        assert codes.is_issuer(code) and codes.is_nationality(code)
    assert codes.name_of("MEX") == "Mexico"


@pytest.mark.parametrize(
    ("code", "issuer", "nationality"),
    [
        ("D", True, True),  # Germany, Part A
        ("GBN", True, True),  # British National (Overseas), Part A
        ("EUE", True, False),  # European Union, Part B: issues laissez-passer, is no nationality
        ("UNO", True, True),  # United Nations, Part C: in lieu of nationality (Part 4 note f)
        ("XPO", True, False),  # INTERPOL, Part D
        ("XXA", False, True),  # stateless person, Part E
        ("XXB", False, True),  # refugee (1951 Convention), Part E
        ("ANT", True, True),  # Netherlands Antilles, Part F (deprecated in ISO 3166)
        ("UTO", True, True),  # Utopia, Part G: specimens
        ("IAO", False, False),  # Part H: ICAO signs master lists with it; never on a document
        ("ZZZ", False, False),
    ],
)
def test_icao_codes_fill_only_the_fields_part_3_allows(code: str, issuer: bool, nationality: bool) -> None:
    assert (codes.is_issuer(code), codes.is_nationality(code)) == (issuer, nationality)


def test_germany_s_mrz_code_matches_its_iso_code() -> None:
    assert codes.canonical("D") == "DEU"
    assert codes.canonical("GBN") == "GBN"
    assert codes.canonical("FRA") == "FRA"


def test_the_vendored_table_matches_its_provenance() -> None:
    data = files("statevisa.identity").joinpath("data")
    raw = data.joinpath("icao_codes.json").read_bytes()
    provenance = json.loads(data.joinpath("icao_codes.provenance.json").read_text(encoding="utf-8"))
    assert hashlib.sha256(raw).hexdigest() == provenance["sha256"]
    assert len(codes.icao_codes()) == provenance["rows"] == 29
    assert not set(codes.icao_codes()) & codes.iso_alpha3()
