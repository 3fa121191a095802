"""Organizations entering and leaving wholesale: what the customers domain does to the
organizations of its customers, done here so identity's side effects always follow.

An organization's kind is part of every principal of its users, cached with them, and says who
answers for the organization (a partner, or itself alone): changing it is a security event, and
it makes every remembered principal stale.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tukku.catalog.regions import geography
from tukku.core.db import raise_signal
from tukku.core.ids import new_id
from tukku.identity.events import SecurityEvent, raise_event
from tukku.identity.models import Organization
from tukku.identity.rules import OrgKind, sip_domain_label
from tukku.identity.service._orgs import create_organization, found_org, get_org_unscoped
from tukku.identity.token_cache import IDENTITY_CHANGED


def create_customer_org(
    session: Session,
    *,
    name: str,
    country: str,
    locale: str | None,
    auth_mode: str,
    idp_entity_id: str | None,
    sip_domain_suffix: str,
    now: datetime,
) -> Organization:
    """A new organization for a wholesale customer: its data region follows its country, it
    gets a SIP domain of its own, and its users sign in as `auth_mode` says. Nobody belongs to it
    yet, so no principal can be stale and there is nothing to audit beyond the customer's own
    creation."""
    org = create_organization(session, kind=OrgKind.CUSTOMER, name=name, now=now)
    org.country = country
    org.locale = locale
    org.region = geography().region_of(country).name
    org.sip_domain = _free_sip_domain(session, name, sip_domain_suffix)
    org.auth_mode = auth_mode
    org.idp_entity_id = idp_entity_id
    return org


def adopt_org(
    session: Session,
    *,
    org_id: str,
    country: str,
    locale: str | None,
    sip_domain_suffix: str,
    now: datetime,
) -> Organization:
    """An existing organization becomes a wholesale customer's. It keeps its name, sign-in and
    settings; what it lacks (country, region, locale, a SIP domain) is filled in, the country and
    locale from the customer's. Its change of kind is audited and its users' cached principals
    are forgotten."""
    org = found_org(session, org_id)
    org.country = org.country or country
    org.region = org.region or geography().region_of(org.country).name
    org.locale = org.locale or locale
    org.sip_domain = org.sip_domain or _free_sip_domain(session, org.name, sip_domain_suffix)
    _change_kind(session, org, OrgKind.CUSTOMER, "organization.adopt", now)
    return org


def release_org(session: Session, *, org_id: str, now: datetime) -> None:
    """A customer organization leaves wholesale (its customer was removed) and stands alone
    again, keeping everything else; the change of kind is audited and its users' cached
    principals are forgotten."""
    org = get_org_unscoped(session, org_id)
    if org is not None:
        _change_kind(session, org, OrgKind.STANDALONE, "organization.release", now)


def set_webex_assistant(session: Session, *, org_id: str, enabled: bool) -> None:
    """Whether the organization has Webex Assistant (one of its packages brings it). Neither a
    principal nor a permission depends on it: no event, no cache to clear."""
    found_org(session, org_id).webex_assistant = enabled


def _change_kind(
    session: Session, org: Organization, kind: OrgKind, action: str, now: datetime
) -> None:
    """Make `org` of `kind`, audited and with cached principals forgotten; nothing if it is."""
    before = org.kind
    if before == kind:
        return
    org.kind = kind
    raise_signal(session, IDENTITY_CHANGED)
    raise_event(
        session,
        SecurityEvent(
            action,
            "organization",
            org.id,
            org.id,
            now,
            before={"kind": before.value},
            after={"kind": kind.value},
        ),
    )


def _free_sip_domain(session: Session, name: str, suffix: str) -> str:
    """A SIP domain no organization has (the column is unique), made from `name`: calls are
    routed to an organization by it, so two organizations never share one."""
    label = sip_domain_label(name)
    for attempt in range(1000):
        candidate = f"{label}{attempt or ''}.{suffix}"
        taken = session.scalar(select(Organization.id).where(Organization.sip_domain == candidate))
        if taken is None:
            return candidate
    return f"{label}{new_id('SIP')[-8:].lower()}.{suffix}"
