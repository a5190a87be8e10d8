"""One policy decides who may do what, where: `authorize` asks it; nothing else decides.

The policy is Cedar (`policy/statevisa.cedar`), validated against its schema
(`policy/statevisa.cedarschema`) when this module first loads, so a policy that names an
unknown action, attribute or type stops the platform at start-up instead of silently
denying. Jurisdictions form a hierarchy (a county is in its state, a state in the nation),
which is how "a state officer of 06 sees what is inside 06" is written once.

Why two answers for a refusal: a caller whose role may never do an action gets 403; a caller
who could do it, but not on this record (another state's case), gets 404, so the existence of
another jurisdiction's records does not leak. Creating outside one's territory, or acting on a
public record (a program, a cap), is a 403: there is no existence to hide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib.resources import files

import cedarpy

from statevisa.errors import ForbiddenError, NotFoundError, problem


class Role(StrEnum):
    FEDERAL_REVIEWER = "federal_reviewer"
    STATE_OFFICER = "state_officer"
    COUNTY_OFFICER = "county_officer"
    EMPLOYER = "employer"
    APPLICANT = "applicant"
    ENFORCEMENT_LIAISON = "enforcement_liaison"
    ANALYST = "analyst"


TERRITORY = {
    Role.FEDERAL_REVIEWER: "nation",
    Role.STATE_OFFICER: "state",
    Role.COUNTY_OFFICER: "county",
    Role.EMPLOYER: "any",
    Role.APPLICANT: "any",
    Role.ENFORCEMENT_LIAISON: "nation",
    Role.ANALYST: "any",
}
"""The kind of jurisdiction a role's token must name (`any`: a state, or US)."""


PUBLIC = frozenset(
    {
        "Program",
        "ProgramVersion",
        "Allocation",
        "Participation",
        "Round",
        "JobOffer",
        "AuditLog",
        "Statistics",
    }
)
"""Records whose existence is public: refusing an action on one is a 403, never a 404."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a subject, the role they act in, and the jurisdiction that role covers."""

    subject: str
    role: Role
    jurisdiction: str


@dataclass(frozen=True, slots=True)
class Resource:
    """What is asked about: its type (a Cedar entity type), id, jurisdiction and owner."""

    type: str
    id: str
    jurisdiction: str
    owner: str = ""


def kind_of(fips: str) -> str:
    """`nation`, `state` or `county` from the shape of a FIPS code (validated at the edge)."""
    return "nation" if fips == "US" else ("state" if len(fips) == 2 else "county")


def _chain(fips: str) -> list[str]:
    """The jurisdiction and its ancestors: 06037 → 06 → US."""
    if fips == "US":
        return ["US"]
    if len(fips) == 5:
        return [fips, fips[:2], "US"]
    return [fips, "US"]


def _jurisdictions(*codes: str) -> list[dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for code in codes:
        chain = _chain(code)
        for child, parent in zip(chain, [*chain[1:], None], strict=True):
            parents = [] if parent is None else [{"type": "Jurisdiction", "id": parent}]
            found[child] = {"uid": {"type": "Jurisdiction", "id": child}, "attrs": {}, "parents": parents}
    return list(found.values())


@cache
def _policy() -> tuple[cedarpy.PolicySet, cedarpy.Schema]:
    folder = files("statevisa.services") / "policy"
    text = (folder / "statevisa.cedar").read_text(encoding="utf-8")
    schema_text = (folder / "statevisa.cedarschema").read_text(encoding="utf-8")
    checked = cedarpy.validate_policies(text, schema_text)
    if not checked.validation_passed:
        raise RuntimeError(f"the authorisation policy does not validate against its schema: {checked}")
    return cedarpy.PolicySet.from_str(text), cedarpy.Schema.from_str(schema_text)


def check_policy() -> None:
    """Validate the policy now (the API calls this at start-up)."""
    _policy()


@lru_cache(maxsize=16_384)
def allowed(principal: Principal, action: str, resource: Resource) -> bool:
    """The policy's answer, nothing more; remembered per (principal, action, resource).

    The request Cedar sees is built from these three values alone (no context, no clock, no
    stored record), and the policy is this package's file, read once: the same three always get
    the same answer, so it is asked once per process (a policy error is raised, never kept).
    Under load a submission asks the same question every time (the resource of a new record
    has no id yet), which cost a Cedar evaluation and an entities document per request.
    """
    policies, schema = _policy()
    user = {"type": "User", "id": principal.subject}
    target = {"type": resource.type, "id": resource.id}
    entities = [
        *_jurisdictions(principal.jurisdiction, resource.jurisdiction),
        {
            "uid": user,
            "attrs": {
                "role": str(principal.role),
                "subject": principal.subject,
                "jurisdiction": {"__entity": {"type": "Jurisdiction", "id": principal.jurisdiction}},
            },
            "parents": [],
        },
        {
            "uid": target,
            "attrs": {
                "owner": resource.owner,
                "jurisdiction": {"__entity": {"type": "Jurisdiction", "id": resource.jurisdiction}},
            },
            "parents": [],
        },
    ]
    request = {
        "principal": user,
        "action": {"type": "Action", "id": action},
        "resource": target,
        "context": {},
    }
    result = cedarpy.is_authorized(request, policies, json.dumps(entities), schema)
    if result.diagnostics.errors:  # a policy error is a bug, never a quiet deny
        raise RuntimeError(f"authorisation policy error for {action}: {result.diagnostics.errors}")
    return result.decision == cedarpy.Decision.Allow


def authorize(principal: Principal, action: str, resource: Resource, *, creating: bool = False) -> None:
    """Return when the policy allows; otherwise raise 404 (not yours to know) or 403 (never your role)."""
    if allowed(principal, action, resource):
        return
    label = resource.type.lower()
    if not creating and resource.type not in PUBLIC:
        own = Resource(resource.type, resource.id, principal.jurisdiction, principal.subject)
        if allowed(principal, action, own):
            raise NotFoundError(problem("not-found", f"no {label} {resource.id}", field=label))
    where = f" in {resource.jurisdiction}" if creating else ""
    raise ForbiddenError(
        problem(
            "forbidden",
            f"the {principal.role} role may not {action.split('.')[-1]} this {label}{where}",
            field=label,
        )
    )
