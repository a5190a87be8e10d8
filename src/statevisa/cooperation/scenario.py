"""Capacity scenarios: what changes in the law, the agreements, the officers and the assumptions.

A scenario is written as changes to the rule table, never as a regime label: rules removed,
re-dated, added (in the law files' own format), leads taken as confirmed, or one state's rules
adopted by others. The model then reads the decisions the changed law gives (`cooperation.decide`).
Every problem in the file is reported at once, at its line and column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statevisa.cooperation.assumptions import RANGED
from statevisa.cooperation.load import parse_rules
from statevisa.cooperation.model import Law, Rule
from statevisa.cooperation.vocabulary import FEDERAL, RuleStatus
from statevisa.rules.load_parameters import parse_date
from statevisa.rules.source import Document, Problems, key_text

FILE_KEYS = ("title", "parameters", "sweep", "scenarios")
SCENARIO_KEYS = (
    "name",
    "on",
    "include",
    "redate",
    "remove",
    "adopt",
    "add",
    "agreements",
    "officers",
    "parameters",
)
GROUPS = ("all", "restrictive", "mandating")
MAX_DRAWS = 100_000
MAX_OFFICERS = 1_000_000
MULTIPLIERS = ("task_force_productivity",)
"""Parameters that are multipliers (0 to 10); every other one is a share or a probability (0 to 1)."""

Group = str | tuple[str, ...]
"""A group name (all, restrictive, mandating) or a list of state FIPS codes."""


@dataclass(frozen=True)
class Adopt:
    """Every state of `to` takes `source`'s CONFIRMED rules in place of its own."""

    source: str
    to: Group


@dataclass(frozen=True)
class Agreements:
    """In the states of `where`, a share `coverage` of county sheriffs hold a `model` agreement."""

    where: Group
    model: str
    coverage: float


@dataclass(frozen=True)
class Scenario:
    """One set of changes, compared with the baseline."""

    name: str
    on: dt.date | None = None
    include: tuple[str, ...] = ()
    redate: Mapping[str, tuple[dt.date | None, dt.date | None]] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    adopt: tuple[Adopt, ...] = ()
    add: tuple[Rule, ...] = ()
    agreements: tuple[Agreements, ...] = ()
    officers: int | None = None
    parameters: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioFile:
    title: str
    scenarios: tuple[Scenario, ...]
    parameters: Mapping[str, float]
    draws: int
    seed: int


def parse_scenarios(doc: Document, law: Law) -> ScenarioFile:
    """Read a scenario file against `law` (rule ids must exist; added rules are checked as law)."""
    problems = Problems()
    root = doc.root
    _unknown(doc, root, FILE_KEYS, "scenario file", problems)
    parameters = _parameters(doc, root, problems)
    draws, seed = _sweep(doc, root, problems)
    raw = root.get("scenarios")
    scenarios: list[Scenario] = []
    if not isinstance(raw, CommentedSeq) or not raw:
        problems.add(doc.start(), "scenarios: a list of scenarios, each with a name")
    else:
        for index, body in enumerate(raw):
            if not isinstance(body, CommentedMap):
                problems.add(doc.item_span(raw, index), "a scenario must be a mapping with a name")
                continue
            scenarios.append(_scenario(doc, body, law, problems))
    names = [scenario.name for scenario in scenarios]
    for name in {n for n in names if names.count(n) > 1}:
        problems.add(doc.start(), f"scenario '{name}' is named twice")
    problems.raise_if_any()
    return ScenarioFile(str(root.get("title", "")), tuple(scenarios), parameters, draws, seed)


def _unknown(
    doc: Document, body: CommentedMap, allowed: tuple[str, ...], what: str, problems: Problems
) -> None:
    for key in body:
        if key_text(key) not in allowed:
            problems.add(
                doc.key_span(body, key), f"{what}: unknown key '{key}' (allowed: {', '.join(allowed)})"
            )


def _parameters(doc: Document, body: CommentedMap, problems: Problems) -> dict[str, float]:
    raw = body.get("parameters")
    if raw is None:
        return {}
    if not isinstance(raw, CommentedMap):
        problems.add(doc.value_span(body, "parameters"), "parameters: a mapping of name: value")
        return {}
    found = {}
    for key, value in raw.items():
        name, span = key_text(key), doc.key_span(raw, key)
        top = 10.0 if name in MULTIPLIERS else 1.0
        if name not in RANGED:
            problems.add(span, f"parameter '{name}': unknown (parameters: {', '.join(RANGED)})")
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= top:
            problems.add(span, f"parameter '{name}': must be a number from 0 to {top:g}, got {value!r}")
        else:
            found[name] = float(value)
    return found


def _sweep(doc: Document, body: CommentedMap, problems: Problems) -> tuple[int, int]:
    raw = body.get("sweep") or CommentedMap()
    if not isinstance(raw, CommentedMap):
        problems.add(doc.value_span(body, "sweep"), "sweep: {draws: N, seed: S}")
        return 1_000, 1
    _unknown(doc, raw, ("draws", "seed"), "sweep", problems)
    draws, seed = raw.get("draws", 1_000), raw.get("seed", 1)
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= MAX_DRAWS:
        problems.add(
            doc.value_span(raw, "draws"), f"sweep: draws must be a whole number from 1 to {MAX_DRAWS:,}"
        )
        draws = 1
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        problems.add(doc.value_span(raw, "seed"), "sweep: seed must be a whole number from 0 to 2**63 - 1")
        seed = 1
    return draws, seed


def _scenario(doc: Document, body: CommentedMap, law: Law, problems: Problems) -> Scenario:
    _unknown(doc, body, SCENARIO_KEYS, "scenario", problems)
    name = str(body.get("name", "")).strip()
    if not name:
        problems.add(doc.key_span(body, next(iter(body), "name")), "scenario: needs a name")
    on = None
    if body.get("on") is not None:
        on = parse_date(body["on"])
        if on is None:
            problems.add(doc.value_span(body, "on"), f"scenario '{name}': on is not an ISO date (YYYY-MM-DD)")
    officers = body.get("officers")
    if officers is not None and (
        isinstance(officers, bool) or not isinstance(officers, int) or not 0 <= officers <= MAX_OFFICERS
    ):
        problems.add(
            doc.value_span(body, "officers"), f"scenario '{name}': officers must be 0 to {MAX_OFFICERS:,}"
        )
        officers = None
    return Scenario(
        name=name,
        on=on,
        include=_ids(doc, body, "include", law, problems, leads=True),
        redate=_redate(doc, body, law, problems),
        remove=_ids(doc, body, "remove", law, problems),
        adopt=_adopt(doc, body, law, problems),
        add=_add(doc, body, law, problems),
        agreements=_agreements(doc, body, law, problems),
        officers=officers,
        parameters=_parameters(doc, body, problems),
    )


def _ids(
    doc: Document, body: CommentedMap, key: str, law: Law, problems: Problems, leads: bool = False
) -> tuple[str, ...]:
    raw = body.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, CommentedSeq):
        problems.add(doc.value_span(body, key), f"{key}: a list of rule ids")
        return ()
    found = []
    for index, item in enumerate(raw):
        rule = law.rule(str(item))
        if rule is None:
            problems.add(doc.item_span(raw, index), f"{key}: no rule '{item}' in the law")
        elif leads and rule.confirmed:
            problems.add(doc.item_span(raw, index), f"{key}: '{item}' is already CONFIRMED")
        else:
            found.append(rule.id)
    return tuple(found)


def _redate(
    doc: Document, body: CommentedMap, law: Law, problems: Problems
) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    raw = body.get("redate") or CommentedMap()
    found: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    if not isinstance(raw, CommentedMap):
        problems.add(doc.value_span(body, "redate"), "redate: RULE_ID: {effective_from, effective_to}")
        return found
    for key, value in raw.items():
        span = doc.key_span(raw, key)
        if law.rule(key_text(key)) is None:
            problems.add(span, f"redate: no rule '{key}' in the law")
            continue
        if not isinstance(value, CommentedMap) or not set(map(key_text, value)) <= {
            "effective_from",
            "effective_to",
        }:
            problems.add(span, f"redate '{key}': {{effective_from: DATE, effective_to: DATE}}")
            continue
        dates = [
            parse_date(value[k]) if value.get(k) is not None else None
            for k in ("effective_from", "effective_to")
        ]
        if any(
            value.get(k) is not None and d is None
            for k, d in zip(("effective_from", "effective_to"), dates, strict=True)
        ):
            problems.add(span, f"redate '{key}': dates are ISO dates (YYYY-MM-DD)")
            continue
        found[key_text(key)] = (dates[0], dates[1])
    return found


def _group(
    doc: Document, body: CommentedMap, key: str, law: Law, problems: Problems, what: str
) -> Group | None:
    raw = body.get(key)
    if isinstance(raw, str) and raw in GROUPS:
        return raw
    if isinstance(raw, CommentedSeq) and raw and all(str(item) in law.jurisdictions for item in raw):
        return tuple(str(item) for item in raw)
    problems.add(
        doc.value_span(body, key) if key in body else doc.key_span(body, next(iter(body))),
        f"{what}: {key} is one of {', '.join(GROUPS)} or a list of state FIPS codes",
    )
    return None


def _adopt(doc: Document, body: CommentedMap, law: Law, problems: Problems) -> tuple[Adopt, ...]:
    raw = body.get("adopt")
    if raw is None:
        return ()
    if not isinstance(raw, CommentedMap) or set(map(key_text, raw)) != {"from", "to"}:
        problems.add(doc.value_span(body, "adopt"), "adopt: {from: FIPS, to: GROUP or [FIPS, ...]}")
        return ()
    source = str(raw["from"])
    if source not in law.jurisdictions or not any(rule.confirmed for rule in law.of(source)):
        problems.add(doc.value_span(raw, "from"), f"adopt: from '{source}' is no state with CONFIRMED rules")
        return ()
    to = _group(doc, raw, "to", law, problems, "adopt")
    return (Adopt(source, to),) if to is not None else ()


def _add(doc: Document, body: CommentedMap, law: Law, problems: Problems) -> tuple[Rule, ...]:
    raw = body.get("add")
    if raw is None:
        return ()
    if not isinstance(raw, CommentedMap):
        problems.add(doc.value_span(body, "add"), "add: FIPS: {RULE_ID: rule, ...} (the law files' format)")
        return ()
    found: list[Rule] = []
    for key, rules in raw.items():
        fips = key_text(key)
        place = law.jurisdictions.get(fips)
        if place is None or not isinstance(rules, CommentedMap):
            problems.add(
                doc.key_span(raw, key), f"add: '{fips}' is no state FIPS code with a mapping of rules"
            )
            continue
        for rule in parse_rules(doc, rules, fips, place.usps, problems):
            if law.rule(rule.id) is not None:
                problems.add(
                    rule.span, f"add: rule '{rule.id}' is already in the law (remove it or use another id)"
                )
            found.append(rule)
    return tuple(found)


def _agreements(doc: Document, body: CommentedMap, law: Law, problems: Problems) -> tuple[Agreements, ...]:
    raw = body.get("agreements")
    if raw is None:
        return ()
    if not isinstance(raw, CommentedSeq):
        problems.add(doc.value_span(body, "agreements"), "agreements: a list of {where, model, coverage}")
        return ()
    found = []
    for index, item in enumerate(raw):
        if not isinstance(item, CommentedMap) or set(map(key_text, item)) != {"where", "model", "coverage"}:
            problems.add(doc.item_span(raw, index), "agreements: each is {where, model, coverage}")
            continue
        where = _group(doc, item, "where", law, problems, "agreements")
        model, coverage = str(item["model"]), item["coverage"]
        if model not in ("jail", "task_force"):
            problems.add(doc.value_span(item, "model"), "agreements: model is jail or task_force")
        elif isinstance(coverage, bool) or not isinstance(coverage, int | float) or not 0 <= coverage <= 1:
            problems.add(doc.value_span(item, "coverage"), "agreements: coverage is a share from 0 to 1")
        elif where is not None:
            found.append(Agreements(where, model, float(coverage)))
    return tuple(found)


def scenario_law(law: Law, scenario: Scenario, adopt_to: Mapping[int, tuple[str, ...]]) -> Law:
    """The law a scenario describes: leads taken as confirmed, rules re-dated, removed, adopted and
    added, in that order. `adopt_to` gives the states each `adopt` (by position) reaches."""
    rules = list(law.rules)
    include, redate = set(scenario.include), scenario.redate
    for position, rule in enumerate(rules):
        if rule.id in include:
            rule = dataclasses.replace(rule, status=RuleStatus.CONFIRMED)
        if rule.id in redate:
            start, end = redate[rule.id]
            rule = dataclasses.replace(
                rule, effective_from=start or rule.effective_from, effective_to=end or rule.effective_to
            )
        rules[position] = rule
    removed = set(scenario.remove)
    rules = [rule for rule in rules if rule.id not in removed]
    for index, adopt in enumerate(scenario.adopt):
        targets = set(adopt_to[index]) - {adopt.source, FEDERAL}
        source = [rule for rule in rules if rule.jurisdiction == adopt.source and rule.confirmed]
        rules = [rule for rule in rules if rule.jurisdiction not in targets]
        for target in sorted(targets):
            rules.extend(_adopted(rule, target, law.jurisdictions[target].usps) for rule in source)
    rules.extend(scenario.add)
    return law.replace(rules, f"scenario '{scenario.name}'")


def _adopted(rule: Rule, target: str, usps: str) -> Rule:
    """`rule` as the law of `target`: ``TX-honor_detainer-1`` becomes ``CA-honor_detainer-91``."""
    number = rule.id.rsplit("-", 1)[1]
    return dataclasses.replace(
        rule,
        id=f"{usps}-{rule.action.base}-9{number}",
        jurisdiction=target,
        state=usps,
        citation=f"{rule.citation} (adopted from {rule.state} in the scenario)",
    )
