"""Domain errors and the one catalog of error and info codes the API answers with.

Services raise these; `tukku.core.http_errors` turns them into the Webex-style error body. The
catalog is data: `docs/error-codes.md` is generated from it (`tukku docs error-codes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    """A catalog entry: a stable number, the HTTP status it travels with, and its meaning."""

    number: int
    status: int
    meaning: str


class Codes:
    """Every code tukku answers with. Numbers are stable; never reuse one."""

    # Information codes (precheck successes)
    PRECHECK_OK = Code(100, 200, "Provisioning precheck validation successful.")
    PRECHECK_CONSENT = Code(
        101, 200, "The e-mail belongs to a user outside wholesale; provisioning will ask consent."
    )
    PRECHECK_EXISTING_USER = Code(
        102, 200, "The e-mail belongs to a user of this customer; provisioning will reuse it."
    )

    # Request and protocol
    MALFORMED_BODY = Code(1000, 400, "The request body is not valid JSON.")
    MISSING_FIELD = Code(1001, 400, "A required field is missing.")
    INVALID_FIELD = Code(1002, 400, "A field has an invalid value.")
    INVALID_QUERY = Code(1003, 400, "A query parameter has an invalid value.")
    UNSUPPORTED_MEDIA_TYPE = Code(1004, 415, "Request bodies must be application/json.")
    UNAUTHORIZED = Code(1010, 401, "The access token is missing, invalid, expired or revoked.")
    MISSING_SCOPE = Code(1011, 403, "The access token lacks the scope this operation needs.")
    FORBIDDEN_ROLE = Code(1012, 403, "The caller's role does not allow this operation.")
    NOT_FOUND = Code(1013, 404, "The resource does not exist.")
    METHOD_NOT_ALLOWED = Code(1014, 405, "The method is not supported on this resource.")
    SUB_PARTNER_NOT_FOUND = Code(1015, 404, "No sub-partner of yours has this organization ID.")
    SUB_PARTNER_SUSPENDED = Code(1016, 403, "The sub-partner is suspended: it can only delete.")
    ONE_LEVEL_ONLY = Code(1017, 403, "Sub-partners cannot have sub-partners of their own.")
    SIGN_IN_FAILED = Code(1018, 401, "The e-mail address or the password is wrong.")
    SIGN_IN_THROTTLED = Code(1019, 429, "Too many failed sign-ins; wait the time Retry-After says.")
    CONFLICT = Code(1020, 409, "The request conflicts with the current state of a resource.")
    PASSWORD_REJECTED = Code(1021, 400, "The new password does not meet the password rules.")
    LINK_INVALID = Code(1022, 400, "The link is unknown, already used or expired.")
    PARTNER_SUSPENDED = Code(1023, 403, "The partner is suspended: it can only delete.")
    INTERNAL = Code(1500, 500, "Unexpected server error; retry later, quoting the tracking ID.")

    # Onboarding templates
    TEMPLATE_NOT_FOUND = Code(3001, 404, "No onboarding template of yours has this ID.")
    TEMPLATE_IDP_REQUIRED = Code(3002, 400, "Partner SAML/OIDC needs the IdP entity ID.")
    TEMPLATE_NAME_TAKEN = Code(3003, 409, "You already have an onboarding template with this name.")

    # Customers
    CUSTOMER_NOT_FOUND = Code(4001, 404, "No customer of yours has this ID.")
    PROVISIONING_ID_UNKNOWN = Code(4002, 404, "No onboarding template of yours has this ID.")
    EXTERNAL_ID_TAKEN = Code(4003, 409, "You already have a customer with this externalId.")
    ORG_NOT_ATTACHABLE = Code(4004, 400, "The orgId does not name an organization you can attach.")
    PACKAGE_UNKNOWN = Code(4005, 400, "The package is not in the catalog.")
    PACKAGE_DUPLICATE = Code(4006, 400, "The package list names a package twice.")
    PACKAGE_DEPENDENCY = Code(4007, 400, "An add-on needs a base package that is not in the list.")
    CALLING_PARAMETERS_REQUIRED = Code(
        4008, 400, "Calling packages need provisioningParameters.calling.location."
    )
    PSTN_PROVIDER_REQUIRED = Code(
        4009, 400, "Calling packages need a template with a PSTN provider."
    )
    ADDRESS_INVALID = Code(4010, 400, "The address is invalid.")
    COUNTRY_INVALID = Code(4011, 400, "The country is not an ISO 3166 alpha-2 code.")
    LANGUAGE_INVALID = Code(4012, 400, "The language is not a supported language or locale.")
    TIMEZONE_INVALID = Code(4013, 400, "The time zone is not a known IANA time zone.")
    CUSTOMER_NAME_INVALID = Code(4014, 400, "The customer name is empty, too long or contains '%'.")
    CUSTOMER_BUSY = Code(4015, 409, "The customer is busy with another operation; retry later.")
    PACKAGE_IN_USE = Code(4016, 409, "The package is still assigned to subscribers.")
    COUNTRY_CHANGE = Code(4017, 400, "The country of a provisioned customer cannot change.")
    PACKAGE_LIMIT_INVALID = Code(4018, 400, "A package limit is not a whole number of at least 0.")
    ORG_ALREADY_MANAGED = Code(4021, 409, "The organization is already managed for wholesale.")
    ATTACH_REJECTED = Code(4022, 403, "The organization's administrator rejected the attachment.")
    ATTACH_REQUEST_NOT_FOUND = Code(4023, 404, "No attachment request for your organization.")
    ATTACH_ALREADY_DECIDED = Code(4024, 409, "The attachment request was already decided.")
    DOWNGRADE_NOT_ALLOWED = Code(4025, 403, "Only partner administrators may downgrade a package.")
    CUSTOMER_PROVISIONING_FAILED = Code(4019, 500, "Provisioning the customer failed.")
    PACKAGE_PROVISIONING_FAILED = Code(4020, 500, "Provisioning the package failed.")
    SERVICE_MAINTENANCE = Code(
        2560, 503, "One or more calling services are unavailable for maintenance; retry later."
    )

    # Subscribers
    EMAIL_TAKEN = Code(10022, 409, "The email is already associated with an existing user.")
    PACKAGE_XOR = Code(5001, 400, "Give either package or packages, not both and not neither.")
    PACKAGES_ONE = Code(5002, 400, "packages takes exactly one package.")
    PACKAGE_NOT_ON_CUSTOMER = Code(5003, 400, "The package is not provisioned on the customer.")
    NUMBER_REQUIRED = Code(
        5004, 400, "Calling packages need an extension, a primaryPhoneNumber or both."
    )
    EXTENSION_TAKEN = Code(5005, 409, "The extension is already used in this customer.")
    NUMBER_TAKEN = Code(5006, 409, "The phone number is already in use.")
    LOCATION_UNKNOWN = Code(5007, 400, "The customer has no location with this locationId.")
    PACKAGE_LIMIT_REACHED = Code(5008, 409, "The customer's limit for this package is reached.")
    CUSTOMER_NOT_READY = Code(5009, 409, "The customer is not provisioned (yet or any more).")
    PHONE_NUMBER_INVALID = Code(5010, 400, "The phone number cannot be read as an E.164 number.")
    EXTENSION_INVALID = Code(5011, 400, "The extension must be 2 to 10 digits.")
    NOT_PENDING_MIGRATION = Code(5012, 409, "The subscriber is not waiting for a user's consent.")
    SUBSCRIBER_NOT_FOUND = Code(5013, 404, "No subscriber of yours has this ID.")
    NAME_REQUIRED = Code(5014, 400, "firstName and lastName are required.")
    EMAIL_INVALID = Code(5015, 400, "The e-mail address is not valid.")
    CONSENT_LINK_INVALID = Code(5016, 404, "The consent link is invalid, used or expired.")

    # Billing
    REPORT_NOT_FOUND = Code(2024, 404, "Billing Report not found.")
    REPORT_DATE_INVALID = Code(6001, 400, "Dates are YYYY-MM-DD, in order, within five years.")
    REPORT_EXISTS = Code(6002, 409, "A completed report exists for this period; delete it first.")
    REPORT_TYPE_INVALID = Code(6003, 400, "The report type or category is not offered.")
    REPORT_GENERATION_FAILED = Code(6004, 500, "Generating the report failed.")
    DOWNLOAD_LINK_INVALID = Code(6005, 403, "The download link is invalid or has expired.")
    PRICE_INVALID = Code(6006, 400, "A price is not a decimal of at least 0 with at most 6 places.")
    SKU_UNKNOWN = Code(6007, 400, "The SKU is not in the catalog.")
    CURRENCY_INVALID = Code(6008, 400, "The currency is not an ISO 4217 code.")
    PRICE_BOOK_NOT_FOUND = Code(6009, 404, "No price book is in effect.")
    INVOICE_NOT_FOUND = Code(6010, 404, "No invoice of yours has this ID.")
    EFFECTIVE_DATE_INVALID = Code(6011, 400, "Price books take effect on the first day of a month.")

    # Setup Assist (8060-8079)
    SETUP_ASSIST_ORDER_NOT_FOUND = Code(8060, 404, "No Setup Assist order of yours has this ID.")
    SETUP_ASSIST_TOO_SOON = Code(
        8061, 400, "The deployment date must be at least six business days after the order."
    )
    SETUP_ASSIST_DATE_INVALID = Code(8062, 400, "The deployment date must be YYYY-MM-DD.")
    SETUP_ASSIST_LOCATION_COUNT_INVALID = Code(
        8063, 400, "The total number of locations must be a whole number from 1 to 100000."
    )
    SETUP_ASSIST_SUBSCRIPTION_MISMATCH = Code(
        8064, 400, "The subscriptionId is not the partner's wholesale subscription."
    )
    SETUP_ASSIST_LOCATION_NOT_FOUND = Code(8065, 404, "The customer has no such location.")
    SETUP_ASSIST_ORDER_OPEN = Code(
        8066, 409, "The location already has a Setup Assist order in progress."
    )
    SETUP_ASSIST_COMPLETED = Code(8067, 409, "The order has passed its last phase.")
    SETUP_ASSIST_PHASE_MISMATCH = Code(
        8068, 409, "The order is not in the phase the request names (advanced meanwhile?)."
    )

    # Denied-party screening
    SCREENING_POSSIBLE_MATCH = Code(
        7001, 400, "The customer may be a restricted party; it would wait for a compliance review."
    )
    SCREENING_DENIED = Code(7002, 403, "Compliance review found a restricted party.")
    SCREENING_CASE_NOT_FOUND = Code(7003, 404, "No screening case has this ID.")
    SCREENING_CASE_CLOSED = Code(7004, 409, "The screening case is already closed.")
    SCREENING_LIST_INVALID = Code(7005, 400, "The screening list file cannot be loaded.")

    # Locations, floors and people (the public Webex APIs of a customer's set-up)
    LOCATION_NOT_FOUND = Code(8001, 404, "The organization has no location with this ID.")
    LOCATION_NAME_TAKEN = Code(8002, 409, "The organization already has a location of this name.")
    LOCATION_IN_USE = Code(8003, 409, "Users or numbers are still at the location.")
    HEADQUARTERS_KEPT = Code(8004, 409, "The headquarters location cannot be deleted.")
    FLOOR_NOT_FOUND = Code(8005, 404, "The location has no floor with this ID.")
    FLOOR_NUMBER_TAKEN = Code(8006, 409, "The location already has a floor with this number.")
    PERSON_NOT_FOUND = Code(8007, 404, "The organization has no person with this ID.")
    COORDINATE_INVALID = Code(8008, 400, "latitude is -90 to 90 and longitude -180 to 180.")
    NO_CALLING_CUSTOMER = Code(
        8009, 409, "The organization is no provisioned wholesale customer: it has no locations."
    )
    # Call queues (calling)
    QUEUE_NOT_FOUND = Code(8040, 404, "No call queue of this organization has this ID.")
    QUEUE_LOCATION_NOT_FOUND = Code(8041, 404, "The organization has no location with this ID.")
    QUEUE_AGENT_NOT_FOUND = Code(
        8042, 404, "An agent ID is no person, workspace or virtual line of the organization."
    )
    QUEUE_AGENTS_LACK_CX_ESSENTIALS = Code(
        8043, 409, "Only subscribers holding cx_essentials can be agents of an Essentials queue."
    )
    QUEUE_DOWNGRADE = Code(8044, 409, "An Essentials queue cannot become a basic queue again.")
    QUEUE_UPGRADE_AGENTS_LACK_PACKAGE = Code(
        8045, 409, "Upgrading needs every agent to hold cx_essentials: give it or drop them."
    )
    QUEUE_UPGRADE_NON_PERSON_AGENTS = Code(
        8046, 409, "A queue with workspaces or virtual lines as agents cannot be upgraded."
    )
    QUEUE_ESSENTIALS_WEIGHTED = Code(
        8047, 400, "Essentials queues route top-down (REGULAR), never WEIGHTED."
    )
    QUEUE_NAME_TAKEN = Code(8048, 409, "The location already has a call queue with this name.")
    QUEUE_NUMBER_REQUIRED = Code(8049, 400, "A call queue needs a phoneNumber or an extension.")
    QUEUE_AGENT_DUPLICATE = Code(8050, 400, "The agents list names an agent twice.")
    QUEUE_TOO_MANY_AGENTS = Code(8051, 400, "The routing policy takes fewer agents.")
    QUEUE_WEIGHTS_INVALID = Code(
        8052, 400, "WEIGHTED routing needs a weight of 0 to 100 per agent, 100 in all."
    )
    QUEUE_AGENT_NOT_ELIGIBLE = Code(
        8053, 409, "The person's package does not let it be a call queue agent."
    )
    # Hunt groups (calling, 8180-8189)
    HUNT_GROUP_NOT_FOUND = Code(8180, 404, "No hunt group of this organization has this ID.")
    HUNT_GROUP_LOCATION_NOT_FOUND = Code(
        8181, 404, "The organization has no location with this ID."
    )
    HUNT_GROUP_AGENT_NOT_FOUND = Code(
        8182, 404, "An agent ID is no calling person or calling workspace of the organization."
    )
    HUNT_GROUP_NAME_INVALID = Code(8183, 400, "A hunt group needs a name of 1 to 80 characters.")
    HUNT_GROUP_NAME_TAKEN = Code(8184, 409, "The location already has a hunt group with this name.")
    HUNT_GROUP_NUMBER_REQUIRED = Code(
        8185, 400, "A hunt group needs a phoneNumber or an extension."
    )
    HUNT_GROUP_AGENTS_INVALID = Code(
        8186, 400, "The agents list names an agent twice or is too long for the routing policy."
    )
    HUNT_GROUP_WEIGHTS_INVALID = Code(
        8187, 400, "WEIGHTED routing needs a weight of 0 to 100 per agent, 100 in all."
    )
    HUNT_GROUP_ALTERNATE_NUMBERS_INVALID = Code(
        8188, 400, "At most 10 alternate numbers, each once and none the primary number."
    )
    HUNT_GROUP_NO_ANSWER_INVALID = Code(
        8189, 400, "Rings out of range, or forwarding or redirecting without a destination."
    )
    # Calling at a location and the device cut-over (calling, 8190-8199)
    LOCATION_CALLING_ENABLED = Code(8190, 409, "The location is already enabled for Webex Calling.")
    LOCATION_CALLING_NOT_ENABLED = Code(
        8191, 404, "The location is not enabled for Webex Calling (yet)."
    )
    MAIN_NUMBER_NOT_AT_LOCATION = Code(
        8192, 400, "A location's main number must be a phone number the location has."
    )
    PSTN_CONNECTION_INVALID = Code(
        8193, 400, "A PSTN connection is of type TRUNK or ROUTE_GROUP and has an id."
    )
    MAIN_NUMBER_KEPT = Code(
        8194, 409, "The phone number is its location's main number: choose another one first."
    )
    CUTOVER_DIRECTION_INVALID = Code(
        8195, 400, "A device cut-over's direction is move or rollback."
    )
    # Calling set-up: numbers and workspaces
    WORKSPACE_NOT_FOUND = Code(8020, 404, "The organization has no workspace with this ID.")
    NUMBER_NOT_IN_LOCATION = Code(8021, 404, "The location has no such phone number.")
    NUMBER_ASSIGNED = Code(8022, 409, "The phone number is assigned; unassign it first.")
    CALLING_TYPE_UNSUPPORTED = Code(
        8023, 400, "Workspaces take calling type none, freeCalling or webexCalling."
    )
    WORKSPACE_LOCATION_FIXED = Code(8024, 409, "A workspace's location cannot change once set.")
    NUMBER_TYPE_UNSUPPORTED = Code(8025, 400, "Numbers are added as DID or TOLLFREE.")
    NUMBER_AT_OTHER_LOCATION = Code(
        8026, 409, "The phone number belongs to another location of the organization."
    )
    LICENSE_UNKNOWN = Code(8027, 400, "The license is not the customer's Common Area license.")

    # Devices (8080-8099)
    DEVICE_NOT_FOUND = Code(8080, 404, "The organization has no device with this ID.")
    MAC_INVALID = Code(
        8081, 400, "A MAC address is 12 hexadecimal digits, unicast, neither broadcast nor zero."
    )
    MAC_TAKEN = Code(8082, 409, "A device with this MAC address already exists.")
    DEVICE_MODEL_UNKNOWN = Code(8083, 400, "The model is not in the supported devices catalog.")
    DEVICE_OWNER_INVALID = Code(8084, 400, "Name either a personId or a workspaceId, not both.")
    THIRD_PARTY_DEVICES_DISABLED = Code(
        8085, 409, "Platform-managed third-party devices are not enabled for this customer."
    )
    DEVICE_MODEL_NOT_FOR_OWNER = Code(
        8086, 400, "The model is not supported for this kind of owner (person or workspace)."
    )
    ACTIVATION_CODE_UNKNOWN = Code(8087, 404, "No activation code matches.")
    ACTIVATION_CODE_USED = Code(8088, 409, "The activation code has been used already.")
    ACTIVATION_CODE_EXPIRED = Code(8089, 410, "The activation code has expired.")
    PERSON_WITHOUT_CALLING = Code(8090, 400, "The person has no Webex Calling subscriber.")
    DEVICE_LIMIT_REACHED = Code(8091, 409, "The person or workspace has its maximum of devices.")
    NO_SIP_CREDENTIALS = Code(
        8092, 409, "The device has no SIP credentials (customer-managed and third-party have)."
    )
    SIP_PASSWORD_INVALID = Code(
        8093, 400, "A SIP password is for third-party devices only: 12 to 64 printable characters."
    )

    # Partner single sign-on
    SSO_NOT_CONFIGURED = Code(8140, 404, "Your organization has no identity provider configured.")
    IDP_NAME_INVALID = Code(
        8141,
        400,
        "The IdP name: 1 to 128 letters, digits, hyphens, underscores, tildes and dots.",
    )
    IDP_NAME_TAKEN = Code(8142, 409, "Another identity provider already has this name.")
    IDP_SCOPES_INVALID = Code(
        8143, 400, "Scopes are space-separated scope names and must include openid and email."
    )
    IDP_ENDPOINT_INVALID = Code(
        8144, 400, "An endpoint must be an https URL (plain http only on 127.0.0.1)."
    )
    IDP_ENDPOINT_REQUIRED = Code(8145, 400, "This endpoint is required without a discovery one.")
    IDP_CLIENT_SECRET_REQUIRED = Code(8146, 400, "The client secret is required.")
    PASSWORD_SIGN_IN_CLOSED = Code(
        8147, 403, "The organization's users sign in through its identity provider only."
    )
    BREAK_GLASS_NOT_NEEDED = Code(
        8148, 409, "The user may sign in with a password already: no break-glass is needed."
    )
    # Partner single sign-on with SAML 2.0
    SAML_ENTITY_ID_INVALID = Code(
        8160, 400, "The IdP entity ID is required: at most 1024 characters, no spaces."
    )
    SAML_METADATA_REQUIRED = Code(
        8161, 400, "The IdP metadata is required: upload its XML or give its URL."
    )
    SAML_METADATA_URL_INVALID = Code(
        8162, 400, "The metadata URL must be an https URL (plain http only on 127.0.0.1)."
    )
    SAML_METADATA_UNREACHABLE = Code(8163, 400, "The metadata could not be fetched from its URL.")
    SAML_METADATA_INVALID = Code(
        8164, 400, "The metadata is not SAML 2.0 metadata (well-formed XML, at most 1 MiB)."
    )
    SAML_METADATA_ENTITY_MISSING = Code(
        8165, 400, "The metadata describes no identity provider with this entity ID."
    )
    SAML_METADATA_NO_SSO = Code(
        8166,
        400,
        "The IdP has no HTTP-Redirect single sign-on service at an https URL in its metadata.",
    )
    SAML_METADATA_NO_CERTIFICATE = Code(
        8167, 400, "The IdP's metadata holds no signing certificate."
    )
    SAML_NOT_CONFIGURED = Code(
        8168, 404, "Your organization has no SAML identity provider configured."
    )
    # Branding
    BRAND_COLOUR = Code(8130, 400, "A brand colour must be a hex colour such as #1b1b1b.")
    BRAND_CONTRAST = Code(
        8131, 400, "Text or link colour below WCAG AA contrast (4.5:1) with its background."
    )
    BRAND_SUPPORT = Code(
        8132, 400, "Support contacts: an https:// URL, an e-mail address, a phone number."
    )
    BRAND_LOGO_TYPE = Code(8133, 400, "A logo must be a PNG, JPEG or SVG image (by content).")
    BRAND_LOGO_TOO_LARGE = Code(8134, 413, "A logo file is at most 512 KiB, 4096 pixels a side.")
    BRAND_LOGO_UNREADABLE = Code(8135, 400, "The logo could not be read as an image of its type.")

    # Idempotency keys
    IDEMPOTENCY_KEY_INVALID = Code(
        8200, 400, "The Idempotency-Key header must be 1 to 255 printable ASCII characters."
    )
    IDEMPOTENCY_KEY_REUSED = Code(
        8201, 422, "The Idempotency-Key was used for another request (method, path or body)."
    )
    IDEMPOTENCY_KEY_IN_USE = Code(
        8202, 409, "A request with this Idempotency-Key is still running; retry after a moment."
    )
    # Webhooks
    WEBHOOK_NOT_FOUND = Code(8210, 404, "No webhook endpoint of yours has this ID.")
    WEBHOOK_URL_INVALID = Code(8211, 400, "The webhook URL is not an https URL tukku may call.")
    WEBHOOK_TARGET_REFUSED = Code(
        8212, 400, "The webhook URL's host is a private, loopback or link-local address."
    )
    WEBHOOK_EVENT_TYPE_UNKNOWN = Code(8213, 400, "eventTypes names an unknown event type.")
    WEBHOOK_DELIVERY_NOT_FOUND = Code(8214, 404, "The endpoint has no delivery with this ID.")
    WEBHOOK_REPLAY_RANGE_INVALID = Code(8215, 400, "since must be before until.")

    # Operations: metrics
    METRICS_FORBIDDEN = Code(
        8230, 403, "Metrics are served only to the networks listed in TUKKU_METRICS_ALLOW."
    )

    # Sandbox
    SANDBOX_CLOCK_BACKWARDS = Code(9001, 409, "The sandbox clock only moves forward.")
    SANDBOX_DRAIN_TIMEOUT = Code(9002, 503, "Jobs did not finish in time; the clock was moved.")

    # Throttling and request size (8235-8249)
    THROTTLED = Code(8235, 429, "Too many requests; try again after the seconds Retry-After says.")
    BODY_TOO_LARGE = Code(8236, 413, "The request body is larger than this route accepts.")
    SANDBOX_SCRIPTED_THROTTLE = Code(
        8237, 429, "Throttled as scripted in the sandbox (POST /v1/sandbox/throttle)."
    )

    @classmethod
    def all(cls) -> list[Code]:
        """Every code, ordered by number."""
        codes = [v for v in vars(cls).values() if isinstance(v, Code)]
        return sorted(codes, key=lambda c: c.number)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: a code, a human sentence, and the field it concerns."""

    code: Code
    description: str
    field: str | None = None


@dataclass
class DomainError(Exception):
    """Base of the errors services raise; carries every problem found, not only the first."""

    problems: list[Problem]
    message: str = ""
    status: int = field(default=0)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.status:
            self.status = self.problems[0].code.status
        if not self.message:
            self.message = self.problems[0].description
        super().__init__(self.message)


def _describe(field_name: str | None, reason: str) -> str:
    """`field: reason`, naming the field once even if `reason` already does (as the description
    of a `Problem` passed on does)."""
    if not field_name or reason.startswith(f"{field_name}: "):
        return reason
    return f"{field_name}: {reason}"


class Invalid(DomainError):
    """Bad input (400); names the field."""

    def __init__(self, field_name: str | None, reason: str, code: Code = Codes.INVALID_FIELD):
        super().__init__([Problem(code, _describe(field_name, reason), field_name)])


class NotFound(DomainError):
    """Unknown or another tenant's ID (404); never says which of the two."""

    def __init__(self, what: str, code: Code = Codes.NOT_FOUND, field_name: str | None = None):
        super().__init__([Problem(code, _describe(field_name, f"{what} not found"), field_name)])


class Conflict(DomainError):
    """A rule about existing data forbids the change (409)."""

    def __init__(self, field_name: str | None, reason: str, code: Code = Codes.CONFLICT):
        super().__init__([Problem(code, _describe(field_name, reason), field_name)])


class InvalidState(Conflict):
    """The resource is in a state that does not allow the operation now (409)."""


class Forbidden(DomainError):
    """The caller is known but may not do this (403)."""

    def __init__(self, reason: str, code: Code = Codes.FORBIDDEN_ROLE):
        super().__init__([Problem(code, reason)])


class Unauthorized(DomainError):
    """No valid credentials (401)."""

    def __init__(self, reason: str = "missing or invalid access token"):
        super().__init__([Problem(Codes.UNAUTHORIZED, reason)])


class Throttled(DomainError):
    """Too many attempts (429): try again after `retry_after` seconds (sent as `Retry-After`)."""

    def __init__(self, reason: str, retry_after: int, code: Code = Codes.SIGN_IN_THROTTLED):
        super().__init__([Problem(code, reason)], headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


def invalid_all(problems: list[Problem], message: str | None = None) -> DomainError:
    """One 400 error carrying several problems at once."""
    summary = message or "; ".join(p.description for p in problems)
    return DomainError(problems, message=summary, status=400)


def catalog_markdown() -> str:
    """The catalog as the Markdown table of `docs/error-codes.md`."""
    lines = [
        "# Error and information codes",
        "",
        "Generated from `tukku.core.errors.Codes` by `tukku docs error-codes`; do not edit.",
        "",
        'Every error response has the body `{"message", "errors": [{"description", '
        '"errorCode"}], "trackingId"}`; each entry of `errors` carries one of these codes.',
        "Codes below 1000 are precheck information codes; 2560 and 10022 are the original API's.",
        "",
        "| code | HTTP status | meaning |",
        "|---:|---:|---|",
    ]
    lines += [f"| {c.number} | {c.status} | {c.meaning} |" for c in Codes.all()]
    return "\n".join(lines) + "\n"
