"""Database use cases: create or upgrade the schema, and fill the jurisdictions it refers to.

Jurisdictions come from the vendored Census code lists (2020 geography: 51 states and DC,
the territories, 3,235 counties) plus the counties of the newest population vintage that the
2020 list lacks (Connecticut's planning regions), so every FIPS a program or a data file
names can be a foreign key.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import insert, select

from statevisa.reference import codes
from statevisa.reference.population import county_population
from statevisa.store.db import make_engine, session_factory, transaction
from statevisa.store.migrate import Upgraded, upgrade
from statevisa.store.models import Jurisdiction


@dataclass(frozen=True)
class Prepared:
    url: str
    upgraded: Upgraded
    jurisdictions_added: int


def jurisdiction_rows() -> list[dict[str, str | None]]:
    """Every jurisdiction the platform knows, parents first: the nation, states and territories, counties."""
    rows: list[dict[str, str | None]] = [
        {"fips": "US", "name": "United States", "kind": "nation", "parent": None}
    ]
    for fips, name in codes.states(include_territories=True).select("fips", "name").iter_rows():
        rows.append({"fips": fips, "name": name, "kind": "state", "parent": "US"})
    listed = codes.counties().select("fips", "name")
    newer = county_population(2024).select("fips", "name").join(listed, on="fips", how="anti")
    for fips, name in pl.concat([listed, newer]).sort("fips").iter_rows():
        rows.append({"fips": fips, "name": name, "kind": "county", "parent": fips[:2]})
    return rows


def prepare(url: str) -> Prepared:
    """Upgrade the schema to this code's revision and add any jurisdiction not yet there."""
    engine = make_engine(url)
    try:
        done = upgrade(engine)
        with transaction(session_factory(engine)) as session:
            known = set(session.scalars(select(Jurisdiction.fips)))
            missing = [row for row in jurisdiction_rows() if row["fips"] not in known]
            if missing:
                session.execute(insert(Jurisdiction), missing)
        return Prepared(url, done, len(missing))
    finally:
        engine.dispose()
