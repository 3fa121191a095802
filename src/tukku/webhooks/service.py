"""Use cases of webhooks: partners' endpoints (secret shown once, rotation with overlap), their
delivery log, replays, and the backlog operators watch."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tukku.audit import service as audit
from tukku.core.clock import real_now
from tukku.core.db import raise_signal
from tukku.core.errors import Codes, Invalid, NotFound
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.core.sealing import fernet
from tukku.core.settings import Settings
from tukku.core.timefmt import iso
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.webhooks import rules, targets
from tukku.webhooks.job_kinds import DELIVER
from tukku.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tukku.webhooks.outbox import SIGNAL
from tukku.webhooks.schemas import AttemptOut, EndpointIn, EndpointOut, EndpointPatch

SECRET_PURPOSE = b"tukku webhook signing secret"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
AUDITED = ("url", "event_types", "enabled", "description")


def _cipher(key: str) -> Fernet:
    return fernet(key, SECRET_PURPOSE)


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signing_secrets(endpoint: WebhookEndpoint, key: str, now: datetime) -> list[str]:
    """The secrets that sign a delivery at `now` (wall clock): the current one and, during the
    overlap after a rotation, the previous one."""
    cipher = _cipher(key)
    found = [cipher.decrypt(endpoint.secret_sealed.encode()).decode()]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_sealed and expires is not None and now < expires:
        found.append(cipher.decrypt(endpoint.previous_secret_sealed.encode()).decode())
    return found


def _check_url(url: str, settings: Settings) -> None:
    try:
        targets.check(url, settings)
    except targets.Refused as exc:
        code = Codes.WEBHOOK_TARGET_REFUSED if exc.unsafe else Codes.WEBHOOK_URL_INVALID
        raise Invalid("url", str(exc), code) from None


def _check_event_types(names: list[str]) -> list[str]:
    unknown = [n for n in names if n not in rules.EVENT_TYPES]
    if unknown:
        reason = f"unknown event type {', '.join(unknown)}; known: {', '.join(rules.EVENT_TYPES)}"
        raise Invalid("eventTypes", reason, Codes.WEBHOOK_EVENT_TYPE_UNKNOWN)
    return list(dict.fromkeys(names))


def to_out(endpoint: WebhookEndpoint, *, secret: str | None = None) -> EndpointOut:
    """The wire form; the secret only when just made (creation, rotation)."""
    expires = endpoint.previous_secret_expires_at
    return EndpointOut(
        id=endpoint.id,
        org_id=endpoint.org_id,
        url=endpoint.url,
        event_types=list(endpoint.event_types),
        enabled=endpoint.enabled,
        description=endpoint.description,
        disabled_reason=endpoint.disabled_reason,
        created=iso(endpoint.created_at),
        updated=iso(endpoint.updated_at),
        secret=secret,
        previous_secret_expires=iso(expires) if secret and expires else None,
    )


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    endpoint: WebhookEndpoint,
    now: datetime,
    before: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"webhook_endpoint.{action}",
        target_type="webhook_endpoint",
        target_id=endpoint.id,
        now=now,
        before=before,
        after=audit.snapshot(endpoint, AUDITED),
    )
    raise_signal(session, SIGNAL)


def create(
    session: Session, *, actor: Actor, data: EndpointIn, settings: Settings, key: str, now: datetime
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret (shown this once only)."""
    actor.require(Permission.WEBHOOKS_MANAGE)
    _check_url(data.url, settings)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        id=new_id("WEBHOOK"),
        org_id=actor.org_id,
        partner_org_id=actor.partner_org_id,
        url=data.url,
        description=data.description,
        event_types=_check_event_types(data.event_types),
        enabled=data.enabled,
        secret_sealed=_cipher(key).encrypt(secret.encode()).decode(),
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    session.flush()
    _audit(session, actor, "create", endpoint, now)
    return endpoint, secret


def list_(session: Session, *, actor: Actor, page: PageRequest) -> list[WebhookEndpoint]:
    """The endpoints the actor manages (a partner's include its sub-partners'), oldest first;
    one more than the page for the next link."""
    actor.require(Permission.WEBHOOKS_MANAGE)
    query = (
        select(WebhookEndpoint)
        .where(actor.sees(WebhookEndpoint.org_id))
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    )
    return list(session.scalars(query.offset(page.offset).limit(page.limit + 1)))


def get_or_404(
    session: Session, *, actor: Actor, endpoint_id: str, for_update: bool = False
) -> WebhookEndpoint:
    """One endpoint the actor manages; 404 for unknown and foreign IDs alike."""
    actor.require(Permission.WEBHOOKS_MANAGE)
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.id == endpoint_id, actor.sees(WebhookEndpoint.org_id)
    )
    if for_update:
        query = query.with_for_update()
    endpoint = session.scalars(query).first()
    if endpoint is None:
        raise NotFound("webhook endpoint", Codes.WEBHOOK_NOT_FOUND, field_name="webhookId")
    return endpoint


def update(
    session: Session,
    *,
    actor: Actor,
    endpoint_id: str,
    data: EndpointIn | EndpointPatch,
    settings: Settings,
    now: datetime,
) -> WebhookEndpoint:
    """Change an endpoint (PUT gives every field, PATCH some); enabling it again forgets its
    failures."""
    endpoint = get_or_404(session, actor=actor, endpoint_id=endpoint_id, for_update=True)
    before = audit.snapshot(endpoint, AUDITED)
    if data.url is not None:
        _check_url(data.url, settings)
        endpoint.url = data.url
    if data.event_types is not None:
        endpoint.event_types = _check_event_types(data.event_types)
    if "description" in data.model_fields_set or isinstance(data, EndpointIn):
        endpoint.description = data.description
    if data.enabled is not None and data.enabled != endpoint.enabled:
        endpoint.enabled = data.enabled
        endpoint.failing_since = None
        endpoint.disabled_reason = None if data.enabled else "disabled by its owner"
    endpoint.updated_at = now
    session.flush()
    _audit(session, actor, "update", endpoint, now, before)
    return endpoint


def delete(session: Session, *, actor: Actor, endpoint_id: str, now: datetime) -> None:
    """Remove an endpoint with its deliveries and log; nothing more is sent to it."""
    endpoint = get_or_404(session, actor=actor, endpoint_id=endpoint_id, for_update=True)
    _audit(session, actor, "delete", endpoint, now)
    session.delete(endpoint)
    session.flush()


def rotate_secret(
    session: Session,
    *,
    actor: Actor,
    endpoint_id: str,
    settings: Settings,
    key: str,
    now: datetime,
) -> tuple[WebhookEndpoint, str]:
    """A new signing secret (returned, shown this once); the current one keeps signing too for
    `webhook_secret_overlap_hours` of real time, so receivers can switch without losing any."""
    endpoint = get_or_404(session, actor=actor, endpoint_id=endpoint_id, for_update=True)
    secret = new_secret()
    endpoint.previous_secret_sealed = endpoint.secret_sealed
    overlap = timedelta(hours=settings.webhook_secret_overlap_hours)
    endpoint.previous_secret_expires_at = real_now() + overlap
    endpoint.secret_sealed = _cipher(key).encrypt(secret.encode()).decode()
    endpoint.updated_at = now
    session.flush()
    _audit(session, actor, "rotate_secret", endpoint, now)
    return endpoint, secret


# -- the delivery log and replays ---------------------------------------------------------------


def attempts(
    session: Session,
    *,
    actor: Actor,
    endpoint_id: str,
    status: str | None,
    page: PageRequest,
) -> list[AttemptOut]:
    """An endpoint's delivery attempts, newest first, optionally of one status."""
    endpoint = get_or_404(session, actor=actor, endpoint_id=endpoint_id)
    if status is not None and status not in {s.value for s in rules.AttemptStatus}:
        allowed = ", ".join(s.value for s in rules.AttemptStatus)
        raise Invalid("status", f"must be one of {allowed}", Codes.INVALID_QUERY)
    query = (
        select(WebhookAttempt, WebhookDelivery.event_id, WebhookDelivery.event_type)
        .join(WebhookDelivery, WebhookDelivery.id == WebhookAttempt.delivery_id)
        .where(WebhookAttempt.endpoint_id == endpoint.id)
    )
    if status is not None:
        query = query.where(WebhookAttempt.status == status)
    query = query.order_by(WebhookAttempt.id.desc()).offset(page.offset).limit(page.limit + 1)
    return [
        AttemptOut(
            id=row.id,
            delivery_id=row.delivery_id,
            event_id=event_id,
            event_type=event_type,
            attempt=row.attempt,
            status=row.status,
            response_code=row.response_code,
            latency_ms=row.latency_ms,
            error=row.error,
            time=iso(row.attempted_at),
        )
        for row, event_id, event_type in session.execute(query)
    ]


def _requeue(session: Session, original: WebhookDelivery, now: datetime) -> None:
    """Queue an event again as a new delivery (the same event ID, after the endpoint's other
    deliveries of that resource, so order per resource holds)."""
    copy = WebhookDelivery(
        endpoint_id=original.endpoint_id,
        event_id=original.event_id,
        event_type=original.event_type,
        resource_key=original.resource_key,
        payload=original.payload,
        status=rules.DeliveryStatus.PENDING.value,
        attempts=0,
        next_attempt_at=real_now(),
        created_at=original.created_at,
        replay_of=original.replay_of or original.id,
    )
    session.add(copy)
    session.flush()
    DELIVER.enqueue(session, {"deliveryId": copy.id}, due_at=now, now=now)


def replay_delivery(
    session: Session, *, actor: Actor, endpoint_id: str, delivery_id: int, now: datetime
) -> None:
    """Send one event of an endpoint again, whatever became of it."""
    endpoint = get_or_404(session, actor=actor, endpoint_id=endpoint_id)
    original = session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id
        )
    ).first()
    if original is None:
        raise NotFound(
            "webhook delivery", Codes.WEBHOOK_DELIVERY_NOT_FOUND, field_name="deliveryId"
        )
    _requeue(session, original, now)
    _audit(session, actor, "replay", endpoint, now)


REPLAY_LIMIT = 10_000


def replay_range(
    session: Session,
    *,
    actor: Actor,
    endpoint_id: str,
    since: datetime,
    until: datetime | None,
    now: datetime,
) -> int:
    """Send again every event of an endpoint created in [since, until] (at most
    `REPLAY_LIMIT`), oldest first; how many."""
    endpoint = get_or_404(session, actor=actor, endpoint_id=endpoint_id)
    if until is not None and until < since:
        raise Invalid("until", "must not be before since", Codes.WEBHOOK_REPLAY_RANGE_INVALID)
    query = select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id,
        WebhookDelivery.replay_of.is_(None),
        WebhookDelivery.created_at >= since,
    )
    if until is not None:
        query = query.where(WebhookDelivery.created_at <= until)
    originals = list(session.scalars(query.order_by(WebhookDelivery.id).limit(REPLAY_LIMIT)))
    for original in originals:
        _requeue(session, original, now)
    _audit(session, actor, "replay", endpoint, now)
    return len(originals)


def backlog(session: Session) -> tuple[int, int, datetime | None]:
    """(deliveries still to be sent, also between retries; deliveries that failed for good; the
    oldest pending one's event time): for operators' health and metrics."""
    counts = dict(
        session.execute(
            select(WebhookDelivery.status, func.count())
            .where(
                WebhookDelivery.status.in_(
                    (rules.DeliveryStatus.PENDING.value, rules.DeliveryStatus.FAILED.value)
                )
            )
            .group_by(WebhookDelivery.status)
        ).all()
    )
    oldest = session.scalar(
        select(func.min(WebhookDelivery.created_at)).where(
            WebhookDelivery.status == rules.DeliveryStatus.PENDING.value
        )
    )
    return (
        counts.get(rules.DeliveryStatus.PENDING.value, 0),
        counts.get(rules.DeliveryStatus.FAILED.value, 0),
        oldest,
    )
