"""Routes of `/v1/partner/onboardingTemplates` (a tukku extension; the original has a UI only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from tukku.core.deps import ClockDep, DbSession, MaxParam, OffsetParam
from tukku.core.http import base_url, trim_page
from tukku.core.pagination import page_request
from tukku.core.routing import api_router
from tukku.identity.actor import Actor
from tukku.identity.deps import acting
from tukku.identity.rules import Scope
from tukku.onboarding import service
from tukku.onboarding.schemas import TemplatePage, TemplateRead, TemplateWrite

router = api_router(prefix="/v1/partner/onboardingTemplates", tags=["Onboarding templates"])
Reader = Annotated[Actor, Depends(acting(Scope.TEMPLATES_READ))]
Writer = Annotated[Actor, Depends(acting(Scope.TEMPLATES_WRITE))]


def _location(request: Request, template_id: str) -> str:
    return f"{base_url(request)}/v1/partner/onboardingTemplates/{template_id}"


@router.post("", status_code=201, response_model=TemplateRead, summary="Create a template")
def create_template(
    body: TemplateWrite,
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> TemplateRead:
    """Create an onboarding template; its `provisioningId` is what customer requests refer to."""
    template = service.create(session, actor=actor, data=body, now=clock.now())
    response.headers["Location"] = _location(request, template.id)
    return service.to_read(template)


@router.get("", response_model=TemplatePage, summary="List templates")
def list_templates(
    request: Request,
    response: Response,
    session: DbSession,
    actor: Reader,
    max_: MaxParam = None,
    offset: OffsetParam = None,
) -> TemplatePage:
    """The caller's templates, oldest first, paginated with `Link` headers."""
    page = page_request(offset, max_, default=100, cap=1000)
    rows = trim_page(request, response, service.list_(session, actor=actor, page=page), page)
    return TemplatePage(items=[service.to_read(t) for t in rows])


@router.get("/{template_id}", response_model=TemplateRead, summary="Get a template")
def get_template(template_id: str, session: DbSession, actor: Reader) -> TemplateRead:
    """One of the caller's templates."""
    return service.to_read(service.get_or_404(session, actor=actor, template_id=template_id))


@router.put("/{template_id}", response_model=TemplateRead, summary="Replace a template")
def replace_template(
    template_id: str,
    body: TemplateWrite,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> TemplateRead:
    """Replace every setting; fields left out take their defaults."""
    template = service.replace(
        session, actor=actor, template_id=template_id, data=body, now=clock.now()
    )
    return service.to_read(template)


@router.delete("/{template_id}", status_code=204, summary="Delete a template")
def delete_template(
    template_id: str,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> Response:
    """Retire a template; customers provisioned with it are unaffected."""
    service.delete(session, actor=actor, template_id=template_id, now=clock.now())
    return Response(status_code=204)
