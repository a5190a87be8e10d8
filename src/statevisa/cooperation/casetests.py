"""YAML case tests beside each law file: named requests and the decisions the law must give.

``law/us/states/06/tests/sb54-values-act.yaml`` tests ``law/us/states/06/sb54-values-act.yaml``.
A case names a date, an action and facts (merged over the file's ``defaults``) and expects a
decision, optionally its deciding rule ids, ``default_applied``, the UNCONFIRMED matches set
aside and, for data requests, the fields released; or it expects an input error by a
fragment of its message. `boundaries` lists every effective date no case walks across.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statevisa.cooperation.decide import Decision, decide, parse_on
from statevisa.cooperation.load import LAW_DIR, law_files, shown
from statevisa.cooperation.model import Law
from statevisa.cooperation.vocabulary import FEDERAL, FRAME_START
from statevisa.errors import PolicyError, StatevisaError
from statevisa.rules.source import decode_policy, key_text, parse_yaml

CASE_KEYS = (
    "name",
    "jurisdiction",
    "on",
    "action",
    "facts",
    "fields",
    "include_unconfirmed",
    "expected",
    "error",
)
DEFAULT_KEYS = ("jurisdiction", "on", "action", "facts", "fields", "include_unconfirmed")
EXPECTED_KEYS = ("decision", "rule_ids", "default_applied", "unconfirmed_matches", "released")


@dataclass(frozen=True)
class LawCase:
    """One named request against one law file."""

    name: str
    jurisdiction: str
    on: str
    action: str
    facts: dict[str, object]
    fields: tuple[str, ...]
    include_unconfirmed: bool
    expected: dict[str, object] = field(default_factory=dict)
    error: str | None = None
    line: int = 0


@dataclass(frozen=True)
class CaseResult:
    """What one case found: `problems` is empty when it passed; `decision` when one was taken."""

    file: str
    case: LawCase
    problems: tuple[str, ...]
    decision: Decision | None

    @property
    def passed(self) -> bool:
        return not self.problems


def case_files(root: Path = LAW_DIR) -> list[Path]:
    """Every case file under `root`, sorted."""
    return sorted(path for path in root.rglob("tests/*.yaml"))


def tested_file(case_file: Path) -> Path:
    """The law file a case file tests: the file of the same name one folder up."""
    return case_file.parent.parent / case_file.name


def load_cases(path: Path) -> list[LawCase]:
    """The cases of one file; a malformed file is a PolicyError at file:line."""
    name = shown(path)
    doc = parse_yaml(decode_policy(path.read_bytes(), name), name)
    defaults = doc.root.get("defaults") or CommentedMap()
    if not isinstance(defaults, CommentedMap) or any(key_text(k) not in DEFAULT_KEYS for k in defaults):
        raise PolicyError(f"{name}:1:1: defaults may hold only {', '.join(DEFAULT_KEYS)}")
    raw = doc.root.get("cases")
    if not isinstance(raw, CommentedSeq) or not raw:
        raise PolicyError(f"{name}:1:1: a case file needs a non-empty 'cases' list")
    folder = path.parent.parent.name
    place = FEDERAL if path.parent.parent.parent.name == "us" and folder == "federal" else folder
    cases = []
    for index, body in enumerate(raw):
        line = doc.item_span(raw, index).line
        if not isinstance(body, CommentedMap):
            raise PolicyError(f"{name}:{line}:1: a case must be a mapping")
        unknown = [key_text(key) for key in body if key_text(key) not in CASE_KEYS]
        merged = {
            **{key_text(k): v for k, v in defaults.items()},
            **{key_text(k): v for k, v in body.items()},
        }
        expected = body.get("expected")
        if (
            unknown
            or "name" not in body
            or ("expected" in body) == ("error" in body)
            or any(key not in merged for key in ("on", "action"))
            or (
                isinstance(expected, CommentedMap) and any(key_text(k) not in EXPECTED_KEYS for k in expected)
            )
        ):
            raise PolicyError(
                f"{name}:{line}:1: a case has name, on, action (here or in defaults), facts, and "
                f"expected ({', '.join(EXPECTED_KEYS)}) or error"
                + (f"; unknown key(s): {', '.join(unknown)}" if unknown else "")
            )
        facts = {**_plain(defaults.get("facts")), **_plain(body.get("facts"))}
        jurisdiction = str(merged.get("jurisdiction", place))
        cases.append(
            LawCase(
                name=str(body["name"]), jurisdiction=jurisdiction, on=key_text(merged["on"]),
                action=str(merged["action"]), facts=facts, fields=tuple(map(str, merged.get("fields") or ())),
                include_unconfirmed=merged.get("include_unconfirmed") is True,
                expected=_plain(expected), error=str(body["error"]) if "error" in body else None, line=line,
            )
        )  # fmt: skip
    return cases


def _plain(value: object) -> dict[str, object]:
    """A YAML mapping as plain values (sequences as lists)."""
    if not isinstance(value, Mapping):
        return {}
    return {key_text(k): list(v) if isinstance(v, CommentedSeq) else v for k, v in value.items()}


def run_case(law: Law, file: str, case: LawCase) -> CaseResult:
    """Decide one case and compare with what it expects."""
    try:
        decision = decide(
            law, case.jurisdiction, parse_on(case.on), case.action, case.facts, case.fields,
            include_unconfirmed=case.include_unconfirmed,
        )  # fmt: skip
    except StatevisaError as error:
        found = "; ".join(error.messages)
        if case.error is not None and case.error in found:
            return CaseResult(file, case, (), None)
        return CaseResult(file, case, (f"error: {found}",), None)
    if case.error is not None:
        return CaseResult(
            file, case, (f"expected an error with '{case.error}', got {decision.decision}",), decision
        )
    got = decision.to_json()
    actual = {
        "decision": got["decision"], "rule_ids": got["rule_ids"], "default_applied": got["default_applied"],
        "unconfirmed_matches": got["unconfirmed_matches"], "released": list(decision.released),
    }  # fmt: skip
    problems = tuple(
        f"{key}: expected {want!r}, got {actual[key]!r}"
        for key, want in case.expected.items()
        if _canonical(want) != _canonical(actual[key])
    )
    return CaseResult(file, case, problems, decision)


def _canonical(value: object) -> object:
    """Lists compare as sets of their text (rule ids, field names); anything else as it is."""
    return sorted(map(str, value)) if isinstance(value, list | tuple) else value


def run_all(law: Law, root: Path = LAW_DIR) -> list[CaseResult]:
    """Every case of every case file under `root`; a case file without its law file fails."""
    results: list[CaseResult] = []
    for path in case_files(root):
        if not tested_file(path).is_file():
            raise PolicyError(f"{shown(path)}:1:1: no law file {tested_file(path).name} beside tests/")
        results.extend(run_case(law, shown(path), case) for case in load_cases(path))
    return results


def untested_files(root: Path = LAW_DIR) -> list[str]:
    """Law files with no case file beside them."""
    tested = {tested_file(path) for path in case_files(root)}
    return [shown(path) for path in law_files(root) if path not in tested]


def boundaries(law: Law, results: list[CaseResult]) -> list[str]:
    """Every effective date of every rule that the cases do not walk across.

    A rule's first day needs a case on it that it decides and one on the day before that it
    does not (a rule older than the federal frame: a case on the frame's first day); an end
    date needs a case on its last day that it decides and one on the end date that it does not.
    """
    deciding: dict[str, set[dt.date]] = {}
    seen: dict[tuple[str, str], set[dt.date]] = {}
    for result in results:
        decision = result.decision
        if decision is None or not result.passed:
            continue
        key = (decision.jurisdiction.fips, str(decision.outcome.action.base))
        seen.setdefault(key, set()).add(decision.on)
        for rule in decision.outcome.deciding:
            deciding.setdefault(rule.id, set()).add(decision.on)
    missing = []
    for rule in law.rules:
        if rule.jurisdiction == FEDERAL:
            continue
        days = deciding.get(rule.id, set())
        other = seen.get((rule.jurisdiction, rule.action.base), set()) - days
        start = max(rule.effective_from, FRAME_START)
        before = start - dt.timedelta(days=1)
        if start not in days:
            missing.append(f"{rule.id}: no case on {start.isoformat()} that it decides")
        if before >= FRAME_START and before not in other:
            missing.append(
                f"{rule.id}: no case on {before.isoformat()} (the day before) that it does not decide"
            )
        if rule.effective_to is not None:
            last = rule.effective_to - dt.timedelta(days=1)
            if last not in days:
                missing.append(f"{rule.id}: no case on {last.isoformat()} (its last day) that it decides")
            if rule.effective_to not in other:
                missing.append(
                    f"{rule.id}: no case on {rule.effective_to.isoformat()} that it does not decide"
                )
    return missing
