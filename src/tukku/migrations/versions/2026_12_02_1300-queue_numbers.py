"""Call queues hold their numbers in `directory_numbers` as subscribers and workspaces do
(`queue_id`), so one table says which extension and phone number is whose; existing queues'
numbers are moved there (a number their location already had unassigned is taken, others added).

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-02 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("directory_numbers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queue_id", sa.String(length=128), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_directory_numbers_queue_id"), ["queue_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_directory_numbers_queue_id_call_queues"),
            "call_queues",
            ["queue_id"],
            ["id"],
        )
    _move_queue_numbers()


def _move_queue_numbers() -> None:
    bind = op.get_bind()
    numbers = sa.table(
        "directory_numbers",
        sa.column("id", sa.Integer),
        sa.column("customer_id", sa.String),
        sa.column("queue_id", sa.String),
        sa.column("subscriber_id", sa.String),
        sa.column("workspace_id", sa.String),
        sa.column("location_id", sa.String),
        sa.column("extension", sa.String),
        sa.column("phone_number", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    queues = bind.execute(
        sa.text(
            "SELECT id, customer_id, location_id, extension, phone_number FROM call_queues "
            "WHERE extension IS NOT NULL OR phone_number IS NOT NULL"
        )
    ).all()
    now = datetime.now(UTC)
    for queue in queues:
        extension = queue.extension
        if (
            extension is not None
            and bind.execute(
                sa.select(numbers.c.id).where(
                    numbers.c.customer_id == queue.customer_id, numbers.c.extension == extension
                )
            ).first()
        ):
            extension = None  # already someone else's: the queue keeps it only on its own row
        row = None
        if queue.phone_number is not None:
            row = bind.execute(
                sa.select(numbers.c.id, numbers.c.customer_id, numbers.c.subscriber_id)
                .add_columns(numbers.c.workspace_id)
                .where(numbers.c.phone_number == queue.phone_number)
            ).first()
        if row is not None:
            if row.customer_id == queue.customer_id and not (row.subscriber_id or row.workspace_id):
                bind.execute(
                    numbers.update()
                    .where(numbers.c.id == row.id)
                    .values(queue_id=queue.id, extension=extension)
                )
            continue
        if extension is None and queue.phone_number is None:
            continue
        bind.execute(
            numbers.insert().values(
                customer_id=queue.customer_id,
                queue_id=queue.id,
                location_id=queue.location_id,
                extension=extension,
                phone_number=queue.phone_number,
                created_at=now,
            )
        )


def downgrade() -> None:
    op.execute("DELETE FROM directory_numbers WHERE queue_id IS NOT NULL AND phone_number IS NULL")
    op.execute("UPDATE directory_numbers SET extension = NULL WHERE queue_id IS NOT NULL")
    with op.batch_alter_table("directory_numbers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_directory_numbers_queue_id_call_queues"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_directory_numbers_queue_id"))
        batch_op.drop_column("queue_id")
