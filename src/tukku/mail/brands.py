"""Which brand a message wears, as mail sees it.

Mail sits below the branding domain, so it cannot ask it directly: branding registers its
lookup here when it is imported (`tukku/worker.py` imports it, so every worker has it), and
delivery asks it for each message. Nothing registered is an error, never a silent unbranded
mail.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from tukku.web.brand import Brand


class BrandOf(Protocol):
    """The brand for mail concerning `customer_org_id` (its override, else its partner's) or,
    without a customer, sent for `owner_org_id` / `partner_org_id`; the default brand if none."""

    def __call__(
        self,
        session: Session,
        *,
        partner_org_id: str | None,
        owner_org_id: str | None,
        customer_org_id: str | None,
    ) -> Brand: ...


_registered: list[BrandOf] = []


def register(lookup: BrandOf) -> None:
    """Make delivery use `lookup` (called once by the branding domain on import)."""
    _registered[:] = [lookup]


def brand_of(
    session: Session,
    *,
    partner_org_id: str | None,
    owner_org_id: str | None,
    customer_org_id: str | None,
) -> Brand:
    """The brand of a message with these owners."""
    if not _registered:
        raise RuntimeError("no brand lookup is registered; import tukku.branding.service")
    return _registered[0](
        session,
        partner_org_id=partner_org_id,
        owner_org_id=owner_org_id,
        customer_org_id=customer_org_id,
    )
