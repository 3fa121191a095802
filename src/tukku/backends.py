"""The one place where settings choose how tukku reaches each system outside it.

The app (its routes and embedded worker) and `tukku worker` hold what `for_settings` returns;
nothing else picks an implementation.
"""

from __future__ import annotations

from tukku.core.backends import Backends
from tukku.core.settings import Settings
from tukku.customers.backend import PROVISIONING, LocalProvisioning, ProvisioningBackend
from tukku.mail.transport import MAIL_TRANSPORT, MailTransport, OutboxTransport, SmtpTransport
from tukku.sandbox.provisioning import SandboxProvisioning


def for_settings(settings: Settings) -> Backends:
    """Mail over SMTP when `TUKKU_SMTP_HOST` is set, else held in the outbox; provisioning by
    tukku itself, with the sandbox's scripted faults over it under `--sandbox`."""
    mail: MailTransport = SmtpTransport(settings) if settings.smtp_host else OutboxTransport()
    provisioning: ProvisioningBackend = LocalProvisioning()
    if settings.sandbox:
        provisioning = SandboxProvisioning(provisioning)
    return Backends().use(MAIL_TRANSPORT, mail).use(PROVISIONING, provisioning)
