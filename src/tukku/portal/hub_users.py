"""The customer portal's users: the list (search, 25 a page) with the users waiting to consent
to moving in (their consent e-mail sent again on request), adding up to 25 users at a time by
hand, editing a user's names and e-mail address, and changing a user's package, through the
same `customer_admin.service` as `/v1/customer/users`, validated by the same request models.

What a page offers comes from the one permission table through the hub's `Actor`
(`hub.may(...)`): restricted-by-partner mode and read-only roles take the controls away, and
the service refuses a forged post of them (403).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from tukku.catalog.packages import Package, catalog
from tukku.core.deps import ClockDep, DbSession, SettingsDep
from tukku.core.errors import Codes, DomainError, Problem
from tukku.core.http import link_base_url
from tukku.core.routing import api_router
from tukku.customer_admin import service as admin
from tukku.customer_admin import users_csv
from tukku.customer_admin.schemas import PackageChange, UserCreate, UserUpdate
from tukku.identity.permissions import Permission
from tukku.portal.auth import PortalUserDep, check_csrf
from tukku.portal.forms import PostedForm, UserRow, page_number, undo, user_rows
from tukku.portal.hub import Hub, open_hub
from tukku.subscribers import service as subscribers

router = api_router(prefix="/hub/users", include_in_schema=False)
FormField = Annotated[str, Form()]
PAGE_SIZE = 25
ROWS_AT_FIRST = 5
ROWS_AT_MOST = 25  # as many users as Control Hub adds by hand at a time
ROW_FIELDS = ("firstName", "lastName", "email", "package", "extension", "phoneNumber")
# The request models' (and the service's) field names, as the rows and forms name them.
FORM_FIELDS = {"primaryPhoneNumber": "phoneNumber"}
LABELS = {
    "firstName": "First name",
    "lastName": "Last name",
    "displayName": "Display name",
    "email": "E-mail address",
    "package": "Package",
    "extension": "Extension",
    "phoneNumber": "Phone number",
}
NOTICES = {
    "edited": "The user is changed.",
    "package": "The package is changed.",
    "consent": "The e-mail asking for consent is sent again.",
}


def _rows(form: FormData | None, count: int) -> list[UserRow]:
    return user_rows(form, count, ROW_FIELDS, UserRow)


def _count(raw: str | None) -> int:
    return min(int(raw), ROWS_AT_MOST) if raw and raw.isdigit() and int(raw) > 0 else ROWS_AT_FIRST


def _errors_of_model(invalid: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for e in invalid.errors():
        place = str(e["loc"][0]) if e["loc"] else "form"
        errors.setdefault(FORM_FIELDS.get(place, place), e["msg"])
    return errors


def _errors_of_refusal(refused: DomainError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for p in refused.problems:
        place = p.field or "form"
        errors.setdefault(FORM_FIELDS.get(place, place), _explained(p))
    return errors


def _explained(problem: Problem) -> str:
    found = problem.field or ""
    return problem.description.removeprefix(f"{found}: ") if found else problem.description


def _packages(session: Session, hub: Hub) -> list[Package]:
    customer = hub.ctx.customer
    if customer is None:
        return []
    return [catalog()[name] for name in subscribers.offered_packages(session, customer)]


def _links(request: Request, settings: SettingsDep) -> subscribers.Links:
    return subscribers.Links(
        base_url=link_base_url(request),
        secret=request.app.state.link_secret,
        consent_max_age=timedelta(seconds=settings.consent_link_max_age_seconds),
    )


@router.get("", response_class=HTMLResponse)
def users(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    search: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[str | None, Query()] = None,
    done: str | None = None,
) -> Response:
    """The organization's users, oldest first, 25 a page, searched by e-mail or name."""
    hub = open_hub(request, session, user)
    number = page_number(page)
    found = admin.users(
        session, hub.ctx, search=search, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )

    def link(to: int) -> str:
        query = {k: v for k, v in {"search": search.strip(), "page": str(to)}.items() if v}
        return f"/hub/users?{urlencode(query)}"

    return hub.page(
        request,
        "hub/users.html",
        nav="users",
        people=found[:PAGE_SIZE],
        pending=admin.pending_users(session, hub.ctx) if number == 1 and not search else [],
        search=search,
        page=number,
        previous=link(number - 1) if number > 1 else None,
        next=link(number + 1) if len(found) > PAGE_SIZE else None,
        notice=NOTICES.get(done or ""),
    )


@router.post("/pending/{subscriber_id}/consent-email")
def resend_consent(
    subscriber_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    user: PortalUserDep,
    csrf: FormField = "",
) -> Response:
    """Send the consent e-mail again to a user still waiting to move in."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    admin.resend_consent(session, hub.ctx, subscriber_id, clock.now(), _links(request, settings))
    return RedirectResponse("/hub/users?done=consent", status_code=303)


@router.get("/export.csv")
def export(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The organization's users as a CSV file (which an import reads back)."""
    hub = open_hub(request, session, user)
    return Response(
        users_csv.export(admin.users(session, hub.ctx)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="users.csv"'},
    )


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """Choose a CSV file of users to add or edit."""
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.USERS_MANAGE)
    return _import_page(request, hub, errors={})


def _import_page(request: Request, hub: Hub, status: int = 200, **more: Any) -> Response:
    context = {
        "nav": "users",
        "columns": users_csv.IMPORTED,
        "required": users_csv.REQUIRED,
        "max_rows": users_csv.MAX_ROWS,
        **more,
    }
    return hub.page(request, "hub/users_import.html", status, **context)


@router.post("/import", response_class=HTMLResponse)
def import_users(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    user: PortalUserDep,
    form: PostedForm,
) -> Response:
    """Check the file (validate-only: every row tried, nothing kept) and show what applying
    would do, row by row; or apply the checked file: each row kept or refused on its own."""
    check_csrf(request, str(form.get("csrf", "")))
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.USERS_MANAGE)
    apply = form.get("go") == "apply"
    upload = form.get("file")
    content: bytes | str = str(form.get("content", ""))
    if isinstance(upload, UploadFile):
        content = upload.file.read()
    try:
        rows = users_csv.read(content)
    except DomainError as refused:
        return _import_page(request, hub, 400, errors=_errors_of_refusal(refused))
    text = content if isinstance(content, str) else content.decode("utf-8-sig")
    users_csv.run(
        session, hub.ctx, rows, now=clock.now(), links=_links(request, settings), apply=apply
    )
    failed = [row for row in rows if row.errors]
    return hub.page(
        request,
        "hub/users_import_results.html",
        nav="users",
        rows=rows,
        failed=failed,
        applied=apply,
        content=text,
    )


def _new_page(
    request: Request,
    session: Session,
    hub: Hub,
    rows: list[UserRow],
    status: int = 200,
    **more: Any,
) -> Response:
    packages = _packages(session, hub)
    return hub.page(
        request,
        "hub/users_new.html",
        status,
        nav="users",
        rows=rows,
        packages=packages,
        calling=[p.display_name for p in packages if p.calling],
        labels=LABELS,
        at_most=ROWS_AT_MOST,
        **more,
    )


@router.get("/new", response_class=HTMLResponse)
def new_users(
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    rows: Annotated[str | None, Query()] = None,
) -> Response:
    """Empty rows for the users to add (5, or as many as asked, up to 25)."""
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.USERS_MANAGE)
    return _new_page(request, session, hub, _rows(None, _count(rows)))


@router.post("/new", response_class=HTMLResponse)
def add_users(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    user: PortalUserDep,
    form: PostedForm,
) -> Response:
    """More rows, or add the filled rows' users: each in a savepoint of its own, so a refused
    row leaves nothing behind and the others are added; the results say which is which."""
    check_csrf(request, str(form.get("csrf", "")))
    hub = open_hub(request, session, user)
    hub.ctx.require(Permission.USERS_MANAGE)
    rows = _rows(form, _count(str(form.get("rows", ""))))
    if form.get("go") == "more":
        rows += _rows(None, min(ROWS_AT_FIRST, ROWS_AT_MOST - len(rows)))
        return _new_page(request, session, hub, rows)
    filled = [row for row in rows if not row.blank]
    if not filled:
        errors = {"form": "Fill in at least one user: first name, last name and e-mail address."}
        return _new_page(request, session, hub, rows, 400, errors=errors)
    links = _links(request, settings)
    for row in filled:
        _add(session, hub, row, links, clock)
    failed = [row for row in filled if not row.outcome]
    return hub.page(
        request,
        "hub/users_results.html",
        nav="users",
        rows=filled,
        failed=failed,
        labels=LABELS,
        packages=_packages(session, hub),
    )


def _add(
    session: Session, hub: Hub, row: UserRow, links: subscribers.Links, clock: ClockDep
) -> None:
    v = {k: value.strip() for k, value in row.values.items()}
    try:
        data = UserCreate.model_validate(
            {
                "email": v["email"],
                "firstName": v["firstName"],
                "lastName": v["lastName"],
                "package": v["package"] or None,
                "extension": v["extension"] or None,
                "primaryPhoneNumber": v["phoneNumber"] or None,
            },
        )
    except ValidationError as invalid:
        row.errors = _errors_of_model(invalid)
        return
    try:
        with session.begin_nested():
            admin.add_user(session, hub.ctx, data, clock.now(), links)
    except DomainError as refused:
        if refused.status == 403:
            undo(session)
            raise
        row.errors = _errors_of_refusal(refused)
        return
    row.outcome = "created"


def _user_page(
    request: Request,
    session: Session,
    hub: Hub,
    user_id: str,
    status: int = 200,
    **more: Any,
) -> Response:
    person = admin.user(session, hub.ctx, user_id)
    packages = _packages(session, hub)
    context: dict[str, Any] = {
        "nav": "users",
        "person": person,
        "packages": packages,
        "package_names": {p.name: p.display_name for p in catalog().packages},
        "calling": [p.display_name for p in packages if p.calling],
        "labels": LABELS,
        "values": {
            "firstName": person.first_name or "",
            "lastName": person.last_name or "",
            "displayName": person.display_name or "",
            "email": person.email,
        },
        "errors": {},
        "package_values": {"package": person.package or "", "extension": "", "phoneNumber": ""},
        "package_errors": {},
        **more,
    }
    return hub.page(request, "hub/user.html", status, **context)


@router.get("/{user_id}", response_class=HTMLResponse)
def person(
    user_id: str,
    request: Request,
    session: DbSession,
    user: PortalUserDep,
    done: str | None = None,
) -> Response:
    """One user; the forms its administrator may use on it."""
    hub = open_hub(request, session, user)
    return _user_page(request, session, hub, user_id, notice=NOTICES.get(done or ""))


@router.post("/{user_id}", response_class=HTMLResponse)
def edit(
    user_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    first_name: Annotated[str, Form(alias="firstName")] = "",
    last_name: Annotated[str, Form(alias="lastName")] = "",
    display_name: Annotated[str, Form(alias="displayName")] = "",
    email: FormField = "",
    csrf: FormField = "",
) -> Response:
    """Change the user's names and e-mail address (editable in restricted mode too)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    values = {
        "firstName": first_name.strip(),
        "lastName": last_name.strip(),
        "displayName": display_name.strip(),
        "email": email.strip(),
    }
    try:
        data = UserUpdate.model_validate(values)
        admin.edit_user(session, hub.ctx, user_id, data, clock.now())
    except ValidationError as invalid:
        errors = _errors_of_model(invalid)
    except DomainError as refused:
        undo(session)
        if refused.status in (403, 404):
            raise
        errors = _errors_of_refusal(refused)
    else:
        return RedirectResponse(f"/hub/users/{user_id}?done=edited", status_code=303)
    return _user_page(request, session, hub, user_id, 400, values=values, errors=errors)


@router.post("/{user_id}/package", response_class=HTMLResponse)
def change_package(
    user_id: str,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    user: PortalUserDep,
    package: FormField = "",
    extension: FormField = "",
    phone_number: Annotated[str, Form(alias="phoneNumber")] = "",
    csrf: FormField = "",
) -> Response:
    """Give the user another package; a calling package needs an extension or a number (the
    service says so when it is missing)."""
    check_csrf(request, csrf)
    hub = open_hub(request, session, user)
    values = {
        "package": package.strip(),
        "extension": extension.strip(),
        "phoneNumber": phone_number.strip(),
    }
    try:
        data = PackageChange.model_validate(
            {
                "package": values["package"],
                "extension": values["extension"] or None,
                "primaryPhoneNumber": values["phoneNumber"] or None,
            },
        )
        admin.change_package(session, hub.ctx, user_id, data, clock.now())
    except ValidationError as invalid:
        errors = _errors_of_model(invalid)
    except DomainError as refused:
        undo(session)
        if refused.status == 404 or refused.problems[0].code == Codes.FORBIDDEN_ROLE:
            raise
        errors = _errors_of_refusal(refused)
    else:
        return RedirectResponse(f"/hub/users/{user_id}?done=package", status_code=303)
    return _user_page(
        request, session, hub, user_id, 400, package_values=values, package_errors=errors
    )
