"""SipHash-2-4 on arrays: the reference vectors and agreement with a plain transcription."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.selection import parallel, siphash
from statevisa.selection.audit import siphash24 as reference_siphash24

# vectors_sip64 of the reference implementation (https://github.com/veorq/SipHash):
# key 00 01 .. 0f, message 00 01 .. n-1, for n = 0 .. 16.
REFERENCE_TAGS = [
    0x726FDB47DD0E0E31,
    0x74F839C593DC67FD,
    0x0D6C8009D9A94F5A,
    0x85676696D7FB7E2D,
    0xCF2794E0277187B7,
    0x18765564CD99A68D,
    0xCBC9466E58FEE3CE,
    0xAB0200F58B01D137,
    0x93F5F5799A932462,
    0x9E0082DF0BA9E4B0,
    0x7A5DBBC594DDB9F3,
    0xF4B32F46226BADA7,
    0x751E8FBC860EE5FB,
    0x14EA5627C0843D90,
    0xF723CA908E7AF2EE,
    0xA129CA6149BE45E5,
    0x3F2ACC7F57C29BDB,
]
KEY = bytes(range(16))


def _hash_bytes(key: bytes, messages: list[bytes]) -> list[int]:
    offsets = np.zeros(len(messages) + 1, dtype=np.int64)
    np.cumsum([len(m) for m in messages], out=offsets[1:])
    data = np.frombuffer(b"".join(messages), dtype=np.uint8)
    return [int(t) for t in siphash.siphash24(key, offsets, data)]


def test_reference_vectors_of_mixed_lengths_in_one_call() -> None:
    messages = [bytes(range(n)) for n in range(17)]
    assert _hash_bytes(KEY, messages) == REFERENCE_TAGS


def test_plain_transcription_matches_the_reference_vectors() -> None:
    assert [reference_siphash24(KEY, bytes(range(n))) for n in range(17)] == REFERENCE_TAGS


def test_equal_length_rows_that_are_not_contiguous_take_the_gather_path() -> None:
    messages = [b"abcdefgh", b"", b"ijklmnop", b"x", b"qrstuvwx"]
    keep = [0, 2, 4]
    offsets = np.zeros(len(messages) + 1, dtype=np.int64)
    np.cumsum([len(m) for m in messages], out=offsets[1:])
    data = np.frombuffer(b"".join(messages), dtype=np.uint8)
    starts = offsets[keep]
    lengths = np.full(3, 8, dtype=np.int64)
    blocks = siphash._message_blocks(data, starts, lengths, 2)
    assert blocks.shape == (2, 3)
    assert int(blocks[0, 1]) == int.from_bytes(b"ijklmnop", "little")
    assert int(blocks[1, 0]) == 8 << 56


def test_text_columns_hash_their_utf8_bytes() -> None:
    ids = pl.Series(["", "a", "é", "日本語", "x" * 70])
    got = siphash.siphash24_strings(KEY, ids).tolist()
    assert got == [reference_siphash24(KEY, s.encode("utf-8")) for s in ids.to_list()]


def test_a_sliced_column_hashes_the_slice() -> None:
    ids = pl.Series([f"id-{i}" for i in range(10)]).slice(3, 4)
    got = siphash.siphash24_strings(KEY, ids).tolist()
    assert got == [reference_siphash24(KEY, s.encode()) for s in ids.to_list()]


@settings(max_examples=60, deadline=None)
@given(
    key=st.binary(min_size=16, max_size=16),
    messages=st.lists(st.binary(max_size=40), min_size=1, max_size=30),
)
def test_vectorised_equals_one_at_a_time(key: bytes, messages: list[bytes]) -> None:
    assert _hash_bytes(key, messages) == [reference_siphash24(key, m) for m in messages]


def test_chunks_do_not_change_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = pl.Series([f"entry-{i:05d}" for i in range(1000)] + ["longer-id-" * 3, ""])
    whole = siphash.siphash24_strings(KEY, ids)
    monkeypatch.setattr(siphash, "CHUNK_ROWS", 7)
    assert np.array_equal(whole, siphash.siphash24_strings(KEY, ids))


def test_ids_of_up_to_12_bytes_hash_from_their_arrow_views() -> None:
    ids = pl.Series(["x" * n for n in range(13)] + ["é" * 6, "日本語", "a\x00b", "12345678"])
    got = siphash.siphash24_strings(KEY, ids).tolist()
    assert got == [reference_siphash24(KEY, s.encode("utf-8")) for s in ids.to_list()]


def test_many_chunks_of_short_and_long_ids_hashed_on_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "TASK_ROWS", 5)
    monkeypatch.setattr(siphash, "CHUNK_ROWS", 3)
    short = pl.Series([f"s{i}" for i in range(23)])
    long = pl.Series([f"a-much-longer-entry-id-{i}" for i in range(17)])
    ids = pl.concat([short, long, short.slice(4, 11)], rechunk=False)
    assert ids.n_chunks() == 3
    got = siphash.siphash24_strings(KEY, ids).tolist()
    assert got == [reference_siphash24(KEY, s.encode()) for s in ids.to_list()]


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(st.text(max_size=14), min_size=1, max_size=40))
def test_text_columns_equal_one_at_a_time(ids: list[str]) -> None:
    got = siphash.siphash24_strings(KEY, pl.Series(ids, dtype=pl.String)).tolist()
    assert got == [reference_siphash24(KEY, s.encode("utf-8")) for s in ids]


def test_a_missing_id_is_refused() -> None:
    with pytest.raises(ValueError, match="missing values"):
        siphash.siphash24_strings(KEY, pl.Series(["a", None]))


@pytest.mark.parametrize(
    ("ids", "maybe"),
    [
        (["a1", "b22", "c333", ""], False),
        (["a1", "b22 "], True),
        (["a1", "\tb22"], True),
        (["a1", "b22\u00a0"], True),  # Unicode white space: its bytes are not ASCII
        (["a1", "é"], True),  # any multi-byte edge is looked at by trimming itself
        (["a-much-longer-entry-id"], True),  # over 12 bytes: not read from the views
        (["a1", None], True),
    ],
)
def test_whether_a_column_may_need_trimming(ids: list[str | None], maybe: bool) -> None:
    assert siphash.may_need_trim(pl.Series(ids, dtype=pl.String)) is maybe


@settings(max_examples=80, deadline=None)
@given(ids=st.lists(st.text(alphabet=st.sampled_from("ab \t\u00a0\u3000é"), max_size=5), max_size=30))
def test_no_need_to_trim_means_trimming_changes_nothing(ids: list[str]) -> None:
    column = pl.concat(
        [pl.Series(ids[:7], dtype=pl.String), pl.Series(ids[7:], dtype=pl.String)], rechunk=False
    )
    if not siphash.may_need_trim(column):
        assert column.str.strip_chars().to_list() == column.to_list()
