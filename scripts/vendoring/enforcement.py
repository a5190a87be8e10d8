"""Vendor the enforcement data the cooperation registry and capacity model read at run time.

Reads ../shared/data/enforcement (the ICE 287(g) workbooks, the arrests-by-state table, the
FBI law-enforcement-employee counts) and writes compact Parquet files with a provenance file
each into src/statevisa/cooperation/data/. Every published count is re-checked on the frame
written (rows per list and model, the largest states, totals); a failing check writes nothing.
Run: ``.venv/bin/pip install -e '.[vendor]' && .venv/bin/python scripts/vendor_enforcement.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import polars as pl

from .common import ROOT, Dataset, failures, git_blob, sha256, write

SHARED = ROOT.parent / "shared" / "data" / "enforcement"
OUT = ROOT / "src" / "statevisa" / "cooperation" / "data"
ICE_PAGE = "https://www.ice.gov/identify-and-arrest/287g"
ICE_LICENCE = "US government work (ICE): public domain"
LISTS = {
    "2025-01-04": (
        "ParticipatingEntities-20250104041613.xlsx",
        "After 1st jan/before feb 20/ParticipatingEntities-20250104041613.xlsx",
        "0b2558b",
    ),
    "2025-12-31": (
        "participatingAgencies12312025am.xlsx",
        "participatingAgencies/participatingAgencies12312025am.xlsx",
        "f71c6f4",
    ),
    "2026-05-18": (
        "participatingAgencies05182026am.xlsx",
        "participatingAgencies/participatingAgencies05182026am.xlsx",
        "4f9d1c3",
    ),
}
PENDING = {
    "2025-12-31": (
        "pendingAgencies12312025am.xlsx",
        "pendingAgencies/pendingAgencies12312025am.xlsx",
        "f71c6f4",
    ),
    "2026-02-27": (
        "pendingAgencies02272026am.xlsx",
        "pendingAgencies/pendingAgencies02272026am.xlsx",
        "911180d",
    ),
}
MODELS = {
    "task force model": "task_force",
    "warrant service officer": "warrant_service",
    "warrant service office": "warrant_service",
    "warrant services officer": "warrant_service",
    "jail enforcement model": "jail",
}
"""ICE's support types, normalised: the lists misspell WSO twice."""
TYPES = {"county": "County", "municipality": "Municipality", "state agency": "State Agency"}


def _state_codes() -> dict[str, tuple[str, str]]:
    """Upper-case state name → (FIPS, USPS), from the vendored Census code list."""
    frame = pl.read_parquet(ROOT / "src" / "statevisa" / "reference" / "data" / "fips_states_2020.parquet")
    codes = {str(r["name"]).upper(): (str(r["fips"]), str(r["usps"])) for r in frame.iter_rows(named=True)}
    codes["NORTHERN MARIANA ISLANDS"] = codes["COMMONWEALTH OF THE NORTHERN MARIANA ISLANDS"]
    return codes


def _source(root: Path, name: str, path: str, commit: str, original: str) -> dict[str, str]:
    copy = root / name
    return {
        "file": name,
        "repo": "RelevantResearch/287g-DetentionData",
        "path": path,
        "commit": commit,
        "original": original,
        "sha256": sha256(copy),
        "git_blob_of_copy": git_blob(copy),
    }


def _sheet(path: Path) -> list[dict[str, object]]:
    """The first sheet's rows as header → value, skipping rows with no value at all."""
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if any(cell is not None and str(cell).strip() for cell in row):
            found.append({"row": number, **{h: row[i] for i, h in enumerate(header) if h}})
    return found


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return None if text in ("", "#N/A", "#NA") else text


def _signed(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value).strip()[:10]) if value is not None else None


def _agreements(root: Path, lists: dict[str, tuple[str, str, str]], signed: bool) -> pl.DataFrame:
    codes = _state_codes()
    records = []
    for list_date, (name, _, _) in lists.items():
        for row in _sheet(root / name):
            state = str(row["STATE"]).strip().upper()
            fips, usps = codes[state]
            kind = _text(row.get("TYPE"))
            records.append(
                {
                    "list_date": dt.date.fromisoformat(list_date),
                    "row": row["row"],
                    "state_fips": fips,
                    "state": usps,
                    "agency": " ".join(str(row["LAW ENFORCEMENT AGENCY"]).split()),
                    "agency_kind": TYPES[kind.lower()] if kind else None,
                    "county": _text(row.get("COUNTY")),
                    "model": MODELS[str(row["SUPPORT TYPE"]).strip().lower()],
                    "support_type": str(row["SUPPORT TYPE"]).strip(),
                    **({"signed": _signed(row["SIGNED"])} if signed else {}),
                }
            )
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "list_date": pl.Date,
        "row": pl.Int32,
        "state_fips": pl.String,
        "state": pl.String,
        "agency": pl.String,
        "agency_kind": pl.String,
        "county": pl.String,
        "model": pl.Enum(["task_force", "warrant_service", "jail"]),
        "support_type": pl.String,
    }
    if signed:
        schema["signed"] = pl.Date
    return pl.DataFrame(records, schema=schema)


def build_participating(root: Path) -> tuple[Dataset, pl.DataFrame]:
    frame = _agreements(root, LISTS, signed=True)
    ds = Dataset(
        "ice_287g_participating",
        "ICE 287(g) participating agencies: one row per agreement on each shipped list",
        "enforcement",
        ", ".join(LISTS),
        [
            _source(root, name, path, commit, f"{ICE_PAGE} (list of {date})")
            for date, (name, path, commit) in LISTS.items()
        ],
        ICE_LICENCE,
        "Rows with no value skipped; STATE stripped and mapped to FIPS/USPS case-insensitively (NORTHERN "
        "MARIANA ISLANDS -> 69); SUPPORT TYPE and TYPE stripped, the misspelt 'Warrant Service Office' "
        "read as WSO; '#N/A' counties left empty; SIGNED as a date. One row per agreement: an agency with "
        "two models has two rows. 'row' is the row number in the ICE sheet.",
        [
            "The 2025-01-04 list is ICE's HTML table as captured by the Wayback Machine and rebuilt into a "
            "workbook by the copying repository; it has no TYPE or COUNTY column."
        ],
    )
    by_list = frame.group_by("list_date").len()
    for date, total in (("2025-01-04", 135), ("2025-12-31", 1274), ("2026-05-18", 1843)):
        ds.check(f"rows on {date}", _count(frame, list_date=dt.date.fromisoformat(date)), total)
    for date, counts in (
        ("2025-01-04", (0, 75, 60)),
        ("2025-12-31", (684, 445, 145)),
        ("2026-05-18", (1162, 499, 182)),
    ):
        for model, expected in zip(("task_force", "warrant_service", "jail"), counts, strict=True):
            ds.check(
                f"{model} rows on {date}",
                _count(frame, list_date=dt.date.fromisoformat(date), model=model),
                expected,
            )
    latest = frame.filter(pl.col("list_date") == dt.date(2026, 5, 18))
    for state, expected in (
        ("TX", 387),
        ("FL", 348),
        ("MO", 103),
        ("PA", 102),
        ("AR", 86),
        ("GU", 1),
        ("MP", 2),
    ):
        ds.check(f"{state} rows on 2026-05-18", _count(latest, state=state), expected)
    ds.check("distinct (state, agency) on 2026-05-18", latest.select("state", "agency").n_unique(), 1557)
    ds.check(
        "rows signed on or after 2025-01-20 on 2026-05-18",
        latest.filter(pl.col("signed") >= dt.date(2025, 1, 20)).height,
        1712,
    )
    ds.check(
        "states and territories on 2025-01-04, 2025-12-31, 2026-05-18",
        [frame.filter(pl.col("list_date") == dt.date.fromisoformat(d))["state"].n_unique() for d in LISTS],
        [21, 40, 40],
    )
    ds.check("lists", by_list.height, 3)
    return ds, frame


def build_pending(root: Path) -> tuple[Dataset, pl.DataFrame]:
    frame = _agreements(root, PENDING, signed=False)
    ds = Dataset(
        "ice_287g_pending",
        "ICE 287(g) pending agencies (requests not yet agreements; never counted as agreements)",
        "enforcement",
        ", ".join(PENDING),
        [
            _source(root, name, path, commit, f"{ICE_PAGE} (pending list of {date})")
            for date, (name, path, commit) in PENDING.items()
        ],
        ICE_LICENCE,
        "As the participating lists; 'Warrant Services Officer' read as WSO.",
    )
    ds.check("rows on 2025-12-31", _count(frame, list_date=dt.date(2025, 12, 31)), 24)
    ds.check("rows on 2026-02-27", _count(frame, list_date=dt.date(2026, 2, 27)), 2)
    return ds, frame


def build_arrests(root: Path) -> tuple[Dataset, pl.DataFrame]:
    codes = _state_codes()
    raw = pl.read_csv(root / "ice_arrests_by_state.csv", schema_overrides={"arrests": pl.Int64})
    frame = raw.select(
        pl.col("state_name")
        .map_elements(lambda n: codes[n.upper()][0], return_dtype=pl.String)
        .alias("state_fips"),
        pl.col("state_name")
        .map_elements(lambda n: codes[n.upper()][1], return_dtype=pl.String)
        .alias("state"),
        "arrests",
    ).sort("state_fips")
    ds = Dataset(
        "ice_arrests_by_state",
        "ICE administrative arrests by state, 2025-01-01 to 2026-07-31 (577 days)",
        "enforcement",
        "2025-01-01..2026-07-31",
        [
            {
                "file": "ice_arrests_by_state.csv",
                "repo": "mtkonczal/blogs_2026_09_deportations_any_native_benefit",
                "path": "data/ice_arrests_by_state.csv",
                "commit": "5c5cfd0",
                "original": "Deportation Data Project, ICE arrests microdata (FOIA), arrests-latest.parquet",
                "sha256": sha256(root / "ice_arrests_by_state.csv"),
            }
        ],
        "Aggregate of US government records (ICE, released under FOIA); no licence stated by the copier",
        "State names mapped to FIPS/USPS. Counts by apprehension state, duplicates dropped, the 50 states "
        "and DC only (about 1.5% of arrests have no state and are not here).",
        [
            "No arrest method (custodial vs at-large): the microdata's apprehension_method is not in "
            "this table."
        ],
    )
    ds.check("rows", frame.height, 51)
    ds.check_total("total arrests", frame, "arrests", 565_539)
    ds.check_value("Texas", frame, "arrests", 143_233, state="TX")
    ds.check_value("Florida", frame, "arrests", 60_247, state="FL")
    ds.check_value("California", frame, "arrests", 50_854, state="CA")
    ds.check_value("Vermont", frame, "arrests", 164, state="VT")
    return ds, frame


def build_county_agencies(root: Path) -> tuple[Dataset, pl.DataFrame]:
    codes = {usps: fips for fips, usps in _state_codes().values()}
    raw = pl.read_csv(root / "fbi_lee_latest.csv", infer_schema=False).with_columns(
        pl.col("state_abbr").replace({"NB": "NE"})  # the FBI's old code for Nebraska
    )
    frame = (
        raw.filter(pl.col("agency_type_name") == "County")
        .select(
            "ori",
            pl.col("state_abbr").alias("state"),
            pl.col("state_abbr").replace_strict(codes, default=None).alias("state_fips"),
            pl.col("county_name").alias("county"),
            pl.col("pub_agency_name").alias("agency"),
            pl.col("officer_ct").cast(pl.Int32).alias("officers"),
            pl.col("population").cast(pl.Int64, strict=False).alias("population"),
            pl.col("data_year").cast(pl.Int16).alias("data_year"),
        )
        .sort("state_fips", "county", "agency")
    )
    ds = Dataset(
        "fbi_lee_county_agencies",
        "County law-enforcement agencies (FBI Law Enforcement Employees, latest year per agency)",
        "enforcement",
        "latest year per agency (mostly 2025)",
        [
            {
                "file": "fbi_lee_latest.csv",
                "repo": "recoveredfactory/287g-watch",
                "path": "packages/pipeline/data/fbi_lee_latest.csv",
                "commit": "56b625a",
                "original": "FBI Crime Data Explorer, Law Enforcement Employees",
                "sha256": sha256(root / "fbi_lee_latest.csv"),
                "git_blob_of_copy": git_blob(root / "fbi_lee_latest.csv"),
            }
        ],
        "US government work (FBI): public domain; the copying repository is MIT",
        "Kept the agencies whose agency_type_name is County (sheriffs and county police), with their officer "
        "count and population; state codes mapped to FIPS (the FBI's NB read as Nebraska, NE).",
    )
    ds.check("rows", frame.height, 2992)
    for state, expected in (("TX", 254), ("FL", 67), ("CA", 58), ("NE", 92)):
        ds.check(f"{state} county agencies", _count(frame, state=state), expected)
    ds.check("every state code mapped", frame["state_fips"].null_count(), 0)
    return ds, frame


def _count(frame: pl.DataFrame, **where: object) -> int:
    return frame.filter(*[pl.col(k) == v for k, v in where.items()]).height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/vendor_enforcement.py", description=__doc__)
    parser.add_argument("--source", type=Path, default=SHARED, help="the shared enforcement folder read")
    parser.add_argument("--out", type=Path, default=OUT, help="the folder whose datasets are replaced")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"{args.source}: not found (the build needs the shared enforcement folder)", file=sys.stderr)
        return 2
    builds = [
        build(args.source)
        for build in (build_participating, build_pending, build_arrests, build_county_agencies)
    ]
    failed = failures(builds)
    if failed:
        print("checks failed, nothing written:\n" + "\n".join(failed), file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for ds, payload in builds:
        write(args.out, ds, payload, "scripts/vendor_enforcement.py")
        print(f"  {ds.id}: {len(ds.checks)} checks passed")
    return 0
