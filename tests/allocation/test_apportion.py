"""Apportionment methods: published results, textbook examples, exact ties and properties."""

from __future__ import annotations

import heapq
import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from statevisa.allocation import divisor as divisor_module
from statevisa.allocation.apportion import (
    DIVISOR_METHODS,
    METHODS,
    Method,
    apportion,
    quotas,
    with_floor,
)

DATA = Path(__file__).parent / "data"
DIVISORS: list[Method] = ["huntington-hill", "webster", "jefferson", "adams"]
assert set(DIVISORS) == DIVISOR_METHODS


def w(*values: float) -> NDArray[np.float64]:
    return np.array(values, dtype=np.float64)


def house(year: int) -> pl.DataFrame:
    return pl.read_csv(DATA / f"apportionment_{year}.csv", schema_overrides={"fips": pl.String})


# ---------------------------------------------------------------- an exact oracle


def reference(weights: list[int], total: int, method: Method, minimum: int) -> list[int]:
    """Seat-by-seat priority queue in exact rationals, with the documented tie-break."""
    alloc = [minimum] * len(weights)

    def key(i: int) -> tuple[int, Fraction, int, int]:
        a, wi = alloc[i], weights[i]
        if method == "hamilton":
            raise AssertionError("not a divisor method")
        if method in {"huntington-hill", "adams"} and a == 0:
            return (0, Fraction(0), -wi, i)
        d2 = {
            "huntington-hill": Fraction(a * (a + 1)),
            "webster": Fraction(2 * a + 1, 2) ** 2,
            "jefferson": Fraction(a + 1) ** 2,
            "adams": Fraction(a) ** 2,
        }[method]
        return (1, -Fraction(wi * wi) / d2, -wi, i)

    heap = [key(i) for i, wi in enumerate(weights) if wi > 0]
    heapq.heapify(heap)
    for _ in range(total - minimum * len(weights)):
        i = heapq.heappop(heap)[-1]
        alloc[i] += 1
        heapq.heappush(heap, key(i))
    return alloc


def hamilton_reference(weights: list[int], total: int) -> list[int]:
    den = sum(weights)
    parts = [divmod(x * total, den) for x in weights]
    alloc = [q for q, _ in parts]
    order = sorted(range(len(weights)), key=lambda i: (-parts[i][1], -weights[i], i))
    for i in order[: total - sum(alloc)]:
        alloc[i] += 1
    return alloc


# ---------------------------------------------------------------- published results


@pytest.mark.parametrize("year", [2020, 2010])
def test_huntington_hill_reproduces_the_house_apportionment(year: int) -> None:
    table = house(year)
    seats = apportion(
        table["apportionment_population"].to_numpy().astype(np.float64),
        435,
        "huntington-hill",
        minimum=1,
    )
    mismatched = table.filter(pl.Series(seats) != table["representatives"])
    assert mismatched.is_empty(), mismatched


def test_new_york_needed_89_more_people_for_the_435th_seat() -> None:
    table = house(2020)
    pop = table["apportionment_population"].to_numpy().astype(np.float64)
    ny, mn = table["state"].to_list().index("NY"), table["state"].to_list().index("MN")
    for extra, ny_seats, mn_seats in [(0, 26, 8), (88, 26, 8), (89, 27, 7)]:
        bumped = pop.copy()
        bumped[ny] += extra
        seats = apportion(bumped, 435, "huntington-hill", minimum=1)
        assert (seats[ny], seats[mn]) == (ny_seats, mn_seats), extra


# ---------------------------------------------------------------- textbook examples


@pytest.mark.parametrize(
    ("weights", "total", "method", "expected"),
    [
        # wahlrecht.de/verfahren/dhondt123.html and stlague12.html (via polettif/proporz tests)
        ((4160, 3380, 2460), 10, "jefferson", (4, 4, 2)),
        ((4160, 3380, 2460), 10, "webster", (4, 3, 3)),
        # de.wikipedia.org/wiki/Adams-Verfahren
        ((450, 350, 199, 1), 50, "adams", (22, 17, 10, 1)),
        ((450, 350, 199, 1), 50, "huntington-hill", (22, 17, 10, 1)),
        # en.wikipedia.org/wiki/D'Hondt_method#Example: 230,000 voters, 8 seats
        ((100_000, 80_000, 30_000, 20_000), 8, "jefferson", (4, 3, 1, 0)),
        # wahlrecht.de/verfahren/anschaulich: one vote split, four methods
        ((43, 33, 12, 8, 4), 10, "adams", (4, 3, 1, 1, 1)),
        ((43, 33, 12, 8, 4), 10, "huntington-hill", (4, 3, 1, 1, 1)),
        ((43, 33, 12, 8, 4), 10, "webster", (5, 3, 1, 1, 0)),
        ((43, 33, 12, 8, 4), 10, "jefferson", (5, 4, 1, 0, 0)),
        # Heartland's cap: 10 over 5/5/3 and 50,000 over 60,000/30,000/10,000 by Hamilton
        ((5, 5, 3), 10, "hamilton", (4, 4, 2)),
        ((60_000, 30_000, 10_000), 50_000, "hamilton", (30_000, 15_000, 5_000)),
        ((1, 1), 1, "hamilton", (1, 0)),
        # Heartland's quarters get equal weight, leftovers to the earlier quarters
        ((1, 1, 1, 1), 10, "equal", (3, 3, 2, 2)),
        ((1, 1, 1, 1), 10, "hamilton", (3, 3, 2, 2)),
    ],
)
def test_textbook_examples(
    weights: tuple[int, ...], total: int, method: Method, expected: tuple[int, ...]
) -> None:
    assert apportion(w(*weights), total, method).tolist() == list(expected)


def test_hamilton_shows_the_alabama_paradox_and_divisor_methods_do_not() -> None:
    # electowiki.org/wiki/Alabama_paradox: C goes from 14 seats to 13 when 323 -> 324.
    votes = w(567, 385, 42, 6)
    assert apportion(votes, 323, "hamilton").tolist() == [183, 124, 14, 2]
    assert apportion(votes, 324, "hamilton").tolist() == [184, 125, 13, 2]
    for method in DIVISORS:
        assert (apportion(votes, 324, method) >= apportion(votes, 323, method)).all()


def test_w_visa_toy_floor_plus_population_share() -> None:
    # docs/programs/w-visa.md rule 7: pool 245,000 over 6M/3M/1M, plus 5,000 each.
    pops = w(6e6, 3e6, 1e6)
    assert apportion(pops, 245_000, "hamilton").tolist() == [147_000, 73_500, 24_500]
    assert with_floor(pops, 260_000, 5_000, "hamilton").tolist() == [152_000, 78_500, 29_500]


# ---------------------------------------------------------------- tie-break and exactness


def test_exact_ties_go_to_the_larger_weight_then_the_earlier_row() -> None:
    assert apportion(w(1, 3), 2, "hamilton").tolist() == [0, 2]  # remainders 0.5, 0.5
    assert apportion(w(2, 1), 2, "jefferson").tolist() == [2, 0]  # 2/2 == 1/1
    assert apportion(w(1, 2), 2, "jefferson").tolist() == [0, 2]
    assert apportion(w(5, 5), 1, "webster").tolist() == [1, 0]
    assert apportion(w(3, 1, 3), 2, "equal").tolist() == [1, 0, 1]


def test_huntington_hill_tie_is_exact_even_where_floats_disagree() -> None:
    # 7/sqrt(2*3) == 70/sqrt(24*25) exactly, but in float64 the first is larger.
    assert 7 / math.sqrt(6) > 70 / math.sqrt(600)
    assert apportion(w(7, 70), 27, "huntington-hill").tolist() == [2, 25]
    assert apportion(w(70, 7), 27, "huntington-hill").tolist() == [25, 2]


def test_first_seats_under_huntington_hill_when_too_few_for_every_unit() -> None:
    assert apportion(w(1, 5, 5, 0), 2, "huntington-hill").tolist() == [0, 1, 1, 0]
    assert apportion(w(1, 5, 5, 0), 3, "adams").tolist() == [1, 1, 1, 0]


def test_zero_weight_gets_only_the_minimum() -> None:
    for method in METHODS:
        if method != "equal":
            assert apportion(w(0, 10, 30), 9, method, minimum=2)[0] == 2


@pytest.mark.parametrize(
    ("weights", "total", "method", "minimum", "words"),
    [
        ((1, -1), 5, "hamilton", 0, "negative"),
        ((0, 0), 5, "webster", 0, "all weights are zero"),
        ((1, float("nan")), 5, "webster", 0, "finite"),
        ((1, float("inf")), 5, "hamilton", 0, "row 1 is not"),
        ((), 5, "webster", 0, "non-empty"),
        ((1, 2), 3, "webster", 2, "less than the minimum"),
        ((1, 2), -1, "webster", 0, "total must be"),
        ((1, 2), 2**63, "hamilton", 0, r"from 0 to 2\*\*63 - 1"),
        ((1, 2), 5, "jefferson", 2**63, r"minimum must be a whole number from 0"),
        ((1, 2), 3, "borda", 0, "unknown method"),
    ],
)
def test_bad_input_raises_a_clear_value_error(
    weights: tuple[float, ...], total: int, method: str, minimum: int, words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        apportion(w(*weights), total, method, minimum)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("weights", "total", "words"),
    [
        (["a", "b"], 5, "weights must be real numbers"),
        ([10**400, 1], 5, "weights must be real numbers"),
        ([[1, 2], [3, 4]], 5, "one-dimensional"),
        ([1, 2], True, "total must be a whole number"),
        ([1, 2], 5.0, "total must be a whole number"),
    ],
)
def test_arguments_of_the_wrong_kind_are_refused(weights: object, total: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        apportion(weights, total, "hamilton")  # type: ignore[arg-type]


def test_numpy_integers_are_whole_numbers_too() -> None:
    assert apportion(w(1, 3), np.int64(8), "webster", np.int32(1)).tolist() == [2, 6]


def test_floor_larger_than_the_total_is_refused() -> None:
    with pytest.raises(ValueError, match="less than the floor"):
        with_floor(w(1, 2, 3), 14, 5, "hamilton")
    with pytest.raises(ValueError, match="total must be a whole number"):
        with_floor(w(1, 2, 3), np.float64(14), 1, "hamilton")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="floor must be a whole number"):
        with_floor(w(1, 2, 3), 14, -1, "hamilton")


# ---------------------------------------------------------------- properties

weight_lists = st.lists(st.integers(0, 60), min_size=1, max_size=12).filter(any)
big_weights = st.lists(st.integers(1, 10**8), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(weight_lists, st.integers(0, 80), st.integers(0, 2), st.sampled_from(DIVISORS))
def test_divisor_methods_match_the_exact_priority_queue(
    weights: list[int], extra: int, minimum: int, method: Method
) -> None:
    total = minimum * len(weights) + extra
    got = apportion(w(*weights), total, method, minimum)
    assert got.tolist() == reference(weights, total, method, minimum)


@settings(max_examples=60, deadline=None)
@given(big_weights, st.integers(0, 3000), st.sampled_from(DIVISORS))
def test_divisor_methods_match_the_oracle_on_large_weights(
    weights: list[int], total: int, method: Method
) -> None:
    assert apportion(w(*weights), total, method).tolist() == reference(weights, total, method, 0)


@settings(max_examples=150, deadline=None)
@given(weight_lists, st.integers(0, 200))
def test_hamilton_matches_exact_largest_remainder_and_stays_within_quota(
    weights: list[int], total: int
) -> None:
    got = apportion(w(*weights), total, "hamilton")
    assert got.tolist() == hamilton_reference(weights, total)
    q = [Fraction(x * total, sum(weights)) for x in weights]
    assert all(math.floor(qi) <= a <= math.ceil(qi) for qi, a in zip(q, got.tolist(), strict=True))


@settings(max_examples=150, deadline=None)
@given(weight_lists, st.integers(0, 80), st.integers(0, 3), st.sampled_from(METHODS))
def test_sum_is_the_total_and_the_minimum_holds(
    weights: list[int], extra: int, minimum: int, method: Method
) -> None:
    total = minimum * len(weights) + extra
    got = apportion(w(*weights), total, method, minimum)
    assert got.dtype == np.int64
    assert int(got.sum()) == total
    assert (got >= minimum).all()


@settings(max_examples=100, deadline=None)
@given(weight_lists, st.integers(0, 80), st.integers(0, 2), st.sampled_from(DIVISORS))
def test_divisor_methods_are_house_monotone(
    weights: list[int], extra: int, minimum: int, method: Method
) -> None:
    total = minimum * len(weights) + extra
    before = apportion(w(*weights), total, method, minimum)
    after = apportion(w(*weights), total + 1, method, minimum)
    assert (after >= before).all()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(1, 10**6), min_size=1, max_size=15, unique=True),
    st.integers(0, 100),
    st.sampled_from(METHODS),
)
def test_permuting_distinct_weights_permutes_the_result(
    weights: list[int], total: int, method: Method
) -> None:
    order = np.random.default_rng(len(weights) + total).permutation(len(weights))
    base = apportion(w(*weights), total, method)
    shuffled = apportion(w(*weights)[order], total, method)
    assert (shuffled == base[order]).all()


@settings(max_examples=80, deadline=None)
@given(weight_lists, st.integers(0, 5), st.integers(0, 60), st.sampled_from(METHODS))
def test_floor_plus_remainder_sums_to_the_total(
    weights: list[int], floor: int, extra: int, method: Method
) -> None:
    total = floor * len(weights) + extra
    got = with_floor(w(*weights), total, floor, method)
    assert int(got.sum()) == total
    assert (got >= floor).all()
    rest = apportion(w(*weights), extra, method)
    assert (got - floor == rest).all()


def test_fractional_weights_are_exact() -> None:
    # 0.1 + 0.2 style weights: Hamilton scales them to exact integers.
    assert apportion(w(0.1, 0.2, 0.3), 6, "hamilton").tolist() == [1, 2, 3]
    assert apportion(w(0.5, 0.25, 0.25), 3, "hamilton").tolist() == [1, 1, 1]


def test_quotas_are_the_proportional_shares() -> None:
    assert quotas(w(1, 3), 8).tolist() == [2.0, 6.0]


def test_divisor_methods_agree_with_the_oracle_on_a_county_sized_input() -> None:
    rng = np.random.default_rng(2024)
    weights = np.round(rng.lognormal(10, 1.4, 600)).astype(np.int64).tolist()
    for method in DIVISORS:
        got = apportion(w(*weights), 3000, method, 0)
        assert got.tolist() == reference(weights, 3000, method, 0)


def test_hamilton_minimum_lifts_small_units_and_reshares_the_rest() -> None:
    assert apportion(w(100, 1, 1), 10, "hamilton", minimum=2).tolist() == [6, 2, 2]


@pytest.mark.parametrize("method", DIVISORS)
def test_fully_tied_counties_go_to_the_earlier_rows(method: Method) -> None:
    got = apportion(np.full(3143, 1000.0), 50_000, method)
    extra = 50_000 - 15 * 3143
    assert got[:extra].tolist() == [16] * extra
    assert got[extra:].tolist() == [15] * (3143 - extra)


# ---------------------------------------------------------------- at the limits
#
# Totals up to 2**63 - 1 and weights anywhere in the float range (subnormal to 1.7e308)
# are too large for the seat-by-seat oracle, so the result is checked against what
# defines each method, in exact rationals: a divisor method's seats are the ones with
# the largest priorities (no refused seat beats a given one; an equal one loses the
# tie-break), Hamilton's are the quota floors plus the largest remainders.


@contextmanager
def finishes(seconds: int = 120) -> Iterator[None]:
    """Turn a hang into a failure (a loop without a bound), not a speed check: the cap is generous."""

    def stop(signum: int, frame: object) -> None:
        pytest.fail(f"did not finish within {seconds} s: a loop without a bound")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def exact(values: list[float]) -> list[int]:
    """The float weights on one common denominator, as exact integers."""
    ratios = [Fraction(v) for v in values]
    den = math.lcm(*(r.denominator for r in ratios))
    return [int(r * den) for r in ratios]


def claim(method: Method, weight: int, held: int) -> tuple[int, Fraction]:
    """(0, 0) for an infinite priority, else (1, -priority squared): smaller is stronger."""
    if method in {"huntington-hill", "adams"} and held == 0:
        return (0, Fraction(0))
    d2 = {
        "huntington-hill": Fraction(held * (held + 1)),
        "webster": Fraction(2 * held + 1, 2) ** 2,
        "jefferson": Fraction(held + 1) ** 2,
        "adams": Fraction(held) ** 2,
    }[method]
    return (1, -Fraction(weight * weight) / d2)


def assert_divisor_cut(weights: list[int], alloc: list[int], method: Method, minimum: int) -> None:
    """Every seat given above the minimum beats every seat refused, ties by larger weight, earlier row."""
    units = [i for i, x in enumerate(weights) if x > 0]
    assert all(alloc[i] == minimum for i, x in enumerate(weights) if x == 0)
    given = [(claim(method, weights[i], alloc[i] - 1), -weights[i], i) for i in units if alloc[i] > minimum]
    refused = [(claim(method, weights[i], alloc[i]), -weights[i], i) for i in units]
    if given:
        assert max(given) < min(refused)


floats = st.floats(min_value=0.0, max_value=1.7e308, allow_subnormal=True)
limit_weights = st.lists(st.one_of(floats, st.sampled_from([5e-324, 1e-300, 1.0, 1e15, 1.7e308])),
                         min_size=1, max_size=8).filter(lambda ws: any(x > 0 for x in ws))  # fmt: skip
limit_totals = st.one_of(st.integers(0, 2**63 - 1), st.sampled_from([2**63 - 1, 10**18, 2**40, 2**40 + 1]))


@settings(max_examples=300, deadline=None)
@given(limit_weights, limit_totals, st.integers(0, 2**63 - 1), st.sampled_from(METHODS))
def test_at_the_limits_sums_are_exact_and_every_call_returns(
    weights: list[float], total: int, minimum: int, method: Method
) -> None:
    least = min(minimum, total // len(weights))
    with finishes():
        got = apportion(w(*weights), total, method, least)
    assert got.dtype == np.int64
    assert sum(int(a) for a in got) == total
    assert (got >= least).all()


@settings(max_examples=200, deadline=None)
@given(limit_weights, limit_totals, st.integers(0, 3), st.sampled_from(DIVISORS))
def test_at_the_limits_divisor_methods_give_the_strongest_seats(
    weights: list[float], total: int, minimum: int, method: Method
) -> None:
    least = min(minimum, total // len(weights))
    with finishes():
        got = apportion(w(*weights), total, method, least).tolist()
    assert_divisor_cut(exact(weights), got, method, least)


@settings(max_examples=200, deadline=None)
@given(limit_weights, limit_totals)
def test_at_the_limits_hamilton_is_exact_largest_remainder(weights: list[float], total: int) -> None:
    with finishes():
        got = apportion(w(*weights), total, "hamilton").tolist()
    assert got == hamilton_reference(exact(weights), total)


def test_huge_totals_that_used_to_hang_or_overflow() -> None:
    weights = w(1, 2, 3)
    with finishes():
        for method in DIVISORS:
            got = apportion(weights, 10**18, method)
            assert sum(int(a) for a in got) == 10**18
            assert_divisor_cut([1, 2, 3], got.tolist(), method, 0)
        assert apportion(weights, 2**63 - 1, "hamilton").tolist() == hamilton_reference([1, 2, 3], 2**63 - 1)
    with pytest.raises(ValueError, match="int64"):
        apportion(weights, 10**19, "hamilton")


@pytest.mark.parametrize("method", DIVISORS)
def test_subnormal_and_huge_weights_side_by_side(method: Method) -> None:
    mixed = [5e-324, 1e-300, 1.0, 1e15, 1.7e308, 1.7e308]
    with finishes():
        got = apportion(w(*mixed), 1_000_000, method, 1).tolist()
        assert_divisor_cut(exact(mixed), got, method, 1)
        tiny = apportion(w(1e15, 1e-300), 1_000_000, method).tolist()
    assert sum(tiny) == 1_000_000
    assert_divisor_cut(exact([1e15, 1e-300]), tiny, method, 0)


def test_quotas_survive_weights_whose_sum_overflows_a_float() -> None:
    assert quotas(w(1.7e308, 1.7e308), 10).tolist() == [5.0, 5.0]


# ---------------------------------------------------------------- the exact path on its own


@contextmanager
def exact_only() -> Iterator[None]:
    """Send every divisor apportionment down the exact integer path (no float fast path)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(divisor_module, "FLOAT_SEATS", -1)
        yield


@settings(max_examples=200, deadline=None)
@given(weight_lists, st.integers(0, 120), st.integers(0, 3), st.sampled_from(DIVISORS))
def test_exact_path_matches_the_priority_queue(
    weights: list[int], extra: int, minimum: int, method: Method
) -> None:
    total = minimum * len(weights) + extra
    with exact_only():
        got = apportion(w(*weights), total, method, minimum)
    assert got.tolist() == reference(weights, total, method, minimum)


def test_exact_path_reproduces_the_house() -> None:
    for year in (2010, 2020):
        table = house(year)
        pops = table["apportionment_population"].to_numpy().astype(np.float64)
        with exact_only():
            seats = apportion(pops, 435, "huntington-hill", minimum=1)
        assert seats.tolist() == table["representatives"].to_list()


def hamilton_minimum_reference(weights: list[int], total: int, minimum: int) -> list[int]:
    """The rule as stated: lift every unit whose quota is below the minimum, re-share, repeat."""
    fixed = {i for i, x in enumerate(weights) if x == 0}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        seats = total - minimum * len(fixed)
        den = sum(weights[i] for i in free)
        low = {i for i in free if Fraction(weights[i] * seats, den) < minimum}
        if not low or len(low) == len(free):
            break
        fixed |= low
    alloc = [minimum] * len(weights)
    for i, share in zip(free, hamilton_reference([weights[i] for i in free], seats), strict=True):
        alloc[i] = share
    return alloc


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any), st.integers(1, 5),
       st.integers(0, 200))  # fmt: skip
def test_hamilton_minimum_matches_the_rule_as_stated(weights: list[int], minimum: int, extra: int) -> None:
    total = minimum * len(weights) + extra
    got = apportion(w(*weights), total, "hamilton", minimum)
    assert got.tolist() == hamilton_minimum_reference(weights, total, minimum)
