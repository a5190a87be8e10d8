"""Bearer tokens: who the caller is, in which role and jurisdiction, until when.

A token is a JWT (RFC 7519) signed with HMAC-SHA-256 under ``STATEVISA_SECRET_KEY``, with
claims ``sub`` (the subject), ``role``, ``jur`` (the jurisdiction the role covers: ``US``, a
state or a county FIPS code), ``iat`` and ``exp``, issued by ``statevisa``. A token whose
role does not fit its jurisdiction (a county officer of a state) is never issued and never
accepted. Verification checks the signature, the algorithm, the expiry and every claim.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import jwt

from statevisa.errors import InputError, UnauthenticatedError, problem
from statevisa.services.authz import TERRITORY, Principal, Role, kind_of

ISSUER = "statevisa"
ALGORITHM = "HS256"
MAX_TTL = 366 * 24 * 3600
CLOCK_SKEW = 60
"""Seconds a token's issue time may run ahead of this server's clock (clocks drift)."""
_SUBJECT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:-]{0,199}")
_FIPS = re.compile(r"US|\d{2}|\d{5}")


def check_principal(subject: str, role: str, jurisdiction: str, field_prefix: str = "--") -> Principal:
    """A principal whose parts are well formed and fit together, or an error naming the part."""
    problems = []
    if not _SUBJECT.fullmatch(subject):
        problems.append(
            problem(
                "bad-subject",
                "1-200 letters, digits and . _ @ : -, starting with a letter or digit",
                field=f"{field_prefix}subject",
            )
        )
    try:
        parsed = Role(role)
    except ValueError:
        problems.append(
            problem(
                "unknown-role",
                f"'{role}' is not a role (roles: {', '.join(Role)})",
                field=f"{field_prefix}role",
            )
        )
        parsed = None
    if not _FIPS.fullmatch(jurisdiction):
        problems.append(
            problem(
                "bad-jurisdiction",
                f"'{jurisdiction}' is not US or a 2- or 5-digit FIPS code",
                field=f"{field_prefix}jurisdiction",
            )
        )
    elif parsed is not None:
        need, kind = TERRITORY[parsed], kind_of(jurisdiction)
        if need != "any" and need != kind:
            problems.append(
                problem(
                    "role-jurisdiction",
                    f"a {parsed} acts for a {need}, not a {kind} ({jurisdiction})",
                    field=f"{field_prefix}jurisdiction",
                )
            )
        if need == "any" and kind == "county":
            problems.append(
                problem(
                    "role-jurisdiction",
                    f"a {parsed} belongs to a state or US, not a county",
                    field=f"{field_prefix}jurisdiction",
                )
            )
    if problems or parsed is None:
        raise InputError(problems)
    return Principal(subject, parsed, jurisdiction)


def issue(principal: Principal, secret: bytes, now: dt.datetime, ttl_seconds: int) -> str:
    """A signed token for `principal`, valid from `now` for `ttl_seconds`."""
    if not 1 <= ttl_seconds <= MAX_TTL:
        raise InputError(problem("out-of-range", f"must be between 1 and {MAX_TTL:,} seconds", field="--ttl"))
    claims = {
        "iss": ISSUER,
        "sub": principal.subject,
        "role": str(principal.role),
        "jur": principal.jurisdiction,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(token: str, secret: bytes, now: dt.datetime) -> Principal:
    """The principal a token names, if this platform signed it and it has not expired."""
    expires, issued, who, wrong = _checked(token, secret)
    # times are checked against the edge's clock, not the library's, on every call
    if not isinstance(expires, int) or expires <= now.timestamp():
        raise UnauthenticatedError(problem("expired-token", "the bearer token has expired"))
    if not isinstance(issued, int) or issued > now.timestamp() + CLOCK_SKEW:
        raise UnauthenticatedError(problem("bad-token", "the bearer token was issued in the future"))
    if who is None:
        raise UnauthenticatedError(problem("bad-token", f"the bearer token's claims are not valid: {wrong}"))
    return who


@lru_cache(maxsize=4096)
def _checked(token: str, secret: bytes) -> tuple[object, object, Principal | None, str]:
    """A token's expiry, issue time, and principal (or why its claims are not one), once per token.

    Everything here depends on the token's bytes and the secret alone, so a client sending the
    same token with every request pays for the HMAC and the claim checks once (keyed by both: a
    new secret verifies afresh); the times, which depend on the clock, are `verify`'s to check
    on every call. A token that fails is not remembered (the error is raised, not returned).
    """
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as error:
        raise UnauthenticatedError(problem("bad-token", f"the bearer token is not valid: {error}")) from None
    try:
        who = check_principal(
            str(claims.get("sub")), str(claims.get("role")), str(claims.get("jur")), "token/"
        )
    except InputError as error:
        return claims.get("exp"), claims.get("iat"), None, str(error)
    return claims.get("exp"), claims.get("iat"), who, ""
