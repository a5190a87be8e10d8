"""Synthetic people with known truth: the same person applying in two or three states.

For tests and benchmarks of matching, never a model of a real population. Each person gets a
naming tradition (15 of them, in Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Han,
Hangul, kana and Thai script; `data/names.json`), names from its pools, a birth date, a country
of birth, a document, and one to three records in different states. Each record then shows
what real records of one person differ by, at the rates in `Rates`:

* the native script on one record and a Latin spelling on another (Дмитрий / Dmitry / Dmitriy),
  or diacritics and ICAO's digraphs for Latin names (Müller / Muller / Mueller);
* a typo in a name (a letter dropped or two swapped), day and month swapped, given and family
  names swapped, a renewed document with a new number, a wrong country of birth or sex;
* missing document, birth date, country of birth, sex or given name.

Traditions are drawn in proportion to how many distinct names their pools can make, so that two
different people rarely share a name and a birth date by chance; the benchmark reports how often
they still do (pairs no method could tell apart). Everything is drawn from one seeded NumPy
generator and built with Polars: no Python loop runs per person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from itertools import product

import numpy as np
import polars as pl
from anyascii import anyascii
from numpy.typing import NDArray

STATES = (
    "01", "02", "04", "05", "06", "08", "09", "10", "11", "12", "13", "15", "16", "17", "18", "19",
    "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35",
    "36", "37", "38", "39", "40", "41", "42", "44", "45", "46", "47", "48", "49", "50", "51", "53",
    "54", "55", "56",
)  # fmt: skip
"""State FIPS codes (50 states and DC)."""
SECOND_GIVEN = {"es": 0.5, "pt": 0.5, "de": 0.3, "pl": 0.2, "en": 0.5, "ar": 0.6, "he": 0.1, "hi": 0.1}
"""Share of people with a second given name (for Arabic names, the father's name)."""
DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "å": "aa",
                          "Å": "Aa", "ø": "oe", "Ø": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss"})  # fmt: skip
BIRTH_FIRST = date(1950, 1, 1)
BIRTH_LAST = date(2006, 12, 31)
COLUMNS = (
    "id", "given_name", "family_name", "date_of_birth", "country_of_birth", "sex",
    "document_number", "document_country", "state",
)  # fmt: skip


@dataclass(frozen=True)
class Rates:
    """How often each difference between records of one person occurs."""

    two_states: float = 0.20
    three_states: float = 0.07
    native_script: float = 0.10
    transliteration: float = 0.05
    latin_variant: float = 0.30
    typo: float = 0.08
    swap_day_month: float = 0.03
    swap_name_order: float = 0.04
    new_document: float = 0.10
    wrong_country: float = 0.01
    wrong_sex: float = 0.005
    missing_document: float = 0.25
    missing_birth: float = 0.02
    missing_country: float = 0.05
    missing_sex: float = 0.05
    missing_given: float = 0.01


@dataclass(frozen=True)
class Synthetic:
    """Records in the `identity dedupe` input layout, and the truth: which person each id is,
    and what was done to the record (its spelling: own, native or variant; a typo; swapped day
    and month; swapped names; a renewed document)."""

    records: pl.DataFrame
    truth: pl.DataFrame


def _latin_forms(name: str) -> list[str]:
    forms = [name, anyascii(name), anyascii(name.translate(DIGRAPHS))]
    return list(dict.fromkeys(forms))


def _syllable_names(syllables: list[list[object]]) -> list[list[str]]:
    """Two-syllable given names (Han, Hangul): native, then joined, hyphenated and spaced Latin."""
    names = []
    for (first, first_latin), (second, second_latin) in product(syllables, syllables):
        assert isinstance(first, str) and isinstance(second, str)
        assert isinstance(first_latin, list) and isinstance(second_latin, list)
        forms = [first + second]
        for k, separator in enumerate(("", "-", " ")):
            a, b = first_latin[min(k, len(first_latin) - 1)], second_latin[min(k, len(second_latin) - 1)]
            forms.append(a + separator + (b.lower() if separator == "" else b))
        names.append(list(dict.fromkeys(forms)))
    return names


@cache
def pools() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(forms, groups): every spelling of every pooled name, and each group's sizes and weight."""
    raw = json.loads(files("statevisa.identity").joinpath("data/names.json").read_text(encoding="utf-8"))
    rows: list[tuple[str, str, int, int, str]] = []
    groups: list[dict[str, object]] = []
    for group, spec in raw["groups"].items():
        latin = spec["script"] == "Latin"
        roles: dict[str, list[list[str]]] = {}
        if "given_syllables" in spec:
            roles["female"] = roles["male"] = _syllable_names(spec["given_syllables"])
        else:
            for role in ("female", "male"):
                entries = spec[f"given_{role}"]
                roles[role] = [_latin_forms(e) if latin else [e[0], *e[1]] for e in entries]
        roles["family"] = [_latin_forms(e) if latin else [e[0], *e[1]] for e in spec["family"]]
        for role, entries in roles.items():
            for index, forms in enumerate(entries):
                rows.extend((group, role, index, form, text) for form, text in enumerate(forms))
        given = len(roles["female"]) + len(roles["male"])
        second = SECOND_GIVEN.get(group, 0.0)
        groups.append(
            {
                "group": group,
                "latin": latin,
                "n_female": len(roles["female"]),
                "n_male": len(roles["male"]),
                "n_family": len(roles["family"]),
                "second": second,
                "countries": spec["countries"],
                "space": given * (1 + second * given / 2) * len(roles["family"]),
            }
        )
    spellings = pl.DataFrame(rows, schema=["group", "role", "index", "form", "text"], orient="row")
    table = pl.DataFrame(groups).with_columns((pl.col("space") / pl.col("space").sum()).alias("weight"))
    return spellings, table


def _pick(rng: np.random.Generator, counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """One uniform index below each count."""
    return np.floor(rng.random(len(counts)) * counts).astype(np.int64)


def _people(count: int, rng: np.random.Generator, rates: Rates) -> pl.DataFrame:
    _, table = pools()
    g = rng.choice(table.height, size=count, p=table["weight"].to_numpy())
    chosen = table[g]
    female = rng.random(count) < 0.5
    n_given = np.where(female, chosen["n_female"].to_numpy(), chosen["n_male"].to_numpy())
    n_countries = chosen["countries"].list.len().to_numpy()
    birth_span = (BIRTH_LAST - BIRTH_FIRST).days + 1
    letters = rng.integers(65, 91, size=(count, 2), dtype=np.uint8)
    digits = rng.integers(48, 58, size=(count, 7), dtype=np.uint8)
    numbers = np.concatenate([letters, digits], axis=1).view("S9").ravel().astype(str)
    birth_country = _pick(rng, n_countries)
    other_country = _pick(rng, n_countries)
    extra = rng.random(count)
    return pl.DataFrame(
        {
            "person_id": np.arange(count, dtype=np.int64),
            "group": chosen["group"],
            "latin": chosen["latin"],
            "sex": np.where(female, "F", "M"),
            "given_role": np.where(female, "female", "male"),
            "gi": _pick(rng, n_given),
            "si": np.where(rng.random(count) < chosen["second"].to_numpy(), _pick(rng, n_given), -1),
            "fi": _pick(rng, chosen["n_family"].to_numpy()),
            "given_spelling": rng.integers(0, 1 << 30, size=count),
            "second_spelling": rng.integers(0, 1 << 30, size=count),
            "family_spelling": rng.integers(0, 1 << 30, size=count),
            "birth": rng.integers(0, birth_span, size=count),
            "country_of_birth": chosen["countries"].list.get(pl.Series(birth_country), null_on_oob=True),
            "nationality": chosen["countries"].list.get(
                pl.Series(np.where(rng.random(count) < 0.9, birth_country, other_country)), null_on_oob=True
            ),
            "other_birth_country": chosen["countries"].list.get(
                pl.Series(_pick(rng, n_countries)), null_on_oob=True
            ),
            "document_number": numbers,
            "records": 1 + (extra < rates.two_states + rates.three_states) + (extra < rates.three_states),
            "state_0": rng.integers(0, len(STATES), size=count),
            "offset_1": rng.integers(1, len(STATES), size=count),
            "offset_2": rng.integers(1, len(STATES) - 1, size=count),
        }
    ).with_columns(pl.col("birth").cast(pl.Int32))


def _spellings(frame: pl.DataFrame, rng: np.random.Generator, rates: Rates) -> pl.DataFrame:
    """Choose a spelling of each name on each record and look its text up.

    Each person has one Latin spelling of each name, the one on their passport (for a Latin
    name, the name itself). A record of a non-Latin name is written wholly in its script at
    `native_script`, wholly in another transliteration at `transliteration` (Wong for Wang,
    Dmitriy for Dmitry), and otherwise in the person's spellings; a record of a Latin name
    loses its diacritics or takes ICAO's digraphs (Muller, Mueller for Müller) at
    `latin_variant`.
    """
    forms, _ = pools()
    counts = forms.group_by("group", "role", "index").agg(pl.len().alias("n_forms"))
    text = forms.select("group", "role", "index", "form", "text")
    latin = frame["latin"].to_numpy()
    draw = rng.random(frame.height)
    native = ~latin & (draw < rates.native_script)
    variant = np.where(
        latin, draw < rates.latin_variant, ~native & (draw < rates.native_script + rates.transliteration)
    )
    for slot, role, index in (
        ("given", "given_role", "gi"),
        ("second", "given_role", "si"),
        ("family", None, "fi"),
    ):
        keyed = frame.with_columns(
            pl.col(role).alias("_role") if role else pl.lit("family").alias("_role"),
            pl.col(index).alias("_index"),
        ).join(
            counts,
            left_on=["group", "_role", "_index"],
            right_on=["group", "role", "index"],
            how="left",
            maintain_order="left",
        )
        n = keyed["n_forms"].fill_null(1).to_numpy()
        own = np.where(latin, 0, 1 + keyed[f"{slot}_spelling"].to_numpy() % np.maximum(n - 1, 1))
        first_latin = np.where(latin, 0, 1)
        other = first_latin + np.floor(rng.random(frame.height) * np.maximum(n - first_latin, 1)).astype(
            np.int64
        )
        form = np.minimum(np.where(native, 0, np.where(variant, other, own)), n - 1)
        frame = (
            keyed.with_columns(pl.Series("_form", form))
            .join(
                text,
                left_on=["group", "_role", "_index", "_form"],
                right_on=["group", "role", "index", "form"],
                how="left",
                maintain_order="left",
            )
            .drop("_role", "_index", "_form", "n_forms")
            .rename({"text": slot})
        )
    spelling = np.where(native, "native", np.where(variant, "variant", "own"))
    return frame.with_columns(pl.Series("spelling", spelling))


def _typo(column: pl.Expr, position: pl.Expr, swap: pl.Expr) -> pl.Expr:
    """Drop the character at `position`, or swap it with the next one."""
    head, rest = column.str.slice(0, position), column.str.slice(position)
    swapped = head + rest.str.slice(1, 1) + rest.str.slice(0, 1) + rest.str.slice(2)
    dropped = head + rest.str.slice(1)
    return pl.when(swap).then(swapped).otherwise(dropped)


def generate(people: int, seed: int, rates: Rates | None = None) -> Synthetic:
    """`people` persons (about 1.34 records each with the default rates), reproducible from `seed`."""
    rates = rates or Rates()
    rng = np.random.default_rng(seed)
    persons = _people(people, rng, rates)
    records = persons.select(pl.all().repeat_by("records").explode()).with_columns(
        pl.int_range(pl.len()).over("person_id").alias("rank")
    )
    records = _spellings(records, rng, rates)
    n = records.height

    def chance(rate: float, *, duplicates_only: bool = False) -> pl.Series:
        hit = rng.random(n) < rate
        return pl.Series(hit & (records["rank"].to_numpy() > 0) if duplicates_only else hit)

    rank = records["rank"].to_numpy()
    offset_2 = records["offset_2"].to_numpy() + (
        records["offset_2"].to_numpy() >= records["offset_1"].to_numpy()
    )
    state_index = (
        records["state_0"].to_numpy()
        + np.select([rank == 1, rank == 2], [records["offset_1"].to_numpy(), offset_2], 0)
    ) % len(STATES)
    given = (
        pl.when(pl.col("second").is_not_null())
        .then(pl.col("given") + " " + pl.col("second"))
        .otherwise(pl.col("given"))
    )
    birth = pl.lit(BIRTH_FIRST) + pl.duration(days=pl.col("birth"))
    records = records.with_columns(
        given.alias("given_name"),
        pl.col("family").alias("family_name"),
        birth.alias("birth_date"),
        pl.Series("state", np.asarray(STATES)[state_index]),
        chance(rates.typo, duplicates_only=True).alias("typo"),
        pl.Series("typo_family", rng.random(n) < 0.5),
        pl.Series("typo_swap", rng.random(n) < 0.5),
        pl.Series("typo_at", rng.random(n)),
        chance(rates.swap_day_month, duplicates_only=True).alias("swap_dates"),
        chance(rates.swap_name_order, duplicates_only=True).alias("swap_names"),
        chance(rates.new_document, duplicates_only=True).alias("new_document"),
        chance(rates.wrong_country, duplicates_only=True).alias("wrong_country"),
        chance(rates.wrong_sex, duplicates_only=True).alias("wrong_sex"),
        pl.Series("renewed", (rng.integers(0, 10**7, size=n)).astype(str)).str.zfill(7),
    )
    target = pl.when(pl.col("typo_family")).then(pl.col("family_name")).otherwise(pl.col("given_name"))
    position = (pl.col("typo_at") * (target.str.len_chars() - 1).clip(lower_bound=1)).cast(pl.Int64)
    misspelt = _typo(target, position, pl.col("typo_swap"))
    day, month, year = (
        pl.col("birth_date").dt.day(),
        pl.col("birth_date").dt.month(),
        pl.col("birth_date").dt.year(),
    )
    records = records.with_columns(
        pl.when(pl.col("typo") & ~pl.col("typo_family"))
        .then(misspelt)
        .otherwise(pl.col("given_name"))
        .alias("given_name"),
        pl.when(pl.col("typo") & pl.col("typo_family"))
        .then(misspelt)
        .otherwise(pl.col("family_name"))
        .alias("family_name"),
        pl.when(pl.col("swap_dates") & (day <= 12) & (day != month))
        .then(pl.date(year, day, month))
        .otherwise(pl.col("birth_date"))
        .alias("birth_date"),
        pl.when(pl.col("new_document"))
        .then(pl.col("document_number").str.slice(0, 2) + pl.col("renewed"))
        .otherwise(pl.col("document_number"))
        .alias("document_number"),
    ).with_columns(
        pl.when(pl.col("swap_names"))
        .then(pl.col("family_name"))
        .otherwise(pl.col("given_name"))
        .alias("given_name"),
        pl.when(pl.col("swap_names"))
        .then(pl.col("given_name"))
        .otherwise(pl.col("family_name"))
        .alias("family_name"),
    )
    missing = {
        "document": chance(rates.missing_document),
        "birth": chance(rates.missing_birth),
        "country": chance(rates.missing_country),
        "sex": chance(rates.missing_sex),
        "given": chance(rates.missing_given),
    }
    order = rng.permutation(n)
    out = records.select(
        pl.when(missing["given"]).then(None).otherwise(pl.col("given_name")).alias("given_name"),
        "family_name",
        pl.when(missing["birth"])
        .then(None)
        .otherwise(pl.col("birth_date").dt.to_string("%Y-%m-%d"))
        .alias("date_of_birth"),
        pl.when(missing["country"])
        .then(None)
        .when(pl.col("wrong_country"))
        .then(pl.col("other_birth_country"))
        .otherwise(pl.col("country_of_birth"))
        .alias("country_of_birth"),
        pl.when(missing["sex"])
        .then(None)
        .when(pl.col("wrong_sex"))
        .then(pl.when(pl.col("sex") == "F").then(pl.lit("M")).otherwise(pl.lit("F")))
        .otherwise(pl.col("sex"))
        .alias("sex"),
        pl.when(missing["document"]).then(None).otherwise(pl.col("document_number")).alias("document_number"),
        pl.when(missing["document"]).then(None).otherwise(pl.col("nationality")).alias("document_country"),
        "state",
        "person_id",
        "spelling",
        "typo",
        pl.col("swap_dates") & (day <= 12) & (day != month),
        "swap_names",
        "new_document",
    )[order].with_columns(pl.format("R{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(8)).alias("id"))
    truth = out.select("id", "person_id", "spelling", "typo", "swap_dates", "swap_names", "new_document")
    return Synthetic(out.select(COLUMNS), truth)
