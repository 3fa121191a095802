"""The partner portal's create-customer wizard: company → onboarding template → packages →
headquarters (in a country tukku serves) → summary → create.

Each step posts everything entered so far (the other steps' answers ride along in hidden
fields: no server-side state), and is checked by the same plan as `POST /customers`
(`customers.service.draft_problems`), showing only the problems of the steps reached so far.
"Create" checks everything again and provisions through the API's own service; the customer's
page then follows its asynchronous status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from tukku.catalog.packages import catalog
from tukku.catalog.regions import geography
from tukku.core.deps import BackendsDep, ClockDep, DbSession
from tukku.core.errors import DomainError, Problem
from tukku.core.pagination import PageRequest
from tukku.core.routing import api_router
from tukku.customers import service
from tukku.customers.backend import PROVISIONING
from tukku.customers.schemas import CustomerCreate
from tukku.identity.actor import Actor
from tukku.identity.permissions import Permission
from tukku.onboarding import service as onboarding
from tukku.onboarding.models import OnboardingTemplate
from tukku.portal.auth import PortalUser, PortalUserDep, check_csrf
from tukku.portal.forms import undo
from tukku.web.templating import templates

router = api_router(prefix="/portal/customers/new", include_in_schema=False)

# The steps in order, with the form fields each asks for.
STEPS: dict[str, tuple[str, ...]] = {
    "company": ("name", "primaryEmail", "externalId", "language"),
    "template": ("provisioningId",),
    "packages": ("packages",),
    "location": (
        "locationName",
        "addressLine1",
        "addressLine2",
        "city",
        "stateOrProvince",
        "zipOrPostalCode",
        "country",
        "timezone",
        "confirmCountry",
    ),
    "summary": (),
}
ORDER = list(STEPS)
TITLES = {
    "company": "Company",
    "template": "Onboarding template",
    "packages": "Packages",
    "location": "Headquarters",
    "summary": "Summary",
}
SINGLE = tuple(f for fields in STEPS.values() for f in fields if f != "packages")
ADDRESS = ("addressLine1", "addressLine2", "city", "stateOrProvince", "zipOrPostalCode", "country")
# Where the API's problems show in the wizard: the request's field → the form's field.
API_FIELDS = {
    "customerInfo": "name",
    "customerInfo.name": "name",
    "customerInfo.primaryEmail": "primaryEmail",
    "customerInfo.language": "language",
    "externalId": "externalId",
    "provisioningId": "provisioningId",
    "packages": "packages",
    "provisioningParameters.calling": "locationName",
    "provisioningParameters.calling.location.name": "locationName",
    "provisioningParameters.calling.location.timezone": "timezone",
    # The headquarters speaks the customer's language, else its template's.
    "provisioningParameters.calling.location.language": "provisioningId",
    "provisioningParameters.meetings.timezone": "timezone",
    **{f"address.{name}": name for name in ADDRESS},
    **{f"provisioningParameters.calling.location.address.{name}": name for name in ADDRESS},
}
STEP_OF = {field: step for step, fields in STEPS.items() for field in fields}
# A partner has a handful of templates; one page shows them all.
TEMPLATES_SHOWN = PageRequest(offset=0, limit=1000)


async def posted_form(request: Request) -> FormData:
    """The posted form (read here: the wizard's fields vary with the step)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


@dataclass
class Draft:
    """Everything the wizard was given so far: one text per field, the chosen packages."""

    values: dict[str, str]
    packages: list[str]

    @classmethod
    def of(cls, form: FormData | None) -> Draft:
        """The draft a form carries (an empty one for none)."""
        values = {name: str(form.get(name, "")) if form else "" for name in SINGLE}
        packages = [str(p) for p in form.getlist("packages")] if form else []
        return cls(values, list(dict.fromkeys(packages)))

    def hidden(self, step: str) -> list[tuple[str, str]]:
        """The fields of the other steps, to carry along in hidden inputs."""
        shown = set(STEPS[step])
        pairs = [(k, v) for k, v in self.values.items() if k not in shown and v]
        if "packages" not in shown:
            pairs += [("packages", p) for p in self.packages]
        return pairs

    def request(self, template: OnboardingTemplate | None) -> CustomerCreate:
        """The `POST /customers` body the wizard's answers make (the headquarters location is
        at the customer's own address; its language the customer's, else the template's)."""
        v = self.values
        address = {name: v[name].strip() or None for name in ADDRESS}
        address["addressLine1"] = v["addressLine1"]
        address["city"] = v["city"]
        address["country"] = v["country"]
        language = v["language"].strip() or (template.language if template else "")
        timezone = v["timezone"].strip()
        return CustomerCreate.model_validate(
            {
                "provisioningId": v["provisioningId"],
                "packages": self.packages,
                "externalId": v["externalId"],
                "address": address,
                "customerInfo": {
                    "name": v["name"],
                    "primaryEmail": v["primaryEmail"],
                    "language": v["language"].strip() or None,
                },
                "provisioningParameters": {
                    "calling": {
                        "location": {
                            "name": v["locationName"],
                            "address": address,
                            "timezone": timezone,
                            "language": language,
                        }
                    },
                    "meetings": {"timezone": timezone or None},
                },
            }
        )


def _shown(field: str | None) -> str:
    return API_FIELDS.get(field or "", "form")


def _explained(problem: Problem) -> str:
    """A problem's sentence without the request's field name in front (the form shows it next
    to its own field)."""
    field = problem.field or ""
    return problem.description.removeprefix(f"{field}: ") if field else problem.description


def _problems(
    session: DbSession, actor: Actor, draft: Draft, template: OnboardingTemplate | None
) -> dict[str, str]:
    """The problems of the whole draft, by form field (the first one for each)."""
    try:
        data = draft.request(template)
    except ValidationError as invalid:
        return {_shown(".".join(map(str, e["loc"]))): e["msg"] for e in invalid.errors()}
    errors: dict[str, str] = {}
    if not draft.values["provisioningId"]:
        errors["provisioningId"] = "Choose an onboarding template."
    for problem in service.draft_problems(session, actor=actor, data=data):
        errors.setdefault(_shown(problem.field), _explained(problem))
    if draft.values["country"] and "country" not in errors and not draft.values["confirmCountry"]:
        errors["confirmCountry"] = "Confirm that the headquarters is in this country."
    return errors


def _up_to(errors: dict[str, str], step: str) -> dict[str, str]:
    """The problems of the steps up to `step` (a later step's fields are not asked yet)."""
    reached = ORDER[: ORDER.index(step) + 1]
    return {f: e for f, e in errors.items() if STEP_OF.get(f, "summary") in reached}


def _template_of(
    session: DbSession, actor: Actor, provisioning_id: str
) -> OnboardingTemplate | None:
    if not provisioning_id:
        return None
    template, _ = service.template_named(session, actor=actor, provisioning_id=provisioning_id)
    return template


def _render(
    request: Request,
    session: DbSession,
    user: PortalUser,
    draft: Draft,
    step: str,
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    actor = user.actor
    provisioning_id = draft.values["provisioningId"]
    template = _template_of(session, actor, provisioning_id)
    context: dict[str, Any] = {
        "user": user,
        "csrf": user.csrf,
        "nav": "customers",
        "step": step,
        "number": ORDER.index(step) + 1,
        "steps": [TITLES[s] for s in ORDER],
        "title": TITLES[step],
        "values": draft.values,
        "packages": draft.packages,
        "hidden": draft.hidden(step),
        "errors": errors,
        "template": template,
    }
    if step == "template":
        context["templates"] = onboarding.list_(session, actor=actor, page=TEMPLATES_SHOWN)
    if step in ("packages", "summary"):
        offered = service.offered_packages(session, actor=actor, provisioning_id=provisioning_id)
        context["offered"] = [catalog()[name] for name in offered]
        context["chosen"] = [catalog()[n] for n in draft.packages if catalog().get(n)]
    if step == "location":
        names = geography().names
        context["countries"] = sorted(geography().countries, key=lambda c: names.get(c, c))
        context["country_name"] = geography().name_of
    if step == "summary":
        country = draft.values["country"].strip().upper()
        context["country"] = geography().name_of(country)
        context["region"] = geography().region_of(country).name
    return templates.TemplateResponse(request, "portal/customer_new.html", context, status)


@router.get("", response_class=HTMLResponse)
def new_customer(request: Request, session: DbSession, user: PortalUserDep) -> Response:
    """The wizard's first step, empty."""
    user.actor.require(Permission.CUSTOMERS_WRITE)
    return _render(request, session, user, Draft.of(None), "company", {})


@router.post("", response_class=HTMLResponse)
def wizard_step(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    backends: BackendsDep,
    user: PortalUserDep,
    form: PostedForm,
) -> Response:
    """One step answered: back (nothing checked), on to the next step once every step so far
    is right, or, from the summary, create the customer and follow it on its page."""
    check_csrf(request, str(form.get("csrf", "")))
    actor = user.actor
    actor.require(Permission.CUSTOMERS_WRITE)
    draft = Draft.of(form)
    step = str(form.get("step", ""))
    step = step if step in STEPS else "company"
    at = ORDER.index(step)
    if form.get("go") == "back":
        return _render(request, session, user, draft, ORDER[max(at - 1, 0)], {})
    template = _template_of(session, actor, draft.values["provisioningId"])
    errors = _problems(session, actor, draft, template)
    shown = errors if step == "summary" else _up_to(errors, step)
    if shown:
        first = min(ORDER.index(STEP_OF.get(f, "summary")) for f in shown)
        return _render(
            request, session, user, draft, ORDER[first], _up_to(shown, ORDER[first]), 400
        )
    if step != "summary":
        return _render(request, session, user, draft, ORDER[at + 1], {})
    try:
        customer = service.provision(
            session,
            actor=actor,
            data=draft.request(template),
            now=clock.now(),
            backend=backends.get(PROVISIONING),
        )
    except DomainError as refused:
        undo(session)
        if refused.status == 403:
            raise
        found = {_shown(p.field): _explained(p) for p in refused.problems}
        return _render(request, session, user, draft, "summary", found, 400)
    return RedirectResponse(f"/portal/customers/{customer.id}?created=1", status_code=303)
