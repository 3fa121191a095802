"""The one Alembic tree of tukku; see `tukku.core.migrate`."""
