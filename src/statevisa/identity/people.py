"""The `identity dedupe` input: check it whole, then normalise it into comparison columns.

Input columns (`COLUMNS`): ``id, given_name, family_name, date_of_birth, country_of_birth,
sex, document_number, document_country, state``; every one may be empty except ``id``, and
names may be in any script. Refused, with every problem placed by row and column: a missing
column, an empty or repeated id, a date no form in `dates` reads or that is no calendar day,
a country code neither ISO 3166-1 alpha-3 nor ICAO's, a sex other than F, M or X.

The comparison columns (`prepare`) are what `linkage` compares, the same on every backend:

* ``given_std``, ``family_std``: names through `names` rules 1-5, components joined without
  spaces (MIN-JUN, MIN JUN and MINJUN agree); ``name_sorted``: the full order-free key;
* ``given_phon``, ``family_phon``: a crude sound key (`phonetic`: consonant classes, no
  vowels, no repeats), because romanisations of one name differ (WANG, WONG; ZHENG, CHEANG)
  and Arabic and Hebrew script write no short vowels (محمد transliterates as MHMD);
* ``given_skel``, ``family_skel``: the compact name with the vowels romanisations vary folded
  and its consonants kept (`skeleton`: SOO, SU and SEO; HYEON and HYUN; YEONG and YOUNG);
* ``dob`` (ISO) and ``dob_year``, ``dob_month``, ``dob_day``, to compare swapped day and month;
* codes made canonical (``D`` is ``DEU``), document numbers as letters and digits only.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from statevisa.errors import InputError, Problem, table_problem
from statevisa.identity import codes, dates, names

COLUMNS = (
    "id", "given_name", "family_name", "date_of_birth", "country_of_birth", "sex",
    "document_number", "document_country", "state",
)  # fmt: skip
SEXES = {"F": "F", "FEMALE": "F", "M": "M", "MALE": "M", "X": "X"}
SHOWN = 20
"""Problems listed one by one before the rest are summarised in a count."""


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text (a Parquet file may carry dates or numbers), blanks as null, codes
    in upper case."""
    text = frame.select(
        pl.col(name).cast(pl.String).str.strip_chars().replace("", None).alias(name) for name in COLUMNS
    )
    return text.with_columns(pl.col("country_of_birth", "document_country").str.to_uppercase())


def _placed(
    text: pl.DataFrame, mask: pl.Series, column: str, code: str, message: pl.Expr, file: str
) -> list[Problem]:
    """One problem per flagged row (the first `SHOWN`), then one line counting the rest; the
    message is an expression over the flagged rows only."""
    if not mask.any():
        return []
    rows = text.with_row_index("_row").filter(mask).with_columns(message.alias("_message"))
    found = [
        table_problem(code, str(row["_message"]), file, int(row["_row"]), row["id"], column)
        for row in rows.head(SHOWN).iter_rows(named=True)
    ]
    if rows.height > SHOWN:
        more = f"and {rows.height - SHOWN} more rows like these"
        found.append(table_problem(code, more, file, int(rows["_row"][SHOWN]), None, column))
    return found


def _codes(nationality: bool) -> list[str]:
    extra = [c.code for c in codes.icao_codes().values() if (c.nationality if nationality else c.issuer)]
    return sorted(codes.iso_alpha3() | set(extra))


def validate(frame: pl.DataFrame, file: str) -> tuple[pl.DataFrame, pl.Series]:
    """Check the input (already known to have every column); return it as text and its parsed
    birth dates, or raise `InputError` with every problem found (the first `SHOWN` of each kind)."""
    text = _as_text(frame)
    ids = text["id"]
    problems = _placed(text, ids.is_null(), "id", "empty-id", pl.lit("the id is empty"), file)
    repeated = ids.is_duplicated() & ids.is_not_null()
    if repeated.any():
        first = (
            text.with_row_index("_row")
            .filter(repeated)
            .group_by("id")
            .agg(pl.col("_row").min().alias("_first"))
        )
        later = text.with_row_index("_row").join(first, on="id", how="left", maintain_order="left")
        again = repeated & (later["_row"] != later["_first"])
        text_first = text.with_columns(later["_first"])
        problems += _placed(
            text_first,
            again,
            "id",
            "duplicate-id",
            pl.format("id repeats row {}", pl.col("_first") + 2),
            file,
        )
    parsed = dates.parse_column(text["date_of_birth"], "mdy")
    problems += _placed(
        text.with_columns(parsed["problem"].alias("_problem")),
        parsed["problem"].is_not_null(),
        "date_of_birth",
        "bad-date",
        pl.format("'{}' is {}", pl.col("date_of_birth"), pl.col("_problem")),
        file,
    )
    for column, nationality in (("country_of_birth", True), ("document_country", False)):
        values = text[column]
        unknown = values.is_not_null() & ~values.is_in(_codes(nationality))
        message = pl.format("unknown country code '{}' (use ISO 3166-1 alpha-3)", pl.col(column))
        problems += _placed(text, unknown, column, "unknown-country", message, file)
    sex = text["sex"].str.to_uppercase()
    bad_sex = sex.is_not_null() & ~sex.is_in(list(SEXES))
    problems += _placed(
        text, bad_sex, "sex", "bad-sex", pl.format("sex '{}' is not F, M or X", pl.col("sex")), file
    )
    if problems:
        raise InputError(problems)
    return text, parsed["value"]


PHONETIC = (
    ("PH", "F"), ("SH", "S"), ("CH", "S"), ("ZH", "S"), ("TS", "S"), ("TZ", "S"), ("DZ", "S"),
    ("KH", "K"), ("GH", "K"), ("TH", "T"), ("DH", "T"), ("[AEIOUYHW]", ""), ("[BP]", "P"),
    ("[DT]", "T"), ("[CGKQ]", "K"), ("[JSXZ]", "S"), ("[LR]", "L"), ("[FV]", "F"),
)  # fmt: skip
"""Rewrites, in order, that bring romanisations of one name together (module docstring)."""


def phonetic(column: pl.Expr) -> pl.Expr:
    """A crude sound key of a compact name: classes of consonants, no vowels, no repeats.

    WANG, WONG and HUANG give NK; ZHENG, CHENG and CHEANG give SNK; GUO, KUO and KWOK give K;
    MUHAMMAD and MHMD (محمد transliterated) give MT. Short keys collide by chance, so the
    comparison that uses them asks for a length (`linkage.MIN_PHONETIC`).
    """
    key = column
    for pattern, replacement in PHONETIC:
        key = key.str.replace_all(pattern, replacement)
    for letter in "FKLMNPST":
        key = key.str.replace_all(letter + "{2,}", letter)
    return key


SKELETON = (
    ("OO", "U"), ("OU", "U"), ("EO", "U"), ("EU", "U"), ("EE", "I"), ("Y", "I"),
    ("([AEIOU])H([^AEIOU]|$)", "$1$2"), ("([AEIOU])[AEIOU]+", "$1"),
)  # fmt: skip
"""Rewrites, in order, that fold the vowels romanisations spell differently (module docstring)."""


def skeleton(column: pl.Expr) -> pl.Expr:
    """A compact name with its vowels folded the way romanisations vary them, consonants kept:
    OO, OU, EO and EU as U, EE and Y as I, an H closing a syllable dropped, then a run of
    vowels as its first. SOO, SU, SEO and SUH give SU; HYEON and HYUN give HIN; YEONG and YOUNG
    give ING; JOONSOO and JUNSU give JUNSU; NATALYA and NATALIA give NATALI."""
    key = column
    for pattern, replacement in SKELETON:
        key = key.str.replace_all(pattern, replacement)
    return key


NAME_COLUMNS = (
    "given_std", "family_std", "name_sorted", "given_phon", "family_phon", "given_skel", "family_skel",
)  # fmt: skip


def name_columns(given: pl.Series, family: pl.Series) -> pl.DataFrame:
    """The name comparison columns, row for row (empty results null)."""
    g, f = names.forms(given, family=False), names.forms(family, family=True)
    frame = pl.DataFrame(
        {
            "given_std": g["compact"],
            "family_std": f["compact"],
            "g_sorted": g["sorted"],
            "f_sorted": f["sorted"],
            "given_phon": _phonetic_of(g["compact"]),
            "family_phon": _phonetic_of(f["compact"]),
            "given_skel": _phonetic_of(g["compact"], skeleton),
            "family_skel": _phonetic_of(f["compact"], skeleton),
        }
    ).with_columns(names.key_of(pl.col("g_sorted"), pl.col("f_sorted")).alias("name_sorted"))
    return frame.select(pl.col(name).replace("", None) for name in NAME_COLUMNS)


def _phonetic_of(compact: pl.Series, key: Callable[[pl.Expr], pl.Expr] = phonetic) -> pl.Series:
    """`key` of each compact name, computed once per distinct name."""
    distinct = pl.DataFrame({"compact": compact.unique()}).with_columns(key(pl.col("compact")).alias("phon"))
    return pl.DataFrame({"compact": compact}).join(distinct, on="compact", how="left", maintain_order="left")[
        "phon"
    ]


def prepare(text: pl.DataFrame, birth: pl.Series) -> pl.DataFrame:
    """The comparison columns of checked input (see the module docstring), one row per record."""
    canon = {code: codes.canonical(code) for code in codes.icao_codes()}
    iso = birth.dt.to_string("%Y-%m-%d")
    return pl.concat(
        [
            pl.DataFrame({"unique_id": text["id"]}),
            name_columns(text["given_name"], text["family_name"]),
            pl.DataFrame(
                {
                    "dob": iso,
                    "dob_year": iso.str.slice(0, 4),
                    "dob_month": iso.str.slice(5, 2),
                    "dob_day": iso.str.slice(8, 2),
                    "country_of_birth": text["country_of_birth"].replace(canon),
                    "sex": text["sex"].str.to_uppercase().replace(SEXES),
                    "document_number": text["document_number"]
                    .str.to_uppercase()
                    .str.replace_all(r"[^A-Z0-9]", "")
                    .replace("", None),
                    "document_country": text["document_country"].replace(canon),
                    "state": text["state"],
                }
            ),
        ],
        how="horizontal",
    )
