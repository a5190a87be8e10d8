"""The compiled kernels against the NumPy and plain-Python transcriptions, bit for bit."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from statevisa.selection import audit, compiled, lottery, parallel, siphash

KEY = bytes(range(16))


def test_race_keys_equal_the_numpy_sequence_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "TASK_ROWS", 4099)
    rng = np.random.default_rng(11)
    tags = rng.integers(0, 2**64, size=50_000, dtype=np.uint64)
    tags[:6] = [0, 2**64 - 1, 2**63, 1 << 12, 4095, 0x0123456789ABCDEF]
    weights = rng.choice(np.array([0.0, 0.5, 1.0, 3.0, 1e-300, 1e6, 7.25]), size=len(tags))
    expected = lottery._exponential_chunk(tags)
    assert np.array_equal(lottery.race_keys(tags, None).view(np.uint64), expected.view(np.uint64))
    with np.errstate(divide="ignore"):
        weighted = expected / weights
    weighted[weights == 0] = np.inf
    assert np.array_equal(lottery.race_keys(tags, weights).view(np.uint64), weighted.view(np.uint64))


def test_race_keys_take_integer_and_strided_weights() -> None:
    tags = np.arange(10, dtype=np.uint64) << np.uint64(40)
    weights = np.arange(20, dtype=np.int64)[::2]
    expected = lottery.race_keys(tags, weights.astype(np.float64))
    assert np.array_equal(lottery.race_keys(tags, weights.astype(np.float64)), expected)
    with pytest.raises(ValueError, match="one weight per entry"):
        lottery.race_keys(tags, np.ones(3))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 100, 5_000, 70_000])
def test_a_repeated_tag_is_found_wherever_it_is(size: int) -> None:
    tags = np.random.default_rng(size).integers(0, 2**64, size=size, dtype=np.uint64)
    assert not compiled.has_repeats(tags)
    if size:
        for at in {0, size // 2, size - 1}:
            assert compiled.has_repeats(np.insert(tags, (7 * at) % (size + 1), tags[at]))


def test_zero_and_extreme_tags_are_values_like_any_other() -> None:
    def repeats(values: list[int]) -> bool:
        return compiled.has_repeats(np.array(values, dtype=np.uint64))

    assert not repeats([0, 2**64 - 1, 1, 2**63])
    assert repeats([0, 5, 0])
    assert repeats([2**64 - 1, 3, 2**64 - 1])
    spread = [0] + [(k << 50) | 7 for k in range(9000)]
    assert not repeats(spread)
    assert repeats([*spread, 8999 << 50 | 7])


def test_inline_and_long_ids_hash_as_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "TASK_ROWS", 5)
    ids = ["", "a", "abcdefg", "abcdefgh", "abcdefghijkl", "abcdefghijklm", "é" * 6, "x" * 40, "日本"]
    for column in (pl.Series(ids), pl.Series(ids[:7]), pl.Series(ids).slice(3, 5)):
        got = siphash.siphash24_strings(KEY, column).tolist()
        assert got == [audit.siphash24(KEY, value.encode()) for value in column.to_list()]


def test_warming_up_loads_every_kernel() -> None:
    compiled.warm()
    lottery.load_kernels().join()


@pytest.mark.parametrize(
    ("ids", "plain"),
    [
        (["a", "bc", "abcdefghijkl"], True),
        (["a", " b"], False),
        (["a", "b\t"], False),
        (["a", ""], False),
        (["a", None], False),
        (["a", "abcdefghijklm"], False),
        (["a", "é"], False),
        ([], False),
    ],
)
def test_plain_ids_need_no_trimming_and_none_is_empty(ids: list[str | None], plain: bool) -> None:
    assert siphash.plain_ids(pl.Series(ids, dtype=pl.String)) is plain


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        (["1", "4", "007", "0", "999999999999"], [1.0, 4.0, 7.0, 0.0, 999999999999.0]),
        (["1", "2.5"], None),
        (["1", "+2"], None),
        (["1", ""], None),
        (["1", None], None),
        (["1", "1e3"], None),
        (["1", "9999999999999"], None),
        (["1", " 2"], None),
    ],
)
def test_weights_written_as_digits_are_read_as_a_float_parse_reads_them(
    text: list[str | None], numbers: list[float] | None
) -> None:
    got = siphash.view_digits(pl.Series(text, dtype=pl.String))
    assert (got if got is None else got.tolist()) == numbers
    if numbers is not None:
        assert numbers == pl.Series(text).cast(pl.Float64).to_list()


@pytest.mark.parametrize("slots", [0, 1, 7, 100, 999, 1000, 5000])
def test_the_cut_off_search_orders_as_the_full_sort(slots: int) -> None:
    rng = np.random.default_rng(slots)
    keys = rng.choice(np.array([0.0, 0.25, 0.5, 1.0, 1.0 + 2**-52, 3.0, 1e-300, 1e300, np.inf]), size=1000)
    keys[::3] = rng.exponential(size=len(keys[::3]))
    tags = rng.integers(0, 4, size=len(keys), dtype=np.uint64)
    ids = pl.Series([f"e{i}" for i in range(len(keys))])
    everyone = np.ones(len(keys), dtype=np.bool_)  # an explicit `eligible` takes the sorting path
    expected = lottery.order_by_key(keys, tags, ids, slots, everyone)
    assert np.array_equal(lottery.order_by_key(keys, tags, ids, slots), expected)
    found = compiled.smallest(keys, slots)
    assert found is not None and bool((np.diff(found) > 0).all())
    assert len(found) >= min(slots, int(np.isfinite(keys).sum()))


@pytest.mark.parametrize("bad", [-1.0, -0.0, np.nan])
def test_the_cut_off_search_leaves_negative_and_nan_keys_to_the_sort(bad: float) -> None:
    keys = np.array([0.5, bad, 0.25])
    assert compiled.smallest(keys, 1) is None
    ids = pl.Series(["a", "b", "c"])
    tags = np.zeros(3, dtype=np.uint64)
    assert (
        lottery.order_by_key(keys, tags, ids, 1).tolist()
        == lottery.order_by_key(keys, tags, ids, 1, np.ones(3, dtype=np.bool_)).tolist()
    )


def test_keys_written_over_the_weights_equal_keys_in_a_new_array() -> None:
    tags = np.random.default_rng(5).integers(0, 2**64, size=1000, dtype=np.uint64)
    weights = np.tile(np.array([0.0, 1.0, 2.5, 4.0]), 250)
    expected = lottery.race_keys(tags, weights)
    assert weights[1] == 1.0  # untouched without in_place
    reused = lottery.race_keys(tags, weights, in_place=True)
    assert reused is weights and np.array_equal(reused, expected)
    frozen = np.tile(np.array([1.0, 2.0]), 500)
    frozen.flags.writeable = False
    assert lottery.race_keys(tags, frozen, in_place=True) is not frozen
    ids = pl.Series([f"e{i}" for i in range(1000)])
    fresh = np.tile(np.array([0.0, 1.0, 2.5, 4.0]), 250)
    assert np.array_equal(
        lottery.draw(b"s" * 16, ids, 10, fresh.copy()).winners,
        lottery.draw(b"s" * 16, ids, 10, fresh, reuse_weights=True).winners,
    )
