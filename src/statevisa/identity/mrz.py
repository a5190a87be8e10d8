"""Certify a machine readable zone: every check Doc 9303 lets a reader make, each one reported.

`check_mrz(lines, on)` reads the zone (`mrz_layout.read_zone` refuses what cannot be read) and
returns an `MrzReport`: the parsed fields and one `Check` per rule, passed or failed with the
reason. The zone is valid when every check passed. What the checks prove, and what they do
not (an MRZ with correct check digits can still be forged or belong to someone else), is set
out in docs/identity.md.

Two-digit years are read against `on`, the date of the check (the core has no clock):

* a date of birth is in this century when that year is not after `on`'s year, else in the
  last; so a birth date later in the current year reads as in the future and fails
  (otherwise it could only be a person of 99 or 100);
* an expiry date takes the century that puts it nearest to `on` (``12`` is 2012, ``94`` is
  1994, ``40`` is 2040 when checked in 2026).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from statevisa.identity import codes
from statevisa.identity.mrz_layout import FILLER, Format, Zone, check_digit, read_zone

SEXES = {"F": "female", "M": "male", "<": "unspecified", "X": "unspecified"}
"""Doc 9303 writes F, M or the filler in the MRZ and X in the visual zone; X is accepted because
documents that copy the visual zone's X into the MRZ are in circulation."""


@dataclass(frozen=True)
class Check:
    """One rule applied to the zone: its stable code, whether it held, and why."""

    code: str
    passed: bool
    message: str


@dataclass(frozen=True)
class MrzFields:
    """The zone's data in plain form (fillers turned into spaces or dropped)."""

    format: Format
    document_code: str
    issuing_state: str
    primary_identifier: str
    secondary_identifier: str
    name_possibly_truncated: bool
    document_number: str
    nationality: str
    date_of_birth: date | None
    date_of_birth_raw: str
    sex: str
    date_of_expiry: date | None
    date_of_expiry_raw: str
    optional_data: str
    optional_data_2: str
    specimen: bool


@dataclass(frozen=True)
class MrzReport:
    """A zone's fields and every check made on it."""

    fields: MrzFields
    checks: tuple[Check, ...]

    @property
    def valid(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def to_json(self) -> dict[str, object]:
        """The report as plain data: what a case stores and `check-mrz --json` prints."""
        fields = {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in asdict(self.fields).items()
        }
        return {
            "valid": self.valid,
            "fields": fields,
            "checks": [asdict(check) for check in self.checks],
            "failed": [check.code for check in self.failures],
        }


def _plain(field: str) -> str:
    """A field with fillers as separators: ``ANNA<MARIA<<<`` is ``ANNA MARIA``."""
    return " ".join(part for part in field.split(FILLER) if part)


def _digit_check(code: str, label: str, data: str, digit: str, *, filler_ok: bool = False) -> Check:
    expected = check_digit(data)
    if digit == FILLER and filler_ok:
        return Check(code, True, f"{label}: filler check digit for an empty field")
    if not digit.isdigit():
        return Check(code, False, f"{label}: check digit {digit!r} is not a digit (expected {expected})")
    if int(digit) != expected:
        return Check(code, False, f"{label}: check digit is {digit}, computed {expected} from {data!r}")
    return Check(code, True, f"{label}: check digit {digit} matches")


def _document_code(zone: Zone) -> Check:
    code = zone.document_code
    first, second = code[0], code[1]
    problem = None
    if zone.format == "TD3":
        if first == "V":
            problem = "V is a machine readable visa (Doc 9303 Part 7), not a passport or TD3 document"
        elif first != "P":
            problem = f"{code!r}: a TD3 document code starts with P (Doc 9303-4 §4.2.2.1)"
    elif first == "V":
        problem = "V is a machine readable visa (Doc 9303 Part 7), not a TD1 or TD2 document"
    elif first not in "ACI":
        problem = f"{code!r}: a {zone.format} document code starts with A, C or I"
    elif second == "V" or (zone.format == "TD1" and code == "AI") or (zone.format == "TD2" and code == "AC"):
        problem = f"{code!r} is a document code Doc 9303 reserves (Part 5/6 note k)"
    if problem is None and not (second.isalpha() or second == FILLER):
        problem = f"{code!r}: the second character must be a letter or the filler"
    return Check("document-code", problem is None, problem or f"document code {code} is well formed")


def _country(code: str, field: str, raw: str, allowed: bool) -> Check:
    shown = raw.replace(FILLER, "")
    if not shown:
        return Check(code, False, f"{field} is empty")
    if not allowed:
        return Check(
            code, False, f"{field} {raw!r} is not an ISO 3166-1 or Doc 9303-3 §5 code for this field"
        )
    return Check(code, True, f"{field} {shown} is {codes.name_of(shown)}")


def _name(zone: Zone) -> tuple[Check, str, str, bool]:
    content = zone.name.rstrip(FILLER)
    primary_raw, _, secondary_raw = content.partition("<<")
    truncated = zone.name[-1] != FILLER
    problem = None
    if not content:
        problem = "the name field is empty"
    elif any(char.isdigit() for char in content):
        problem = "the name holds digits, which Doc 9303-3 §4.6 does not allow"
    elif content.startswith(FILLER):
        problem = "the name starts with a filler"
    elif "<<" in secondary_raw or secondary_raw.startswith(FILLER):
        problem = "the name has more than one primary/secondary separator (<<)"
    elif "<<" in primary_raw:
        problem = "the name has a run of fillers inside the primary identifier"
    message = problem or f"name {_plain(primary_raw)}, {_plain(secondary_raw)}".rstrip(", ")
    check = Check("name", problem is None, message)
    return check, _plain(primary_raw), _plain(secondary_raw), truncated


def _number(zone: Zone) -> tuple[list[Check], str]:
    """The document number and its check digit, following a long number into the optional data."""
    principal = zone.number
    present = Check(
        "document-number",
        bool(principal.strip(FILLER)) and not principal.startswith(FILLER),
        "document number is present" if principal.strip(FILLER) else "document number is empty",
    )
    if present.passed and principal.startswith(FILLER):
        present = Check("document-number", False, "document number starts with a filler")
    if zone.number_digit != FILLER or zone.format == "TD3":
        digit = _digit_check("document-number-check-digit", "document number", principal, zone.number_digit)
        return [present, digit], principal.rstrip(FILLER)
    extension = zone.optional.split(FILLER, 1)[0]
    if len(extension) < 2:
        reason = "a filler where the check digit belongs announces a long number, but none follows"
        return [present, Check("document-number-check-digit", False, f"document number: {reason}")], principal
    number = principal + extension[:-1]
    digit = _digit_check("document-number-check-digit", "long document number", number, extension[-1])
    return [present, digit], number


def _century(yy: int, on: date, *, birth: bool) -> int:
    if birth:
        return 2000 + yy if 2000 + yy <= on.year else 1900 + yy
    return min((1900 + yy, 2000 + yy, 2100 + yy), key=lambda year: abs(year - on.year))


def _date(raw: str, on: date, *, birth: bool) -> tuple[date | None, str | None]:
    """Read YYMMDD; (None, None) for a wholly or partly unknown birth date (fillers)."""
    if birth and FILLER in raw and all(char.isdigit() or char == FILLER for char in raw):
        return None, None
    if not raw.isdigit():
        return None, f"{raw!r} is not a YYMMDD date"
    yy, mm, dd = int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    try:
        return date(_century(yy, on, birth=birth), mm, dd), None
    except ValueError:
        return None, f"{raw!r} is not a calendar date"


def _dates(zone: Zone, on: date) -> tuple[list[Check], date | None, date | None]:
    birth, birth_problem = _date(zone.birth, on, birth=True)
    expiry, expiry_problem = _date(zone.expiry, on, birth=False)
    known = "unknown (fillers, Doc 9303-3 §4.8)" if birth is None and birth_problem is None else None
    checks = [
        Check("date-of-birth", birth_problem is None, birth_problem or f"date of birth {birth or known}"),
        _digit_check("date-of-birth-check-digit", "date of birth", zone.birth, zone.birth_digit),
        Check("date-of-expiry", expiry_problem is None, expiry_problem or f"date of expiry {expiry}"),
        _digit_check("date-of-expiry-check-digit", "date of expiry", zone.expiry, zone.expiry_digit),
    ]
    if birth is not None:
        future = birth > on
        checks.append(
            Check(
                "birth-not-in-future",
                not future,
                f"born {birth}, after {on}" if future else f"born {birth}, not after {on}",
            )
        )
    if expiry is not None:
        expired = expiry < on
        checks.append(
            Check(
                "not-expired",
                not expired,
                f"expired on {expiry} (checked on {on})" if expired else f"valid until {expiry}",
            )
        )
    if birth is not None and expiry is not None and expiry <= birth:
        checks.append(Check("birth-before-expiry", False, f"expires {expiry}, not after birth {birth}"))
    return checks, birth, expiry


def check_mrz(lines: Sequence[str], on: date) -> MrzReport:
    """Parse an MRZ (TD1, TD2 or TD3) and apply every check, dates judged as of `on`.

    Raises `InputError` when the lines cannot be an MRZ (count, length, alphabet).
    """
    zone = read_zone(lines)
    issuer = zone.issuer.replace(FILLER, "")
    nationality = zone.nationality.replace(FILLER, "")
    name_check, primary, secondary, truncated = _name(zone)
    number_checks, number = _number(zone)
    date_checks, birth, expiry = _dates(zone, on)
    sex_ok = zone.sex in SEXES
    checks: list[Check] = [
        _document_code(zone),
        _country("issuing-state", "issuing State", zone.issuer, codes.is_issuer(issuer)),
        name_check,
        *number_checks,
        _country("nationality", "nationality", zone.nationality, codes.is_nationality(nationality)),
        *date_checks,
        Check(
            "sex",
            sex_ok,
            f"sex {SEXES[zone.sex]}" if sex_ok else f"sex {zone.sex!r} is not F, M or the filler",
        ),
    ]
    if zone.optional_digit is not None:
        empty = not zone.optional.strip(FILLER)
        checks.append(
            _digit_check(
                "optional-data-check-digit",
                "personal number",
                zone.optional,
                zone.optional_digit,
                filler_ok=empty,
            )
        )
    checks.append(
        _digit_check("composite-check-digit", "composite", zone.composite_data, zone.composite_digit)
    )
    fields = MrzFields(
        format=zone.format,
        document_code=zone.document_code.replace(FILLER, ""),
        issuing_state=issuer,
        primary_identifier=primary,
        secondary_identifier=secondary,
        name_possibly_truncated=truncated,
        document_number=number,
        nationality=nationality,
        date_of_birth=birth,
        date_of_birth_raw=zone.birth,
        sex=zone.sex,
        date_of_expiry=expiry,
        date_of_expiry_raw=zone.expiry,
        optional_data=_plain(zone.optional),
        optional_data_2=_plain(zone.optional_2),
        specimen=codes.SPECIMEN in (issuer, nationality),
    )
    return MrzReport(fields, tuple(checks))
