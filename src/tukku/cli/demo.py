"""The embedded default's demo: an operator and a demo partner, with tokens kept between starts.

Tokens are stored hashed, so the ones shown at the first start are kept in an owner-only file
(`TUKKU_DEMO_TOKENS_FILE`) and shown again at every start while they still work; new ones are
issued only when they expired, were revoked or the file is gone (the old ones are then revoked,
so restarts never pile up live tokens).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from tukku.cli.tokens import expiry
from tukku.core.clock import Clock, real_now
from tukku.identity import service as identity
from tukku.identity.models import User
from tukku.identity.rules import WHOLESALE_SCOPES, Scope
from tukku.onboarding import service as onboarding
from tukku.partners.flows import create_partner

OPERATOR_EMAIL = "operator@tukku.test"
DEMO_ADMIN_EMAIL = "demo.admin@tukku.test"


@dataclass(frozen=True)
class DemoAccess:
    """What the banner shows: the demo tokens (reused or new), when they expire, and the demo
    template's ID."""

    operator_token: str
    partner_token: str
    partner_org_id: str
    provisioning_id: str
    expires_at: datetime | None
    created: bool
    reused: bool


def ensure_demo(
    session: Session, clock: Clock, *, tokens_file: Path, lifetime_days: int
) -> DemoAccess:
    """Create the operator and the demo partner on first start; reuse the demo tokens while
    they work, otherwise revoke what is left of them and issue new ones."""
    now = clock.now()
    created = identity.find_user_by_email(session, OPERATOR_EMAIL) is None
    operator = identity.ensure_operator(
        session, email=OPERATOR_EMAIL, now=now, first_name="Platform", last_name="Operator"
    )
    admin = identity.find_user_by_email(session, DEMO_ADMIN_EMAIL)
    if admin is None:
        setup = create_partner(
            session,
            name="Demo Partner",
            admin_email=DEMO_ADMIN_EMAIL,
            now=now,
            admin_first_name="Demo",
            admin_last_name="Admin",
        )
        admin, provisioning_id = setup.admin, setup.provisioning_id
        created = True
    else:
        provisioning_id = onboarding.first_provisioning_id(session, admin.org_id) or ""
    kept = _read(tokens_file)
    reusable = _still_valid(session, kept, operator, admin)
    if reusable is not None:
        operator_token, partner_token, expires_at = reusable
        return DemoAccess(
            operator_token, partner_token, admin.org_id, provisioning_id, expires_at, created, True
        )
    for plain in kept.values():
        if plain.startswith(identity.TOKEN_PREFIX) and len(plain) > identity.SHOWN_PREFIX_LENGTH:
            for token in identity.find_tokens(session, plain):
                identity.revoke_token(session, token.id, now=real_now(), reason="demo.replaced")
    issued_at = real_now()
    expires_at = expiry(issued_at, lifetime_days)
    _, operator_token = identity.issue_token(
        session,
        user=operator,
        scopes={Scope.OPS},
        name="demo operator",
        now=issued_at,
        expires_at=expires_at,
    )
    _, partner_token = identity.issue_token(
        session,
        user=admin,
        scopes=WHOLESALE_SCOPES,
        name="demo partner",
        now=issued_at,
        expires_at=expires_at,
    )
    _write(tokens_file, {"operator": operator_token, "partner": partner_token})
    return DemoAccess(
        operator_token, partner_token, admin.org_id, provisioning_id, expires_at, created, False
    )


def _still_valid(
    session: Session, kept: dict[str, str], operator: User, admin: User
) -> tuple[str, str, datetime | None] | None:
    """The kept tokens and their first expiry, if both still authenticate as the demo operator
    and the demo partner's admin."""
    now = real_now()
    plains: list[str] = []
    expiries: list[datetime] = []
    for role, user in (("operator", operator), ("partner", admin)):
        plain = kept.get(role)
        checked = identity.authenticate(session, plain, now=now) if plain else None
        if plain is None or checked is None or checked.principal.user_id != user.id:
            return None
        plains.append(plain)
        if checked.expires_at is not None:
            expiries.append(checked.expires_at)
    return plains[0], plains[1], min(expiries, default=None)


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _write(path: Path, tokens: dict[str, str]) -> None:
    """Write the tokens readable by the owner only (the directory too, when tukku creates it)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(tokens, handle)
    path.chmod(0o600)


def demo_password_link(session: Session, *, now: datetime, lifetime: timedelta) -> str | None:
    """A set-password token for the demo partner's administrator while it has no password
    (each start replaces the last); None once it has one (it signs in with that)."""
    admin = identity.find_user_by_email(session, DEMO_ADMIN_EMAIL)
    if admin is None or admin.password_hash is not None:
        return None
    return identity.issue_password_link(
        session, user=admin, purpose=identity.INVITE, now=now, lifetime=lifetime
    )
