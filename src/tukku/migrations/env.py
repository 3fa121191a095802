"""Alembic environment: migrations run against the URL given by `tukku.core.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from tukku.schema import metadata

url: str = context.config.attributes["database_url"]


def run() -> None:
    """Run the pending migrations in one connection (SQLite alters tables in batch mode)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
