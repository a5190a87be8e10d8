"""The 287(g) registry: ICE's published agreement lists, counted, compared over time, and set
against each state's law on each list's date.

One row of an ICE list is one agreement (an agency with two models has two rows), so counts
are row counts and always sum to the list's total. Contradictions are found by asking the
request gate itself (`cooperation.decide`) whether each listed agency may hold its agreement,
and whether each county sheriff a mandate covers holds one: the registry never carries a
second reading of the law.
"""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl

from statevisa.cooperation.decide import decide
from statevisa.cooperation.model import Law
from statevisa.cooperation.vocabulary import Verdict

MODELS = ("task_force", "warrant_service", "jail")
JAIL_TYPES = ("sheriff", "county_corrections")
STATE_COLUMNS = ("state_fips", "state", "agreements", *MODELS)
CONTRADICTION_COLUMNS = (
    "list_date",
    "state_fips",
    "state",
    "kind",
    "agency",
    "county",
    "model",
    "agency_type",
    "rule_id",
    "rule_version",
    "decision",
    "citation",
    "effective_from",
    "date_precision",
    "status",
    "assumption",
)
CITY_COUNTIES = {"JACKSONVILLE": "DUVAL"}
"""Consolidated city-counties whose sheriff is named for the city (Jacksonville is Duval County)."""
SHERIFF_ASSUMPTION = (
    "each county law-enforcement agency in the FBI count stands for its county's sheriff, who runs a jail"
)


def list_dates(agreements: pl.DataFrame) -> tuple[dt.date, ...]:
    """The dates of the shipped lists, oldest first."""
    return tuple(sorted(agreements["list_date"].unique().to_list()))


def list_on(agreements: pl.DataFrame, as_of: dt.date) -> dt.date | None:
    """The newest list dated on or before `as_of` (None: `as_of` is before every list)."""
    earlier = [day for day in list_dates(agreements) if day <= as_of]
    return earlier[-1] if earlier else None


def by_state(agreements: pl.DataFrame, list_date: dt.date) -> pl.DataFrame:
    """One row per state or territory with an agreement on the list: the count and its split by model."""
    rows = agreements.filter(pl.col("list_date") == list_date)
    return (
        rows.group_by("state_fips", "state")
        .agg(
            pl.len().cast(pl.Int64).alias("agreements"),
            *[(pl.col("model") == model).sum().cast(pl.Int64).alias(model) for model in MODELS],
        )
        .sort("state_fips")
        .select(STATE_COLUMNS)
    )


def by_model(agreements: pl.DataFrame, list_date: dt.date) -> pl.DataFrame:
    """One row per state and model (zeros included), so the `agreements` column sums to the list's total."""
    wide = by_state(agreements, list_date).drop("agreements")
    return (
        wide.unpivot(
            list(MODELS), index=["state_fips", "state"], variable_name="model", value_name="agreements"
        )
        .with_columns(pl.col("model").cast(pl.Enum(list(MODELS))))
        .sort("state_fips", "model")
        .select("state_fips", "state", "model", "agreements")
    )


def growth(agreements: pl.DataFrame, by: str) -> pl.DataFrame:
    """Agreements per state (and per model with `by="model"`) on every list, and the change from
    each list to the next: ``agreements_<date>`` and ``change_<from>_<to>`` columns."""
    keys = ["state_fips", "state", *(["model"] if by == "model" else [])]
    dates = list_dates(agreements)
    counts = agreements.group_by(*keys, "list_date").len().with_columns(pl.col("len").cast(pl.Int64))
    wide = counts.pivot(on="list_date", index=keys, values="len", sort_columns=True).fill_null(0)
    names = {str(day): f"agreements_{day.isoformat()}" for day in dates}
    wide = wide.rename(names)
    for name in names.values():
        if name not in wide.columns:
            wide = wide.with_columns(pl.lit(0, pl.Int64).alias(name))
    changes = [
        (pl.col(f"agreements_{new.isoformat()}") - pl.col(f"agreements_{old.isoformat()}")).alias(
            f"change_{old.isoformat()}_{new.isoformat()}"
        )
        for old, new in itertools.pairwise(dates)
    ]
    return (
        wide.with_columns(changes)
        .select(*keys, *names.values(), *(c.meta.output_name() for c in changes))
        .sort(keys)
    )


def with_agency_types(agreements: pl.DataFrame) -> pl.DataFrame:
    """Each listed agency's `agency_type` in the gate's vocabulary, read from ICE's TYPE column
    and the agency's name (the first list has no TYPE), and two keys for the county a sheriff or
    jail serves: from ICE's COUNTY column and from the agency's name (each has typos the other
    has not: ``Frankin County``; ``Calcasieu Parish Sheriff's Office`` filed under ``Calacasieu``)."""
    name = pl.col("agency").str.to_uppercase()
    kind = pl.col("agency_kind")
    corrections = name.str.contains(r"CORRECTION|JAIL|DETENTION|PRISON")
    state_agency = (kind == "State Agency") | (
        kind.is_null()
        & name.str.contains(
            r"^(STATE|DEPARTMENT)|STATE OF|"
            r"DEPARTMENT OF CORRECTION"
        )
    )
    agency_type = (
        pl.when(name.str.contains("SHERIFF"))
        .then(pl.lit("sheriff"))
        .when(state_agency & corrections)
        .then(pl.lit("state_corrections"))
        .when(state_agency & name.str.contains(r"STATE POLICE|HIGHWAY PATROL|PUBLIC SAFETY|TROOPER"))
        .then(pl.lit("state_police"))
        .when(state_agency)
        .then(pl.lit("other_state_agency"))
        .when(corrections)
        .then(pl.lit("county_corrections"))
        .when(name.str.contains("POLICE"))
        .then(pl.lit("municipal_police"))
        .otherwise(pl.lit("other_local_agency"))
    )
    from_name = pl.col("agency").str.extract(r"^(.*?)\s+(?:County|Parish|Borough)\b", 1)
    city_county = pl.col("agency").str.extract(r"^(\S+) Sheriff", 1).str.to_uppercase()
    return agreements.with_columns(
        agency_type.alias("agency_type"),
        county_key(pl.col("county")).alias("county_key"),
        pl.coalesce(county_key(from_name), city_county.replace_strict(CITY_COUNTIES, default=None)).alias(
            "name_county_key"
        ),
    )


def county_key(county: pl.Expr) -> pl.Expr:
    """A county name reduced for matching ICE's spelling to the FBI's: ``St. Johns County`` → ``ST JOHNS``."""
    return (
        county.str.to_uppercase()
        .str.replace_all(r"[.',\u2019]", "")
        .str.replace_all(r"\b(COUNTY|PARISH|BOROUGH|SHERIFFS OFFICE|SHERIFF)\b", "")
        .str.replace_all(r"\bSAINT\b", "ST")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def contradictions(
    law: Law, agreements: pl.DataFrame, counties: pl.DataFrame, list_date: dt.date, include_unconfirmed: bool
) -> pl.DataFrame:
    """Every agreement the state's law prohibits on the list date, and every county whose sheriff
    a state mandate covers but who holds no agreement on the list, each with the rule that makes
    it a contradiction. Agencies are typed by `with_agency_types`; sheriffs are assumed to run a jail."""
    rows = with_agency_types(agreements.filter(pl.col("list_date") == list_date))
    found: list[dict[str, object]] = []
    for key in (
        rows.select("state_fips", "agency_type", "model").unique().sort(pl.all()).iter_rows(named=True)
    ):
        facts = {
            "agency_type": key["agency_type"],
            "operates_jail": key["agency_type"] in JAIL_TYPES,
            "agreement_model": key["model"],
        }
        verdict = decide(
            law, key["state_fips"], list_date, "enter_287g", facts, include_unconfirmed=include_unconfirmed
        )
        if verdict.decision is not Verdict.PROHIBITED:
            continue
        listed = rows.filter(
            (pl.col("state_fips") == key["state_fips"])
            & (pl.col("agency_type") == key["agency_type"])
            & (pl.col("model") == key["model"])
        )
        for row in listed.iter_rows(named=True):
            found.append(
                _row(
                    list_date,
                    row,
                    "agreement_under_ban",
                    verdict.outcome.deciding[0],
                    key["model"],
                    "the agency type is read from ICE's TYPE column and the agency's name",
                )
            )
    sheriffs = counties.with_columns(county_key(pl.col("county")).alias("county_key"))
    jails = rows.filter(pl.col("agency_type").is_in(JAIL_TYPES))
    covered = (
        pl.concat(
            [
                jails.select("state_fips", "county_key"),
                jails.select("state_fips", pl.col("name_county_key").alias("county_key")),
            ]
        )
        .drop_nulls()
        .unique()
    )
    for state_fips in sheriffs["state_fips"].unique().sort().to_list():
        verdict = decide(
            law,
            state_fips,
            list_date,
            "enter_287g",
            {"agency_type": "sheriff", "operates_jail": True},
            include_unconfirmed=include_unconfirmed,
        )
        if verdict.decision is not Verdict.REQUIRED:
            continue
        missing = (
            sheriffs.filter(pl.col("state_fips") == state_fips)
            .unique("county_key", keep="first")
            .join(covered, on=["state_fips", "county_key"], how="anti")
            .sort("county_key")
        )
        for row in missing.iter_rows(named=True):
            found.append(
                _row(
                    list_date,
                    {**row, "agency": f"{row['agency']} County Sheriff"},
                    "no_agreement_under_mandate",
                    verdict.outcome.deciding[0],
                    None,
                    SHERIFF_ASSUMPTION,
                )
            )
    return (
        pl.DataFrame(found, schema=_schema())
        .select(CONTRADICTION_COLUMNS)
        .sort("state_fips", "kind", "agency")
    )


def _row(
    list_date: dt.date, row: dict[str, object], kind: str, rule: object, model: str | None, assumption: str
) -> dict[str, object]:
    from statevisa.cooperation.model import Rule

    assert isinstance(rule, Rule)
    return {
        "list_date": list_date,
        "state_fips": row["state_fips"],
        "state": row["state"],
        "kind": kind,
        "agency": row["agency"],
        "county": row.get("county"),
        "model": model,
        "agency_type": row.get("agency_type", "sheriff"),
        "rule_id": rule.id,
        "rule_version": rule.version,
        "decision": rule.decision.value,
        "citation": rule.citation,
        "effective_from": rule.effective_from,
        "date_precision": rule.date_precision,
        "status": rule.status.value,
        "assumption": assumption,
    }


def _schema() -> dict[str, pl.DataType | type[pl.DataType]]:
    text = dict.fromkeys(CONTRADICTION_COLUMNS, pl.String)
    return {**text, "list_date": pl.Date, "rule_version": pl.Int64, "effective_from": pl.Date}
