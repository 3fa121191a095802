"""Settings choose each external system's implementation in one place (`tukku.backends`)."""

from __future__ import annotations

import pytest

from tukku.backends import for_settings
from tukku.core.backends import Backends, Port
from tukku.core.settings import Settings
from tukku.customers.backend import PROVISIONING, LocalProvisioning
from tukku.mail.transport import (
    MAIL_TRANSPORT,
    Delivery,
    OutboxTransport,
    Outgoing,
    SmtpTransport,
)
from tukku.sandbox.provisioning import SandboxProvisioning


def test_without_an_smtp_host_mail_is_held_in_the_outbox() -> None:
    transport = for_settings(Settings(smtp_host=None)).get(MAIL_TRANSPORT)

    assert isinstance(transport, OutboxTransport)
    assert transport.deliver(Outgoing("a@b.test", "Hi", "Hello")) == Delivery.HELD


def test_with_an_smtp_host_mail_goes_over_smtp() -> None:
    transport = for_settings(Settings(smtp_host="mail.example.com")).get(MAIL_TRANSPORT)

    assert isinstance(transport, SmtpTransport)


def test_smtp_needs_a_host() -> None:
    with pytest.raises(ValueError, match="TUKKU_SMTP_HOST"):
        SmtpTransport(Settings(smtp_host=None))


def test_provisioning_is_local_outside_the_sandbox() -> None:
    backend = for_settings(Settings(sandbox=False)).get(PROVISIONING)

    assert type(backend) is LocalProvisioning


def test_the_sandbox_scripts_faults_over_the_local_backend() -> None:
    backend = for_settings(Settings(sandbox=True)).get(PROVISIONING)

    assert isinstance(backend, SandboxProvisioning)
    assert type(backend.inner) is LocalProvisioning


def test_a_port_nobody_chose_is_a_lookup_error_naming_it() -> None:
    port = Port[str]("greeting")

    with pytest.raises(LookupError, match="greeting"):
        Backends().get(port)
    assert Backends().use(port, "hello").get(port) == "hello"
