"""Every table of tukku in one metadata, for migrations and the models-versus-migrations check."""

from __future__ import annotations

from tukku.accounts import models as accounts_models
from tukku.audit import models as audit_models
from tukku.billing import models as billing_models
from tukku.branding import models as branding_models
from tukku.calling import devices_models as calling_devices_models
from tukku.calling import hunt_groups_models as calling_hunt_groups_models
from tukku.calling import location_calling_models as calling_location_calling_models
from tukku.calling import locations_models as calling_locations_models
from tukku.calling import queues_models as calling_queues_models
from tukku.calling import workspaces_models as calling_workspaces_models
from tukku.core.db import Base
from tukku.customers import models as customers_models
from tukku.idempotency import models as idempotency_models
from tukku.identity import models as identity_models
from tukku.jobs import models as jobs_models
from tukku.mail import models as mail_models
from tukku.metering import models as metering_models
from tukku.onboarding import models as onboarding_models
from tukku.sandbox import models as sandbox_models
from tukku.screening import models as screening_models
from tukku.setup_assist import models as setup_assist_models
from tukku.sso import models as sso_models
from tukku.subscribers import models as subscribers_models
from tukku.throttling import models as throttling_models
from tukku.webhooks import models as webhooks_models

MODEL_MODULES = (
    accounts_models,
    audit_models,
    billing_models,
    branding_models,
    calling_devices_models,
    calling_hunt_groups_models,
    calling_location_calling_models,
    calling_queues_models,
    calling_locations_models,
    calling_workspaces_models,
    customers_models,
    idempotency_models,
    identity_models,
    jobs_models,
    mail_models,
    metering_models,
    onboarding_models,
    sandbox_models,
    screening_models,
    setup_assist_models,
    sso_models,
    subscribers_models,
    webhooks_models,
    throttling_models,
)
metadata = Base.metadata
