"""Portal access by e-mail: the invitation (or a new partner's welcome) and the password-reset
mail, each with its single-use set-password link.

Links are built from the configured base URL (`link_base`), never from a request's `Host`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tukku.identity import service as identity
from tukku.identity.models import User
from tukku.identity.rules import PARTNER_KINDS, OrgKind
from tukku.mail.service import queue_mail

SET_PASSWORD_PATH = "/portal/set-password/"  # noqa: S105 (a path, not a password)


def send_password_reset(
    session: Session, *, email: str, now: datetime, link_base: str, lifetime: timedelta
) -> None:
    """Mail a set-password link to the active user owning `email`; nothing for anyone else.
    The caller answers the same either way, so the form never tells whether an account
    exists."""
    user = identity.find_user_by_email(session, email)
    if user is None or user.status != "active":
        return
    token = identity.issue_password_link(
        session, user=user, purpose=identity.RESET, now=now, lifetime=lifetime
    )
    minutes = int(lifetime.total_seconds() // 60)
    _mail(
        session,
        user,
        now,
        kind="password",
        subject="Reset your tukku password",
        body=(
            f"Hello {user.first_name or user.email},\n\n"
            "Someone, hopefully you, asked to reset the password of your tukku account.\n"
            f"Choose a new password here within {minutes} minutes:\n\n"
            f"{link_base.rstrip('/')}{SET_PASSWORD_PATH}{token}\n\n"
            "If it was not you, ignore this e-mail: your password stays as it is.\n"
        ),
    )


def send_invitation(
    session: Session,
    *,
    user: User,
    org_name: str,
    invited_by: str | None,
    now: datetime,
    link_base: str,
    lifetime: timedelta,
) -> None:
    """Mail `user` an invitation to administer `org_name` with a link to choose a password,
    working once within `lifetime` (an earlier invitation's link stops working).
    `invited_by` names who invited them; None for a new partner's first administrator."""
    token = identity.issue_password_link(
        session, user=user, purpose=identity.INVITE, now=now, lifetime=lifetime
    )
    days = max(1, int(lifetime.total_seconds() // 86400))
    who = f"{invited_by} invited you" if invited_by else "You are invited"
    _mail(
        session,
        user,
        now,
        kind="invitation",
        subject=f"You are invited to administer {org_name} on tukku",
        body=(
            f"Hello {user.first_name or user.email},\n\n"
            f"{who} to administer {org_name} on tukku, the wholesale partner portal.\n"
            f"Choose your password here within {days} day(s), then sign in "
            f"as {user.email}:\n\n"
            f"{link_base.rstrip('/')}{SET_PASSWORD_PATH}{token}\n\n"
            "The link works once. If you did not expect this e-mail, ignore it.\n"
        ),
    )


def _mail(
    session: Session, user: User, now: datetime, *, kind: str, subject: str, body: str
) -> None:
    org = identity.get_org_unscoped(session, user.org_id)
    partner = owner = customer = None
    if org is not None and org.kind in PARTNER_KINDS:
        owner = org.id
        partner = org.parent_id if org.kind == OrgKind.SUB_PARTNER and org.parent_id else org.id
    elif org is not None and org.kind == OrgKind.CUSTOMER:
        customer = org.id
    queue_mail(
        session,
        to=user.email,
        subject=subject,
        body=body,
        kind=kind,
        now=now,
        partner_org_id=partner,
        owner_org_id=owner,
        customer_org_id=customer,
    )
