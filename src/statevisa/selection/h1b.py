"""H-1B cap selection (program `h1b`): wage-weighted, beneficiary-centric, two caps in order.

Rules and their sources are in docs/programs/h1b.md; the ones
encoded here:

- Unit: from the FY2025 season (registrations from 2024-03-04) each unique
  beneficiary, keyed on passport or travel document, is one entry however many
  registrations name them (89 FR 7456, 2024-02-02, FR Doc 2024-01770). Before,
  each registration was an entry.
- Weights: from 2026-02-27 (FY2027 season) a beneficiary at OEWS wage level
  IV, III, II, I holds 4, 3, 2, 1 entries; a beneficiary's level is the lowest
  across their registrations (90 FR 60864, 2025-12-29, FR Doc 2025-23853,
  https://www.govinfo.gov/content/pkg/FR-2025-12-29/html/2025-23853.htm).
- Order: from 2019-04-01 (FY2020 season) the regular cap is drawn first over all
  entries, advanced-degree holders included, then the advanced-degree cap over
  the advanced-degree holders not yet selected (84 FR 888, 2019-01-31, as
  reported; docs/programs/h1b.md#sources); before, the advanced-degree round came first.

The dates and values above are read from the `h1b` policy file (`rules_from`,
and `statevisa.services.policies.h1b_rules` for the shipped file), not held here.

"Draw entries uniformly, skip beneficiaries already selected" is successive
weighted sampling without replacement, which is what `lottery` computes: one
race key per beneficiary. The second round continues the same race among the
remaining eligible beneficiaries; by the memorylessness of exponential keys this
is a fresh weighted draw among them, and anyone can replay both rounds from
the one published seed. Targets (how many to select above each cap) are open in
docs/programs/h1b.md (USCIS's oversampling method), so they are always explicit
arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import polars as pl

from statevisa.rules.model import Brackets, Scalar
from statevisa.rules.resolve import Resolved
from statevisa.selection.lottery import entry_tags, order_by_key, race_keys

Order = Literal["regular_first", "advanced_first"]
Unit = Literal["registration", "unique_beneficiary"]

POLICY_PARAMETERS = ("selection_weights", "selection_order", "selection_unit", "strict_wage_ranking")
"""The parameters of the `h1b` program file (programs/us/federal/h1b) that make up `H1BRules`."""


@dataclass(frozen=True)
class H1BRules:
    """The selection rules of one registration season (see the module docstring for sources)."""

    weights: Mapping[int, int]
    order: Order
    unit: Unit
    strict_ranking: bool = False
    """Rank by wage level, highest first, random within a level: the 2021 rule that
    never took effect, kept for comparison scenarios only (docs/programs/h1b.md#rules)."""


def rules_from(policy: Resolved) -> H1BRules:
    """The selection rules in force on the policy's date, from the `h1b` program file.

    The file dates and cites each value: the wage weights (from 2026-02-27), the
    order of the two rounds (from 2019-04-01) and the selection unit (from 2024-03-04).
    """
    weights = policy.values["selection_weights"].shape
    if not isinstance(weights, Brackets):
        raise ValueError("h1b: selection_weights must be brackets over wage levels 1-4")
    by_level = {}
    for level in (1, 2, 3, 4):
        index = weights.index_of(level)
        leaf = weights.shapes[index] if index is not None else None
        if not isinstance(leaf, Scalar) or isinstance(leaf.value, bool | str):
            raise ValueError(f"h1b: no weight for wage level {level}")
        by_level[level] = int(leaf.value)
    order, unit = str(policy.scalar("selection_order")), str(policy.scalar("selection_unit"))
    if order not in ("regular_first", "advanced_first") or unit not in ("registration", "unique_beneficiary"):
        raise ValueError(f"h1b: unsupported selection_order '{order}' or selection_unit '{unit}'")
    return H1BRules(
        weights=by_level,
        order=cast(Order, order),
        unit=cast(Unit, unit),
        strict_ranking=bool(policy.scalar("strict_wage_ranking")),
    )


def entries(registrations: pl.DataFrame, rules: H1BRules) -> pl.DataFrame:
    """One row per lottery entry: ``entry_id, wage_level, advanced_degree, registrations``.

    `registrations` has ``registration_id, beneficiary_id, wage_level`` (1-4,
    the lowest level across the registration's worksites, as registered) and
    ``advanced_degree`` (bool). Per beneficiary the level is the lowest across
    their registrations; a beneficiary whose registrations disagree on the
    advanced degree is refused, since the person either holds it or not. A
    wage below level I is refused too: how it counts is an open item
    (docs/programs/h1b.md#open-items), so the caller must map it to a level explicitly.
    """
    levels = registrations["wage_level"]
    if not levels.is_in(list(rules.weights)).all():
        raise ValueError(f"wage levels must be among {sorted(rules.weights)}")
    if rules.unit == "registration":
        return registrations.select(
            pl.col("registration_id").alias("entry_id"),
            "wage_level",
            "advanced_degree",
            pl.concat_list("registration_id").alias("registrations"),
        )
    grouped = registrations.group_by("beneficiary_id", maintain_order=True).agg(
        pl.col("wage_level").min(),
        pl.col("advanced_degree").n_unique().alias("_claims"),
        pl.col("advanced_degree").first(),
        pl.col("registration_id").alias("registrations"),
    )
    conflicting = grouped.filter(pl.col("_claims") > 1)["beneficiary_id"]
    if len(conflicting):
        raise ValueError(f"beneficiary {conflicting[0]!r}: registrations disagree on the advanced degree")
    return grouped.drop("_claims").rename({"beneficiary_id": "entry_id"})


def select(
    pool: pl.DataFrame,
    seed: bytes,
    *,
    target_regular: int,
    target_advanced: int,
    rules: H1BRules,
) -> pl.DataFrame:
    """Selected entries of `pool` (from `entries`): ``entry_id, round, order``, in draw order.

    ``round`` is ``regular`` or ``advanced``; ``order`` counts from 1 within the
    round. A round with fewer eligible entries than its target selects them all.
    A later selection round (docs/programs/h1b.md#rules) is another call on the entries not
    yet selected, with its own committed seed.
    """
    ids = pool["entry_id"]
    tags = entry_tags(seed, ids)
    levels = pool["wage_level"].to_numpy()
    if rules.strict_ranking:
        # E < 37 for every entry, so 64 per level puts every higher level first.
        keys = race_keys(tags, None) + (max(rules.weights) - levels) * 64.0
    else:
        table = np.zeros(max(rules.weights) + 1, dtype=np.float64)
        for level, weight in rules.weights.items():
            table[level] = weight
        keys = race_keys(tags, table[levels])
    advanced = pool["advanced_degree"].to_numpy().astype(np.bool_)
    remaining = np.ones(pool.height, dtype=np.bool_)
    rounds = (
        [("regular", target_regular, None), ("advanced", target_advanced, advanced)]
        if rules.order == "regular_first"
        else [("advanced", target_advanced, advanced), ("regular", target_regular, None)]
    )
    parts = []
    for name, target, restrict in rounds:
        eligible = remaining if restrict is None else remaining & restrict
        chosen = order_by_key(keys, tags, ids, target, eligible=eligible)
        remaining[chosen] = False
        parts.append(
            pl.DataFrame(
                {
                    "entry_id": ids.gather(chosen),
                    "round": [name] * len(chosen),
                    "order": np.arange(1, len(chosen) + 1, dtype=np.int64),
                }
            )
        )
    return pl.concat(parts)
