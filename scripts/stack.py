"""Start Rasa, the action server and the gateway; stop all of them on Ctrl-C.

`make run` calls `python scripts/stack.py`; the integration tests use `Stack` to run
Rasa and the action server on spare ports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
MODEL = ROOT / "models" / "current.tar.gz"


@dataclass
class Stack:
    rasa_port: int = 5005
    actions_port: int = 5055
    gateway_port: int = 5000
    rasa_token: str = ""
    tracker_db_url: str = f"sqlite:///{ROOT / 'instance' / 'rasa_tracker.db'}"
    log_dir: Path = ROOT / "instance" / "logs"
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _env(self, **extra) -> dict:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", SANIC_HOST="127.0.0.1",
                   RASA_TELEMETRY_ENABLED="false",
                   ACTION_ENDPOINT_URL=f"http://127.0.0.1:{self.actions_port}/webhook",
                   TRACKER_DB_URL=self.tracker_db_url)
        env.update(extra)
        return env

    def _spawn(self, name: str, command: list[str], env: dict) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as log:  # the child keeps its own copy
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_actions(self) -> None:
        self._spawn("actions", [str(RASA), "run", "actions", "--actions", "actions",
                                "-p", str(self.actions_port)], self._env())

    def start_rasa(self) -> None:
        command = [str(RASA), "run", "--enable-api", "-i", "127.0.0.1", "-p",
                   str(self.rasa_port), "--model", str(MODEL), "--endpoints", "endpoints.yml",
                   "--credentials", "credentials.yml"]
        if self.rasa_token:
            command += ["--auth-token", self.rasa_token]
        self._spawn("rasa", command, self._env())

    def start_gateway(self, workers: int = 2, threads: int = 8) -> None:
        self._spawn("gateway", [str(GUNICORN), "--bind", f"127.0.0.1:{self.gateway_port}",
                                "--workers", str(workers), "--worker-class", "gthread",
                                "--threads", str(threads), "--timeout", "30", "webhook:app"],
                    self._env(RASA_URL=self.rasa_url, GATEWAY_PORT=str(self.gateway_port)))

    def start_all(self) -> str:
        """Action server, Rasa and the gateway, each waited for; the gateway's URL.

        raises RuntimeError if one of them dies or does not answer in time."""
        self.start_actions()
        self.start_rasa()
        self.wait_dialogue()
        self.start_gateway()
        gateway = f"http://127.0.0.1:{self.gateway_port}"
        self.wait("gateway", f"{gateway}/healthz")
        return gateway

    def wait(self, name: str, url: str, timeout: float = 240) -> None:
        """raises RuntimeError if the process dies or url does not answer 200 in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see "
                                   f"{self.log_dir / (name + '.log')}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} not ready after {timeout:.0f} s at {url}")

    def wait_dialogue(self) -> None:
        self.wait("actions", f"http://127.0.0.1:{self.actions_port}/health")
        self.wait("rasa", f"{self.rasa_url}/status?token={self.rasa_token}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from bot.config import Config

    config = Config.from_env()
    stack = Stack(gateway_port=config.gateway_port, rasa_token=config.rasa_token,
                  tracker_db_url=config.tracker_db_url)
    def interrupt(*_):
        raise KeyboardInterrupt

    # explicit handlers: a background `make run` inherits SIGINT as ignored
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        print("starting the action server and Rasa (about a minute)...", flush=True)
        stack.start_all()
        print(f"""
MRC counselling assistant is running (logs in {stack.log_dir}):
  gateway  http://127.0.0.1:{config.gateway_port}   (Twilio webhook: /webhooks/twilio/message)
  health   http://127.0.0.1:{config.gateway_port}/healthz
  console  http://127.0.0.1:{config.gateway_port}/console/   (user admin, password:
           CONSOLE_ADMIN_PASSWORD in .env; phone simulator in the console's menu)
  rasa     {stack.rasa_url}  actions http://127.0.0.1:{stack.actions_port}
Try it:  .venv/bin/flask --app webhook simulate --from +923001234567 --channel whatsapp "hello"
Stop with Ctrl-C.""", flush=True)
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)
        dead = [n for n, p in stack.processes.items() if p.poll() is not None]
        print(f"stopped: {', '.join(dead)} exited; see {stack.log_dir}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        print("stopping...", flush=True)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
