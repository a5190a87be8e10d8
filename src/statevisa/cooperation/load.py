"""Read the law tree (``cooperation/law/``) into a checked `Law`.

The tree mirrors government: ``us/federal/<act>.yaml`` and ``us/states/<FIPS>/<act>.yaml``,
one file per act (statute, directive, order, case), each rule keyed by its stable id, with
YAML case tests in ``tests/`` beside each file. Every problem in every file is collected and
raised once, each at file:line:col and naming the rule id, so a defect in the law cannot
reach a decision. `parse_rules` also reads the rules a capacity scenario adds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from statevisa.cooperation.conditions import compile_condition
from statevisa.cooperation.model import Jurisdiction, Law, Rule
from statevisa.cooperation.vocabulary import (
    DATE_PRECISIONS,
    FEDERAL,
    SOURCE_TAGS,
    TERRITORIES,
    RuleStatus,
    Verdict,
    action_problem,
    as_action,
)
from statevisa.errors import PolicyError
from statevisa.rules.load_parameters import parse_date
from statevisa.rules.model import Span
from statevisa.rules.source import Document, Problems, decode_policy, key_text, parse_yaml

LAW_DIR = Path(__file__).parent / "law"
SHOWN_ROOT = Path(__file__).parents[2]
"""Law files are named from the folder holding the `statevisa` package: statevisa/cooperation/law/..."""
FILE_KEYS = ("jurisdiction", "state", "title", "rules")
RULE_KEYS = (
    "version", "action", "decision", "priority", "condition", "effective_from", "effective_to",
    "date_precision", "citation", "url", "status", "source_tag", "summary", "note",
)  # fmt: skip
REQUIRED_KEYS = tuple(key for key in RULE_KEYS if key not in ("effective_to", "url", "note"))
RULE_ID = re.compile(r"^(?P<state>US|[A-Z]{2})-(?P<action>[a-z0-9_]+)-(?P<n>[0-9]+)$")


def law_files(root: Path = LAW_DIR) -> list[Path]:
    """Every law file under `root` (case tests in ``tests/`` folders excluded), sorted."""
    return sorted(path for path in root.rglob("*.yaml") if path.parent.name != "tests")


def shown(path: Path) -> str:
    """A law file's name in messages: relative to the package's folder when inside it."""
    return str(path.relative_to(SHOWN_ROOT)) if path.is_relative_to(SHOWN_ROOT) else str(path)


@cache
def load_law() -> Law:
    """The shipped law, read and checked once per process."""
    return read_law(LAW_DIR, jurisdictions())


def read_law(root: Path, places: Mapping[str, Jurisdiction]) -> Law:
    """Read and check every law file under `root`; raise every problem found at once."""
    problems = Problems()
    rules: list[Rule] = []
    digest = hashlib.sha256()
    for path in law_files(root):
        data = path.read_bytes()
        digest.update(str(path.relative_to(root)).encode() + b"\0" + data + b"\0")
        try:
            doc = parse_yaml(decode_policy(data, shown(path)), shown(path))
        except PolicyError as error:
            problems.extend(error.problems)
            continue
        rules.extend(parse_law_file(doc, _folder_jurisdiction(path.relative_to(root)), places, problems))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            problems.add(rule.span, f"rule '{rule.id}' is also written at {seen[rule.id].span}")
        seen[rule.id] = rule
    if not any(rule.jurisdiction == FEDERAL for rule in rules) and not problems:
        problems.add(Span(shown(root), 1, 1), "the law has no federal frame (us/federal/*.yaml)")
    problems.raise_if_any()
    return Law(tuple(rules), places, shown(root), digest.hexdigest())


def _folder_jurisdiction(relative: Path) -> str | None:
    """``us/federal/x.yaml`` → US; ``us/states/06/x.yaml`` → 06; anything else → None."""
    parts = relative.parts
    if len(parts) == 3 and parts[:2] == ("us", "federal"):
        return FEDERAL
    if len(parts) == 4 and parts[:2] == ("us", "states"):
        return parts[2]
    return None


def jurisdictions() -> dict[str, Jurisdiction]:
    """The jurisdictions a request may name: the states, DC and the five inhabited territories."""
    from statevisa.reference.codes import states

    frame = states(include_territories=True)
    return {
        str(row["fips"]): Jurisdiction(str(row["fips"]), str(row["usps"]), str(row["name"]))
        for row in frame.iter_rows(named=True)
        if int(row["fips"]) <= 56 or row["fips"] in TERRITORIES
    }


def parse_law_file(
    doc: Document, folder: str | None, places: Mapping[str, Jurisdiction], problems: Problems
) -> list[Rule]:
    """The rules of one law file, whose folder says which jurisdiction it must be."""
    root = doc.root
    for key in root:
        if key_text(key) not in FILE_KEYS:
            problems.add(doc.key_span(root, key), f"unknown key '{key}' (allowed: {', '.join(FILE_KEYS)})")
    jurisdiction, state = str(root.get("jurisdiction", "")), str(root.get("state", ""))
    span = doc.value_span(root, "jurisdiction") if "jurisdiction" in root else doc.start()
    expected = FEDERAL if jurisdiction == FEDERAL else places.get(jurisdiction, None)
    if expected is None:
        problems.add(span, f"jurisdiction '{jurisdiction}' is not US or a state, DC or territory FIPS code")
        return []
    usps = FEDERAL if jurisdiction == FEDERAL else places[jurisdiction].usps
    if state != usps:
        problems.add(doc.value_span(root, "state") if "state" in root else span,
                     f"state '{state}' does not match jurisdiction {jurisdiction} ({usps})")  # fmt: skip
    if folder != jurisdiction:
        where = "us/federal/" if jurisdiction == FEDERAL else f"us/states/{jurisdiction}/"
        problems.add(span, f"a law file of jurisdiction {jurisdiction} belongs in {where}")
    if not isinstance(root.get("title"), str) or not root["title"].strip():
        problems.add(doc.start(), "missing 'title': the act this file encodes")
    body = root.get("rules")
    if not isinstance(body, CommentedMap) or not body:
        problems.add(doc.start(), "missing 'rules': a mapping of rule id to rule")
        return []
    return parse_rules(doc, body, jurisdiction, usps, problems)


def parse_rules(
    doc: Document, body: CommentedMap, jurisdiction: str, usps: str, problems: Problems
) -> list[Rule]:
    """Every rule of a ``rules:`` mapping of one jurisdiction; problems are recorded, not raised."""
    found = []
    for key, raw in body.items():
        rule = _rule(doc, body, key_text(key), raw, jurisdiction, usps, problems)
        if rule is not None:
            found.append(rule)
    return found


def _rule(
    doc: Document,
    body: CommentedMap,
    rule_id: str,
    raw: object,
    jurisdiction: str,
    usps: str,
    problems: Problems,
) -> Rule | None:
    span = doc.key_span(body, rule_id)
    what = f"rule '{rule_id}'"
    if not isinstance(raw, CommentedMap):
        problems.add(span, f"{what}: expected a mapping of {', '.join(REQUIRED_KEYS)}")
        return None
    before = len(problems.items)
    for key in raw:
        if key_text(key) not in RULE_KEYS:
            problems.add(
                doc.key_span(raw, key), f"{what}: unknown key '{key}' (allowed: {', '.join(RULE_KEYS)})"
            )
    missing = [key for key in REQUIRED_KEYS if raw.get(key) is None]
    if missing:
        problems.add(span, f"{what}: missing {', '.join(missing)}")
        return None

    def at(key: str) -> Span:
        return doc.value_span(raw, key)

    action_text = str(raw["action"])
    wrong_action = action_problem(action_text, wildcard=True)
    if wrong_action:
        problems.add(at("action"), f"{what}: {wrong_action}")
    else:
        _check_id(rule_id, usps, action_text, span, problems)
    decision = _choice(raw, "decision", [v.value for v in Verdict], what, at, problems)
    status = _choice(raw, "status", [s.value for s in RuleStatus], what, at, problems)
    precision = _choice(raw, "date_precision", list(DATE_PRECISIONS), what, at, problems)
    source_tag = _choice(raw, "source_tag", list(SOURCE_TAGS), what, at, problems)
    version = _whole(raw, "version", 1, what, at, problems)
    priority = _whole(raw, "priority", 0, what, at, problems)
    start, end = _dates(raw, what, at, problems)
    texts = {key: _text(raw, key, what, at, problems) for key in ("citation", "summary", "url", "note")}
    if texts["url"] is not None and not texts["url"].startswith(("https://", "http://")):
        problems.add(at("url"), f"{what}: url must start with https:// or http://")
    condition = str(raw["condition"]) if isinstance(raw["condition"], str | bool) else ""
    condition = key_text(raw["condition"]) if isinstance(raw["condition"], bool) else condition
    node = compile_condition(condition, doc.formula_origin(raw, "condition"), what, problems)
    if priority is not None and decision is not None and status is not None:
        _check_frame(jurisdiction, priority, decision, status, what, span, problems)
    if len(problems.items) > before or node is None:
        return None
    assert decision and status and precision and source_tag and version is not None and priority is not None
    assert start is not None and texts["citation"] and texts["summary"]
    return Rule(
        id=rule_id, version=version, jurisdiction=jurisdiction, state=usps, action=as_action(action_text),
        decision=Verdict(decision), priority=priority, condition=condition, node=node,
        effective_from=start, effective_to=end, date_precision=precision, citation=texts["citation"],
        url=texts["url"], status=RuleStatus(status), source_tag=source_tag, summary=texts["summary"],
        note=texts["note"], span=span,
    )  # fmt: skip


def _check_id(rule_id: str, usps: str, action: str, span: Span, problems: Problems) -> None:
    """Ids read ``<USPS>-<action>-<n>``: the file's state and the rule's own action."""
    match = RULE_ID.match(rule_id)
    base = action.partition(":")[0]
    if match is None:
        problems.add(span, f"rule id '{rule_id}' is not <USPS>-<action>-<n> (e.g. {usps}-{base}-1)")
    elif match["state"] != usps or match["action"] != base:
        problems.add(span, f"rule id '{rule_id}' must start {usps}-{base}- (its state and action)")


def _check_frame(
    jurisdiction: str, priority: int, decision: str, status: str, what: str, span: Span, problems: Problems
) -> None:
    """The federal frame decides only as the fallback: priority 0, permitted, confirmed."""
    if jurisdiction == FEDERAL:
        if priority != 0 or decision != Verdict.PERMITTED or status != RuleStatus.CONFIRMED:
            problems.add(span, f"{what}: a federal-frame rule is priority 0, permitted and CONFIRMED")
    elif priority <= 0:
        problems.add(span, f"{what}: a state rule has priority above 0 (10 base rule, 20 exception)")


def _choice(
    raw: CommentedMap, key: str, allowed: list[str], what: str, at: Callable[[str], Span], problems: Problems
) -> str | None:
    value = str(raw[key])
    if value not in allowed:
        problems.add(at(key), f"{what}: {key} '{value}' is not one of {', '.join(allowed)}")
        return None
    return value


def _whole(
    raw: CommentedMap, key: str, low: int, what: str, at: Callable[[str], Span], problems: Problems
) -> int | None:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 1_000:
        problems.add(at(key), f"{what}: {key} must be a whole number from {low} to 1000")
        return None
    return value


def _dates(
    raw: CommentedMap, what: str, at: Callable[[str], Span], problems: Problems
) -> tuple[dt.date | None, dt.date | None]:
    start = parse_date(raw["effective_from"])
    if start is None:
        problems.add(at("effective_from"), f"{what}: effective_from is not an ISO date (YYYY-MM-DD)")
    end = None
    if raw.get("effective_to") is not None:
        end = parse_date(raw["effective_to"])
        if end is None:
            problems.add(at("effective_to"), f"{what}: effective_to is not an ISO date (YYYY-MM-DD)")
        elif start is not None and end <= start:
            problems.add(at("effective_to"), f"{what}: effective_to must be after effective_from")
    return start, end


def _text(
    raw: CommentedMap, key: str, what: str, at: Callable[[str], Span], problems: Problems
) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add(at(key), f"{what}: {key} must be text")
        return None
    return value.strip()
