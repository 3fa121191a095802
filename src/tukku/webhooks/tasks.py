"""The delivery job: send one outbox row, signed, in order per resource; log the attempt;
retry on Svix's schedule (a new job each, on the worker's wall clock); disable an endpoint
that has failed for days, telling its administrators."""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tukku.core.clock import real_now
from tukku.core.db import raise_signal
from tukku.identity import service as identity
from tukku.identity.models import User
from tukku.identity.rules import Role
from tukku.jobs.registry import JobContext
from tukku.mail.service import queue_mail
from tukku.webhooks import rules, service
from tukku.webhooks.delivery import Outcome, send, signed_headers
from tukku.webhooks.job_kinds import DELIVER, DeliveryPayload
from tukku.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tukku.webhooks.outbox import SIGNAL

log = logging.getLogger("tukku.webhooks")
PENDING = rules.DeliveryStatus.PENDING.value
CLAIM_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class _Plan:
    url: str
    enabled: bool
    secrets: list[str]
    event_id: str
    body: str


def _older_pending(session: Session, delivery: WebhookDelivery) -> bool:
    """Whether an older event of the same endpoint and resource is still to be sent."""
    older = select(WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == delivery.endpoint_id,
        WebhookDelivery.resource_key == delivery.resource_key,
        WebhookDelivery.id < delivery.id,
        WebhookDelivery.status == PENDING,
    )
    return session.scalar(older.limit(1)) is not None


def _plan(ctx: JobContext, delivery_id: int) -> _Plan | None:
    """What to send, read without holding a write transaction; None when nothing is to be sent
    now (gone, finished, or waiting for an older event of its resource, which sends it next)."""
    with ctx.db.unit_of_work(write=False) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != PENDING or _older_pending(session, delivery):
            return None
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        if endpoint is None:
            return None
        key = identity.link_secret(session, configured=ctx.settings.secret_key, now=real_now())
        secrets = service.signing_secrets(endpoint, key, ctx.wall_clock.now())
        body = json.dumps(delivery.payload, separators=(",", ":"))
        return _Plan(endpoint.url, endpoint.enabled, secrets, delivery.event_id, body)


def _claim(ctx: JobContext, delivery_id: int) -> int | None:
    """Count an attempt and hold the delivery while it is made, so that two jobs of one
    delivery never send it at once; the attempt's number, or None if another holds it."""
    now = ctx.wall_clock.now()
    hold = timedelta(seconds=ctx.settings.webhook_timeout_seconds) + CLAIM_MARGIN
    with ctx.db.unit_of_work() as session:
        row = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == PENDING,
                (WebhookDelivery.claimed_until.is_(None)) | (WebhookDelivery.claimed_until < now),
            )
            .values(attempts=WebhookDelivery.attempts + 1, claimed_until=now + hold)
            .returning(WebhookDelivery.attempts)
            .execution_options(synchronize_session=False)
        ).first()
    return None if row is None else int(row[0])


@DELIVER.handler(on_failure=lambda ctx, payload, _error: _give_up(ctx, payload))
def deliver(ctx: JobContext, payload: DeliveryPayload) -> None:
    """Attempt one delivery; record the outcome with the job's completion."""
    delivery_id = payload["deliveryId"]
    plan = _plan(ctx, delivery_id)
    if plan is None:
        return
    if not plan.enabled:
        _finish_disabled(ctx, delivery_id)
        return
    attempt = _claim(ctx, delivery_id)
    if attempt is None:
        return
    headers = signed_headers(plan.secrets, plan.event_id, real_now(), plan.body)
    outcome = send(plan.url, headers, plan.body, ctx.settings)
    _record(ctx, delivery_id, attempt, outcome)


def _attempt_status(outcome: Outcome) -> rules.AttemptStatus:
    return rules.AttemptStatus.SUCCEEDED if outcome.delivered else rules.AttemptStatus.FAILED


def _record(ctx: JobContext, delivery_id: int, attempt: int, outcome: Outcome) -> None:
    session, now = ctx.session, ctx.wall_clock.now()
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None:  # its endpoint was deleted meanwhile
        return
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
    assert endpoint is not None
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            endpoint_id=delivery.endpoint_id,
            attempt=attempt,
            status=(
                rules.AttemptStatus.SUCCEEDED if outcome.delivered else rules.AttemptStatus.FAILED
            ).value,
            response_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
            attempted_at=now,
        )
    )
    delivery.claimed_until = None
    if outcome.delivered:
        endpoint.failing_since = None
        _finish(session, delivery, rules.DeliveryStatus.DELIVERED, now)
        return
    endpoint.failing_since = endpoint.failing_since or now
    delay = rules.retry_delay(attempt, random.random())
    if delay is None:
        _finish(session, delivery, rules.DeliveryStatus.FAILED, now)
    else:
        delivery.next_attempt_at = now + delay
        DELIVER.enqueue(
            session,
            {"deliveryId": delivery.id},
            due_at=ctx.clock.now(),
            now=ctx.clock.now(),
            available_at=now + delay,
        )
    if now - endpoint.failing_since >= timedelta(days=ctx.settings.webhook_disable_after_days):
        _disable(ctx, endpoint)


def _finish(
    session: Session, delivery: WebhookDelivery, status: rules.DeliveryStatus, now: datetime
) -> None:
    """A delivery is done (sent, or failed for good): the next event of its resource goes."""
    delivery.status = status.value
    delivery.finished_at = now
    session.flush()
    following = session.scalar(
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.endpoint_id == delivery.endpoint_id,
            WebhookDelivery.resource_key == delivery.resource_key,
            WebhookDelivery.id > delivery.id,
            WebhookDelivery.status == PENDING,
        )
        .order_by(WebhookDelivery.id)
        .limit(1)
    )
    if following is not None:
        DELIVER.enqueue(session, {"deliveryId": following}, due_at=now, now=now)


def _finish_disabled(ctx: JobContext, delivery_id: int) -> None:
    """An event for a disabled endpoint fails at once (replay sends it once enabled again)."""
    delivery = ctx.session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.status != PENDING:
        return
    now = ctx.wall_clock.now()
    ctx.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            endpoint_id=delivery.endpoint_id,
            attempt=delivery.attempts,
            status=rules.AttemptStatus.FAILED.value,
            error="the endpoint is disabled",
            attempted_at=now,
        )
    )
    _finish(ctx.session, delivery, rules.DeliveryStatus.FAILED, now)


def _give_up(ctx: JobContext, payload: DeliveryPayload) -> None:
    """The job itself failed for good (not the receiver): the delivery fails, the next goes."""
    delivery = ctx.session.get(WebhookDelivery, payload["deliveryId"], with_for_update=True)
    if delivery is not None and delivery.status == PENDING:
        _finish(ctx.session, delivery, rules.DeliveryStatus.FAILED, ctx.wall_clock.now())


def _disable(ctx: JobContext, endpoint: WebhookEndpoint) -> None:
    """Turn off an endpoint that has only failed for `webhook_disable_after_days`, and mail
    its organization's full administrators."""
    days = ctx.settings.webhook_disable_after_days
    endpoint.enabled = False
    endpoint.disabled_reason = f"every delivery failed for {days:g} days"
    endpoint.updated_at = ctx.clock.now()
    raise_signal(ctx.session, SIGNAL)
    log.warning("webhook endpoint disabled", extra={"endpoint": endpoint.id})
    base = (ctx.settings.public_base_url or "").rstrip("/")
    where = f"{base}/v1/partner/webhooks/{endpoint.id}" if base else f"endpoint {endpoint.id}"
    holders = identity.active_holders(ctx.session, endpoint.org_id, Role.PARTNER_FULL_ADMIN.value)
    for user_id in holders:
        user = ctx.session.get(User, user_id)
        if user is None:
            continue
        queue_mail(
            ctx.session,
            to=user.email,
            subject="A webhook endpoint was disabled",
            body=(
                f"Every delivery to {endpoint.url} has failed for {days:g} days, so tukku has "
                f"stopped sending to it.\n\nFix the receiver, then enable the endpoint again "
                f"(PATCH {where} with enabled: true) and replay what it missed:\n{where}\n"
            ),
            kind="webhook_disabled",
            now=ctx.clock.now(),
            partner_org_id=endpoint.partner_org_id,
            owner_org_id=endpoint.org_id,
            customer_org_id=None,
        )
