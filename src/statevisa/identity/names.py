"""Names in any script to one ASCII form, so two records of one person can be compared.

Two forms, each a documented sequence of rules (docs/identity.md#names):

`display` (what a caseworker reads):
  1. Unicode NFKC, then transliteration to ASCII with anyascii (Cyrillic, Greek, Arabic, Hebrew,
     Devanagari, Thai, Hangul, kana, Han as Mandarin pinyin, Latin diacritics dropped).
  2. Upper case. Apostrophes are dropped and the parts joined (O'BRIEN → OBRIEN); hyphens,
     commas, dots and every other non-letter separate components (Doc 9303-3 §4.6).

`key` (what matching and tokens compare), from the display form:
  3. Titles and suffixes dropped (MR, MRS, DR, JR, SR, II, III ...: Doc 9303-3 §4.6 keeps them
     out of the MRZ).
  4. Family-name particles dropped when another component follows them (VAN, DER, DE, LA, DOS,
     AL, EL, BIN ...), so VAN DER BERG and BERG agree while the family name LE stays LE.
  5. ICAO's alternative transliterations folded: AE → A, OE → O, UE → U, AA → A (Doc 9303-3 §6
     offers "AE or A" for Ä, "OE or O" for Ö, "UE or U" for Ü, "AA or A" for Å), so MUELLER and
     MULLER agree.
  6. Order does not matter: the components of the given names are sorted, those of the family
     name too, and the two results are put in alphabetical order, so WANG WEI and WEI WANG
     agree, and so do ANNA MARIA and MARIA ANNA.

Limits: Han characters read as Mandarin, so Japanese names in kanji do not come out as their
Japanese reading (record kana or Latin); abjads (Arabic, Hebrew) write no short vowels, so the
transliteration of محمد is MHMD, not MUHAMMAD. Matching compensates with fuzzy comparisons;
exact tokens cannot.

Each rule runs on a whole Polars column, and on each distinct value once (`forms`): a million
records hold some tens of thousands of distinct given names; anyascii (a Python call) never
runs once per person.
"""

from __future__ import annotations

import unicodedata

import polars as pl
from anyascii import anyascii

from statevisa.errors import InputError, problem

TITLES = ("MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "SIR", "DAME", "JR", "SR", "II", "III", "IV")
PARTICLES = (
    "VAN", "VON", "DER", "DEN", "DE", "DEL", "DELLA", "DELLO", "DEI", "DI", "DA", "DAS", "DO", "DOS",
    "DU", "LA", "LE", "LES", "LOS", "LAS", "TEN", "TER", "ZU", "ZUR", "Y", "E", "AL", "EL", "BIN",
    "BINT", "BINTI", "IBN", "ABU", "BEN", "BAT", "O", "MAC",
)  # fmt: skip
"""Family-name components dropped from the key when another component follows them."""
FOLDS = (("AE", "A"), ("OE", "O"), ("UE", "U"), ("AA", "A"))


def _ascii_of(values: list[str]) -> list[str]:
    return [anyascii(unicodedata.normalize("NFKC", value)) for value in values]


def transliterate(column: pl.Series) -> pl.Series:
    """Rule 1 on a column: every value to ASCII, each distinct non-ASCII value transliterated once."""
    text = column.cast(pl.String)
    ascii_mask = text.str.contains(r"^[\x00-\x7F]*$").fill_null(True)
    distinct = text.filter(~ascii_mask).unique().drop_nulls()
    if distinct.len() == 0:
        return text
    mapping = pl.DataFrame({"raw": distinct, "ascii": _ascii_of(distinct.to_list())})
    frame = pl.DataFrame({"raw": text}).join(mapping, on="raw", how="left", maintain_order="left")
    return frame["ascii"].fill_null(frame["raw"]).alias(column.name)


def _display_expr(column: pl.Expr) -> pl.Expr:
    """Rule 2: upper case, apostrophes joined, other non-letters as single separators."""
    return (
        column.str.to_uppercase()
        .str.replace_all(r"['`\u2019]", "")
        .str.replace_all(r"[^A-Z]+", " ")
        .str.strip_chars()
    )


def display(column: pl.Series) -> pl.Series:
    """Rules 1-2 on a column: the readable ASCII form ('' for an empty or null name)."""
    frame = pl.DataFrame({"name": transliterate(column)})
    return frame.select(_display_expr(pl.col("name")).fill_null(""))["name"].alias(column.name)


def _parts(display_column: pl.Expr, *, family: bool) -> pl.Expr:
    """Rules 3-4: a display form's components without titles (and, in a family name, without
    particles that precede another component: LE PEN loses LE, the family name LE keeps it)."""
    parts = display_column.str.split(" ").list.eval(
        pl.element().filter(~pl.element().is_in(TITLES) & (pl.element() != ""))
    )
    if not family:
        return parts
    particle = pl.element().is_in(PARTICLES) & (pl.int_range(pl.len()) < pl.len() - 1)
    return parts.list.eval(pl.element().filter(~particle))


def _folded(parts: pl.Expr) -> pl.Expr:
    """Rule 5 on each component of a list."""
    element = pl.element()
    for pair, single in FOLDS:
        element = element.str.replace_all(pair, single, literal=True)
    return parts.list.eval(element)


def compact_expr(display_column: pl.Expr, *, family: bool) -> pl.Expr:
    """Rules 3-5 on one display form, components joined without spaces in their written order:
    MIN-JUN, MIN JUN and MINJUN all become MINJUN."""
    return _folded(_parts(display_column, family=family)).list.join("")


def sorted_expr(display_column: pl.Expr, *, family: bool) -> pl.Expr:
    """Rules 3-5 and the first half of 6: the components in alphabetical order, space-separated."""
    return _folded(_parts(display_column, family=family)).list.sort().list.join(" ")


def key_of(given_sorted: pl.Expr, family_sorted: pl.Expr) -> pl.Expr:
    """Rule 6's second half: the two sorted forms in alphabetical order ('' when both empty)."""
    low = pl.when(given_sorted <= family_sorted).then(given_sorted).otherwise(family_sorted)
    high = pl.when(given_sorted <= family_sorted).then(family_sorted).otherwise(given_sorted)
    return pl.concat_str([low, high], separator=" ").str.strip_chars()


FORMS = ("display", "compact", "sorted")


def forms(column: pl.Series, *, family: bool) -> pl.DataFrame:
    """Every form of each value of a name column (display, compact, sorted), row for row, each
    distinct value computed once; a missing name has empty forms."""
    text = column.cast(pl.String).fill_null("").rename("raw")
    distinct = text.unique()
    shown = pl.DataFrame({"raw": distinct, "display": display(distinct)})
    derived = shown.with_columns(
        compact_expr(pl.col("display"), family=family).alias("compact"),
        sorted_expr(pl.col("display"), family=family).alias("sorted"),
    )
    joined = pl.DataFrame({"raw": text}).join(derived, on="raw", how="left", maintain_order="left")
    return joined.select(FORMS)


def keys(given: pl.Series, family: pl.Series) -> pl.Series:
    """The order-free key of each person's full name ('' when nothing is left)."""
    frame = pl.DataFrame(
        {"given": forms(given, family=False)["sorted"], "family": forms(family, family=True)["sorted"]}
    )
    return frame.select(key_of(pl.col("given"), pl.col("family")).alias("key"))["key"]


def name_key(given: str, family: str) -> str:
    """The key of one person's name; an empty name is an InputError (nothing to match on)."""
    key = keys(pl.Series([given]), pl.Series([family]))[0]
    if not key:
        raise InputError(
            problem("empty-name", "the name is empty once titles and punctuation are removed", field="name")
        )
    return str(key)


def display_name(text: str) -> str:
    """The display form of one name component (given names or family name)."""
    return str(display(pl.Series([text]))[0])
