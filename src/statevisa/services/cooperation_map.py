"""Cooperation with federal enforcement as the public sees it: the law by state, 287(g), capacity.

`law_map` asks the request gate (`cooperation.decide`, the same gate that answers a federal
request) what each state's law says of one action on one date, for one standard request: a
sheriff's jail holding the person on an ICE detainer with an administrative warrant, the
person's record being one of the capacity model's profiles. `agreements` and `contradictions`
read ICE's 287(g) lists as vendored; `capacity` runs the national capacity model on the
scenarios shipped for this page (`scenarios/cooperation-page.yaml`, a short sweep so the page
stays quick) against the 3,000 arrests a day target. All of it is law and aggregates: no
person is named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import polars as pl

from statevisa.cooperation.capacity import JAIL_REQUEST, PANEL
from statevisa.cooperation.decide import decide
from statevisa.cooperation.simulate import Report
from statevisa.cooperation.vocabulary import FRAME_START, TERRITORIES
from statevisa.errors import InputError, problem
from statevisa.services.cooperation import shipped_law

ACTIONS = (
    "honor_detainer",
    "notify_release",
    "transfer_custody",
    "allow_jail_access",
    "enter_287g",
    "enter_detention_contract",
    "inquire_status",
    "share_status",
    "share_data:address",
    "use_resources",
)
"""The actions the map offers (``share_data`` with one category as an example)."""
PROFILES = tuple(PANEL)
PAGE_SCENARIOS = "cooperation-page.yaml"


@dataclass(frozen=True)
class StateLaw:
    """One state's answer: the verdict, whether a default gave it, and the rules that did."""

    fips: str
    usps: str
    name: str
    verdict: str
    default_applied: bool
    rules: tuple[str, ...]
    """Each deciding rule as ``id: citation``."""
    summary: str


def check_choice(value: str, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InputError(
            problem("not-a-choice", f"'{value[:40]}' is not one of {', '.join(choices)}", field=field)
        )
    return value


def law_map(action: str, on: dt.date, profile: str = "no_record") -> tuple[StateLaw, ...]:
    """What each state's law (and DC's) says of `action` on `on`, for the standard jail request."""
    check_choice(action, "action", ACTIONS)
    check_choice(profile, "profile", PROFILES)
    if not on >= FRAME_START:
        raise InputError(problem("out-of-range", f"the law is encoded from {FRAME_START} on", field="on"))
    law = shipped_law()
    facts = {**JAIL_REQUEST, **PANEL[profile]}
    found = []
    for fips, place in sorted(law.jurisdictions.items()):
        if fips in TERRITORIES or fips == "US":
            continue
        outcome = decide(law, fips, on, action, facts).outcome
        found.append(
            StateLaw(
                fips,
                place.usps,
                place.name,
                outcome.decision.value,
                outcome.default_applied,
                tuple(f"{rule.id}: {rule.citation}" for rule in outcome.deciding),
                " ".join(rule.summary for rule in outcome.deciding)[:400],
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class Agreements:
    """287(g) agreements per state on each of ICE's list dates, and the list chosen."""

    list_dates: tuple[dt.date, ...]
    chosen: dt.date
    by_state: pl.DataFrame
    """state_fips, state, agreements (on the chosen list), change (since the list before)."""
    totals: tuple[tuple[dt.date, int], ...]


def agreements(list_date: dt.date | None = None) -> Agreements:
    """Agreements per state on one ICE list (default: the newest), and every list's total."""
    from statevisa.services.agreements import agreement_growth

    grown = agreement_growth("state")
    dates = grown.list_dates
    chosen = dates[-1] if list_date is None else list_date
    if chosen not in dates:
        shown = ", ".join(day.isoformat() for day in dates)
        raise InputError(problem("not-a-choice", f"{chosen} is not an ICE list date ({shown})", field="list"))
    table = grown.table
    index = dates.index(chosen)
    change = pl.col(f"change_{dates[index - 1].isoformat()}_{chosen.isoformat()}") if index else pl.lit(None)
    by_state = table.select(
        "state_fips",
        pl.col("state").cast(pl.String),
        pl.col(f"agreements_{chosen.isoformat()}").alias("agreements"),
        change.alias("change"),
    )
    totals = tuple((day, int(table[f"agreements_{day.isoformat()}"].sum())) for day in dates)
    return Agreements(dates, chosen, by_state, totals)


def contradictions(list_date: dt.date) -> pl.DataFrame:
    """Agreements a state's law prohibits, and sheriffs a mandate covers with none, on one list."""
    from statevisa.services.agreements import find_contradictions

    found = find_contradictions(list_date.isoformat()).table
    return found.with_columns(pl.col(pl.Enum).cast(pl.String)).sort("state", "kind", "agency")


@cache
def capacity() -> Report:
    """The capacity model on this page's scenarios (computed once per process: about a second)."""
    from statevisa.cooperation.scenario import parse_scenarios
    from statevisa.cooperation.simulate import run
    from statevisa.rules.source import parse_yaml

    source = files("statevisa.services") / "scenarios" / PAGE_SCENARIOS
    doc = parse_yaml(source.read_text(encoding="utf-8"), f"services/scenarios/{PAGE_SCENARIOS}")
    law = shipped_law()
    return run(law, parse_scenarios(doc, law))
