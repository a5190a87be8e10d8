"""National identity and tax numbers: valid with a compact form, or invalid with a coded reason."""

from __future__ import annotations

import pytest
from stdnum.us import itin as stdnum_itin

from statevisa.errors import InputError
from statevisa.identity.national import KINDS, check_number


@pytest.mark.parametrize(
    ("kind", "number", "compact"),
    [
        ("us-ssn", "536-90-4399", "536904399"),
        ("us-itin", "912-70-1234", "912701234"),
        ("br-cpf", "390.533.447-05", "39053344705"),
        ("cn-ric", "360426199101010071", "360426199101010071"),
        ("mx-curp", "BOXW310820HNERXN09", "BOXW310820HNERXN09"),
        ("in-aadhaar", "234123412346", "234123412346"),
        ("kr-rrn", "971013-9019902", "9710139019902"),
        ("za-idnr", "7503305044089", "7503305044089"),
    ],
)
def test_a_well_formed_number_is_valid_in_its_compact_form(kind: str, number: str, compact: str) -> None:
    result = check_number(kind, number)
    assert (result.valid, result.compact, result.code) == (True, compact, None)


@pytest.mark.parametrize(
    ("kind", "number", "code", "reason"),
    [
        ("us-ssn", "12-345", "invalid-format", "is not written in this number's format"),
        (
            "us-ssn",
            "666-12-3456",
            "invalid-component",
            "has a part SSA never issues (area 000, 666 or 900-999, group 00, serial 0000) or is one of the"
            " numbers printed in advertisements that stdnum refuses (078-05-1120, 219-09-9999, 457-55-5462)",
        ),
        ("us-ssn", "078-05-1120", "invalid-component", None),
        ("us-ssn", "536-00-4399", "invalid-component", None),
        ("us-ssn", "", "empty", "is empty"),
        (
            "us-itin",
            "123-45-6789",
            "invalid-component",
            "is not an ITIN: it starts with 9 and its 4th-5th digits are 50-65, 70-88, 90-92 or 94-99",
        ),
        ("us-itin", "912-89-1234", "invalid-component", None),
        ("us-itin", "9X2-70-1234", "invalid-format", "is not written as 9XX-XX-XXXX"),
        ("br-cpf", "231.002.999-00", "invalid-checksum", "fails its check digit"),
        ("cn-ric", "36042619910101007", "invalid-length", "has the wrong number of characters"),
    ],
)
def test_an_invalid_number_says_why(kind: str, number: str, code: str, reason: str | None) -> None:
    result = check_number(kind, number)
    assert (result.valid, result.code) == (False, code)
    if reason is not None:
        assert result.reason == reason


def test_itins_in_the_50_to_65_range_are_valid_though_stdnum_refuses_them() -> None:
    assert not stdnum_itin.is_valid("912-55-1234")
    assert check_number("us-itin", "912-55-1234").valid
    assert not check_number("us-itin", "912-66-1234").valid


def test_every_kind_names_an_installed_stdnum_module() -> None:
    for kind in KINDS:
        assert check_number(kind, "0").valid is False


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(InputError) as refused:
        check_number("xx-id", "1")
    assert refused.value.problems[0].code == "unknown-number-kind"
    assert str(refused.value.problems[0]).startswith(
        "kind: unknown number kind 'xx-id' (known: us-ssn, us-itin, "
    )
