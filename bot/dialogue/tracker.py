"""Rasa's SQL tracker store, reached directly for one purpose: erasing a migrant's
dialogue history (Rasa's HTTP API can only append or replace events, and the SQL
store keeps the old rows). The table is Rasa's `events`, keyed by `sender_id`, which
is our conversation id."""

from __future__ import annotations

from sqlalchemy import bindparam, create_engine, inspect, text


class TrackerStore:
    def __init__(self, url: str):
        self.url = url
        self._engine = None

    def erase(self, conversation_ids: list[str]) -> int:
        """Delete every event of these conversations; the number of rows deleted.

        raises sqlalchemy.exc.SQLAlchemyError if the store cannot be reached.
        """
        if not conversation_ids:
            return 0
        if self._engine is None:
            self._engine = create_engine(self.url, hide_parameters=True)
        with self._engine.begin() as conn:
            if not inspect(conn).has_table("events"):
                return 0  # Rasa has not stored anything yet
            statement = text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
                bindparam("ids", expanding=True))
            return conn.execute(statement, {"ids": list(conversation_ids)}).rowcount

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
