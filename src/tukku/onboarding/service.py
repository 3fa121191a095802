"""Use cases of onboarding templates, always scoped to the acting partner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from tukku.accounts import service as partners
from tukku.audit import service as audit
from tukku.core.errors import Codes, Conflict, NotFound, invalid_all
from tukku.core.ids import new_id, provisioning_id
from tukku.core.pagination import PageRequest
from tukku.core.timefmt import iso
from tukku.identity import service as identity
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.identity.principal import Principal
from tukku.onboarding.models import OnboardingTemplate
from tukku.onboarding.rules import TemplateSettings, settings_from_request
from tukku.onboarding.schemas import TemplateRead, TemplateWrite

AUDITED = (
    "name",
    "country",
    "language",
    "auth_mode",
    "idp_entity_id",
    "pstn_provider",
    "brand_name",
    "allow_admin_invite_emails_on_attach",
    "disable_webex_to_webex_calling",
    "subscription_id",
)


def _settings(
    session: Session, owner_org_id: str, partner_org_id: str, data: TemplateWrite
) -> TemplateSettings:
    owner = identity.get_org_unscoped(session, owner_org_id)
    subscription = partners.subscription_of(session, partner_org_id)
    assert owner is not None and subscription is not None
    result = settings_from_request(data, partner_name=owner.name, subscription_id=subscription)
    if isinstance(result, list):
        raise invalid_all(result)
    return result


def _check_name_free(session: Session, owner_org_id: str, name: str, except_id: str | None) -> None:
    clash = session.scalar(
        select(OnboardingTemplate.id).where(
            OnboardingTemplate.owner_org_id == owner_org_id,
            OnboardingTemplate.name == name,
            OnboardingTemplate.deleted_at.is_(None),
        )
    )
    if clash is not None and clash != except_id:
        raise Conflict("name", f"a template called {name!r} exists", Codes.TEMPLATE_NAME_TAKEN)


def _apply(template: OnboardingTemplate, settings: TemplateSettings) -> None:
    template.name = settings.name
    template.country = settings.country
    template.language = settings.language
    template.auth_mode = settings.auth_mode
    template.idp_entity_id = settings.idp_entity_id
    template.pstn_provider = settings.pstn_provider
    template.brand_name = settings.brand_name
    template.allow_admin_invite_emails_on_attach = settings.allow_admin_invite_emails_on_attach
    template.disable_webex_to_webex_calling = settings.disable_webex_to_webex_calling
    template.subscription_id = settings.subscription_id


def create(
    session: Session, *, actor: Actor, data: TemplateWrite, now: datetime
) -> OnboardingTemplate:
    """A new template in the actor's account (a parent may create one for its sub-partner)."""
    actor.require(Permission.TEMPLATES_WRITE)
    partners.ensure_may_change(session, actor.org_id)
    return _insert(
        session,
        owner_org_id=actor.org_id,
        partner_org_id=actor.partner_org_id,
        data=data,
        now=now,
        by=actor,
    )


def create_default(
    session: Session,
    *,
    owner_org_id: str,
    partner_org_id: str,
    data: TemplateWrite,
    now: datetime,
    by: Principal | None,
) -> OnboardingTemplate:
    """The template a partner or sub-partner gets when it is set up: part of the set-up, so the
    audit log credits whoever set it up (`by`; None: the platform, e.g. the command line)."""
    acting = Actor(by, owner_org_id, partner_org_id) if by is not None else None
    return _insert(
        session,
        owner_org_id=owner_org_id,
        partner_org_id=partner_org_id,
        data=data,
        now=now,
        by=acting,
    )


def _insert(
    session: Session,
    *,
    owner_org_id: str,
    partner_org_id: str,
    data: TemplateWrite,
    now: datetime,
    by: Actor | None,
) -> OnboardingTemplate:
    settings = _settings(session, owner_org_id, partner_org_id, data)
    _check_name_free(session, owner_org_id, settings.name, None)
    template = OnboardingTemplate(
        id=new_id("ONBOARDING_TEMPLATE"),
        provisioning_id=provisioning_id(),
        owner_org_id=owner_org_id,
        created_at=now,
        updated_at=now,
    )
    _apply(template, settings)
    session.add(template)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="template.create",
        target_type="onboarding_template",
        target_id=template.id,
        now=now,
        partner_org_id=partner_org_id,
        owner_org_id=owner_org_id,
        after=audit.snapshot(template, AUDITED),
    )
    return template


def get_or_404(session: Session, *, actor: Actor, template_id: str) -> OnboardingTemplate:
    """One of the actor's live templates by ID; 404 for anyone else's."""
    actor.require(Permission.TEMPLATES_READ)
    template = session.scalars(
        select(OnboardingTemplate).where(
            OnboardingTemplate.id == template_id,
            actor.owns(OnboardingTemplate.owner_org_id),
            OnboardingTemplate.deleted_at.is_(None),
        )
    ).first()
    if template is None:
        raise NotFound("onboarding template", Codes.TEMPLATE_NOT_FOUND)
    return template


def by_provisioning_id(session: Session, *, actor: Actor, value: str) -> OnboardingTemplate | None:
    """The actor's live template with this `provisioningId`, if any."""
    return session.scalars(
        select(OnboardingTemplate).where(
            OnboardingTemplate.provisioning_id == value,
            actor.owns(OnboardingTemplate.owner_org_id),
            OnboardingTemplate.deleted_at.is_(None),
        )
    ).first()


def get_unscoped(session: Session, template_id: str) -> OnboardingTemplate | None:
    """A template by internal ID regardless of owner (for jobs, which already hold the ID)."""
    return session.scalars(
        select(OnboardingTemplate).where(OnboardingTemplate.id == template_id)
    ).first()


def list_(session: Session, *, actor: Actor, page: PageRequest) -> list[OnboardingTemplate]:
    """The actor's live templates, oldest first; one more than the page to detect a next page."""
    actor.require(Permission.TEMPLATES_READ)
    return list(
        session.scalars(
            select(OnboardingTemplate)
            .where(
                actor.owns(OnboardingTemplate.owner_org_id),
                OnboardingTemplate.deleted_at.is_(None),
            )
            .order_by(OnboardingTemplate.seq)
            .offset(page.offset)
            .limit(page.limit + 1)
        )
    )


def replace(
    session: Session, *, actor: Actor, template_id: str, data: TemplateWrite, now: datetime
) -> OnboardingTemplate:
    """Replace every setting (absent fields take their defaults).

    Customers keep what they were provisioned with; a changed authentication mode applies only
    to customers created afterwards.
    """
    actor.require(Permission.TEMPLATES_WRITE)
    template = get_or_404(session, actor=actor, template_id=template_id)
    partners.ensure_may_change(session, template.owner_org_id)
    settings = _settings(session, template.owner_org_id, actor.partner_org_id, data)
    _check_name_free(session, template.owner_org_id, settings.name, template.id)
    before = audit.snapshot(template, AUDITED)
    _apply(template, settings)
    template.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="template.replace",
        target_type="onboarding_template",
        target_id=template.id,
        now=now,
        before=before,
        after=audit.snapshot(template, AUDITED),
    )
    return template


def delete(session: Session, *, actor: Actor, template_id: str, now: datetime) -> None:
    """Retire a template: new customers can no longer use it; existing ones are unaffected."""
    actor.require(Permission.TEMPLATES_WRITE)
    template = get_or_404(session, actor=actor, template_id=template_id)
    template.deleted_at = now
    audit.record(
        session,
        actor=actor,
        action="template.delete",
        target_type="onboarding_template",
        target_id=template.id,
        now=now,
        before=audit.snapshot(template, AUDITED),
    )


def to_read(template: OnboardingTemplate) -> TemplateRead:
    """The wire form of a template."""
    return TemplateRead(
        id=template.id,
        provisioning_id=template.provisioning_id,
        name=template.name,
        country=template.country,
        language=template.language,
        auth_mode=template.auth_mode,
        idp_entity_id=template.idp_entity_id,
        pstn_provider=template.pstn_provider,
        brand_name=template.brand_name,
        allow_admin_invite_emails_on_attach=template.allow_admin_invite_emails_on_attach,
        disable_webex_to_webex_calling=template.disable_webex_to_webex_calling,
        subscription_id=template.subscription_id,
        created=iso(template.created_at),
        last_modified=iso(template.updated_at),
    )


def first_provisioning_id(session: Session, owner_org_id: str) -> str | None:
    """The provisioning ID of an organization's oldest live template."""
    return session.scalar(
        select(OnboardingTemplate.provisioning_id)
        .where(
            OnboardingTemplate.owner_org_id == owner_org_id, OnboardingTemplate.deleted_at.is_(None)
        )
        .order_by(OnboardingTemplate.seq)
        .limit(1)
    )


def brand_name_of(session: Session, template_id: str) -> str:
    """The brand name of a template (for e-mails and consent pages), retired or not;
    `tukku` if there is no such template."""
    return session.scalar(_BRAND_NAME, {"template_id": template_id}) or "tukku"


_BRAND_NAME = select(OnboardingTemplate.brand_name).where(
    OnboardingTemplate.id == bindparam("template_id")
)
