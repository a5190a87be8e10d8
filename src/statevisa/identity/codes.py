"""Country codes an MRZ may carry: ISO 3166-1 alpha-3 plus the codes ICAO adds.

ICAO Doc 9303 Part 3 (8th ed.) Section 5 makes ISO 3166-1 alpha-3 the rule and lists the
exceptions (Germany's ``D``, the British nationality classes, UN and other organisations,
stateless persons and refugees, deprecated and specimen codes). The exceptions are vendored in
``data/icao_codes.json`` with its provenance; ISO codes come from the pinned pycountry release.
Which field a code may fill matters: an organisation issues documents but is no nationality,
and a refugee code is a nationality but never an issuer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pycountry

SPECIMEN = "UTO"
"""Utopia, the code of ICAO's specimen documents (Part 3 Section 5 Part G)."""


@dataclass(frozen=True)
class IcaoCode:
    """One code Doc 9303 adds to ISO 3166-1, with the fields it may fill."""

    code: str
    entity: str
    part: str
    issuer: bool
    nationality: bool
    iso_alpha3: str | None


@cache
def icao_codes() -> dict[str, IcaoCode]:
    """The vendored ICAO exceptions by code."""
    text = files("statevisa.identity").joinpath("data/icao_codes.json").read_text(encoding="utf-8")
    rows = json.loads(text)["codes"]
    return {row["code"]: IcaoCode(**row) for row in rows}


@cache
def iso_alpha3() -> frozenset[str]:
    """Every current ISO 3166-1 alpha-3 code in the pinned pycountry release."""
    return frozenset(country.alpha_3 for country in pycountry.countries)


def is_issuer(code: str) -> bool:
    """Whether `code` (fillers stripped, e.g. ``D``) may stand in the issuing-State field."""
    extra = icao_codes().get(code)
    return code in iso_alpha3() or (extra is not None and extra.issuer)


def is_nationality(code: str) -> bool:
    """Whether `code` may stand in the nationality field (or a country of birth)."""
    extra = icao_codes().get(code)
    return code in iso_alpha3() or (extra is not None and extra.nationality)


def canonical(code: str) -> str:
    """The code two records of one document should agree on: ``D`` becomes ``DEU``."""
    extra = icao_codes().get(code)
    return extra.iso_alpha3 if extra is not None and extra.iso_alpha3 else code


def name_of(code: str) -> str | None:
    """A readable name for `code`, or None when it is not a known code."""
    extra = icao_codes().get(code)
    if extra is not None:
        return extra.entity
    country = pycountry.countries.get(alpha_3=code)
    return None if country is None else str(country.name)
