"""Cooperation law as values: a dated, cited rule, and the law set the gate decides from.

A `Law` is immutable: a scenario that changes the law (the capacity model) builds a new one
with `replace`, so the shipped law a request gate reads can never be altered by a caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from statevisa.cooperation.vocabulary import FEDERAL, Action, RuleStatus, Verdict
from statevisa.rules import ast
from statevisa.rules.model import Span


@dataclass(frozen=True)
class Rule:
    """One rule of one jurisdiction: an action, a decision when its condition holds, its dates."""

    id: str
    version: int
    jurisdiction: str
    """2-digit state FIPS, or ``US`` for the federal frame."""
    state: str
    """USPS code (``US`` for the federal frame): readability only."""
    action: Action
    decision: Verdict
    priority: int
    condition: str
    node: ast.Node
    effective_from: dt.date
    effective_to: dt.date | None
    """The first day it no longer applies (exclusive); None while in force."""
    date_precision: str
    citation: str
    url: str | None
    status: RuleStatus
    source_tag: str
    summary: str
    note: str | None
    span: Span
    """Where the rule is written (its id's position in its law file)."""

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    @property
    def confirmed(self) -> bool:
        return self.status is RuleStatus.CONFIRMED

    def period(self) -> str:
        """``2018-01-04 →`` or ``2024-12-01 → 2025-10-01`` (the end exclusive)."""
        end = f" {self.effective_to.isoformat()}" if self.effective_to else ""
        return f"{self.effective_from.isoformat()} →{end}"


@dataclass(frozen=True)
class Jurisdiction:
    """A valid jurisdiction: a state, DC or a territory."""

    fips: str
    usps: str
    name: str


@dataclass(frozen=True)
class Law:
    """Every rule of every jurisdiction, and the jurisdictions a request may name.

    `source` and `sha256` identify the rule set a decision used: the law tree's folder and a
    digest over its files, so an audit record can say exactly which law decided.
    """

    rules: tuple[Rule, ...]
    jurisdictions: Mapping[str, Jurisdiction]
    source: str
    sha256: str
    _by_place: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Rule]] = {}
        for rule in self.rules:
            grouped.setdefault(rule.jurisdiction, []).append(rule)
        object.__setattr__(self, "_by_place", {key: tuple(value) for key, value in grouped.items()})

    def of(self, jurisdiction: str) -> tuple[Rule, ...]:
        """The rules written for one jurisdiction (``US``: the federal frame)."""
        return self._by_place.get(jurisdiction, ())

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def replace(self, rules: Iterable[Rule], label: str) -> Law:
        """A new law set with `rules` in place of these (a scenario's law), named by `label`."""
        kept = tuple(rules)
        digest = hashlib.sha256(self.sha256.encode() + label.encode()).hexdigest()
        return Law(kept, self.jurisdictions, f"{self.source} + {label}", digest)

    @property
    def federal(self) -> tuple[Rule, ...]:
        return self.of(FEDERAL)
