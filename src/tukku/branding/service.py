"""Use cases of branding: a partner's (or sub-partner's) own brand, the override it sets for one
of its customers, logo uploads, and which brand applies to an organization (for pages and mail).

Whichever is most specific applies: a customer organization's override, else the brand of the
partner or sub-partner that manages the customer, else (for a sub-partner's) its parent's, else
tukku's default. An override is a whole brand: what it leaves empty stays empty.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from tukku.audit import service as audit
from tukku.branding import logos, rules
from tukku.branding.models import BrandRow
from tukku.branding.schemas import BrandingRead, BrandingWrite
from tukku.core.errors import Codes, DomainError, InvalidState
from tukku.customers import service as customers
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.rules import CUSTOMER_KINDS, OrgKind
from tukku.mail import brands as mail_brands
from tukku.web.brand import DEFAULT, DEFAULT_DARK, DEFAULT_LIGHT, Brand, Theme

AUDITED = (
    "name",
    "light_text",
    "light_background",
    "light_accent",
    "dark_text",
    "dark_background",
    "dark_accent",
    "support_url",
    "support_email",
    "support_phone",
    "logo_digest",
)


def _row(session: Session, org_id: str, actor: Actor) -> BrandRow | None:
    """The brand of `org_id` if the actor's organization manages it (scoped in the query)."""
    query = select(BrandRow).where(BrandRow.org_id == org_id, actor.sees(BrandRow.owner_org_id))
    return session.scalars(query).first()


def _customer_org(session: Session, actor: Actor, customer_id: str, *, write: bool) -> Any:
    """The customer (one the actor manages; else 404) and its organization's ID."""
    actor.require(Permission.BRANDING_WRITE if write else Permission.BRANDING_READ)
    customer = customers.get_or_404(session, actor=actor, customer_id=customer_id)
    if customer.org_id is None:
        raise InvalidState(None, "the customer has no organization yet", Codes.CONFLICT)
    return customer


def get_own(session: Session, *, actor: Actor) -> BrandRow | None:
    """The acting partner's (or sub-partner's) own brand as set; None if never set."""
    actor.require(Permission.BRANDING_READ)
    return _row(session, actor.org_id, actor)


def get_for_customer(session: Session, *, actor: Actor, customer_id: str) -> BrandRow | None:
    """The override set for one of the actor's customers; None if it has none (404 for a
    customer the actor does not manage)."""
    customer = _customer_org(session, actor, customer_id, write=False)
    return _row(session, customer.org_id, actor)


def _checked(data: BrandingWrite) -> dict[str, Any]:
    """The columns of a valid brand; every problem found at once (400, naming the fields)."""
    colours, problems = rules.colour_problems(data.colours())
    contacts, more = rules.contact_problems(
        name=data.name, url=data.support_url, email=data.support_email, phone=data.support_phone
    )
    if problems + more:
        raise DomainError(problems + more)
    return {
        "name": contacts.name,
        "light_text": colours["lightText"],
        "light_background": colours["lightBackground"],
        "light_accent": colours["lightAccent"],
        "dark_text": colours["darkText"],
        "dark_background": colours["darkBackground"],
        "dark_accent": colours["darkAccent"],
        "support_url": contacts.support_url,
        "support_email": contacts.support_email,
        "support_phone": contacts.support_phone,
    }


def _save(
    session: Session,
    *,
    actor: Actor,
    org_id: str,
    owner_org_id: str,
    values: dict[str, Any],
    now: datetime,
) -> BrandRow:
    """Create or change the brand of `org_id` and record the change in the audit log."""
    row = _row(session, org_id, actor)
    before = audit.snapshot(row, AUDITED) if row else None
    if row is None:
        row = BrandRow(
            org_id=org_id,
            partner_org_id=actor.partner_org_id,
            owner_org_id=owner_org_id,
            **_defaults(),
        )
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = now
    session.flush()
    audit.record(
        session,
        action="branding.update",
        target_type="branding",
        target_id=org_id,
        now=now,
        actor=actor,
        before=before,
        after=audit.snapshot(row, AUDITED),
    )
    return row


def _defaults() -> dict[str, Any]:
    return {
        "light_text": DEFAULT_LIGHT.text,
        "light_background": DEFAULT_LIGHT.background,
        "light_accent": DEFAULT_LIGHT.accent,
        "dark_text": DEFAULT_DARK.text,
        "dark_background": DEFAULT_DARK.background,
        "dark_accent": DEFAULT_DARK.accent,
    }


def update_own(session: Session, *, actor: Actor, data: BrandingWrite, now: datetime) -> BrandRow:
    """Replace the acting organization's brand (its logo stays); audited."""
    actor.require(Permission.BRANDING_WRITE)
    values = _checked(data)
    return _save(
        session, actor=actor, org_id=actor.org_id, owner_org_id=actor.org_id, values=values, now=now
    )


def update_for_customer(
    session: Session, *, actor: Actor, customer_id: str, data: BrandingWrite, now: datetime
) -> BrandRow:
    """Set or replace one customer's override (its logo stays); audited."""
    customer = _customer_org(session, actor, customer_id, write=True)
    values = _checked(data)
    owner = customer.owner_org_id
    return _save(
        session, actor=actor, org_id=customer.org_id, owner_org_id=owner, values=values, now=now
    )


def set_logo(
    session: Session,
    *,
    actor: Actor,
    data: bytes,
    now: datetime,
    customer_id: str | None = None,
) -> BrandRow:
    """Store a logo (checked by content, redrawn as PNG: `logos.prepare`) for the acting
    organization's brand, or one customer's override; creates the brand with default colours
    if there was none; audited."""
    if customer_id is None:
        actor.require(Permission.BRANDING_WRITE)
        org_id, owner = actor.org_id, actor.org_id
    else:
        customer = _customer_org(session, actor, customer_id, write=True)
        org_id, owner = customer.org_id, customer.owner_org_id
    logo = logos.prepare(data)
    return _save(
        session,
        actor=actor,
        org_id=org_id,
        owner_org_id=owner,
        values={"logo_png": logo.png, "logo_digest": logo.digest},
        now=now,
    )


def remove_logo(
    session: Session, *, actor: Actor, now: datetime, customer_id: str | None = None
) -> BrandRow | None:
    """Drop the logo of the acting organization's brand (or a customer's override); audited."""
    if customer_id is None:
        actor.require(Permission.BRANDING_WRITE)
        org_id, owner = actor.org_id, actor.org_id
    else:
        customer = _customer_org(session, actor, customer_id, write=True)
        org_id, owner = customer.org_id, customer.owner_org_id
    if _row(session, org_id, actor) is None:
        return None
    values = {"logo_png": None, "logo_digest": None}
    return _save(session, actor=actor, org_id=org_id, owner_org_id=owner, values=values, now=now)


def remove_for_customer(session: Session, *, actor: Actor, customer_id: str, now: datetime) -> None:
    """Drop one customer's override: its users see the partner's brand again; audited."""
    customer = _customer_org(session, actor, customer_id, write=True)
    row = _row(session, customer.org_id, actor)
    if row is None:
        return
    before = audit.snapshot(row, AUDITED)
    session.delete(row)
    session.flush()
    audit.record(
        session,
        action="branding.delete",
        target_type="branding",
        target_id=customer.org_id,
        now=now,
        actor=actor,
        before=before,
    )


def to_read(row: BrandRow | None, org_id: str | None, base_url: str) -> BrandingRead:
    """The wire form of a brand (tukku's defaults where none is set); `orgId` is the branded
    organization (`org_id` until a brand is set: for a customer without an override, none)."""
    if row is None:
        return BrandingRead.model_validate(
            {"orgId": org_id, "customized": False, **_wire(_defaults())}
        )
    values = {name: getattr(row, name) for name in AUDITED if name != "logo_digest"}
    brand = to_brand(row, "")
    logo = f"{base_url}{brand.logo_path}" if brand.logo_path else None
    return BrandingRead.model_validate(
        {"orgId": row.org_id, "customized": True, "logoUrl": logo, **_wire(values)}
    )


def _wire(values: dict[str, Any]) -> dict[str, Any]:
    return {BrandingRead.model_fields[k].alias or k: v for k, v in values.items()}


def to_brand(row: BrandRow, fallback_name: str) -> Brand:
    """The brand pages and mail show for a stored row."""
    return Brand(
        name=row.name or fallback_name,
        light=Theme(row.light_text, row.light_background, row.light_accent),
        dark=Theme(row.dark_text, row.dark_background, row.dark_accent),
        logo_digest=row.logo_digest,
        support_url=row.support_url,
        support_email=row.support_email,
        support_phone=row.support_phone,
    )


def _chain(session: Session, org_id: str) -> list[str]:
    """The organizations whose brand may apply to `org_id`, most specific first."""
    org = identity.get_org_unscoped(session, org_id)
    if org is None:
        return []
    if org.kind in CUSTOMER_KINDS:
        customer = customers.by_org_unscoped(session, org_id)
        managers = [customer.owner_org_id, customer.partner_org_id] if customer else []
        return [org_id, *managers]
    if org.kind == OrgKind.SUB_PARTNER and org.parent_id:
        return [org_id, org.parent_id]
    if org.kind == OrgKind.PARTNER:
        return [org_id]
    return []


def brand_for_org(session: Session, org_id: str | None) -> Brand:
    """The brand the people of `org_id` see (its override, its partner's, or the default).

    Unscoped on purpose: pages call it for the signed-in user's own organization and the
    sign-in page for the organization its link names. An unknown or unbranded ID gives the
    default brand, the same answer, so nobody learns from it whether an organization exists.
    """
    chain = _chain(session, org_id) if org_id else []
    if not chain:
        return DEFAULT
    rows = session.scalars(select(BrandRow).where(BrandRow.org_id.in_(chain)))
    found = {r.org_id: r for r in rows}
    for candidate in chain:
        row = found.get(candidate)
        if row is not None:
            org = identity.get_org_unscoped(session, row.org_id)
            return to_brand(row, org.name if org else DEFAULT.name)
    return DEFAULT


def brand_for_mail(
    session: Session,
    *,
    partner_org_id: str | None,
    owner_org_id: str | None,
    customer_org_id: str | None,
) -> Brand:
    """The brand of a message: the customer's it concerns, else the (sub-)partner's it is sent
    for, else the default (mail of the platform itself)."""
    for org_id in (customer_org_id, owner_org_id, partner_org_id):
        if org_id:
            return brand_for_org(session, org_id)
    return DEFAULT


def logo_png(session: Session, digest: str) -> bytes | None:
    """The logo with this digest, for serving; None if no brand has it."""
    query = select(BrandRow).options(undefer(BrandRow.logo_png))
    row = session.scalars(query.where(BrandRow.logo_digest == digest).limit(1)).first()
    return row.logo_png if row else None


mail_brands.register(brand_for_mail)
