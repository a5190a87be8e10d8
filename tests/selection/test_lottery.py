"""The verifiable lottery: seeds, commitments, keys, draws and their statistics."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.selection import audit, lottery, parallel

SEED = bytes(range(32))
Z = 6.0
"""Standard deviations allowed in statistical checks: a false alarm has probability < 2e-9."""


def binomial_tolerance(p: float, n: int) -> float:
    """Half-width of a Z-sigma interval for a proportion p estimated from n trials."""
    return Z * math.sqrt(p * (1 - p) / n)


def test_seed_must_be_hex_of_at_least_16_bytes() -> None:
    assert lottery.parse_seed("AB" * 16) == bytes([0xAB] * 16)
    for bad in ["xyz", "abc", "00" * 15, "", "0x" + "00" * 16, "00 11" * 8]:
        with pytest.raises(ValueError):
            lottery.parse_seed(bad)


def test_commitment_is_sha256_of_tag_and_seed() -> None:
    expected = hashlib.sha256(b"statevisa lottery commitment v1\x00" + SEED).hexdigest()
    assert lottery.commitment(SEED) == expected == audit.commitment(SEED)
    assert lottery.commitment(SEED[:-1] + b"\x00") != expected


def test_exponential_variates_match_the_transcription_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    tags = rng.integers(0, 2**64, size=2000, dtype=np.uint64)
    extremes = np.array([0, 2**12 - 1, 2**64 - 1, 2**63, 1 << 12], dtype=np.uint64)
    tags = np.concatenate([tags, extremes])
    got = lottery.exponential_variates(tags)
    assert got.tolist() == [audit.exponential(int(t)) for t in tags]


def test_exponential_variates_are_minus_log_u_to_a_few_ulps() -> None:
    tags = np.random.default_rng(8).integers(0, 2**64, size=100_000, dtype=np.uint64)
    u = ((tags >> np.uint64(12)) * np.uint64(2) + np.uint64(1)).astype(np.float64) / 2.0**53
    got = lottery.exponential_variates(tags)
    assert (got > 0).all()
    assert np.all(np.isfinite(got))
    assert np.max(np.abs(got + np.log(u)) / -np.log(u)) < 4 * np.finfo(np.float64).eps


def test_extreme_tags_give_finite_positive_variates() -> None:
    got = lottery.exponential_variates(np.array([0, 2**64 - 1], dtype=np.uint64))
    assert got[0] == pytest.approx(53 * math.log(2))
    assert 0 < got[1] < 1e-15


entries_strategy = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=12),
        st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 1e-300, 1e6]),
    ),
    min_size=0,
    max_size=40,
    unique_by=lambda entry: entry[0],
)


@settings(max_examples=40, deadline=None)
@given(entries=entries_strategy, slots=st.integers(0, 50), seed=st.binary(min_size=16, max_size=40))
def test_draw_equals_the_published_algorithm(
    entries: list[tuple[str, float]], slots: int, seed: bytes
) -> None:
    ids = pl.Series([entry_id for entry_id, _ in entries], dtype=pl.String)
    weights = np.array([weight for _, weight in entries], dtype=np.float64)
    result = lottery.draw(seed, ids, slots, weights)
    assert ids.gather(result.winners).to_list() == audit.draw(seed, entries, slots)


@settings(max_examples=80, deadline=None)
@given(entries=entries_strategy, slots=st.integers(0, 50))
def test_exactly_min_slots_positive_entries_distinct_winners(
    entries: list[tuple[str, float]], slots: int
) -> None:
    ids = pl.Series([entry_id for entry_id, _ in entries], dtype=pl.String)
    weights = np.array([weight for _, weight in entries], dtype=np.float64)
    winners = lottery.draw(SEED, ids, slots, weights).winners
    positive = int((weights > 0).sum())
    assert len(winners) == min(slots, positive)
    assert len(set(winners.tolist())) == len(winners)
    assert (weights[winners] > 0).all()


def test_draw_is_deterministic_and_ignores_row_order() -> None:
    ids = pl.Series([f"E{i:05d}" for i in range(5000)])
    weights = np.tile([1.0, 2.0, 3.0, 4.0], 1250)
    first = ids.gather(lottery.draw(SEED, ids, 100, weights).winners).to_list()
    again = ids.gather(lottery.draw(SEED, ids, 100, weights).winners).to_list()
    perm = np.random.default_rng(1).permutation(5000)
    shuffled_ids = ids.gather(perm)
    shuffled = lottery.draw(SEED, shuffled_ids, 100, weights[perm]).winners
    assert first == again == shuffled_ids.gather(shuffled).to_list()


def test_another_seed_gives_another_draw() -> None:
    ids = pl.Series([f"E{i:05d}" for i in range(5000)])
    first = set(lottery.draw(SEED, ids, 100).winners.tolist())
    other = set(lottery.draw(b"\x01" + SEED[1:], ids, 100).winners.tolist())
    assert first != other
    assert len(first & other) < 20


def test_a_smaller_draw_is_a_prefix_of_a_larger_one() -> None:
    ids = pl.Series([f"E{i:05d}" for i in range(3000)])
    weights = np.tile([1.0, 4.0], 1500)
    big = lottery.draw(SEED, ids, 500, weights).winners
    small = lottery.draw(SEED, ids, 37, weights).winners
    assert np.array_equal(big[:37], small)


def test_zero_weight_never_wins_even_with_room() -> None:
    ids = pl.Series(["a", "b", "c"])
    winners = lottery.draw(SEED, ids, 10, np.array([0.0, 1.0, 0.0])).winners
    assert ids.gather(winners).to_list() == ["b"]


def test_equal_keys_go_to_the_smaller_tag_then_the_smaller_id() -> None:
    ids = pl.Series(["b", "a", "c", "d"])
    keys = np.array([1.0, 1.0, 1.0, 0.5])
    tags = np.array([5, 5, 3, 9], dtype=np.uint64)
    order = lottery.order_by_key(keys, tags, ids, 4)
    assert ids.gather(order).to_list() == ["d", "c", "a", "b"]
    assert ids.gather(lottery.order_by_key(keys, tags, ids, 2)).to_list() == ["d", "c"]


def test_first_discrepancy_names_the_position() -> None:
    expected = pl.Series(["a", "b", "c"])
    assert lottery.first_discrepancy(expected, pl.Series(["a", "b", "c"])) is None
    assert lottery.first_discrepancy(expected, pl.Series(["a", "c", "b"])) == (
        lottery.Discrepancy(1, "b", "c")
    )
    assert lottery.first_discrepancy(expected, pl.Series(["a", "b"])) == (lottery.Discrepancy(2, "c", None))
    assert lottery.first_discrepancy(expected, pl.Series(["a", "b", "c", "d"])) == (
        lottery.Discrepancy(3, None, "d")
    )


def _replicate_shares(weights: list[float], winners: int, replicates: int) -> np.ndarray:
    """Share of `replicates` independent pools in which each entry position was among the winners.

    One draw's keys over ids "r/position" stand for `replicates` independent
    pools: the keys of different ids are independent, so each row of the key
    matrix is a fresh race among `len(weights)` entries.
    """
    size = len(weights)
    ids = pl.select(
        pl.format("{}/{}", pl.int_range(replicates * size) // size, pl.int_range(replicates * size) % size)
    ).to_series()
    tags = lottery.entry_tags(SEED, ids)
    keys = lottery.race_keys(tags, np.tile(np.array(weights), replicates)).reshape(replicates, size)
    chosen = np.argsort(keys, axis=1)[:, :winners]
    counts = np.bincount(chosen.reshape(-1), minlength=size)
    shares: np.ndarray = counts / replicates
    return shares


def test_h1b_two_person_draw_gives_the_level_iv_beneficiary_four_fifths() -> None:
    n = 400_000
    shares = _replicate_shares([4.0, 1.0], 1, n)
    assert abs(shares[0] - 0.8) <= binomial_tolerance(0.8, n) <= 0.005
    assert abs(shares[1] - 0.2) <= binomial_tolerance(0.2, n)


def test_h1b_three_person_draw_matches_successive_sampling() -> None:
    n = 400_000
    p_x = 4 / 6 + 2 * (1 / 6 * 4 / 5)
    p_y = (2.0 - p_x) / 2
    shares = _replicate_shares([4.0, 1.0, 1.0], 2, n)
    assert p_x == pytest.approx(0.9333, abs=1e-4)
    assert abs(shares[0] - p_x) <= binomial_tolerance(p_x, n) <= 0.005
    assert abs(shares[1] - p_y) <= binomial_tolerance(p_y, n) <= 0.005
    assert abs(shares[2] - p_y) <= binomial_tolerance(p_y, n)


def test_first_winner_share_follows_weights_across_seeds() -> None:
    ids = pl.Series([f"e{i}" for i in range(10)])
    weights = np.array([1.0, 1, 1, 1, 1, 2, 2, 3, 3, 5])
    runs = 1500
    firsts = [
        int(lottery.draw(hashlib.sha256(b"seed %d" % run).digest(), ids, 1, weights).winners[0])
        for run in range(runs)
    ]
    counts = np.bincount(firsts, minlength=10)
    heavy = counts[9] / runs
    light = counts[:5].sum() / runs
    assert abs(heavy - 5 / 20) <= binomial_tolerance(5 / 20, runs)
    assert abs(light - 5 / 20) <= binomial_tolerance(5 / 20, runs)


def test_the_published_test_vectors() -> None:
    """The numbers printed in docs/lottery.md."""
    seed = bytes(range(32))
    assert lottery.commitment(seed) == ("55b76a35272732652c2cd43dc797d11915062dccfbe71a8879a1cb1a7867a8fd")
    assert lottery.tag_key(seed).hex() == "95c1f0c55cea86f3df8b8b9b350306ac"
    entries = [
        ("A-0001", 1.0),
        ("A-0002", 2.0),
        ("A-0003", 3.0),
        ("A-0004", 4.0),
        ("B-0001", 1.0),
        ("B-0002", 0.0),
        ("C-0001", 2.5),
        ("Ωμέγα-9", 1.0),
        ("x", 1.0),
        ("registration-000000000042", 4.0),
    ]
    ids = pl.Series([entry_id for entry_id, _ in entries])
    result = lottery.draw(seed, ids, 4, np.array([weight for _, weight in entries]))
    assert f"{int(result.tags[0]):016x}" == "406e5a34d2c95819"
    assert f"{int(result.tags[7]):016x}" == "cade492837ff357f"
    assert float(result.keys[1]).hex() == "0x1.7c6f34b52729dp-5"
    assert ids.gather(result.winners).to_list() == ["A-0002", "A-0004", "Ωμέγα-9", "A-0003"]
    edges = lottery.exponential_variates(np.array([0, 2**64 - 1, 2**63, 0x0123456789ABCDEF], dtype=np.uint64))
    assert [float(v).hex() for v in edges] == [
        "0x1.25e4f7b2737fap+5",
        "0x1.0000000000000p-53",
        "0x1.62e42fefa39edp-1",
        "0x1.5aa16394d4834p+2",
    ]


@pytest.mark.parametrize("weight", [-1.0, float("nan"), float("inf"), 1e-310])
def test_draw_refuses_weights_that_would_drop_an_entry_silently(weight: float) -> None:
    with pytest.raises(ValueError, match="weight"):
        lottery.draw(SEED, pl.Series(["a", "b"]), 1, np.array([1.0, weight]))


def test_a_draw_split_into_many_slices_equals_the_published_algorithm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "TASK_ROWS", 97)
    entries = [(f"E{i:05d}" if i % 7 else f"entry-with-a-long-id-{i}", float(1 + i % 4)) for i in range(1500)]
    ids = pl.Series([entry_id for entry_id, _ in entries])
    weights = np.array([weight for _, weight in entries])
    result = lottery.draw(SEED, ids, 40, weights)
    assert ids.gather(result.winners).to_list() == audit.draw(SEED, entries, 40)
