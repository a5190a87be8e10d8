"""`statevisa cooperation`: each state's law on cooperating with federal enforcement.

Each command parses its options, calls one function of `statevisa.services.cooperation` and
renders what comes back. Input errors exit 2 (from `statevisa.cli.main`); a defect of the
law itself (rules of equal priority that disagree) exits 3 here, never a picked answer.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import click

from statevisa.cli import Group
from statevisa.cli.common import print_errors
from statevisa.cli.params import PATH

if TYPE_CHECKING:
    from statevisa.cooperation.decide import Basis, Decision
    from statevisa.cooperation.model import Rule
    from statevisa.services.cooperation import RulesInForce

app = Group(
    "cooperation",
    help="Cooperation with federal immigration enforcement: each state's law as dated rules.",
    no_args_is_help=True,
)
DEFECT_EXIT = 3

jurisdiction_option = click.option(
    "--jurisdiction", required=True, help="2-digit state FIPS code (06 California; 11 DC; 72 Puerto Rico)."
)
unconfirmed_option = click.option(
    "--include-unconfirmed", is_flag=True, help="Let UNCONFIRMED leads decide too (not the default encoding)."
)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def _defects() -> Iterator[None]:
    """A defect of the rule table exits 3 with its messages (an input error still exits 2)."""
    from statevisa.cooperation.decide import LawDefect

    try:
        yield
    except LawDefect as defect:
        print_errors(defect.messages)
        sys.exit(DEFECT_EXIT)


def _guarded(command: Callable[P, R]) -> Callable[P, R]:
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with _defects():
            return command(*args, **kwargs)

    run.__doc__, run.__name__ = command.__doc__, command.__name__
    return run


@app.command("decide")
@jurisdiction_option
@click.option("--on", required=True, help="The date of the request, YYYY-MM-DD (1996-09-30 or later).")
@click.option("--action", required=True, help="honor_detainer, notify_release, share_data:address, ...")
@click.option("--facts", type=PATH, required=True, help="The request's facts: a JSON object.")
@unconfirmed_option
@click.option("--json", "as_json", is_flag=True, help="Print the decision as one JSON object.")
@_guarded
def decide(
    jurisdiction: str, on: str, action: str, facts: Path, include_unconfirmed: bool, as_json: bool
) -> None:
    """Decide a federal request under a state's law: the decision, every rule behind it and why."""
    from statevisa.services.cooperation import decide_file

    decision = decide_file(jurisdiction, on, action, facts, include_unconfirmed=include_unconfirmed)
    if as_json:
        click.echo(json.dumps(decision.to_json(), indent=2, ensure_ascii=False))
        return
    click.echo("\n".join(_explain(decision)))


def _explain(decision: Decision) -> list[str]:
    """The decision in words: the verdict, each rule behind it with its period and why, the notes."""
    outcome, place = decision.outcome, decision.jurisdiction
    lines = [
        f"{outcome.action} in {place.name} ({place.fips}) on {decision.on.isoformat()}: "
        f"{outcome.decision.value.upper()}"
        + (" (federal frame: no state rule speaks)" if outcome.default_applied else "")
    ]
    for basis in outcome.basis:
        lines.extend(_basis_lines(basis))
    if outcome.unconfirmed_matches:
        lines.append("set aside (UNCONFIRMED): " + ", ".join(rule.id for rule in outcome.unconfirmed_matches))
    if outcome.notes:
        lines.append("notes:")
        lines.extend(f"  - {note}" for note in outcome.notes)
    source, sha256, count = decision.ruleset
    lines.append(f"law: {source} ({count} rules, sha256 {sha256[:12]})")
    return lines


def _basis_lines(basis: Basis) -> list[str]:
    from statevisa.rules.explain import show

    rule = basis.rule
    lines = [f"  {basis.role}: {_rule_head(rule)}", f"    {rule.summary}"]
    if basis.because:
        lines.append("    because: " + ", ".join(f"{name} = {show(value)}" for name, value in basis.because))
    if rule.url:
        lines.append(f"    {rule.url}")
    return lines


def _rule_head(rule: Rule) -> str:
    """``CA-notify_release-3 v1 permitted (p20), Cal. Gov. Code ..., 2018-01-04 → [day, CONFIRMED, M]``."""
    return (
        f"{rule.id} v{rule.version} {rule.decision.value} (p{rule.priority}), {rule.citation}, "
        f"{rule.period()} [{rule.date_precision}, {rule.status.value}, {rule.source_tag}]"
    )


@app.command("rules")
@jurisdiction_option
@click.option("--on", help="Only the rules in force on this date, YYYY-MM-DD (default: every period).")
@unconfirmed_option
@_guarded
def rules(jurisdiction: str, on: str | None, include_unconfirmed: bool) -> None:
    """The rules of a jurisdiction, readable: action, decision, condition, period, citation."""
    from statevisa.services.cooperation import rules_in_force

    click.echo(
        "\n".join(_rules_text(rules_in_force(jurisdiction, on, include_unconfirmed=include_unconfirmed)))
    )


def _rules_text(found: RulesInForce) -> list[str]:
    place = found.jurisdiction
    when = f" in force on {found.on.isoformat()}" if found.on else ""
    lines = [f"{place.name} ({place.fips}): {len(found.rules)} rule(s){when}"]
    if not found.rules:
        lines.append("  no state rule is encoded: the federal frame decides every action")
    for rule in found.rules:
        lines.append(f"  {rule.action}: {_rule_head(rule)}")
        lines.append(f"    when: {rule.condition}")
        lines.append(f"    {rule.summary}")
    if found.leads_hidden:
        lines.append(f"  ({found.leads_hidden} UNCONFIRMED lead(s) hidden: --include-unconfirmed shows them)")
    lines.append("federal frame (where no state rule speaks):")
    lines.extend(f"  {rule.action}: {rule.decision.value}, {rule.citation}" for rule in found.frame)
    return lines


@app.command("test")
@_guarded
def test() -> None:
    """Run the YAML case tests beside every law file; exit 1 when one fails."""
    from statevisa.services.cooperation import run_law_tests

    found = run_law_tests()
    failed = [result for result in found.results if not result.passed]
    for result in failed:
        click.echo(f"FAIL {result.file}:{result.case.line}: {result.case.name}: {'; '.join(result.problems)}")
    for missing in found.boundaries:
        click.echo(f"MISSING {missing}")
    for path in found.untested:
        click.echo(f"UNTESTED {path}: no case file in tests/ beside it")
    total = len(found.results)
    unwalked, untested = len(found.boundaries), len(found.untested)
    click.echo(
        f"{total - len(failed)} of {total} cases passed; {unwalked} effective date(s) unwalked; "
        f"{untested} law file(s) without cases"
    )
    if not found.passed:
        sys.exit(1)


by_option = click.option(
    "--by", default="state", help="state (one row per state) or model (per state and model)."
)
out_option = click.option(
    "--out", type=PATH, help="Write the table (.csv or .parquet) instead of printing it."
)


def _show(frame: object, out: Path | None) -> None:
    """A table as CSV on stdout, unless it was written to `out`."""
    import polars as pl

    assert isinstance(frame, pl.DataFrame)
    if out is None:
        click.echo(frame.with_columns(pl.col(pl.Enum).cast(pl.String)).write_csv(), nl=False)


@app.command("agreements")
@click.option("--as-of", "as_of", required=True, help="Use the newest ICE list dated on or before this day.")
@by_option
@out_option
def agreements(as_of: str, by: str, out: Path | None) -> None:
    """287(g) agreements per state (or per state and model) on ICE's list: one row = one agreement."""
    from statevisa.cli.common import tell
    from statevisa.services.agreements import count_agreements

    found = count_agreements(as_of, by, out)
    states = found.table["state"].n_unique()
    written = f" -> {out}" if out else ""
    tell(
        f"ICE list of {found.list_dates[0].isoformat()}: {found.total:,} agreements in {states} states "
        f"and territories{written}"
    )
    _show(found.table, out)


@app.command("growth")
@by_option
@out_option
def growth(by: str, out: Path | None) -> None:
    """Agreements per state (and model) on every shipped ICE list, and the change between lists."""
    from statevisa.cli.common import tell
    from statevisa.services.agreements import agreement_growth

    found = agreement_growth(by, out)
    dates = ", ".join(day.isoformat() for day in found.list_dates)
    tell(f"ICE lists {dates}; {found.total:,} agreements on the newest" + (f" -> {out}" if out else ""))
    _show(found.table, out)


@app.command("contradictions")
@click.option("--as-of", "as_of", help="Only the newest list on or before this day (default: every list).")
@unconfirmed_option
@out_option
@_guarded
def contradictions(as_of: str | None, include_unconfirmed: bool, out: Path | None) -> None:
    """Agreements a state's law prohibits, and sheriffs a mandate covers with none, with the rule."""
    from statevisa.cli.common import tell
    from statevisa.services.agreements import find_contradictions

    found = find_contradictions(as_of, include_unconfirmed=include_unconfirmed, out=out)
    dates = ", ".join(day.isoformat() for day in found.list_dates)
    tell(
        f"ICE lists {dates}: {found.total:,} contradiction(s) with state law" + (f" -> {out}" if out else "")
    )
    _show(found.table, out)


@app.command("simulate")
@click.option(
    "--scenario", type=PATH, required=True, help="A scenario file (YAML): see docs/capacity-model.md."
)
@click.option("--out", type=PATH, help="A folder for the tables, charts (PNG, SVG) and report.md.")
@_guarded
def simulate(scenario: Path, out: Path | None) -> None:
    """National ICE arrests per day under scenarios of state choices, against the baseline and the target."""
    from statevisa.services.capacity import simulate as run

    done = run(scenario, out)
    report = done.report
    click.echo(
        f"{report.title or 'Capacity scenarios'} (baseline {report.baseline_date.isoformat()}; "
        f"target {report.target:,.0f}/day; band: 5-95% of {int(report.national['draws'][0]):,} draws)"
    )
    for row in report.national.iter_rows(named=True):
        click.echo(
            f"  {row['scenario_per_day']:8,.0f}/day [{row['sweep_low']:,.0f} - {row['sweep_high']:,.0f}]  "
            f"{row['share_of_target']:4.0%} of target  {row['scenario']}"
        )
    if done.written:
        click.echo(f"wrote {len(done.written)} files to {out}")
