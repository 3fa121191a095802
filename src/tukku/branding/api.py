"""Routes of `/v1/partner/branding` (the partner's own brand, its logo), of one customer's
override under `/v1/partner/customers/{customerId}/branding`, and the public `/brand/` files
(logos by digest, the theme stylesheet) that pages and mail link to."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from tukku.branding import rules, service
from tukku.branding.schemas import BrandingRead, BrandingWrite
from tukku.core.deps import ClockDep, DbSession
from tukku.core.errors import Codes, Invalid, NotFound
from tukku.core.http import base_url
from tukku.core.routing import api_router
from tukku.identity.actor import Actor
from tukku.identity.deps import acting
from tukku.identity.rules import Scope
from tukku.web.brand import DEFAULT_DARK, DEFAULT_LIGHT, Theme, theme_css

router = api_router(prefix="/v1/partner/branding", tags=["Branding"])
customer_router = api_router(
    prefix="/v1/partner/customers/{customer_id}/branding", tags=["Branding"]
)
public_router = api_router(prefix="/brand", include_in_schema=False)
Reader = Annotated[Actor, Depends(acting(Scope.BRANDING_READ))]
Writer = Annotated[Actor, Depends(acting(Scope.BRANDING_WRITE))]

# A logo is an image and nothing else: never sniffed as another type, never scripted, never
# framed, whatever a browser makes of it; immutable, since its URL is its content's digest.
LOGO_HEADERS = {
    "Content-Type": "image/png",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "Content-Disposition": 'inline; filename="logo.png"',
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Cache-Control": "public, max-age=31536000, immutable",
}


async def logo_body(request: Request) -> bytes:
    """The request body, read only up to one byte past the largest logo accepted."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > rules.MAX_LOGO_BYTES:
            raise Invalid("logo", "the file is larger than 512 KiB", Codes.BRAND_LOGO_TOO_LARGE)
    return bytes(data)


LogoBody = Annotated[bytes, Depends(logo_body)]
LOGO_BODY_DOC = {
    "requestBody": {
        "required": True,
        "description": "The image itself (PNG, JPEG or SVG, at most 512 KiB); its type is "
        "read from its content.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get("", response_model=BrandingRead, summary="Get the partner's brand")
def get_branding(request: Request, session: DbSession, actor: Reader) -> BrandingRead:
    """The caller's brand (tukku's defaults, `customized: false`, until one is set)."""
    row = service.get_own(session, actor=actor)
    return service.to_read(row, actor.org_id, base_url(request))


@router.put("", response_model=BrandingRead, summary="Set the partner's brand")
def put_branding(
    body: BrandingWrite, request: Request, session: DbSession, clock: ClockDep, actor: Writer
) -> BrandingRead:
    """Replace the brand (the logo stays). Colours are checked for WCAG AA contrast (4.5:1) of
    text and accent on their background, in light and dark mode; a refusal names the field."""
    row = service.update_own(session, actor=actor, data=body, now=clock.now())
    return service.to_read(row, actor.org_id, base_url(request))


@router.put(
    "/logo", response_model=BrandingRead, summary="Upload the logo", openapi_extra=LOGO_BODY_DOC
)
def put_logo(
    data: LogoBody, request: Request, session: DbSession, clock: ClockDep, actor: Writer
) -> BrandingRead:
    """Upload a logo as the request body. tukku redraws it as a PNG of at most 512 pixels a
    side (SVG rasterised: scripts and external references never survive)."""
    row = service.set_logo(session, actor=actor, data=data, now=clock.now())
    return service.to_read(row, actor.org_id, base_url(request))


@router.delete("/logo", status_code=204, summary="Remove the logo")
def delete_logo(session: DbSession, clock: ClockDep, actor: Writer) -> Response:
    """Remove the logo; the brand's name shows instead."""
    service.remove_logo(session, actor=actor, now=clock.now())
    return Response(status_code=204)


@customer_router.get("", response_model=BrandingRead, summary="Get a customer's brand override")
def get_customer_branding(
    customer_id: str, request: Request, session: DbSession, actor: Reader
) -> BrandingRead:
    """The override set for the customer (`customized: false` when none: the customer's users
    see the partner's brand)."""
    row = service.get_for_customer(session, actor=actor, customer_id=customer_id)
    return service.to_read(row, None, base_url(request))


@customer_router.put("", response_model=BrandingRead, summary="Set a customer's brand override")
def put_customer_branding(
    customer_id: str,
    body: BrandingWrite,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> BrandingRead:
    """Give the customer a brand of its own, which its users see instead of the partner's."""
    row = service.update_for_customer(
        session, actor=actor, customer_id=customer_id, data=body, now=clock.now()
    )
    return service.to_read(row, None, base_url(request))


@customer_router.delete("", status_code=204, summary="Remove a customer's brand override")
def delete_customer_branding(
    customer_id: str, session: DbSession, clock: ClockDep, actor: Writer
) -> Response:
    """Drop the override: the customer's users see the partner's brand again."""
    service.remove_for_customer(session, actor=actor, customer_id=customer_id, now=clock.now())
    return Response(status_code=204)


@customer_router.put(
    "/logo",
    response_model=BrandingRead,
    summary="Upload a customer's logo",
    openapi_extra=LOGO_BODY_DOC,
)
def put_customer_logo(
    customer_id: str,
    data: LogoBody,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    actor: Writer,
) -> BrandingRead:
    """Upload the override's logo, as for the partner's own."""
    row = service.set_logo(
        session, actor=actor, data=data, now=clock.now(), customer_id=customer_id
    )
    return service.to_read(row, None, base_url(request))


@public_router.get("/logos/{digest}.png")
def logo(digest: str, session: DbSession) -> Response:
    """A brand's logo by its content's digest (no sign-in: sign-in pages and mail show it)."""
    png = service.logo_png(session, digest) if rules.DIGEST.fullmatch(digest) else None
    if png is None:
        raise NotFound("logo")
    return Response(png, headers=LOGO_HEADERS)


def _theme(value: str | None, default: Theme) -> Theme:
    colours = [rules.parse_colour(c) for c in (value or "").split("-")]
    if len(colours) != 3 or None in colours:
        return default
    text, background, accent = (c or "" for c in colours)
    return Theme(text, background, accent)


@public_router.get("/theme.css")
def theme(light: str | None = None, dark: str | None = None, samples: str = "") -> Response:
    """The stylesheet of a brand's colours (`Brand.theme_path`, or `samples_path` for the
    preview classes only); a malformed value gives tukku's default colours for that mode."""
    colours = (_theme(light, DEFAULT_LIGHT), _theme(dark, DEFAULT_DARK))
    css = theme_css(*colours, samples_only=samples == "1")
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=86400"}
    return Response(css, media_type="text/css", headers=headers)
