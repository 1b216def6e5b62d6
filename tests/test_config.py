from __future__ import annotations

import pytest

from bot.config import Config, ConfigError


def test_environment_overrides_env_file(tmp_path):
    env = tmp_path / ".env"
    env.write_text("RASA_URL=http://from-file:5005\nGATEWAY_PORT=5100\nRASA_TIMEOUT=3.5\n")
    config = Config.from_env({"RASA_URL": "http://from-env:5005"}, env)
    assert config.rasa_url == "http://from-env:5005"
    assert config.gateway_port == 5100
    assert config.rasa_timeout == 3.5
    assert config.sandbox


def test_defaults_without_any_setting(tmp_path):
    config = Config.from_env({}, tmp_path / "missing.env")
    assert config.gateway_port == 5000
    assert config.database_url.startswith("sqlite:///")
    assert config.rasa_timeout < 15, "must answer Twilio well within its 15 s"


def test_bad_number_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="GATEWAY_PORT"):
        Config.from_env({"GATEWAY_PORT": "five thousand"}, tmp_path / "none")
