"""Helpers of the portal's server-side tests: reading a page's CSRF token, giving a user a
password and signing a browser-like client in."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from tukku.core.clock import ManualClock
from tukku.core.db import Database
from tukku.identity import service
from tukku.identity.rules import Role

GOOD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token of the first form on `page`."""
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def give_password(db: Database, clock: ManualClock, email: str) -> None:
    """Set `GOOD` as the password of the user owning `email`."""
    with db.unit_of_work() as session:
        user = service.find_user_by_email(session, email)
        assert user is not None
        service.set_password(session, user=user, password=GOOD, now=clock.now())


def sign_in(client: TestClient, email: str, password: str = GOOD, **extra: str) -> httpx.Response:
    """Post the sign-in form as a browser would (the form's own CSRF token included)."""
    form = client.get("/portal/sign-in")
    data = {"email": email, "password": password, "csrf": csrf_of(form), **extra}
    return client.post("/portal/sign-in", data=data, follow_redirects=False)


def read_only_staff(db: Database, clock: ManualClock, org_id: str, email: str) -> None:
    """A partner read-only user of `org_id` with the password `GOOD`."""
    with db.unit_of_work() as session:
        service.create_user(
            session, org_id=org_id, email=email, roles=[Role.PARTNER_READ_ONLY], now=clock.now()
        )
    give_password(db, clock, email)
