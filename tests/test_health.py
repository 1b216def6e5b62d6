from __future__ import annotations

from tests.conftest import free_port


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"db": "ok", "rasa": "ok"}


def test_healthz_rasa_down(app_factory):
    app = app_factory(f"http://127.0.0.1:{free_port()}")
    assert app.test_client().get("/healthz").get_json() == {"db": "ok", "rasa": "down"}


def test_healthz_database_down(app_factory, rasa):
    app = app_factory(rasa.url, database_url="postgresql+psycopg://postgres@127.0.0.1:1/x")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["db"] == "down"
