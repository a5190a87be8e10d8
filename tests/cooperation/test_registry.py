"""The 287(g) registry on ICE's lists: totals equal the lists' rows, per-state counts as
published, growth between lists, and contradictions with state law found through the gate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import polars as pl
import pytest

from statevisa.cooperation import registry
from statevisa.cooperation.data import ARRESTS, COUNTY_AGENCIES, PARTICIPATING, PENDING, provenance, table
from statevisa.cooperation.model import Law

LISTS = (dt.date(2025, 1, 4), dt.date(2025, 12, 31), dt.date(2026, 5, 18))
ROWS = {LISTS[0]: 135, LISTS[1]: 1274, LISTS[2]: 1843}
"""Rows of ICE's three participating-agency lists (one row per agreement)."""
PUBLISHED = {
    "AL": (1, 44, 61),
    "AK": (2, 2, 2),
    "AZ": (6, 10, 10),
    "AR": (2, 35, 86),
    "CA": (0, 0, 0),
    "CO": (1, 1, 1),
    "CT": (0, 0, 0),
    "DE": (0, 0, 0),
    "DC": (0, 0, 0),
    "FL": (48, 339, 348),
    "GA": (6, 43, 65),
    "HI": (0, 0, 0),
    "ID": (2, 10, 12),
    "IL": (0, 0, 0),
    "IN": (0, 17, 34),
    "IA": (0, 2, 2),
    "KS": (2, 26, 35),
    "KY": (0, 25, 43),
    "LA": (0, 29, 43),
    "ME": (0, 0, 0),
    "MD": (3, 8, 0),
    "MA": (1, 1, 1),
    "MI": (0, 7, 8),
    "MN": (0, 8, 10),
    "MS": (0, 11, 39),
    "MO": (0, 34, 103),
    "MT": (2, 4, 6),
    "NE": (1, 6, 10),
    "NV": (0, 5, 5),
    "NH": (0, 12, 20),
    "NJ": (0, 0, 0),
    "NM": (0, 1, 2),
    "NY": (1, 12, 14),
    "NC": (15, 28, 29),
    "ND": (0, 11, 15),
    "OH": (0, 16, 21),
    "OK": (3, 27, 69),
    "OR": (0, 0, 0),
    "PA": (0, 49, 102),
    "RI": (0, 0, 0),
    "SC": (3, 35, 49),
    "SD": (0, 6, 8),
    "TN": (2, 56, 77),
    "TX": (26, 259, 387),
    "UT": (0, 16, 16),
    "VT": (0, 0, 0),
    "VA": (0, 32, 29),
    "WA": (0, 0, 0),
    "WV": (0, 17, 36),
    "WI": (7, 18, 23),
    "WY": (1, 11, 19),
    "GU": (0, 1, 1),
    "MP": (0, 0, 2),
}
"""Agreements per state on the three lists, as the ICE workbooks count them (rows without any
value skipped); GU and MP are the territories on the later lists."""
AGREEMENTS = table(PARTICIPATING)


@pytest.mark.parametrize("list_date", LISTS)
def test_totals_equal_the_lists_row_counts(list_date: dt.date) -> None:
    by_state = registry.by_state(AGREEMENTS, list_date)
    by_model = registry.by_model(AGREEMENTS, list_date)
    assert by_state["agreements"].sum() == by_model["agreements"].sum() == ROWS[list_date]
    assert (by_state["task_force"] + by_state["warrant_service"] + by_state["jail"]).to_list() == (
        by_state["agreements"].to_list()
    )
    assert by_state["state"].is_unique().all()
    assert by_model.height == 3 * by_state.height


@pytest.mark.parametrize("index", range(3))
def test_every_state_counts_as_the_lists_do(index: int) -> None:
    counted = dict(registry.by_state(AGREEMENTS, LISTS[index]).select("state", "agreements").iter_rows())
    assert counted == {state: counts[index] for state, counts in PUBLISHED.items() if counts[index]}


def test_the_newest_list_on_or_before_a_date_is_used() -> None:
    assert registry.list_on(AGREEMENTS, dt.date(2025, 1, 3)) is None
    assert registry.list_on(AGREEMENTS, dt.date(2025, 1, 4)) == LISTS[0]
    assert registry.list_on(AGREEMENTS, dt.date(2025, 12, 30)) == LISTS[0]
    assert registry.list_on(AGREEMENTS, dt.date(2026, 5, 17)) == LISTS[1]
    assert registry.list_on(AGREEMENTS, dt.date(2030, 1, 1)) == LISTS[2]


def test_models_on_the_newest_list() -> None:
    by_model = registry.by_model(AGREEMENTS, LISTS[2])
    totals = dict(by_model.group_by("model").agg(pl.col("agreements").sum()).iter_rows())
    assert totals == {"task_force": 1162, "warrant_service": 499, "jail": 182}


@pytest.mark.parametrize("by", ["state", "model"])
def test_growth_adds_up_from_list_to_list(by: str) -> None:
    grown = registry.growth(AGREEMENTS, by)
    totals = [int(grown[f"agreements_{day.isoformat()}"].sum()) for day in LISTS]
    assert totals == [ROWS[day] for day in LISTS]
    assert int(grown["change_2025-12-31_2026-05-18"].sum()) == 1843 - 1274
    texas = grown.filter(pl.col("state") == "TX")
    assert texas["change_2025-01-04_2025-12-31"].sum() == 259 - 26


def test_maryland_fell_to_zero_after_its_ban() -> None:
    maryland = registry.growth(AGREEMENTS, "state").filter(pl.col("state") == "MD").row(0, named=True)
    assert (maryland["agreements_2025-12-31"], maryland["agreements_2026-05-18"]) == (8, 0)


def test_agency_types_are_read_from_ices_type_and_the_name() -> None:
    frame = pl.DataFrame(
        {
            "agency": [
                "Harris County Sheriff's Office",
                "Orange County Corrections Department",
                "Virginia Department of Corrections",
                "Arkansas State Police Department",
                "Stamford Police Department",
                "Texas National Guard",
                "Jacksonville Sheriff's Office",
            ],
            "agency_kind": [
                "County",
                "County",
                "State Agency",
                "State Agency",
                "Municipality",
                "State Agency",
                None,
            ],
            "county": ["Harris County", None, None, None, "Jones County", None, None],
        }
    )
    typed = registry.with_agency_types(frame)
    assert typed["agency_type"].to_list() == [
        "sheriff",
        "county_corrections",
        "state_corrections",
        "state_police",
        "municipal_police",
        "other_state_agency",
        "sheriff",
    ]
    assert typed["county_key"].to_list()[:2] == ["HARRIS", None]
    assert typed["name_county_key"].to_list()[1] == "ORANGE"
    assert typed["name_county_key"].to_list()[-1] == "DUVAL"


def test_county_names_match_across_spellings() -> None:
    names = pl.Series(["St. Johns County", "Saint Lucie", "Calcasieu Parish", "DE SOTO", "O'Brien County"])
    assert pl.select(registry.county_key(pl.lit(names))).to_series().to_list() == [
        "ST JOHNS",
        "ST LUCIE",
        "CALCASIEU",
        "DE SOTO",
        "OBRIEN",
    ]


def contradictions(law: Law, list_date: dt.date, leads: bool = False) -> pl.DataFrame:
    return registry.contradictions(law, AGREEMENTS, table(COUNTY_AGENCIES), list_date, leads)


def test_florida_sheriffs_without_an_agreement_under_its_mandate(law: Law) -> None:
    found = contradictions(law, LISTS[0])
    assert set(found["rule_id"]) == {"FL-enter_287g-1"}
    assert found.height == 21
    assert "Hillsborough County Sheriff" in found["agency"].to_list()
    assert contradictions(law, LISTS[1]).height == 0


def test_texas_sheriffs_without_an_agreement_once_sb8_is_in_force(law: Law) -> None:
    found = contradictions(law, LISTS[2])
    assert set(found["rule_id"]) == {"TX-enter_287g-1"}
    assert found.height == 56
    assert {"Harris County Sheriff", "Dallas County Sheriff", "Travis County Sheriff"} <= set(found["agency"])
    row = found.row(0, named=True)
    assert (row["kind"], row["decision"], row["effective_from"], row["status"]) == (
        "no_agreement_under_mandate",
        "required",
        dt.date(2026, 1, 1),
        "CONFIRMED",
    )


def test_leads_add_virginias_ban_and_georgias_mandate(law: Law) -> None:
    found = contradictions(law, LISTS[2], leads=True)
    counts = dict(found.group_by("rule_id").len().iter_rows())
    assert counts == {"TX-enter_287g-1": 56, "GA-enter_287g-1": 118, "VA-enter_287g-1": 29}
    assert set(found.filter(pl.col("state") == "VA")["kind"]) == {"agreement_under_ban"}


def test_an_agreement_listed_after_a_ban_took_effect_is_a_contradiction(law: Law) -> None:
    """Maryland's ban took effect on 2026-02-18, after the 2025-12-31 list; dated a year earlier,
    the same rule makes every Maryland agreement on that list a contradiction."""
    assert contradictions(law, LISTS[1]).filter(pl.col("state") == "MD").height == 0
    ban = law.rule("MD-enter_287g-1")
    assert ban is not None
    earlier = dataclasses.replace(ban, effective_from=dt.date(2025, 2, 18))
    redated = law.replace([earlier if rule is ban else rule for rule in law.rules], "MD ban a year earlier")
    found = contradictions(redated, LISTS[1]).filter(pl.col("state") == "MD")
    assert found.height == 8
    assert set(found["rule_id"]) == {"MD-enter_287g-1"} and set(found["kind"]) == {"agreement_under_ban"}


@pytest.mark.parametrize("name", [PARTICIPATING, PENDING, ARRESTS, COUNTY_AGENCIES])
def test_every_vendored_table_carries_its_provenance(name: str) -> None:
    record = provenance(name)
    assert record["rows"] == table(name).height
    checks = record["checks"]
    assert isinstance(checks, list) and checks and all(check["ok"] for check in checks)
    assert "/work" not in json.dumps(record) and "shared/" not in json.dumps(record)
    assert record["built_by"] == "scripts/vendor_enforcement.py"


def test_pending_requests_are_never_counted_as_agreements() -> None:
    pending = table(PENDING)
    assert dict(pending.group_by("list_date").len().iter_rows()) == {
        dt.date(2025, 12, 31): 24,
        dt.date(2026, 2, 27): 2,
    }
    assert registry.list_dates(AGREEMENTS) == LISTS
