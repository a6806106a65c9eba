"""Bearer API tokens and feed secrets: generated once, stored only as SHA-256.

Roles (per pool): ``coordinator`` may do everything in the pool; ``planner``
acts for one organisation; ``worker`` for one worker.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import ApiToken


def new_secret() -> str:
    """A URL-safe secret of 256 bits."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex digest: what the database keeps of a secret.

    >>> len(digest("abc"))
    64
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    token_id: int
    pool_id: str
    role: str
    organisation_id: str | None = None
    worker_id: str | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


def authenticate(session: Session, secret: str) -> Principal | None:
    """The principal of a live token, or None."""
    if not secret or len(secret) > 200:
        return None
    hashed = digest(secret)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hashed))
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.token_hash, hashed):
        return None
    return Principal(token.id, token.pool_id, token.role, token.organisation_id, token.worker_id)


def issue_token(session: Session, pool_id: str, role: str, *, organisation_id: str | None = None,
                worker_id: str | None = None, label: str = "") -> tuple[ApiToken, str]:
    """Create a token row; the secret is returned once and never stored."""
    secret = new_secret()
    token = ApiToken(token_hash=digest(secret), pool_id=pool_id, role=role,
                     organisation_id=organisation_id, worker_id=worker_id, label=label)
    session.add(token)
    session.flush()
    return token, secret
