"""Thin client for the Rasa server: the REST channel for turns, the HTTP API for status.

The sender id is the conversation id, never a phone number.
"""

from __future__ import annotations

import requests

RESUME_EVENTS = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time, refused the connection, or answered badly."""


class RasaClient:
    def __init__(self, base_url: str, token: str = "", timeout: float = 8.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._http = requests.Session()
        self._http.trust_env = False  # Rasa is local: no proxy look-ups on every turn

    def send(self, conversation_id: str, text: str, metadata: dict) -> list[dict]:
        """The bot's messages for one user turn.

        raises RasaUnavailable on a connection error, a time-out, a non-200 answer or
        a body that is not a JSON list.
        """
        try:
            response = self._http.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": conversation_id, "message": text, "metadata": metadata},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            messages = response.json()
        except ValueError as exc:
            raise RasaUnavailable("invalid JSON") from exc
        if not isinstance(messages, list):
            raise RasaUnavailable("unexpected JSON")
        return [m for m in messages if isinstance(m, dict)]

    def resume(self, conversation_id: str) -> None:
        """Append Rasa's `resume` event and an `action_listen`: the bot answers this
        conversation again after a handoff paused it (harmless if it was not paused).
        Without the `action_listen` the paused turn never ended, and the policies
        read the next message as part of it (they answered "hello" with the crisis
        message again).

        raises RasaUnavailable.
        """
        try:
            response = self._http.post(
                f"{self.base_url}/conversations/{conversation_id}/tracker/events",
                params={"token": self.token}, json=RESUME_EVENTS,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")

    def is_up(self) -> bool:
        """True if Rasa answers its status endpoint with a loaded model (token checked)."""
        try:
            response = self._http.get(
                f"{self.base_url}/status", params={"token": self.token},
                timeout=min(self.timeout, 2.0),
            )
        except requests.RequestException:
            return False
        return response.status_code == 200
