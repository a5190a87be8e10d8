"""The request gate: decide one federal request under one jurisdiction's law on one date.

`decide` is the whole procedure of docs/cooperation.md (the spec's section 5): validate,
collect the rules in force whose condition holds, set UNCONFIRMED leads aside unless asked,
let the jurisdiction's highest-priority rules decide (a disagreement among them is a defect
of the law, never resolved by picking one), fall back to the federal frame, keep the federal
floor for status information (8 U.S.C. 1373, 1644), and say why. It is a pure function of
its arguments, so the CLI, the API and the capacity model all get the same answer; for a
data request it also decides each field asked for and lists the ones the law lets go.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from statevisa.cooperation.conditions import holds, reads
from statevisa.cooperation.facts import Facts, normalise_facts
from statevisa.cooperation.model import Jurisdiction, Law, Rule
from statevisa.cooperation.vocabulary import (
    FEDERAL,
    FIELDS,
    FRAME_START,
    SHARE_STATUS,
    TERRITORIES,
    Action,
    Verdict,
    action_problem,
    as_action,
)
from statevisa.errors import InputError, PolicyError, Problem, problem
from statevisa.rules.model import Value

PRECISION_WORDS = {
    "day_secondary": "from secondary sources (news)",
    "day_unconfirmed": "from background knowledge, unconfirmed",
    "month_bound": "to the month (the date shown is its last day)",
    "year_bound": "to the year (the date shown is its last day)",
}
MAX_FIELDS = 50


class LawDefect(PolicyError):
    """A defect of the rule table: rules of equal priority that disagree, or no federal frame.

    Never resolved by picking a rule; the CLI exits 3 on it.
    """

    default_code = "law-defect"


@dataclass(frozen=True)
class Basis:
    """A rule behind a decision, in its role, with the facts its condition read."""

    rule: Rule
    role: str
    """``decides``, ``overridden`` (a base rule an exception set aside) or ``context`` (the
    federal frame's rule for the action, shown beside a state decision)."""
    because: tuple[tuple[str, Value], ...]

    def to_json(self) -> dict[str, object]:
        rule = self.rule
        return {
            "rule_id": rule.id, "version": rule.version, "role": self.role, "decision": rule.decision.value,
            "priority": rule.priority, "citation": rule.citation, "url": rule.url, "summary": rule.summary,
            "effective_from": rule.effective_from.isoformat(),
            "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
            "date_precision": rule.date_precision, "status": rule.status.value, "source_tag": rule.source_tag,
            "condition": rule.condition, "because": {name: _json(value) for name, value in self.because},
        }  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """What the law says of one action: the verdict and the rules that gave it."""

    action: Action
    decision: Verdict
    deciding: tuple[Rule, ...]
    default_applied: bool
    basis: tuple[Basis, ...]
    unconfirmed_matches: tuple[Rule, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class FieldDecision:
    """One data field asked for: released unless the law prohibits sharing it."""

    field: str
    outcome: Outcome

    @property
    def released(self) -> bool:
        return self.outcome.decision is not Verdict.PROHIBITED

    def to_json(self) -> dict[str, object]:
        return {
            "field": self.field,
            "action": str(self.outcome.action),
            "decision": self.outcome.decision.value,
            "rule_ids": [rule.id for rule in self.outcome.deciding],
            "default_applied": self.outcome.default_applied,
            "released": self.released,
        }


@dataclass(frozen=True)
class Decision:
    """The gate's answer to one request: the decision with its basis, and what may be released."""

    jurisdiction: Jurisdiction
    on: dt.date
    outcome: Outcome
    facts: Facts
    fields: tuple[FieldDecision, ...]
    include_unconfirmed: bool
    ruleset: tuple[str, str, int]
    """The law that decided: (source, sha256, number of rules)."""

    @property
    def decision(self) -> Verdict:
        return self.outcome.decision

    @property
    def released(self) -> tuple[str, ...]:
        """The fields asked for that the law lets the agency give (status information always)."""
        return tuple(item.field for item in self.fields if item.released)

    @property
    def withheld(self) -> tuple[str, ...]:
        return tuple(item.field for item in self.fields if not item.released)

    def to_json(self) -> dict[str, object]:
        """The decision object of docs/cooperation.md (the spec's section 6.1), plus the fields."""
        outcome = self.outcome
        first = outcome.deciding[0]
        source, sha256, count = self.ruleset
        found: dict[str, object] = {
            "jurisdiction": self.jurisdiction.fips,
            "on": self.on.isoformat(),
            "action": str(outcome.action),
            "decision": outcome.decision.value,
            "rule_id": first.id,
            "rule_version": first.version,
            "rule_ids": [rule.id for rule in outcome.deciding],
            "default_applied": outcome.default_applied,
            "basis": [basis.to_json() for basis in outcome.basis],
            "unconfirmed_matches": [rule.id for rule in outcome.unconfirmed_matches],
            "notes": list(outcome.notes),
            "facts": self.facts.to_json(),
            "include_unconfirmed": self.include_unconfirmed,
            "ruleset": {"file": source, "sha256": sha256, "rules": count},
        }
        if self.fields:
            found["fields"] = [item.to_json() for item in self.fields]
            found["released"] = list(self.released)
        return found


def parse_on(text: str) -> dt.date:
    """A decision date from ISO text (``YYYY-MM-DD``), or an input error naming ``on``."""
    try:
        on = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        on = None
    if on is None:
        raise InputError(problem("not-a-date", f"'{text[:40]}' is not an ISO date (YYYY-MM-DD)", field="on"))
    return on


def decide(
    law: Law,
    jurisdiction: str,
    on: dt.date,
    action: str,
    facts: Mapping[str, object] | Facts,
    fields: Sequence[str] = (),
    *,
    include_unconfirmed: bool = False,
) -> Decision:
    """Decide a request; every input problem is raised at once, each naming its field."""
    problems: list[Problem] = []
    place = law.jurisdictions.get(jurisdiction)
    if place is None:
        problems.append(_jurisdiction_problem(jurisdiction))
    if on < FRAME_START:
        message = f"{on.isoformat()} is before the federal frame starts ({FRAME_START.isoformat()}, IIRIRA)"
        problems.append(problem("out-of-range", message, field="on"))
    wrong = action_problem(action)
    if wrong:
        problems.append(problem("unknown-action", wrong, field="action"))
    problems.extend(_field_problems(fields))
    normal: Facts | None = None
    if isinstance(facts, Facts):
        normal = facts
    else:
        try:
            normal = normalise_facts(facts)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    assert place is not None and normal is not None
    outcome = _outcome(law, place, on, as_action(action), normal, include_unconfirmed)
    asked = tuple(dict.fromkeys(fields))
    decided = tuple(
        FieldDecision(name, _outcome(law, place, on, as_action(FIELDS[name]), normal, include_unconfirmed))
        for name in asked
    )
    ruleset = (law.source, law.sha256, len(law.rules))
    return Decision(place, on, outcome, normal, decided, include_unconfirmed, ruleset)


def jurisdiction_of(law: Law, code: str) -> Jurisdiction:
    """The jurisdiction a 2-digit FIPS code names, or an input error naming ``jurisdiction``."""
    place = law.jurisdictions.get(code)
    if place is None:
        raise InputError(_jurisdiction_problem(code))
    return place


def _jurisdiction_problem(jurisdiction: str) -> Problem:
    shown = jurisdiction[:20]
    if len(jurisdiction) == 5 and jurisdiction.isdigit():
        message = (
            f"'{shown}' is a county FIPS code: county rules are out of scope, use its state's 2-digit code"
        )
    else:
        message = (
            f"unknown jurisdiction '{shown}': use a 2-digit state FIPS code such as 06 "
            f"(the 50 states, DC 11, territories {' '.join(TERRITORIES)})"
        )
    return problem("unknown-jurisdiction", message, field="jurisdiction")


def _field_problems(fields: Sequence[str]) -> list[Problem]:
    if len(fields) > MAX_FIELDS:
        return [problem("too-many", f"{len(fields)} fields asked for (limit {MAX_FIELDS})", field="fields")]
    return [
        problem(
            "unknown-field", f"unknown field '{str(name)[:40]}' (fields: {', '.join(FIELDS)})", field="fields"
        )
        for name in fields
        if name not in FIELDS
    ]


def _outcome(
    law: Law, place: Jurisdiction, on: dt.date, action: Action, facts: Facts, include_unconfirmed: bool
) -> Outcome:
    """Steps 2-8 of the procedure for one action."""
    written = (*law.of(place.fips), *law.federal)
    matching = [
        rule
        for rule in written
        if rule.action.covers(action) and rule.in_force(on) and holds(rule.node, facts, action.category)
    ]
    set_aside = tuple(rule for rule in matching if not rule.confirmed and not include_unconfirmed)
    usable = [rule for rule in matching if rule not in set_aside]
    state = [rule for rule in usable if rule.jurisdiction == place.fips]
    frame = [rule for rule in usable if rule.jurisdiction == FEDERAL]
    notes: list[str] = []
    if state:
        top = max(rule.priority for rule in state)
        deciding = tuple(rule for rule in state if rule.priority == top)
        verdicts = sorted({rule.decision.value for rule in deciding})
        if len(verdicts) > 1:
            ids = ", ".join(f"{rule.id} ({rule.decision.value})" for rule in deciding)
            raise LawDefect(
                problem("law-conflict", f"rules of priority {top} disagree on {action} in {place.usps} on "
                        f"{on.isoformat()}: {ids}; fix the law, the gate never picks one", field="law")
            )  # fmt: skip
        verdict, default = deciding[0].decision, False
        overridden = [rule for rule in state if rule.priority < top]
    elif frame:
        deciding, verdict, default, overridden = tuple(frame), frame[0].decision, True, []
    else:
        message = f"no federal-frame rule for {action} is in force on {on.isoformat()}"
        raise LawDefect(problem("law-no-frame", message, field="law"))
    if action.base == SHARE_STATUS and verdict is Verdict.PROHIBITED:
        verdict = Verdict.PERMITTED
        notes.append(
            "Federal floor: no state or local law may restrict sharing citizenship or immigration status "
            "with DHS (8 U.S.C. 1373, 1644), so the state rule's prohibition does not apply."
        )
    basis = [Basis(rule, "decides", _because(rule, facts, action)) for rule in deciding]
    basis += [Basis(rule, "overridden", _because(rule, facts, action)) for rule in overridden]
    if not default:
        basis += [Basis(rule, "context", ()) for rule in law.federal if rule.action.covers(action)]
    notes = [*_notes(deciding, place, on, law, set_aside), *notes]
    return Outcome(action, verdict, deciding, default, tuple(basis), set_aside, tuple(notes))


def _because(rule: Rule, facts: Facts, action: Action) -> tuple[tuple[str, Value], ...]:
    """The facts the rule's condition read, with their values: the why of a decision."""
    values = {**facts.values, "category": action.category}
    return tuple((name, value) for name in reads(rule.node) if (value := values.get(name)) is not None)


def _json(value: Value) -> object:
    return sorted(value) if isinstance(value, frozenset) else value


def _notes(
    deciding: tuple[Rule, ...], place: Jurisdiction, on: dt.date, law: Law, set_aside: tuple[Rule, ...]
) -> list[str]:
    notes = [f"{rule.id}: {rule.note}" for rule in deciding if rule.note]
    for rule in deciding:
        if rule.date_precision in PRECISION_WORDS:
            notes.append(
                f"{rule.id}: its first day ({rule.effective_from.isoformat()}) is known only "
                f"{PRECISION_WORDS[rule.date_precision]}: a decision close to it is less certain."
            )
        if not rule.confirmed:
            notes.append(
                f"{rule.id} is an UNCONFIRMED lead (--include-unconfirmed), not the default encoding."
            )
    confirmed = [rule.effective_from for rule in law.of(place.fips) if rule.confirmed]
    if place.fips in TERRITORIES:
        notes.append(f"{place.name} is a territory: the federal frame only.")
    elif not confirmed:
        notes.append(
            f"No {place.name} law is encoded (CONFIRMED); the federal frame is shown, "
            f"which is not a statement of {place.name} law."
        )
    elif on < min(confirmed):
        notes.append(
            f"{place.name} law before {min(confirmed).isoformat()} is not encoded; the rules shown are "
            f"not a statement of {place.name} law before that date."
        )
    if set_aside:
        ids = ", ".join(rule.id for rule in set_aside)
        notes.append(f"UNCONFIRMED lead(s) {ids} also match; they decide only with --include-unconfirmed.")
    return notes
