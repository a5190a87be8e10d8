"""Settings read once, at the edge, from the environment: never a built-in secret.

``STATEVISA_DATABASE_URL`` (or ``--db``) names the database; ``STATEVISA_SECRET_KEY`` signs
the API's bearer tokens; ``STATEVISA_AUDIT_KEY_FILE`` is the Ed25519 PEM that signs the audit
log's checkpoints; ``STATEVISA_AUDIT_ORIGIN`` is the log's name in its checkpoints (C2SP
origin line); ``STATEVISA_IDENTITY_KEYS`` (``key_id:base64-secret``, comma-separated) and
``STATEVISA_IDENTITY_ACTIVE_KEY`` are the keyring of the identity tokens. A setting a command
needs and does not find is a clear error naming the variable; the demo writes its own keys
into the git-ignored ``.statevisa/`` folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from statevisa.errors import InputError, problem

SECRET = "STATEVISA_SECRET_KEY"
AUDIT_KEY = "STATEVISA_AUDIT_KEY_FILE"
ORIGIN = "STATEVISA_AUDIT_ORIGIN"
DEFAULT_ORIGIN = "statevisa.localhost/audit"
MIN_SECRET_BYTES = 32


IDENTITY = ("STATEVISA_IDENTITY_KEYS", "STATEVISA_IDENTITY_ACTIVE_KEY")


@dataclass(frozen=True)
class Settings:
    secret_key: bytes | None
    audit_key_file: Path | None
    audit_origin: str
    identity: tuple[tuple[str, str], ...] = ()
    """The identity keyring's settings as given (read by `services.identity.keyring_from_environment`)."""

    def require_secret(self) -> bytes:
        if self.secret_key is None:
            raise InputError(
                problem(
                    "missing-setting",
                    f"{SECRET} is not set: export a random string of at least "
                    f"{MIN_SECRET_BYTES} characters (the demo writes one to .statevisa/secret_key)",
                    field=SECRET,
                )
            )
        return self.secret_key

    def require_audit_key(self) -> Path:
        if self.audit_key_file is None:
            raise InputError(
                problem(
                    "missing-setting",
                    f"{AUDIT_KEY} is not set: name an Ed25519 private key in PEM "
                    "(`statevisa audit keygen --out FILE` writes one)",
                    field=AUDIT_KEY,
                )
            )
        if not self.audit_key_file.is_file():
            raise InputError(
                problem("no-such-file", "no such file", file=self.audit_key_file, field=AUDIT_KEY)
            )
        return self.audit_key_file


def settings(environ: dict[str, str] | None = None) -> Settings:
    """The settings from `environ` (default: the process environment), checked."""
    env = dict(os.environ if environ is None else environ)
    secret = env.get(SECRET)
    if secret is not None and len(secret.encode()) < MIN_SECRET_BYTES:
        raise InputError(
            problem("weak-secret", f"{SECRET} must be at least {MIN_SECRET_BYTES} characters", field=SECRET)
        )
    key_file = env.get(AUDIT_KEY)
    return Settings(
        secret_key=None if secret is None else secret.encode(),
        audit_key_file=None if not key_file else Path(key_file),
        audit_origin=env.get(ORIGIN) or DEFAULT_ORIGIN,
        identity=tuple((name, env[name]) for name in IDENTITY if env.get(name)),
    )
