"""Policy YAML is read into plain Python values, with its positions kept for messages."""

from __future__ import annotations

from statevisa.rules.source import parse_yaml


def test_numbers_are_plain_int_and_float_whatever_their_spelling() -> None:
    root = parse_yaml("a: 0\nb: 00\nc: 1_000\nd: 0x10\ne: 1.10\nf: .inf\n", "p.yaml").root
    assert {key: (type(value), value) for key, value in root.items()} == {
        "a": (int, 0),
        "b": (int, 0),
        "c": (int, 1000),
        "d": (int, 16),
        "e": (float, 1.1),
        "f": (float, float("inf")),
    }
