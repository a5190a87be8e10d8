"""H-1B selection: the cases of shared/specs/programs/h1b-lottery.md section 4."""

from __future__ import annotations

import hashlib
import math
from datetime import date

import polars as pl
import pytest

from statevisa.selection import h1b
from statevisa.services.policies import h1b_rules

SEED = bytes(range(16))
FY2027 = h1b_rules(date(2026, 3, 4))


def _pool(rows: list[tuple[str, int, bool]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "entry_id": [r[0] for r in rows],
            "wage_level": [r[1] for r in rows],
            "advanced_degree": [r[2] for r in rows],
        }
    )


def _seed(run: int) -> bytes:
    return hashlib.sha256(b"h1b test %d" % run).digest()


def test_effective_dates_pick_weights_unit_and_order() -> None:
    assert FY2027.weights == {4: 4, 3: 3, 2: 2, 1: 1}
    assert FY2027.order == "regular_first"
    assert FY2027.unit == "unique_beneficiary"
    fy2026 = h1b_rules(date(2025, 3, 7))
    assert set(fy2026.weights.values()) == {1}
    assert fy2026.unit == "unique_beneficiary"
    assert h1b_rules(date(2024, 3, 1)).unit == "registration"
    assert h1b_rules(date(2019, 3, 31)).order == "advanced_first"
    assert h1b_rules(date(2019, 4, 1)).order == "regular_first"


def test_lowest_level_and_one_entry_per_beneficiary() -> None:
    registrations = pl.DataFrame(
        {
            "registration_id": ["r1", "r2", "r3", "r4", "r5"],
            "beneficiary_id": ["P1", "P1", "P2", "P2", "P2"],
            "wage_level": [3, 1, 4, 4, 4],
            "advanced_degree": [False, False, True, True, True],
        }
    )
    pool = h1b.entries(registrations, FY2027)
    assert pool["entry_id"].to_list() == ["P1", "P2"]
    assert pool["wage_level"].to_list() == [1, 4]
    assert pool["registrations"].to_list() == [["r1", "r2"], ["r3", "r4", "r5"]]
    per_registration = h1b.entries(registrations, h1b_rules(date(2023, 3, 1)))
    assert per_registration.height == 5


def test_conflicting_advanced_degree_claims_are_refused() -> None:
    registrations = pl.DataFrame(
        {
            "registration_id": ["r1", "r2"],
            "beneficiary_id": ["P1", "P1"],
            "wage_level": [2, 2],
            "advanced_degree": [True, False],
        }
    )
    with pytest.raises(ValueError, match="P1"):
        h1b.entries(registrations, FY2027)


def test_short_pool_selects_everyone() -> None:
    pool = _pool([("X", 4, False), ("Y", 1, False), ("Z", 2, True)])
    selected = h1b.select(pool, SEED, target_regular=5, target_advanced=2, rules=FY2027)
    assert sorted(selected["entry_id"].to_list()) == ["X", "Y", "Z"]
    assert selected["round"].to_list() == ["regular"] * 3


def test_replay_gives_the_same_list_and_another_seed_another() -> None:
    pool = _pool([(f"B{i:03d}", 1 + i % 4, i % 3 == 0) for i in range(300)])
    first = h1b.select(pool, SEED, target_regular=40, target_advanced=10, rules=FY2027)
    again = h1b.select(pool, SEED, target_regular=40, target_advanced=10, rules=FY2027)
    other = h1b.select(pool, _seed(1), target_regular=40, target_advanced=10, rules=FY2027)
    assert first.equals(again)
    assert not first.equals(other)
    assert first.height == 50
    assert first["entry_id"].n_unique() == 50


def test_advanced_round_draws_only_remaining_advanced_degree_holders() -> None:
    pool = _pool([("ADE1", 1, True), ("ADE2", 1, True), ("N1", 1, False), ("N2", 1, False)])
    outcomes = set()
    for run in range(200):
        result = h1b.select(pool, _seed(run), target_regular=2, target_advanced=1, rules=FY2027)
        regular = set(result.filter(pl.col("round") == "regular")["entry_id"].to_list())
        advanced = set(result.filter(pl.col("round") == "advanced")["entry_id"].to_list())
        assert len(regular) == 2
        assert not regular & advanced
        assert advanced <= {"ADE1", "ADE2"}
        if regular == {"ADE1", "ADE2"}:
            assert advanced == set()
        else:
            assert len(advanced) == 1
        outcomes.add(frozenset(regular))
    assert frozenset({"N1", "N2"}) in outcomes
    assert frozenset({"ADE1", "ADE2"}) in outcomes


def test_historical_order_runs_the_advanced_round_first() -> None:
    rules = h1b_rules(date(2018, 4, 2))
    pool = _pool([("ADE1", 1, True), ("ADE2", 1, True), ("N1", 1, False), ("N2", 1, False)])
    result = h1b.select(pool, SEED, target_regular=2, target_advanced=1, rules=rules)
    assert result["round"].to_list() == ["advanced", "regular", "regular"]
    assert result["entry_id"][0] in {"ADE1", "ADE2"}


def test_strict_ranking_always_takes_the_level_iv_beneficiaries() -> None:
    rules = h1b.H1BRules(FY2027.weights, "regular_first", "unique_beneficiary", strict_ranking=True)
    pool = _pool([("IV-a", 4, False), ("IV-b", 4, False)] + [(f"I-{i}", 1, False) for i in range(5)])
    picked_level_i = set()
    for run in range(30):
        result = h1b.select(pool, _seed(run), target_regular=3, target_advanced=0, rules=rules)
        ids = result["entry_id"].to_list()
        assert set(ids[:2]) == {"IV-a", "IV-b"}
        picked_level_i.add(ids[2])
    assert len(picked_level_i) > 1


def test_weighted_shares_across_seeds_match_the_spec_three_person_case() -> None:
    pool = _pool([("X", 4, False), ("Y", 1, False), ("Z", 1, False)])
    runs = 1500
    x_selected = sum(
        "X"
        in h1b.select(pool, _seed(run), target_regular=2, target_advanced=0, rules=FY2027)[
            "entry_id"
        ].to_list()
        for run in range(runs)
    )
    p = 4 / 6 + 2 * (1 / 6 * 4 / 5)
    assert abs(x_selected / runs - p) <= 6 * math.sqrt(p * (1 - p) / runs)
