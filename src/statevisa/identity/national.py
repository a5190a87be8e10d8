"""National identity and tax numbers: well formed and possibly issued, or invalid with the reason.

python-stdnum knows the format, length, check digits and reserved ranges of each number; this
module names the numbers a state sees on applications, turns stdnum's exception classes into
stable codes, and adds the rules stdnum does not have. A valid number is one its issuer could
have issued; whether it was issued to this person is a question for the issuer (SSA's
verification services for an SSN), never answered here.

Rules added here:

* ITIN: the IRS assigns the fourth and fifth digits in 50-65, 70-88, 90-92 and 94-99 (IRS,
  "Taxpayer Identification Numbers (TIN)", ITIN section); stdnum 2.2 knows only 70-99 without
  89 and 93, so 9XX-50-XXXX to 9XX-65-XXXX are checked here.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from types import ModuleType

from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from statevisa.errors import InputError, problem

KINDS: dict[str, tuple[str, str]] = {
    "us-ssn": ("us.ssn", "US Social Security Number"),
    "us-itin": ("us.itin", "US Individual Taxpayer Identification Number"),
    "ar-dni": ("ar.dni", "Argentina DNI"),
    "br-cpf": ("br.cpf", "Brazil CPF"),
    "ca-sin": ("ca.sin", "Canada Social Insurance Number"),
    "cl-rut": ("cl.rut", "Chile RUT"),
    "cn-ric": ("cn.ric", "China Resident Identity Card number"),
    "de-idnr": ("de.idnr", "Germany tax identification number (IdNr)"),
    "es-dni": ("es.dni", "Spain DNI"),
    "fr-nir": ("fr.nir", "France NIR"),
    "id-nik": ("id.nik", "Indonesia NIK"),
    "il-idnr": ("il.idnr", "Israel identity number"),
    "in-aadhaar": ("in_.aadhaar", "India Aadhaar"),
    "it-codicefiscale": ("it.codicefiscale", "Italy codice fiscale"),
    "kr-rrn": ("kr.rrn", "South Korea resident registration number"),
    "mx-curp": ("mx.curp", "Mexico CURP"),
    "my-nric": ("my.nric", "Malaysia NRIC"),
    "nl-bsn": ("nl.bsn", "Netherlands BSN"),
    "pk-cnic": ("pk.cnic", "Pakistan CNIC"),
    "pl-pesel": ("pl.pesel", "Poland PESEL"),
    "ro-cnp": ("ro.cnp", "Romania CNP"),
    "se-personnummer": ("se.personnummer", "Sweden personnummer"),
    "th-pin": ("th.pin", "Thailand personal identification number"),
    "tr-tckimlik": ("tr.tckimlik", "Turkey T.C. Kimlik No."),
    "ua-rntrc": ("ua.rntrc", "Ukraine individual taxpayer number (RNTRC)"),
    "za-idnr": ("za.idnr", "South Africa identity number"),
}
"""Number kind → (python-stdnum module, what it is)."""

CODES: tuple[tuple[type[ValidationError], str, str], ...] = (
    (InvalidLength, "invalid-length", "has the wrong number of characters"),
    (InvalidChecksum, "invalid-checksum", "fails its check digit"),
    (InvalidComponent, "invalid-component", "has a part that is never issued"),
    (InvalidFormat, "invalid-format", "is not written in this number's format"),
)

COMPONENT_REASONS = {
    "us-ssn": (
        "has a part SSA never issues (area 000, 666 or 900-999, group 00, serial 0000) or is one of "
        "the numbers printed in advertisements that stdnum refuses (078-05-1120, 219-09-9999, 457-55-5462)"
    ),
    "us-itin": "is not an ITIN: it starts with 9 and its 4th-5th digits are 50-65, 70-88, 90-92 or 94-99",
}

ITIN_GROUPS = frozenset(
    f"{group:02d}" for group in [*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)]
)
"""Fourth and fifth ITIN digits the IRS assigns."""
ITIN = re.compile(r"^9[0-9]{2}-?([0-9]{2})-?[0-9]{4}$")


@dataclass(frozen=True)
class NumberCheck:
    """The result for one number: valid with its compact form, or invalid with a code and reason."""

    kind: str
    number: str
    valid: bool
    compact: str | None = None
    code: str | None = None
    reason: str | None = None


def _module(kind: str) -> ModuleType:
    if kind not in KINDS:
        raise InputError(
            problem(
                "unknown-number-kind",
                f"unknown number kind '{kind}' (known: {', '.join(KINDS)})",
                field="kind",
            )
        )
    return importlib.import_module(f"stdnum.{KINDS[kind][0]}")


def _itin(number: str) -> NumberCheck:
    """ITIN with the IRS's ranges (stdnum's are narrower)."""
    text = number.strip().replace(" ", "")
    match = ITIN.match(text)
    if match is None:
        if re.fullmatch(r"[0-9]{3}-?[0-9]{2}-?[0-9]{4}", text):
            return NumberCheck(
                "us-itin", number, False, code="invalid-component", reason=COMPONENT_REASONS["us-itin"]
            )
        return NumberCheck(
            "us-itin", number, False, code="invalid-format", reason="is not written as 9XX-XX-XXXX"
        )
    if match.group(1) not in ITIN_GROUPS:
        return NumberCheck(
            "us-itin", number, False, code="invalid-component", reason=COMPONENT_REASONS["us-itin"]
        )
    return NumberCheck("us-itin", number, True, compact=text.replace("-", ""))


def check_number(kind: str, number: str) -> NumberCheck:
    """Validate `number` as a `kind` (see `KINDS`); an unknown kind is an InputError."""
    module = _module(kind)
    if not number.strip():
        return NumberCheck(kind, number, False, code="empty", reason="is empty")
    if kind == "us-itin":
        return _itin(number)
    try:
        compact = str(module.validate(number))
    except ValidationError as error:
        for cls, code, generic in CODES:
            if isinstance(error, cls):
                reason = COMPONENT_REASONS.get(kind, generic) if code == "invalid-component" else generic
                return NumberCheck(kind, number, False, code=code, reason=reason)
        return NumberCheck(kind, number, False, code="invalid", reason=str(error) or "is not valid")
    return NumberCheck(kind, number, True, compact=compact)
