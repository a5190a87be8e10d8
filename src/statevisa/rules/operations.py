"""What a program asks of its holders once a visa is issued: portability, reporting, integration.

A program file may carry an ``operations:`` block, read by the operations platform (a case's
transfers, its compliance deadlines, its integration services) and never by the formulas:

.. code-block:: yaml

    operations:
      portability:
        employer: within_state        # none | within_state | anywhere
        state: with_consent           # none | with_consent | free
        cite: "C1: employer mobility; S3: transfer between States"
      reporting:
        - {kind: residence, every_days: 365, cite: "C1: condition 5, annual report"}
      integration:
        - {service: language_training, obligation: required, cite: "act: § 9(a)"}

Every entry cites its source like a rule does; a program without the block lets no holder
change employer or state, asks for no reports and offers no services, which is what a
program that says nothing provides.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statevisa.rules.load_parameters import Context, expect_mapping, parse_citation, unknown_keys
from statevisa.rules.model import Integration, Operations, Portability, Reporting, Span

OPERATIONS_KEYS = ("portability", "reporting", "integration")
PORTABILITY_KEYS = ("employer", "state", "cite")
REPORTING_KEYS = ("kind", "every_days", "grace_days", "cite")
INTEGRATION_KEYS = ("service", "obligation", "cite", "description")
EMPLOYER_MOVES = ("none", "within_state", "anywhere")
STATE_MOVES = ("none", "with_consent", "free")
REPORT_KINDS = ("residence", "employment")
SERVICES = (
    "language_training",
    "orientation",
    "settlement_support",
    "local_residence",
    "civics",
    "job_placement",
)
OBLIGATIONS = ("offered", "required")
MAX_DAYS = 3660


def _choice(ctx: Context, body: CommentedMap, key: str, choices: tuple[str, ...], what: str) -> str | None:
    value = body.get(key)
    if value not in choices:
        ctx.problems.add(
            ctx.doc.value_span(body, key) if key in body else ctx.doc.start(),
            f"{what}: {key} must be one of {', '.join(choices)}",
        )
        return None
    return str(value)


def _days(ctx: Context, body: CommentedMap, key: str, what: str, default: int | None = None) -> int | None:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        span = ctx.doc.value_span(body, key) if key in body else ctx.doc.start()
        ctx.problems.add(span, f"{what}: {key} must be a whole number of days from 0 to {MAX_DAYS}")
        return None
    return value


def _items(ctx: Context, root: CommentedMap, key: str) -> list[tuple[CommentedMap, Span]]:
    raw = root.get(key)
    if raw is None:
        return []
    if not isinstance(raw, CommentedSeq):
        ctx.problems.add(ctx.doc.value_span(root, key), f"operations: {key} must be a list")
        return []
    found = []
    for index, body in enumerate(raw):
        span = ctx.doc.item_span(raw, index)
        if not isinstance(body, CommentedMap):
            ctx.problems.add(span, f"operations: each {key} entry must be a mapping")
            continue
        found.append((body, span))
    return found


def parse_operations(ctx: Context, root: CommentedMap) -> Operations:
    """The ``operations:`` block of a program file, every entry cited; problems collected in `ctx`."""
    if "operations" not in root:
        return Operations()
    span = ctx.doc.value_span(root, "operations")
    block = expect_mapping(ctx, root["operations"], span, "operations", OPERATIONS_KEYS, "portability")
    if block is None:
        return Operations()
    portability = Portability()
    if "portability" in block:
        what = "operations: portability"
        body = expect_mapping(
            ctx,
            block["portability"],
            ctx.doc.value_span(block, "portability"),
            what,
            PORTABILITY_KEYS,
            "employer, state and cite",
        )
        if body is not None:
            employer = _choice(ctx, body, "employer", EMPLOYER_MOVES, what)
            state = _choice(ctx, body, "state", STATE_MOVES, what)
            citation = parse_citation(ctx, body.get("cite"), ctx.doc.value_span(block, "portability"), what)
            if employer and state and citation:
                portability = Portability(employer, state, citation)
    reporting: list[Reporting] = []
    for body, item in _items(ctx, block, "reporting"):
        unknown_keys(ctx, body, REPORTING_KEYS, "operations: reporting")
        kind = _choice(ctx, body, "kind", REPORT_KINDS, "operations: reporting")
        every = _days(ctx, body, "every_days", "operations: reporting")
        grace = _days(ctx, body, "grace_days", "operations: reporting", default=0)
        citation = parse_citation(ctx, body.get("cite"), item, "operations: reporting")
        if kind and every and grace is not None and citation:
            reporting.append(Reporting(kind, every, grace, citation))
    integration: list[Integration] = []
    for body, item in _items(ctx, block, "integration"):
        unknown_keys(ctx, body, INTEGRATION_KEYS, "operations: integration")
        service = _choice(ctx, body, "service", SERVICES, "operations: integration")
        obligation = _choice(ctx, body, "obligation", OBLIGATIONS, "operations: integration")
        citation = parse_citation(ctx, body.get("cite"), item, "operations: integration")
        if service and obligation and citation:
            integration.append(Integration(service, obligation, citation, str(body.get("description", ""))))
    return Operations(portability, tuple(reporting), tuple(integration))
