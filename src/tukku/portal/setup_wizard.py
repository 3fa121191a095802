"""The partner portal's set-up wizard for a new customer: add and confirm its locations, then
add users (a form of rows, more on request; up to 25 at a time), review them and create them,
each row on its own: a row that fails leaves the others created, and the results say which.

Locations are added by the customers service, users by the same service as
`POST /v1/wholesale/subscribers`, acting as the signed-in user. The rows ride between the
steps in the form itself (no server-side state).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tukku.catalog.packages import catalog
from tukku.catalog.regions import geography
from tukku.core.deps import ClockDep, DbSession, LinkSecret, SettingsDep
from tukku.core.errors import DomainError, Problem
from tukku.core.http import link_base_url
from tukku.core.routing import api_router
from tukku.customers import service as customers
from tukku.customers.models import Customer
from tukku.customers.schemas import CallingLocationIn
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import PostedForm, UserRow, undo, user_rows
from tukku.subscribers import service as subscribers
from tukku.subscribers.schemas import SubscriberCreate
from tukku.web.templating import templates

router = api_router(prefix="/portal/customers/{customer_id}/set-up", include_in_schema=False)
FormField = Annotated[str, Form()]
LOCATION_FIELDS = (
    "name",
    "addressLine1",
    "addressLine2",
    "city",
    "stateOrProvince",
    "zipOrPostalCode",
    "country",
    "timezone",
    "language",
)
ROW_FIELDS = ("firstName", "lastName", "email", "package", "locationId", "extension", "phoneNumber")
# The API's field of a subscriber problem → the row's field.
API_FIELDS = {
    "email": "email",
    "package": "package",
    "packages": "package",
    "provisioningParameters.firstName": "firstName",
    "provisioningParameters.lastName": "lastName",
    "provisioningParameters.extension": "extension",
    "provisioningParameters.primaryPhoneNumber": "phoneNumber",
    "provisioningParameters.locationId": "locationId",
}
LABELS = {
    "firstName": "First name",
    "lastName": "Last name",
    "email": "E-mail address",
    "package": "Package",
    "locationId": "Location",
    "extension": "Extension",
    "phoneNumber": "Phone number",
}
ROWS_AT_FIRST = 5
ROWS_MORE = 5
ROWS_AT_MOST = 25  # as many users as the Partner Hub adds at a time


@dataclass
class Row(UserRow):
    """One user's row of the wizard, which knows its `POST /subscribers` body."""

    def request(self, customer_id: str) -> SubscriberCreate:
        """The `POST /subscribers` body of the row: a number for calling users, if given."""
        v = {k: value.strip() for k, value in self.values.items()}
        return SubscriberCreate.model_validate(
            {
                "customerId": customer_id,
                "email": v["email"],
                "package": v["package"] or None,
                "provisioningParameters": {
                    "firstName": v["firstName"],
                    "lastName": v["lastName"],
                    "extension": v["extension"] or None,
                    "primaryPhoneNumber": v["phoneNumber"] or None,
                    "locationId": v["locationId"] or None,
                },
            }
        )


def _rows(form: FormData | None, count: int) -> list[Row]:
    return user_rows(form, count, ROW_FIELDS, Row)


def _count(form: FormData) -> int:
    raw = str(form.get("rows", ""))
    return min(int(raw), ROWS_AT_MOST) if raw.isdigit() and int(raw) > 0 else ROWS_AT_FIRST


def _customer(session: Session, user: PortalUser, customer_id: str) -> Customer:
    """The customer, if the user may set it up (404 for another's, 403 for read-only staff)."""
    user.actor.require(Permission.CUSTOMERS_WRITE)
    return customers.get_or_404(session, actor=user.actor, customer_id=customer_id)


def _context(session: Session, user: PortalUser, customer: Customer, **more: Any) -> dict[str, Any]:
    locations = (
        customers.locations_of_org(session, actor=user.actor, org_id=customer.org_id)
        if customer.org_id
        else []
    )
    return {
        "user": user,
        "csrf": user.csrf,
        "nav": "customers",
        "customer": customer,
        "ready": not customers.readiness_problems(customer),
        "locations": locations,
        "country_name": geography().name_of,
        "labels": LABELS,
        **more,
    }


def _explained(problem: Problem) -> str:
    found = problem.field or ""
    return problem.description.removeprefix(f"{found}: ") if found else problem.description


@router.get("", response_class=HTMLResponse)
def locations(
    customer_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    added: str | None = None,
) -> Response:
    """Step 1: the customer's locations, and a form to add one."""
    customer = _customer(session, user, customer_id)
    hq = customers.headquarters(session, customer.id)
    values = dict.fromkeys(LOCATION_FIELDS, "")
    if hq is not None:  # a new site is most likely in the headquarters' country and time zone
        values.update(country=hq.country, timezone=hq.timezone, language=hq.language)
    context = _context(session, user, customer, values=values, errors={}, added=added)
    return templates.TemplateResponse(request, "portal/set_up_locations.html", context)


@router.post("/locations", response_class=HTMLResponse)
def add_location(
    customer_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    form: PostedForm,
) -> Response:
    """Add a location; the list again with it confirmed, or the form with its problems."""
    check_csrf(request, str(form.get("csrf", "")))
    customer = _customer(session, user, customer_id)
    values = {name: str(form.get(name, "")) for name in LOCATION_FIELDS}
    address = {
        "addressLine1": values["addressLine1"],
        "addressLine2": values["addressLine2"].strip() or None,
        "city": values["city"],
        "stateOrProvince": values["stateOrProvince"].strip() or None,
        "zipOrPostalCode": values["zipOrPostalCode"].strip() or None,
        "country": values["country"],
    }
    try:
        data = CallingLocationIn.model_validate(
            {
                "name": values["name"],
                "address": address,
                "timezone": values["timezone"],
                "language": values["language"],
            }
        )
        created = customers.create_location(
            session, actor=user.actor, customer_id=customer.id, data=data, now=clock.now()
        )
    except ValidationError as invalid:
        errors = {str(e["loc"][-1]): e["msg"] for e in invalid.errors()}
        return _locations_again(request, session, user, customer, values, errors)
    except DomainError as refused:
        undo(session)
        if refused.status != 400:  # not allowed, not found, not ready: no field to correct
            raise
        errors = {}
        for p in refused.problems:
            errors.setdefault((p.field or "form").removeprefix("address."), _explained(p))
        return _locations_again(request, session, user, customer, values, errors)
    url = f"/portal/customers/{customer.id}/set-up?added={created.id}"
    return RedirectResponse(url, status_code=303)


def _locations_again(
    request: Request,
    session: Session,
    user: PortalUser,
    customer: Customer,
    values: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    context = _context(session, user, customer, values=values, errors=errors, added=None)
    return templates.TemplateResponse(request, "portal/set_up_locations.html", context, 400)


def _users_page(
    request: Request,
    session: Session,
    user: PortalUser,
    customer: Customer,
    rows: list[Row],
    page: str,
    status: int = 200,
    **more: Any,
) -> HTMLResponse:
    offered = subscribers.offered_packages(session, customer)
    context = _context(
        session,
        user,
        customer,
        rows=rows,
        packages=[catalog()[name] for name in offered],
        calling={name for name in offered if catalog()[name].calling},
        **more,
    )
    return templates.TemplateResponse(request, f"portal/set_up_{page}.html", context, status)


@router.get("/users", response_class=HTMLResponse)
def users(customer_id: str, request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """Step 2: empty rows for the users to add."""
    customer = _customer(session, user, customer_id)
    return _users_page(request, session, user, customer, _rows(None, ROWS_AT_FIRST), "users")


@router.post("/users", response_class=HTMLResponse)
def users_step(
    customer_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    secret: LinkSecret,
    user: PortalUserDep,
    form: PostedForm,
) -> Response:
    """More rows, the review of the filled rows, back to editing them, or create them: each
    row provisioned on its own, its result shown next to it."""
    check_csrf(request, str(form.get("csrf", "")))
    customer = _customer(session, user, customer_id)
    user.actor.require(Permission.SUBSCRIBERS_WRITE)
    go = str(form.get("go", ""))
    rows = _rows(form, _count(form))
    if go == "more":
        rows += _rows(None, min(ROWS_MORE, ROWS_AT_MOST - len(rows)))
        return _users_page(request, session, user, customer, rows, "users")
    filled = [row for row in rows if not row.blank]
    if go == "edit" or not filled:
        problem = {} if go == "edit" else {"form": "Fill in at least one user."}
        shown = filled + _rows(None, max(ROWS_AT_FIRST - len(filled), 0)) if filled else rows
        status = 200 if go == "edit" else 400
        return _users_page(
            request, session, user, customer, shown, "users", status, problem=problem
        )
    if go != "create":
        return _users_page(request, session, user, customer, filled, "review")
    links = subscribers.Links(
        base_url=link_base_url(request),
        secret=secret,
        consent_max_age=timedelta(seconds=settings.consent_link_max_age_seconds),
    )
    for row in filled:
        _create(session, user, customer, row, links, clock)
    return _users_page(request, session, user, customer, filled, "results")


def _create(
    session: Session,
    user: PortalUser,
    customer: Customer,
    row: Row,
    links: subscribers.Links,
    clock: ClockDep,
) -> None:
    """Provision one row's user in a savepoint of its own: a refusal undoes this row only."""
    try:
        data = row.request(customer.id)
    except ValidationError as invalid:
        for e in invalid.errors():
            place = ".".join(map(str, e["loc"]))
            row.errors.setdefault(API_FIELDS.get(place, "form"), e["msg"])
        return
    try:
        with session.begin_nested():
            made = subscribers.provision(
                session, actor=user.actor, data=data, now=clock.now(), links=links
            )
    except DomainError as refused:
        if refused.status == 403:
            raise
        for p in refused.problems:
            row.errors.setdefault(API_FIELDS.get(p.field or "", "form"), _explained(p))
        return
    row.outcome = "pending" if made.pending else "created"
