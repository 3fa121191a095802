"""Use cases of Setup Assist: partners place and read orders, operators advance their phases,
billing reads the one-time charges they bring."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, String, cast, func, literal, null, select
from sqlalchemy.orm import Session

from tukku.accounts import service as accounts
from tukku.audit import service as audit
from tukku.catalog.packages import catalog
from tukku.core.errors import Codes, Conflict, NotFound, Problem, invalid_all
from tukku.core.ids import new_id
from tukku.core.pagination import PageRequest
from tukku.core.timefmt import iso
from tukku.customers import service as customers
from tukku.customers.models import Customer, Location
from tukku.identity.actor import Actor
from tukku.identity.models import RoleAssignment, User
from tukku.identity.permissions import Permission, authorize
from tukku.identity.principal import Principal
from tukku.identity.rules import Role
from tukku.mail.service import queue_mail
from tukku.setup_assist import rules
from tukku.setup_assist.models import SetupAssistOrder, SetupAssistPhase
from tukku.setup_assist.rules import Phase, Sku, Status
from tukku.setup_assist.schemas import OrderIn, OrderOut, PhaseOut
from tukku.subscribers.models import Subscriber

EPOCH = date(1970, 1, 1)
PARTNER_ADMIN_ROLES = (Role.PARTNER_FULL_ADMIN.value, Role.WHOLESALE_ADMIN.value)
SUBMITTED = Status.SUBMITTED.value


@dataclass(frozen=True)
class OrderFilters:
    """List filters: exact matches."""

    customer_org_id: str | None = None
    status: str | None = None
    partner_org_id: str | None = None


def orders_at(session: Session, location_id: str) -> int:
    """How many orders name the location (open or completed: they stay for billing, so the
    location must stay too)."""
    query = select(func.count()).where(SetupAssistOrder.location_id == location_id)
    return session.scalar(query) or 0


def seats_at(session: Session, location_id: str) -> int:
    """Subscribers at the location now (removed ones no longer count)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Subscriber)
            .where(Subscriber.location_id == location_id, Subscriber.removed_at.is_(None))
        )
        or 0
    )


def place_order(
    session: Session, *, actor: Actor, data: OrderIn, now: datetime, holidays: Set[date]
) -> SetupAssistOrder:
    """Order Setup Assist for a location of a customer the actor manages: the SKU follows the
    location's seat count now. 400 naming each bad field; 404 for an organization, customer or
    location the actor may not reach; 403 while the partner is suspended; 409 while the
    location has an order in progress."""
    actor.require(Permission.CUSTOMERS_WRITE)
    today = now.astimezone(UTC).date()
    problems: list[Problem] = []
    deployment = rules.check_deployment(data.deployment_date, today, holidays)
    if isinstance(deployment, Problem):
        problems.append(deployment)
    count_problem = rules.check_location_count(data.location_count)
    if count_problem is not None:
        problems.append(count_problem)
    if problems:
        raise invalid_all(problems)
    assert isinstance(deployment, date)
    if data.partner_org_id != actor.org_id:
        raise NotFound("partner", field_name="partnerOrgId")
    try:
        customer = customers.managed_by_org(session, actor=actor, org_id=data.customer_org_id)
    except NotFound:
        raise NotFound("customer", field_name="customerOrgId") from None
    accounts.ensure_may_change(session, customer.owner_org_id)
    subscription = subscription_for(session, customer)
    if subscription is None or data.subscription_id != subscription:
        reason = "subscriptionId: not your wholesale subscription"
        raise invalid_all(
            [Problem(Codes.SETUP_ASSIST_SUBSCRIPTION_MISMATCH, reason, "subscriptionId")]
        )
    location = _location(session, customer, data.location_id)
    _refuse_open_order(session, location.id)
    seats = seats_at(session, location.id)
    sku = rules.sku_for(seats)
    order = SetupAssistOrder(
        id=new_id("SETUP_ASSIST_ORDER"),
        partner_org_id=customer.partner_org_id,
        sub_partner_org_id=customer.sub_partner_org_id,
        owner_org_id=customer.owner_org_id,
        subscription_id=subscription,
        customer_id=customer.id,
        customer_org_id=data.customer_org_id,
        location_id=location.id,
        location_count=data.location_count,
        deployment_date=deployment,
        package=sku.value,
        sku=catalog().service(sku.value).sku,
        seats=seats,
        quantity=rules.billed_quantity(sku, seats),
        billed_day=(today - EPOCH).days,
        status=SUBMITTED,
        phases_reached=0,
        created_by=actor.principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(order)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="setup_assist.order",
        target_type="setup_assist_order",
        target_id=order.id,
        now=now,
        partner_org_id=order.partner_org_id,
        owner_org_id=order.owner_org_id,
        after={
            "customerOrgId": order.customer_org_id,
            "locationId": order.location_id,
            "locationCount": order.location_count,
            "deploymentDate": deployment.isoformat(),
            "sku": order.sku,
            "seats": seats,
            "quantity": order.quantity,
        },
    )
    return order


def _location(session: Session, customer: Customer, location_id: str) -> Location:
    location = session.scalars(
        select(Location).where(Location.id == location_id, Location.customer_id == customer.id)
    ).first()
    if location is None:
        raise NotFound("location", Codes.SETUP_ASSIST_LOCATION_NOT_FOUND, field_name="locationId")
    return location


def _refuse_open_order(session: Session, location_id: str) -> None:
    open_order = session.scalar(
        select(SetupAssistOrder.id).where(
            SetupAssistOrder.location_id == location_id,
            SetupAssistOrder.status != Status.COMPLETED.value,
        )
    )
    if open_order is not None:
        reason = f"the location has order {open_order} in progress"
        raise Conflict("locationId", reason, Codes.SETUP_ASSIST_ORDER_OPEN)


def list_orders(
    session: Session, *, actor: Actor, filters: OrderFilters, page: PageRequest
) -> list[SetupAssistOrder]:
    """The acting organization's own orders, newest first (a parent lists a sub-partner's by
    acting for it, as it lists customers); one more than the page to tell whether another
    follows."""
    actor.require(Permission.CUSTOMERS_READ)
    visible = select(SetupAssistOrder).where(actor.owns(SetupAssistOrder.owner_org_id))
    query = _filtered(visible, filters)
    return _page(session, query, page)


def get_order(session: Session, *, actor: Actor, order_id: str) -> SetupAssistOrder:
    """One of the actor's orders (a parent's include its sub-partners'); 404 for anyone
    else's."""
    actor.require(Permission.CUSTOMERS_READ)
    order = session.scalars(
        select(SetupAssistOrder).where(
            SetupAssistOrder.id == order_id, actor.sees(SetupAssistOrder.owner_org_id)
        )
    ).first()
    if order is None:
        raise NotFound("order", Codes.SETUP_ASSIST_ORDER_NOT_FOUND)
    return order


def list_platform_wide(
    session: Session, *, principal: Principal, filters: OrderFilters, page: PageRequest
) -> list[SetupAssistOrder]:
    """Every partner's orders, newest first (operators)."""
    authorize(principal, Permission.OPERATE)
    query = _filtered(select(SetupAssistOrder), filters)
    if filters.partner_org_id is not None:
        query = query.where(SetupAssistOrder.partner_org_id == filters.partner_org_id)
    return _page(session, query, page)


def get_unscoped(session: Session, *, principal: Principal, order_id: str) -> SetupAssistOrder:
    """Any order (operators)."""
    authorize(principal, Permission.OPERATE)
    order = session.scalars(select(SetupAssistOrder).where(SetupAssistOrder.id == order_id)).first()
    if order is None:
        raise NotFound("order", Codes.SETUP_ASSIST_ORDER_NOT_FOUND)
    return order


def _filtered(query: Select[SetupAssistOrder], filters: OrderFilters) -> Select[SetupAssistOrder]:
    if filters.customer_org_id is not None:
        query = query.where(SetupAssistOrder.customer_org_id == filters.customer_org_id)
    if filters.status is not None:
        query = query.where(SetupAssistOrder.status == filters.status)
    return query


def _page(
    session: Session, query: Select[SetupAssistOrder], page: PageRequest
) -> list[SetupAssistOrder]:
    ordered = query.order_by(SetupAssistOrder.created_at.desc(), SetupAssistOrder.seq.desc())
    return list(session.scalars(ordered.offset(page.offset).limit(page.limit + 1)))


def names_of(session: Session, orders: list[SetupAssistOrder]) -> dict[str, tuple[str, str]]:
    """Each order's customer and location names, by order ID: what a person reads in a list
    where the API gives IDs."""
    if not orders:
        return {}
    rows = session.execute(
        select(SetupAssistOrder.id, Customer.name, Location.name)
        .join(Customer, Customer.id == SetupAssistOrder.customer_id)
        .join(Location, Location.id == SetupAssistOrder.location_id)
        .where(SetupAssistOrder.id.in_([o.id for o in orders]))
    )
    return {order_id: (customer, location) for order_id, customer, location in rows}


def subscription_for(session: Session, customer: Customer) -> str | None:
    """The wholesale subscription an order for `customer` is placed on: its top-level
    partner's, which a sub-partner orders on too."""
    return accounts.subscription_of(session, customer.partner_org_id)


def current_phase(order: SetupAssistOrder) -> Phase | None:
    """The phase the order is in (None before the first and after the last)."""
    if order.status != Status.IN_PROGRESS.value:
        return None
    return rules.PHASES[Sku(order.package)][order.phases_reached - 1]


def advance(
    session: Session,
    *,
    principal: Principal,
    order_id: str,
    expected_phase: str | None,
    now: datetime,
) -> SetupAssistOrder:
    """Complete the current phase and start the next (after the last: complete the order);
    mail the partner's administrators. 409 once completed, or when `expected_phase` is not the
    phase the order is in."""
    authorize(principal, Permission.OPERATE)
    order = session.scalars(
        select(SetupAssistOrder).where(SetupAssistOrder.id == order_id).with_for_update()
    ).first()
    if order is None:
        raise NotFound("order", Codes.SETUP_ASSIST_ORDER_NOT_FOUND)
    if order.status == Status.COMPLETED.value:
        raise Conflict(None, "the order is completed", Codes.SETUP_ASSIST_COMPLETED)
    current = current_phase(order)
    now_in = current.value if current else SUBMITTED
    if expected_phase is not None and expected_phase != now_in:
        reason = f"the order is in {now_in}, not {expected_phase}"
        raise Conflict("expectedPhase", reason, Codes.SETUP_ASSIST_PHASE_MISMATCH)
    if current is not None:
        done = session.get(SetupAssistPhase, (order.id, order.phases_reached))
        assert done is not None
        done.completed_at = now
    following = rules.next_phase(Sku(order.package), order.phases_reached)
    before = {"status": order.status, "phase": current.value if current else None}
    if following is None:
        order.status = Status.COMPLETED.value
    else:
        order.phases_reached += 1
        order.status = Status.IN_PROGRESS.value
        session.add(
            SetupAssistPhase(
                order_id=order.id,
                position=order.phases_reached,
                name=following.value,
                started_at=now,
                completed_at=None,
                started_by=principal.user_id,
            )
        )
    order.updated_at = now
    session.flush()
    after = {"status": order.status, "phase": following.value if following else None}
    audit.record(
        session,
        principal=principal,
        action="setup_assist.advance",
        target_type="setup_assist_order",
        target_id=order.id,
        now=now,
        partner_org_id=order.partner_org_id,
        owner_org_id=order.owner_org_id,
        before=before,
        after=after,
    )
    _mail_admins(session, order, current, following, now)
    return order


def _phase_title(phase: Phase) -> str:
    return phase.value.replace("_", " ")


def _mail_admins(
    session: Session,
    order: SetupAssistOrder,
    finished: Phase | None,
    started: Phase | None,
    now: datetime,
) -> None:
    service = catalog().service(order.package).display_name
    if started is None:
        subject = f"{service}: order {order.id} completed"
        news = "Every phase is done: the order is completed."
    else:
        subject = f"{service}: {_phase_title(started)} started"
        news = f"The {_phase_title(started)} phase started."
    if finished is not None:
        news = f"The {_phase_title(finished)} phase is done. {news}"
    body = (
        f"{news}\n\nOrder: {order.id}\nCustomer organization: {order.customer_org_id}\n"
        f"Location: {order.location_id}\nDeployment date: {order.deployment_date.isoformat()}\n"
    )
    admins = session.scalars(
        select(User.email)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            User.org_id == order.owner_org_id,
            User.status == "active",
            RoleAssignment.role.in_(PARTNER_ADMIN_ROLES),
        )
        .distinct()
        .order_by(User.email)
    )
    for email in admins:
        queue_mail(
            session,
            to=email,
            subject=subject,
            body=body,
            kind="setup_assist",
            now=now,
            partner_org_id=order.partner_org_id,
            owner_org_id=order.owner_org_id,
            customer_org_id=order.customer_org_id,
        )


def order_out(session: Session, order: SetupAssistOrder, holidays: Set[date]) -> OrderOut:
    """The wire form of an order, with every phase of its SKU."""
    reached = {
        p.position: p
        for p in session.scalars(
            select(SetupAssistPhase).where(SetupAssistPhase.order_id == order.id)
        )
    }
    phases = []
    for position, phase in enumerate(rules.PHASES[Sku(order.package)], start=1):
        row = reached.get(position)
        if row is None:
            phases.append(PhaseOut(name=phase.value, status="pending"))
            continue
        ends_by = None
        if phase is Phase.POST_CUT_OVER_SUPPORT:
            started_on = row.started_at.astimezone(UTC).date()
            ends_by = rules.support_ends(started_on, holidays).isoformat()
        phases.append(
            PhaseOut(
                name=phase.value,
                status="in_progress" if row.completed_at is None else "completed",
                started=iso(row.started_at),
                completed=iso(row.completed_at) if row.completed_at else None,
                ends_by=ends_by,
            )
        )
    current = current_phase(order)
    return OrderOut(
        id=order.id,
        partner_org_id=order.owner_org_id,
        customer_org_id=order.customer_org_id,
        subscription_id=order.subscription_id,
        location_id=order.location_id,
        location_count=order.location_count,
        deployment_date=order.deployment_date.isoformat(),
        service_name=order.package.upper(),
        sku=order.sku,
        seats=order.seats,
        quantity=order.quantity,
        status=order.status,
        phase=current.value if current else None,
        phases=phases,
        created=iso(order.created_at),
        created_by=order.created_by,
        updated=iso(order.updated_at),
    )


def charges(
    *, partner_org_id: str, sub_partner_org_id: str | None, first_day: int, last_day: int
) -> Select[Any]:
    """The one-time charges billed to a partner (or one of its sub-partners) on days
    `first_day` to `last_day`: one row per order, on the day it was placed, shaped like a
    holding (`holder_id` is the order; no subscriber, user or workspace) with its `day` and
    the `units` billed."""
    columns: list[Any] = [
        SetupAssistOrder.partner_org_id,
        SetupAssistOrder.sub_partner_org_id,
        SetupAssistOrder.customer_id,
        SetupAssistOrder.id.label("holder_id"),
        cast(null(), String).label("subscriber_id"),
        cast(null(), String).label("workspace_id"),
        cast(null(), String).label("user_id"),
        SetupAssistOrder.location_id,
        SetupAssistOrder.package,
        SetupAssistOrder.sku,
        SetupAssistOrder.billed_day.label("day"),
        SetupAssistOrder.quantity.label("units"),
    ]
    query = select(*columns).where(
        SetupAssistOrder.partner_org_id == partner_org_id,
        SetupAssistOrder.billed_day >= literal(first_day),
        SetupAssistOrder.billed_day <= literal(last_day),
    )
    if sub_partner_org_id is not None:
        query = query.where(SetupAssistOrder.sub_partner_org_id == sub_partner_org_id)
    return query
