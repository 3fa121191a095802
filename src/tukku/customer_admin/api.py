"""Routes of a customer organization's own administrators: `/v1/customer/...`.

Restricted-by-partner mode is enforced here (in `customer_admin.service`), so the portals reuse it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from tukku.core.deps import ClockDep, DbSession
from tukku.core.routing import api_router
from tukku.core.timefmt import iso, iso_or_none
from tukku.customer_admin import service as admin
from tukku.customer_admin.schemas import (
    AttachRequestOut,
    AttachRequestPage,
    AuthenticationIn,
    CustomerUserPage,
    DecisionIn,
    DomainsIn,
    EmailSettingsIn,
    OrganizationOut,
    OrganizationUpdate,
    PackageChange,
    PendingUserPage,
    UserCreate,
    UserUpdate,
)
from tukku.customers import service as customers
from tukku.customers.models import AttachRequest
from tukku.identity.deps import requires
from tukku.identity.principal import Principal
from tukku.identity.rules import Scope
from tukku.subscribers.api import LinksDep

router = api_router(prefix="/v1/customer", tags=["Customer administration"])
Reader = Annotated[Principal, Depends(requires(Scope.CUSTOMER_ADMIN_READ))]
Writer = Annotated[Principal, Depends(requires(Scope.CUSTOMER_ADMIN_WRITE))]


@router.get("/organization", response_model=OrganizationOut, summary="Your organization")
def get_organization(session: DbSession, principal: Reader) -> OrganizationOut:
    """Settings, the restricted-mode banner flag, and what you may change."""
    return admin.organization(admin.context(session, principal))


@router.patch("/organization", response_model=OrganizationOut, summary="Rename")
def rename(
    body: OrganizationUpdate, session: DbSession, clock: ClockDep, principal: Writer
) -> OrganizationOut:
    """Change the company name (read-only in restricted mode)."""
    ctx = admin.context(session, principal)
    admin.rename(session, ctx, body.name, clock.now())
    return admin.organization(ctx)


@router.put("/organization/domains", response_model=OrganizationOut, summary="Domains")
def set_domains(
    body: DomainsIn, session: DbSession, clock: ClockDep, principal: Writer
) -> OrganizationOut:
    """Replace the verified domains (read-only in restricted mode)."""
    ctx = admin.context(session, principal)
    admin.set_domains(session, ctx, body.domains, clock.now())
    return admin.organization(ctx)


@router.put("/organization/emailSettings", response_model=OrganizationOut, summary="E-mail")
def set_email_settings(
    body: EmailSettingsIn, session: DbSession, clock: ClockDep, principal: Writer
) -> OrganizationOut:
    """Block admin invite e-mails, set the e-mail locale (read-only in restricted mode)."""
    ctx = admin.context(session, principal)
    admin.set_email_settings(
        session,
        ctx,
        block_invites=body.block_admin_invite_emails,
        locale=body.email_locale,
        now=clock.now(),
    )
    return admin.organization(ctx)


@router.put("/organization/authentication", response_model=OrganizationOut, summary="Sign-in")
def set_authentication(
    body: AuthenticationIn, session: DbSession, clock: ClockDep, principal: Writer
) -> OrganizationOut:
    """Choose how users sign in (read-only in restricted mode)."""
    ctx = admin.context(session, principal)
    admin.set_authentication(session, ctx, body, clock.now())
    return admin.organization(ctx)


@router.get("/users", response_model=CustomerUserPage, summary="Users")
def list_users(session: DbSession, principal: Reader) -> CustomerUserPage:
    """The organization's users, with their packages."""
    return CustomerUserPage(items=admin.users(session, admin.context(session, principal)))


@router.post("/users", status_code=201, summary="Add a user")
def add_user(
    body: UserCreate, session: DbSession, clock: ClockDep, links: LinksDep, principal: Writer
) -> dict[str, str]:
    """Add a user, with a package if given (not in restricted mode)."""
    user_id = admin.add_user(session, admin.context(session, principal), body, clock.now(), links)
    return {"id": user_id}


@router.patch("/users/{user_id}", status_code=204, summary="Edit a user")
def edit_user(
    user_id: str, body: UserUpdate, session: DbSession, clock: ClockDep, principal: Writer
) -> Response:
    """Names and primary e-mail always; the primary work number not in restricted mode."""
    admin.edit_user(session, admin.context(session, principal), user_id, body, clock.now())
    return Response(status_code=204)


@router.put("/users/{user_id}/package", status_code=204, summary="Change a user's package")
def change_package(
    user_id: str, body: PackageChange, session: DbSession, clock: ClockDep, principal: Writer
) -> Response:
    """Not in restricted mode, and never a downgrade (ask your partner)."""
    admin.change_package(session, admin.context(session, principal), user_id, body, clock.now())
    return Response(status_code=204)


@router.get("/pendingUsers", response_model=PendingUserPage, summary="Users waiting to consent")
def list_pending_users(session: DbSession, principal: Reader) -> PendingUserPage:
    """Users asked to move into your organization whose packages wait for their consent."""
    return PendingUserPage(items=admin.pending_users(session, admin.context(session, principal)))


@router.post(
    "/pendingUsers/{subscriber_id}/consentEmail",
    status_code=204,
    summary="Send the consent e-mail again",
)
def resend_consent(
    subscriber_id: str, session: DbSession, clock: ClockDep, links: LinksDep, principal: Writer
) -> Response:
    """To a user still waiting to move in (not in restricted mode)."""
    ctx = admin.context(session, principal)
    admin.resend_consent(session, ctx, subscriber_id, clock.now(), links)
    return Response(status_code=204)


def _request_out(request: AttachRequest) -> AttachRequestOut:
    return AttachRequestOut(
        id=request.id,
        customer_id=request.customer_id,
        status=request.status,
        reasons=list(request.reasons),
        requested=iso(request.requested_at),
        decided=iso_or_none(request.decided_at),
        note=request.note,
    )


@router.get("/attachRequests", response_model=AttachRequestPage, summary="Partners' requests")
def list_attach_requests(session: DbSession, principal: Reader) -> AttachRequestPage:
    """Partners asking to manage your organization (decide as its full administrator)."""
    return AttachRequestPage(
        items=[
            _request_out(r)
            for r in customers.pending_for(session, admin.context(session, principal).actor)
        ]
    )


@router.post(
    "/attachRequests/{request_id}/approve", response_model=AttachRequestOut, summary="Approve"
)
def approve(
    request_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    body: DecisionIn | None = None,
) -> AttachRequestOut:
    """Let the partner manage the organization: provisioning starts."""
    decided = customers.decide(
        session,
        actor=admin.context(session, principal).actor,
        request_id=request_id,
        approve=True,
        note=body.note if body else None,
        now=clock.now(),
    )
    return _request_out(decided)


@router.post(
    "/attachRequests/{request_id}/reject", response_model=AttachRequestOut, summary="Reject"
)
def reject(
    request_id: str,
    session: DbSession,
    clock: ClockDep,
    principal: Writer,
    body: DecisionIn | None = None,
) -> AttachRequestOut:
    """Refuse: the partner's customer ends in `error`."""
    decided = customers.decide(
        session,
        actor=admin.context(session, principal).actor,
        request_id=request_id,
        approve=False,
        note=body.note if body else None,
        now=clock.now(),
    )
    return _request_out(decided)
