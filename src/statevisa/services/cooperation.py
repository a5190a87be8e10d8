"""Cooperation use cases: answer a federal request, show the law in force, test the law.

`decide_request` is the gate every edge calls: the CLI now (`statevisa cooperation decide`),
the operations API later (``POST /api/v1/cooperation/requests``). It validates, asks the pure
core (`cooperation.decide`) and returns the decision with the fields the law lets go and the
record an audit log keeps (`audit_record`): who asked is the caller's to add, the facts only
as a hash, because facts about a person are personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from statevisa.cooperation.casetests import CaseResult, boundaries, run_all, untested_files
from statevisa.cooperation.decide import Decision, LawDefect, decide, jurisdiction_of, parse_on
from statevisa.cooperation.facts import MAX_FACTS_BYTES, read_facts_json
from statevisa.cooperation.load import LAW_DIR, law_files, load_law
from statevisa.cooperation.model import Jurisdiction, Law, Rule
from statevisa.cooperation.vocabulary import FEDERAL
from statevisa.errors import InputError, PolicyError, problem
from statevisa.services.cache import ENGINE_DIR, cached_value, source_fingerprint


@cache
def shipped_law() -> Law:
    """The law shipped in the package, through the disk cache of checked files (parsing 55 YAML
    files costs most of a `decide` run); a defect in it is a `LawDefect` (the CLI exits 3)."""
    return cached_value("law", _law_key(), _load_law, Law)


def _load_law() -> Law:
    try:
        return load_law()
    except LawDefect:
        raise
    except PolicyError as error:
        raise LawDefect(error.problems) from None


def _law_key() -> str | None:
    """The law files' bytes, the code that reads them and the FIPS list they are checked against."""
    import statevisa.cooperation
    import statevisa.reference

    digest = hashlib.sha256(b"statevisa-law-cache-1")
    digest.update(source_fingerprint(Path(statevisa.cooperation.__file__).parent, ENGINE_DIR))
    try:
        for path in law_files():
            digest.update(
                str(path.relative_to(LAW_DIR)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest()
            )
        codes = Path(statevisa.reference.__file__).parent / "data" / "fips_states_2020.parquet"
        digest.update(hashlib.sha256(codes.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()


def decide_request(
    jurisdiction: str,
    on: dt.date | str,
    action: str,
    facts: Mapping[str, object],
    fields: Sequence[str] = (),
    *,
    include_unconfirmed: bool = False,
    law: Law | None = None,
) -> Decision:
    """Decide one request under the shipped law (or `law`): the decision, its basis, and the
    fields asked for that may be released. Input problems name their field."""
    when = parse_on(on) if isinstance(on, str) else on
    return decide(
        law or shipped_law(),
        jurisdiction,
        when,
        action,
        facts,
        fields,
        include_unconfirmed=include_unconfirmed,
    )


def decide_file(
    jurisdiction: str, on: str, action: str, facts_path: Path, *, include_unconfirmed: bool = False
) -> Decision:
    """`statevisa cooperation decide`: the facts come from a JSON file."""
    if not facts_path.is_file():
        raise InputError(problem("no-such-file", "no such file", file=facts_path, field="--facts"))
    if facts_path.stat().st_size > MAX_FACTS_BYTES:
        message = f"{facts_path.stat().st_size:,} bytes is too large for a request's facts"
        raise InputError(problem("too-large", f"{message} (limit {MAX_FACTS_BYTES:,})", file=facts_path))
    facts = read_facts_json(facts_path.read_bytes(), str(facts_path))
    when = parse_on(on)
    return decide(shipped_law(), jurisdiction, when, action, facts, include_unconfirmed=include_unconfirmed)


def audit_record(decision: Decision) -> dict[str, object]:
    """What the transparency log keeps of a decided request (the caller adds who asked and when):
    the facts only as a SHA-256 of their canonical JSON."""
    canonical = json.dumps(decision.facts.to_json(), sort_keys=True, separators=(",", ":"))
    source, sha256, count = decision.ruleset
    return {
        "jurisdiction": decision.jurisdiction.fips,
        "on": decision.on.isoformat(),
        "action": str(decision.outcome.action),
        "agency_type": decision.facts.values["agency_type"],
        "facts_sha256": hashlib.sha256(canonical.encode()).hexdigest(),
        "decision": decision.decision.value,
        "rules": [{"rule_id": rule.id, "version": rule.version} for rule in decision.outcome.deciding],
        "default_applied": decision.outcome.default_applied,
        "include_unconfirmed": decision.include_unconfirmed,
        "fields_asked": [item.field for item in decision.fields],
        "fields_released": list(decision.released),
        "ruleset": {"source": source, "sha256": sha256, "rules": count},
    }


@dataclass(frozen=True)
class RulesInForce:
    """The rules of one jurisdiction (on a date, or every period), and the federal frame."""

    jurisdiction: Jurisdiction
    on: dt.date | None
    rules: tuple[Rule, ...]
    frame: tuple[Rule, ...]
    include_unconfirmed: bool
    leads_hidden: int
    """UNCONFIRMED rules left out (shown with --include-unconfirmed)."""


def rules_in_force(
    jurisdiction: str, on: str | None = None, *, include_unconfirmed: bool = False
) -> RulesInForce:
    """`statevisa cooperation rules`: a jurisdiction's encoded rules, readable."""
    law = shipped_law()
    place = jurisdiction_of(law, jurisdiction)
    when = parse_on(on) if on is not None else None
    written = [rule for rule in law.of(place.fips) if when is None or rule.in_force(when)]
    shown = tuple(rule for rule in written if rule.confirmed or include_unconfirmed)
    frame = tuple(rule for rule in law.of(FEDERAL) if when is None or rule.in_force(when))
    return RulesInForce(place, when, shown, frame, include_unconfirmed, len(written) - len(shown))


@dataclass(frozen=True)
class LawTests:
    """Every case test of the shipped law, the effective dates no case walks across, and the
    law files without a case file."""

    results: tuple[CaseResult, ...]
    boundaries: tuple[str, ...]
    untested: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results) and not self.boundaries and not self.untested


def run_law_tests() -> LawTests:
    """`statevisa cooperation test`: run the case tests beside every law file."""
    law = shipped_law()
    results = run_all(law)
    return LawTests(tuple(results), tuple(boundaries(law, results)), tuple(untested_files()))
