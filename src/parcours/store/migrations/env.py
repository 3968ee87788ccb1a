"""Alembic's entry point for the store's migrations, run by :func:`parcours.store.migrate`
on the connection it passes in ``config.attributes["connection"]`` (online mode only)."""

from __future__ import annotations

from alembic import context

from parcours.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only parcours.store.migrate runs these
    raise RuntimeError("run the store's migrations through parcours.store (Store.open)")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
