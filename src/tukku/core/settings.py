"""Process settings, read from `TUKKU_*` environment variables or passed explicitly by the CLI."""

from __future__ import annotations

from datetime import date
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tukku.core.timefmt import parse_day


class Settings(BaseSettings):
    """Everything a tukku process needs to know about its environment."""

    model_config = SettingsConfigDict(env_prefix="TUKKU_", extra="ignore")

    database_url: str = "sqlite:///./tukku.db"
    sandbox: bool = False
    public_base_url: str | None = Field(
        default=None,
        description="Base URL of links that leave a request (e-mails, download links); required "
        "unless `tukku serve` supplies its own listen address.",
    )
    allowed_hosts: str | None = Field(
        default=None,
        description="Comma-separated Host header values served (`*.example.com` allowed); "
        "default: the public base URL's host (and, for `tukku serve`, its own).",
    )
    max_header_bytes: int = Field(
        default=16 * 1024, description="Largest request line plus headers accepted, in bytes."
    )
    api_docs: bool = Field(
        default=True, description="Serve /docs, /redoc and /openapi.json (always in sandbox)."
    )

    @property
    def allowed_host_list(self) -> list[str]:
        """`allowed_hosts` split at commas, blanks dropped (empty when unset)."""
        return [h.strip() for h in (self.allowed_hosts or "").split(",") if h.strip()]

    secret_key: str | None = Field(
        default=None,
        description="Key for signed links; default: a random key kept in the database.",
    )
    sip_domain_suffix: str = "calls.tukku.test"
    device_activation_code_hours: int = Field(
        default=168,
        ge=1,
        le=720,
        description="How long a device activation code works after it is created (hours).",
    )
    consent_link_max_age_seconds: int = 7 * 24 * 3600
    auth_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=60,
        description="How long a process remembers an authenticated token: a token revoked "
        "elsewhere stops working here within this many seconds.",
    )
    token_lifetime_days: int = Field(
        default=90, ge=1, le=3650, description="Lifetime of a newly issued API token."
    )
    demo_tokens_file: str = Field(
        default="./.tukku/demo-tokens.json",
        description="Where `tukku serve --demo` keeps the demo tokens it shows (owner-only).",
    )

    job_lease_seconds: float = 30.0
    job_poll_interval_seconds: float = 0.5
    job_retry_base_seconds: float = 2.0
    job_retry_max_seconds: float = 600.0
    job_keep_finished_days: int = 14

    report_storage: Literal["local", "s3"] = "local"
    report_dir: str = "./tukku-reports"
    s3_bucket: str | None = None
    s3_prefix: str = "billing-reports"
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    download_link_seconds: int = 30 * 60

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = Field(
        default=False, description="Deprecated: `smtp_security=starttls` (true upgrades `none`)."
    )
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none",
        description="`starttls` (port 587 or 25), `tls` (implicit TLS, port 465) or `none`; "
        "the server's certificate and host name are always verified.",
    )
    smtp_ca_file: str | None = Field(
        default=None,
        description="PEM bundle of the CAs trusted for the SMTP server instead of the system's.",
    )
    smtp_allow_plaintext_auth: bool = Field(
        default=False, description="Send the SMTP login over an unencrypted connection."
    )

    @field_validator("smtp_security")
    @classmethod
    def _starttls_alias(cls, value: str, info: ValidationInfo) -> str:
        """The deprecated `smtp_starttls=true` still asks for STARTTLS when `none` is named."""
        return "starttls" if value == "none" and info.data.get("smtp_starttls") else value

    mail_from: str = "tukku <no-reply@tukku.test>"

    setup_assist_holidays: str = Field(
        default="",
        description="Comma-separated ISO dates (YYYY-MM-DD) that are not business days for "
        "Setup Assist's six-business-day notice (weekends never are).",
    )

    @field_validator("setup_assist_holidays")
    @classmethod
    def _holiday_dates(cls, value: str) -> str:
        """Every listed holiday must be a date, so a typo fails at start-up, not at an order."""
        for text in (part.strip() for part in value.split(",")):
            if text:
                parse_day(text)
        return value

    @property
    def setup_assist_holiday_dates(self) -> frozenset[date]:
        """`setup_assist_holidays` as dates."""
        parts = (part.strip() for part in self.setup_assist_holidays.split(","))
        return frozenset(parse_day(p) for p in parts if p)

    portal_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="A portal session unused this long ends."
    )
    portal_session_hours: int = Field(
        default=12, ge=1, le=24 * 30, description="A portal session ends this long after sign-in."
    )
    invite_link_days: int = Field(
        default=7, ge=1, le=30, description="How long an invitation's set-password link works."
    )
    reset_link_minutes: int = Field(
        default=60, ge=5, le=24 * 60, description="How long a password-reset link works."
    )

    # Webhooks (tukku.webhooks)
    webhook_allow_private_targets: bool = Field(
        default=False,
        description="Let webhook endpoints reach private, loopback and link-local addresses "
        "(refused by default, against SSRF).",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=60, description="How long one webhook delivery may take."
    )
    webhook_secret_overlap_hours: float = Field(
        default=24.0,
        ge=0,
        le=24 * 7,
        description="After a signing secret is rotated, the old one keeps signing this long.",
    )
    webhook_disable_after_days: float = Field(
        default=5.0,
        gt=0,
        description="An endpoint whose deliveries have all failed this long is disabled.",
    )
    webhook_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=60,
        description="How long a process remembers which partners have webhook endpoints: one "
        "registered through another process gets events within this many seconds.",
    )

    web_workers: int = Field(
        default=1,
        ge=1,
        description="API processes `tukku serve` runs on its port (`--workers`); with more than "
        "one, its background worker runs in a process of its own.",
    )
    db_pool_size: int = 10
    log_level: str = "info"

    # Metrics and the operators' health summary
    metrics_allow: str = Field(
        default="127.0.0.0/8,::1/128",
        description="Comma-separated networks (CIDR) whose clients may read /metrics; empty: "
        "nobody. Behind a reverse proxy the client is the address uvicorn takes from "
        "X-Forwarded-For (sent by a trusted proxy), else the proxy's own.",
    )

    @field_validator("metrics_allow")
    @classmethod
    def _metrics_networks_valid(cls, value: str) -> str:
        """Every listed network must parse, so a typo fails at start-up, not at a scrape."""
        for text in (part.strip() for part in value.split(",")):
            if text:
                ip_network(text, strict=False)
        return value

    @property
    def metrics_networks(self) -> list[IPv4Network | IPv6Network]:
        """`metrics_allow` as networks."""
        parts = (part.strip() for part in self.metrics_allow.split(","))
        return [ip_network(p, strict=False) for p in parts if p]

    health_database_ms: float = Field(
        default=250, gt=0, description="/v1/ops/health: a database slower to answer is degraded."
    )
    health_job_wait_seconds: float = Field(
        default=300,
        gt=0,
        description="/v1/ops/health: a due job waiting longer than this to run is degraded.",
    )
    health_failed_jobs_per_day: int = Field(
        default=0,
        ge=0,
        description="/v1/ops/health: more jobs failed for good in the last 24 hours is degraded.",
    )
    health_backlog_seconds: float = Field(
        default=900,
        gt=0,
        description="/v1/ops/health: an outbox message (mail, webhooks) waiting longer is "
        "degraded.",
    )

    idempotency_key_hours: int = Field(
        default=24,
        ge=24,
        le=24 * 30,
        description="How long the answer to a write sent with an `Idempotency-Key` is kept and "
        "replayed to retries with the same key (at least 24 hours).",
    )
    idempotency_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="How long a keyed write holds its key while it runs: a retry meanwhile gets "
        "409; after it, the request is taken for dead (its process crashed) and a retry runs.",
    )

    # -- throttling and request body caps (docs/operations.md) ---------------------------------
    throttling: bool = Field(
        default=True,
        description="Answer 429 over the limits below; false turns every limit off (benchmarks).",
    )
    throttle_window_seconds: int = Field(
        default=60, ge=1, le=3600, description="Length of a throttling window, in seconds."
    )
    throttle_read_per_token: int = Field(
        default=1200, ge=0, description="GET requests per window and token (0: unlimited)."
    )
    throttle_read_per_partner: int = Field(
        default=6000, ge=0, description="GET requests per window and partner (0: unlimited)."
    )
    throttle_wholesale_write_per_token: int = Field(
        default=600, ge=0, description="Writes per window and token (0: unlimited)."
    )
    throttle_wholesale_write_per_partner: int = Field(
        default=3000, ge=0, description="Writes per window and partner (0: unlimited)."
    )
    throttle_billing_per_token: int = Field(
        default=120, ge=0, description="Billing requests per window and token (0: unlimited)."
    )
    throttle_billing_per_partner: int = Field(
        default=600, ge=0, description="Billing requests per window and partner (0: unlimited)."
    )
    throttle_ops_per_token: int = Field(
        default=0, ge=0, description="`/v1/ops` requests per window and token (0: unlimited)."
    )
    throttle_ops_per_partner: int = Field(
        default=0, ge=0, description="`/v1/ops` requests per window and organization."
    )
    throttle_portal_sign_in_per_address: int = Field(
        default=60,
        ge=0,
        description="Portal sign-in attempts per window from one client address (0: unlimited), "
        "before the per-account and per-address failure counts apply.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1, description="Largest request body of most routes, in bytes."
    )
    max_upload_body_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1,
        description="Largest body of logo uploads and portal forms (files), in bytes.",
    )
    max_screening_list_bytes: int = Field(
        default=65 * 1024 * 1024,
        ge=1,
        description="Largest body of `PUT /v1/ops/screening/list` (the screening CSV), in bytes.",
    )
    shutdown_grace_seconds: int = Field(
        default=30,
        ge=0,
        description="On SIGTERM, how long an API process finishes requests in flight before "
        "it closes them.",
    )
