"""Initial schema: identity, partners, templates, customers, subscribers, ledger, mail, jobs.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 02:10:58.799598
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_schedules",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_schedules")),
    )
    op.create_table(
        "jobs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=100), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_jobs_dedupe_key")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_jobs_queued_due",
            ["due_at", "id"],
            unique=False,
            sqlite_where=sa.text("status = 'queued'"),
            postgresql_where=sa.text("status = 'queued'"),
        )
        batch_op.create_index(
            "ix_jobs_running_lease",
            ["lease_expires_at"],
            unique=False,
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        )
        batch_op.create_index("ix_jobs_status_finished", ["status", "finished_at"], unique=False)

    op.create_table(
        "mail_messages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index("ix_mail_messages_status", ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mail_messages_to_address"), ["to_address"], unique=False
        )

    op.create_table(
        "organizations",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("parent_id", sa.String(length=128), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=True),
        sa.Column("region", sa.String(length=8), nullable=True),
        sa.Column("sip_domain", sa.String(length=255), nullable=True),
        sa.Column("auth_mode", sa.String(length=20), nullable=False),
        sa.Column("idp_entity_id", sa.String(length=1024), nullable=True),
        sa.Column("webex_assistant", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organizations.id"],
            name=op.f("fk_organizations_parent_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("sip_domain", name=op.f("uq_organizations_sip_domain")),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index("ix_organizations_kind", ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "package_assignments",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("sub_partner_org_id", sa.String(length=128), nullable=True),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("subscriber_id", sa.String(length=128), nullable=True),
        sa.Column("workspace_id", sa.String(length=128), nullable=True),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("location_id", sa.String(length=128), nullable=True),
        sa.Column("package", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_assignments")),
    )
    with op.batch_alter_table("package_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_assignments_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_package_assignments_open_subscriber",
            ["subscriber_id"],
            unique=False,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )
        batch_op.create_index(
            "ix_package_assignments_partner_started", ["partner_org_id", "started_at"], unique=False
        )

    op.create_table(
        "platform_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("now", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_clock")),
    )
    op.create_table(
        "signing_keys",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_signing_keys")),
    )
    op.create_table(
        "managing_relationships",
        sa.Column("manager_org_id", sa.String(length=128), nullable=False),
        sa.Column("managed_org_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("admin_level", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["managed_org_id"],
            ["organizations.id"],
            name=op.f("fk_managing_relationships_managed_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_org_id"],
            ["organizations.id"],
            name=op.f("fk_managing_relationships_manager_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint(
            "manager_org_id", "managed_org_id", name=op.f("pk_managing_relationships")
        ),
    )
    with op.batch_alter_table("managing_relationships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_managing_relationships_managed_org_id"), ["managed_org_id"], unique=False
        )

    op.create_table(
        "onboarding_templates",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("provisioning_id", sa.String(length=128), nullable=False),
        sa.Column("owner_org_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("auth_mode", sa.String(length=20), nullable=False),
        sa.Column("idp_entity_id", sa.String(length=1024), nullable=True),
        sa.Column("pstn_provider", sa.String(length=255), nullable=True),
        sa.Column("brand_name", sa.String(length=255), nullable=False),
        sa.Column("allow_admin_invite_emails_on_attach", sa.Boolean(), nullable=False),
        sa.Column("disable_webex_to_webex_calling", sa.Boolean(), nullable=False),
        sa.Column("subscription_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organizations.id"],
            name=op.f("fk_onboarding_templates_owner_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_onboarding_templates")),
        sa.UniqueConstraint("id", name=op.f("uq_onboarding_templates_id")),
        sa.UniqueConstraint(
            "provisioning_id", name=op.f("uq_onboarding_templates_provisioning_id")
        ),
    )
    with op.batch_alter_table("onboarding_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onboarding_templates_owner_org_id"), ["owner_org_id"], unique=False
        )
        batch_op.create_index(
            "uq_onboarding_templates_owner_name",
            ["owner_org_id", "name"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "partner_subscriptions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organizations.id"],
            name=op.f("fk_partner_subscriptions_partner_org_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_subscriptions")),
        sa.UniqueConstraint("partner_org_id", name=op.f("uq_partner_subscriptions_partner_org_id")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("org_id", sa.String(length=128), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("first_name", sa.String(length=255), nullable=True),
        sa.Column("last_name", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_users_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_org_id"), ["org_id"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "scopes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_api_tokens_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "customers",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("owner_org_id", sa.String(length=128), nullable=False),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("org_id", sa.String(length=128), nullable=True),
        sa.Column("template_id", sa.String(length=128), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("primary_email", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("address_line1", sa.String(length=50), nullable=False),
        sa.Column("address_line2", sa.String(length=50), nullable=True),
        sa.Column("city", sa.String(length=255), nullable=False),
        sa.Column("state_or_province", sa.String(length=255), nullable=True),
        sa.Column("zip_or_postal_code", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("meetings_timezone", sa.String(length=64), nullable=True),
        sa.Column("sub_partner_admin_email", sa.String(length=320), nullable=True),
        sa.Column("attached", sa.Boolean(), nullable=False),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_status_change", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_customers_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organizations.id"],
            name=op.f("fk_customers_owner_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organizations.id"],
            name=op.f("fk_customers_partner_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["onboarding_templates.id"],
            name=op.f("fk_customers_template_id_onboarding_templates"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_customers")),
        sa.UniqueConstraint("id", name=op.f("uq_customers_id")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_customers_owner_status", ["owner_org_id", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customers_partner_org_id"), ["partner_org_id"], unique=False
        )
        batch_op.create_index(
            "uq_customers_owner_external_id",
            ["owner_org_id", "external_id"],
            unique=True,
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )

    op.create_table(
        "role_assignments",
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("org_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_role_assignments_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_role_assignments_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_role_assignments")),
    )
    with op.batch_alter_table("role_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_role_assignments_org_role", ["org_id", "role"], unique=False)

    op.create_table(
        "customer_packages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("limit", sa.Integer(), nullable=True),
        sa.Column("license_id", sa.String(length=255), nullable=True),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "warnings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_packages_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_packages")),
        sa.UniqueConstraint(
            "customer_id", "name", name=op.f("uq_customer_packages_customer_id_name")
        ),
    )
    op.create_table(
        "locations",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("address_line1", sa.String(length=50), nullable=False),
        sa.Column("address_line2", sa.String(length=50), nullable=True),
        sa.Column("city", sa.String(length=255), nullable=False),
        sa.Column("state_or_province", sa.String(length=255), nullable=True),
        sa.Column("zip_or_postal_code", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("emergency_location_identifier", sa.String(length=255), nullable=True),
        sa.Column("is_headquarters", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_locations_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
    )
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_locations_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "meeting_sites",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("site_url", sa.String(length=255), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column(
            "call_in_numbers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_meeting_sites_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_sites")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_meeting_sites_customer_id")),
        sa.UniqueConstraint("site_url", name=op.f("uq_meeting_sites_site_url")),
    )
    op.create_table(
        "subscribers",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("owner_org_id", sa.String(length=128), nullable=False),
        sa.Column("partner_org_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("first_name", sa.String(length=255), nullable=False),
        sa.Column("last_name", sa.String(length=255), nullable=False),
        sa.Column("package", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("location_id", sa.String(length=128), nullable=True),
        sa.Column(
            "errors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_status_change", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_subscribers_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_subscribers_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"],
            ["organizations.id"],
            name=op.f("fk_subscribers_owner_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"],
            ["organizations.id"],
            name=op.f("fk_subscribers_partner_org_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_subscribers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_subscribers")),
        sa.UniqueConstraint("id", name=op.f("uq_subscribers_id")),
    )
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscribers_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_subscribers_owner_created", ["owner_org_id", "created_at", "seq"], unique=False
        )
        batch_op.create_index(
            "ix_subscribers_owner_status_change",
            ["owner_org_id", "last_status_change", "seq"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_subscribers_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_subscribers_email_active",
            ["email"],
            unique=True,
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )

    op.create_table(
        "directory_numbers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("customer_id", sa.String(length=128), nullable=False),
        sa.Column("subscriber_id", sa.String(length=128), nullable=True),
        sa.Column("location_id", sa.String(length=128), nullable=True),
        sa.Column("extension", sa.String(length=10), nullable=True),
        sa.Column("phone_number", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_directory_numbers_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_directory_numbers_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscribers.id"],
            name=op.f("fk_directory_numbers_subscriber_id_subscribers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_numbers")),
        sa.UniqueConstraint(
            "customer_id", "extension", name=op.f("uq_directory_numbers_customer_id_extension")
        ),
        sa.UniqueConstraint("phone_number", name=op.f("uq_directory_numbers_phone_number")),
    )
    with op.batch_alter_table("directory_numbers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_directory_numbers_subscriber_id"), ["subscriber_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("directory_numbers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_numbers_subscriber_id"))

    op.drop_table("directory_numbers")
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_subscribers_email_active",
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_subscribers_user_id"))
        batch_op.drop_index("ix_subscribers_owner_status_change")
        batch_op.drop_index("ix_subscribers_owner_created")
        batch_op.drop_index(batch_op.f("ix_subscribers_customer_id"))

    op.drop_table("subscribers")
    op.drop_table("meeting_sites")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_locations_customer_id"))

    op.drop_table("locations")
    op.drop_table("customer_packages")
    with op.batch_alter_table("role_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_role_assignments_org_role")

    op.drop_table("role_assignments")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_customers_owner_external_id",
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_customers_partner_org_id"))
        batch_op.drop_index("ix_customers_owner_status")
        batch_op.drop_index(batch_op.f("ix_customers_org_id"))

    op.drop_table("customers")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_api_tokens_org_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_org_id"))

    op.drop_table("users")
    op.drop_table("partner_subscriptions")
    with op.batch_alter_table("onboarding_templates", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_onboarding_templates_owner_name",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_onboarding_templates_owner_org_id"))

    op.drop_table("onboarding_templates")
    with op.batch_alter_table("managing_relationships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_managing_relationships_managed_org_id"))

    op.drop_table("managing_relationships")
    op.drop_table("signing_keys")
    op.drop_table("platform_clock")
    with op.batch_alter_table("package_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_package_assignments_partner_started")
        batch_op.drop_index(
            "ix_package_assignments_open_subscriber",
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_package_assignments_customer_id"))

    op.drop_table("package_assignments")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizations_parent_id"))
        batch_op.drop_index("ix_organizations_kind")

    op.drop_table("organizations")
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_messages_to_address"))
        batch_op.drop_index("ix_mail_messages_status")

    op.drop_table("mail_messages")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_finished")
        batch_op.drop_index(
            "ix_jobs_running_lease",
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        )
        batch_op.drop_index(
            "ix_jobs_queued_due",
            sqlite_where=sa.text("status = 'queued'"),
            postgresql_where=sa.text("status = 'queued'"),
        )

    op.drop_table("jobs")
    op.drop_table("job_schedules")
