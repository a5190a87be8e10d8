"""MRZ certification on ICAO's own specimens, and each check failing on its own.

The specimens are those printed in ICAO Doc 9303, 8th edition (2021). Parts 4 and 5 print
theirs as figures; the lines below are transcribed from them, and every check digit is
recomputed by the code under test, so a transcription error would fail the test:

* TD3: Part 4, Appendix A, Figure A-1 (p. App A-1) and Appendix B, Figure B-1 (p. App B-1);
* TD1: Part 5, Appendix A, Figure A-2 (p. App A-1);
* TD2: Part 6, Appendix A, Figure A-1 (p. App A-1);
* TD1 with a long document number: Part 11, Appendix D, section D.2.

Pages follow ICAO's appendix numbering (App A-1 is an appendix's first page); they were not
checked against the printed PDFs, which were not at hand when these tests were written.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statevisa.errors import InputError
from statevisa.identity.mrz import check_mrz
from statevisa.identity.mrz_layout import check_digit

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
TD1_LONG = [
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
]
BEFORE_EXPIRY = date(2010, 1, 1)


def failed(lines: list[str], on: date = BEFORE_EXPIRY) -> dict[str, str]:
    return {check.code: check.message for check in check_mrz(lines, on).failures}


def with_digit(line: str, position: int, data: str) -> str:
    """`line` with the check digit of `data` written at `position` (0-based)."""
    return line[:position] + str(check_digit(data)) + line[position + 1 :]


@pytest.mark.parametrize(
    ("lines", "form", "number"),
    [(TD3, "TD3", "L898902C3"), (TD1, "TD1", "D23145890"), (TD2, "TD2", "D23145890")],
)
def test_the_icao_specimens_are_valid_in_every_format(lines: list[str], form: str, number: str) -> None:
    report = check_mrz(lines, BEFORE_EXPIRY)
    assert report.valid, report.failures
    fields = report.fields
    assert (fields.format, fields.document_number, fields.issuing_state, fields.nationality) == (
        form,
        number,
        "UTO",
        "UTO",
    )
    assert (fields.primary_identifier, fields.secondary_identifier, fields.sex) == (
        "ERIKSSON",
        "ANNA MARIA",
        "F",
    )
    assert (fields.date_of_birth, fields.date_of_expiry) == (date(1974, 8, 12), date(2012, 4, 15))
    assert fields.specimen


def test_the_td3_specimen_runs_every_td3_check() -> None:
    codes = [check.code for check in check_mrz(TD3, BEFORE_EXPIRY).checks]
    assert codes == [
        "document-code", "issuing-state", "name", "document-number", "document-number-check-digit",
        "nationality", "date-of-birth", "date-of-birth-check-digit", "date-of-expiry",
        "date-of-expiry-check-digit", "birth-not-in-future", "not-expired", "sex",
        "optional-data-check-digit", "composite-check-digit",
    ]  # fmt: skip
    assert check_mrz(TD3, BEFORE_EXPIRY).fields.optional_data == "ZE184226B"


def test_a_long_document_number_continues_in_the_optional_data() -> None:
    report = check_mrz(TD1_LONG, date(1994, 1, 1))
    assert report.valid, report.failures
    assert report.fields.document_number == "D23145890734"
    assert report.fields.secondary_identifier == "PETER JOHN"


def test_check_digits_match_doc_9303_part_3_appendix_a() -> None:
    assert check_digit("520727") == 3  # Example 1
    assert check_digit("AB2134<<<") == 5  # Example 2
    assert check_digit("<<<<<<<<<<<<<<") == 0


def test_a_wrong_check_digit_fails_that_check_and_the_composite() -> None:
    lines = [TD3[0], TD3[1][:9] + "7" + TD3[1][10:]]
    assert failed(lines) == {
        "document-number-check-digit": "document number: check digit is 7, computed 6 from 'L898902C3'",
        "composite-check-digit": (
            "composite: check digit is 0, computed 7 from 'L898902C3774081221204159ZE184226B<<<<<1'"
        ),
    }


def test_a_letter_where_a_check_digit_belongs_fails() -> None:
    lines = [TD2[0], TD2[1][:19] + "X" + TD2[1][20:]]
    assert (
        failed(lines)["date-of-birth-check-digit"]
        == "date of birth: check digit 'X' is not a digit (expected 2)"
    )


@given(position=st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 8]), digit=st.integers(0, 9))
def test_changing_one_digit_of_a_checked_field_is_always_caught(position: int, digit: int) -> None:
    """Weights 7, 3 and 1 are prime to 10, so any single digit changed moves the check digit."""
    line = TD1[1]
    changed = line[:position] + str(digit) + line[position + 1 :]
    assert check_mrz([TD1[0], changed, TD1[2]], BEFORE_EXPIRY).valid == (changed == line)


def test_expiry_is_judged_against_the_given_date() -> None:
    assert check_mrz(TD3, date(2012, 4, 15)).valid
    assert failed(TD3, date(2012, 4, 16)) == {"not-expired": "expired on 2012-04-15 (checked on 2012-04-16)"}


def test_expiry_takes_the_century_nearest_the_check_date() -> None:
    expiry = "400101"
    lower = with_digit(TD3[1][:21] + expiry + TD3[1][27:], 27, expiry)
    lower = with_digit(lower, 43, lower[0:10] + lower[13:20] + lower[21:43])
    assert check_mrz([TD3[0], lower], date(2026, 6, 1)).fields.date_of_expiry == date(2040, 1, 1)
    assert check_mrz([TD3[0], lower], date(1960, 6, 1)).fields.date_of_expiry == date(1940, 1, 1)


def rebirth(birth: str) -> list[str]:
    """The TD2 specimen with another date of birth and every check digit recomputed."""
    lower = TD2[1][:13] + birth + TD2[1][19:]
    lower = with_digit(lower, 19, birth)
    lower = with_digit(lower, 35, lower[0:10] + lower[13:20] + lower[21:35])
    return [TD2[0], lower]


def test_a_birth_date_later_this_year_is_in_the_future() -> None:
    assert check_mrz(rebirth("260301"), date(2026, 6, 1)).fields.date_of_birth == date(2026, 3, 1)
    assert failed(rebirth("261201"), date(2026, 6, 1)) == {
        "birth-not-in-future": "born 2026-12-01, after 2026-06-01",
        "birth-before-expiry": "expires 2012-04-15, not after birth 2026-12-01",
        "not-expired": "expired on 2012-04-15 (checked on 2026-06-01)",
    }
    assert check_mrz(rebirth("270101"), date(2026, 6, 1)).fields.date_of_birth == date(1927, 1, 1)


def test_an_impossible_birth_date_fails_but_is_still_checked() -> None:
    assert failed(rebirth("740231")) == {"date-of-birth": "'740231' is not a calendar date"}


def test_an_unknown_birth_date_written_in_fillers_is_accepted() -> None:
    report = check_mrz(rebirth("74<<<<"), BEFORE_EXPIRY)
    assert report.valid, report.failures
    assert report.fields.date_of_birth is None
    assert report.checks[6].message == "date of birth unknown (fillers, Doc 9303-3 §4.8)"


def test_sex_must_be_f_m_x_or_the_filler() -> None:
    lower = TD2[1][:20] + "Q" + TD2[1][21:]
    assert failed([TD2[0], lower]) == {"sex": "sex 'Q' is not F, M or the filler"}
    for sex in "MX<":
        assert check_mrz([TD2[0], TD2[1][:20] + sex + TD2[1][21:]], BEFORE_EXPIRY).valid


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("UTA", "issuing State 'UTA' is not an ISO 3166-1 or Doc 9303-3 §5 code for this field"),
        ("XXA", "issuing State 'XXA' is not an ISO 3166-1 or Doc 9303-3 §5 code for this field"),
    ],
)
def test_an_unknown_issuer_fails(code: str, message: str) -> None:
    assert failed([TD3[0][:2] + code + TD3[0][5:], TD3[1]]) == {"issuing-state": message}


def test_germany_writes_d_and_a_stateless_holder_xxa() -> None:
    upper = "P<D<<MUSTERMANN<<ERIKA".ljust(44, "<")
    lower = TD3[1][:10] + "XXA" + TD3[1][13:]
    report = check_mrz([upper, lower], BEFORE_EXPIRY)
    assert report.valid, report.failures
    assert (report.fields.issuing_state, report.fields.nationality) == ("D", "XXA")
    assert not report.fields.specimen


def test_an_organisation_is_an_issuer_but_no_nationality() -> None:
    lower = TD3[1][:10] + "XPO" + TD3[1][13:]
    assert failed([TD3[0], lower]) == {
        "nationality": "nationality 'XPO' is not an ISO 3166-1 or Doc 9303-3 §5 code for this field"
    }


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["V<" + TD3[0][2:], TD3[1]],
            "V is a machine readable visa (Doc 9303 Part 7), not a passport or TD3 document",
        ),
        (["X<" + TD3[0][2:], TD3[1]], "'X<': a TD3 document code starts with P (Doc 9303-4 §4.2.2.1)"),
        (["P1" + TD3[0][2:], TD3[1]], "'P1': the second character must be a letter or the filler"),
        (["AI" + TD1[0][2:], *TD1[1:]], "'AI' is a document code Doc 9303 reserves (Part 5/6 note k)"),
        (["AC" + TD2[0][2:], TD2[1]], "'AC' is a document code Doc 9303 reserves (Part 5/6 note k)"),
        (["P<" + TD2[0][2:], TD2[1]], "'P<': a TD2 document code starts with A, C or I"),
    ],
)
def test_document_codes_follow_each_part(lines: list[str], message: str) -> None:
    assert failed(lines) == {"document-code": message}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<" * 39, "the name field is empty"),
        (
            "ERIKSSON<<ANNA2<<<<<<<<<<<<<<<<<<<<<<<<<<<<"[:39],
            "the name holds digits, which Doc 9303-3 §4.6 does not allow",
        ),
        ("<ERIKSSON<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<<<"[:39], "the name starts with a filler"),
        (
            "ERIKSSON<<ANNA<<MARIA<<<<<<<<<<<<<<<<<<<<<"[:39],
            "the name has more than one primary/secondary separator (<<)",
        ),
    ],
)
def test_a_malformed_name_fails(name: str, message: str) -> None:
    assert failed([TD3[0][:5] + name, TD3[1]]) == {"name": message}


def test_a_name_that_fills_its_field_may_be_truncated() -> None:
    upper = "P<UTOPAPANDROPOULOUS<<JONATHON<WARREN<TREVOR"  # Doc 9303-4 §4.2.3.4
    report = check_mrz([upper, TD3[1]], BEFORE_EXPIRY)
    assert report.valid
    assert report.fields.name_possibly_truncated
    assert not check_mrz(TD3, BEFORE_EXPIRY).fields.name_possibly_truncated


def test_an_empty_personal_number_may_carry_a_filler_check_digit() -> None:
    lower = TD3[1][:28] + "<" * 14 + "<" + TD3[1][43]
    lower = with_digit(lower, 43, lower[0:10] + lower[13:20] + lower[21:43])
    assert check_mrz([TD3[0], lower], BEFORE_EXPIRY).valid
    filled = TD3[1][:42] + "<" + TD3[1][43]
    assert failed([TD3[0], filled])["optional-data-check-digit"] == (
        "personal number: check digit '<' is not a digit (expected 1)"
    )


def test_a_filler_after_a_td3_number_is_no_long_number() -> None:
    lower = TD3[1][:9] + "<" + TD3[1][10:]
    assert failed([TD3[0], lower])["document-number-check-digit"] == (
        "document number: check digit '<' is not a digit (expected 6)"
    )


def test_a_long_number_announced_but_missing_fails() -> None:
    upper = "I<UTOD23145890<<<<<<<<<<<<<<<<"
    assert failed([upper, *TD1_LONG[1:]], date(1994, 1, 1))["document-number-check-digit"] == (
        "document number: a filler where the check digit belongs announces a long number, but none follows"
    )


def test_the_report_as_json_keeps_every_check() -> None:
    data = check_mrz(TD3, date(2026, 1, 1)).to_json()
    assert data["valid"] is False
    assert data["failed"] == ["not-expired"]
    fields = data["fields"]
    assert isinstance(fields, dict)
    assert fields["date_of_birth"] == "1974-08-12"
    checks = data["checks"]
    assert isinstance(checks, list)
    assert len(checks) == 15


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["P<UTO"], [("mrz-line-count", "an MRZ has 2 lines (TD2, TD3) or 3 lines (TD1); got 1")]),
        (
            [TD3[0][:-1], TD3[1]],
            [
                (
                    "mrz-line-length",
                    "LINE1: has 43 characters; a two-line MRZ has lines of 36 (TD2) or 44 (TD3)",
                )
            ],
        ),
        ([TD3[0], TD3[1] + "<"], [("mrz-line-length", "LINE2: has 45 characters; a TD3 line has 44")]),
        ([TD1[0], TD1[1], ""], [("mrz-line-length", "LINE3: has 0 characters; a TD1 line has 30")]),
        (
            [TD3[0].lower(), TD3[1]],
            [
                (
                    "mrz-lower-case",
                    "LINE1: has lower-case letters ('p' at 1, 'u' at 3, 't' at 4, 'o' at 5, 'e' at 6);"
                    " an MRZ is written in upper case (Doc 9303-3 §4.6)",
                )
            ],
        ),
        (
            [TD3[0], TD3[1][:42] + "-" + TD3[1][43]],
            [("mrz-bad-character", "LINE2: has characters outside A-Z, 0-9 and the filler < ('-' at 43)")],
        ),
        (
            [TD2[0].replace("ANNA", "ÅNNA"), TD2[1]],
            [("mrz-bad-character", "LINE1: has characters outside A-Z, 0-9 and the filler < ('Å' at 16)")],
        ),
    ],
)
def test_lines_that_cannot_be_an_mrz_are_refused_whole(
    lines: list[str], expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(InputError) as refused:
        check_mrz(lines, BEFORE_EXPIRY)
    assert [(problem.code, str(problem)) for problem in refused.value.problems] == expected


def test_surrounding_blanks_of_a_pasted_line_are_ignored() -> None:
    assert check_mrz([f"  {TD2[0]}\n", f"{TD2[1]} "], BEFORE_EXPIRY).valid
