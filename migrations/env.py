"""Alembic environment: the URL comes from the caller (bot.migrations), never from env."""

from alembic import context
from sqlalchemy import create_engine

import bot.console.models  # noqa: F401
import bot.conversations.models  # noqa: F401  (register tables)
import bot.queue.models  # noqa: F401
from bot.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = create_engine(config.get_main_option("sqlalchemy.url"))
    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
