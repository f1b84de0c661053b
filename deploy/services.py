"""Starts, stops and reports on the four services for `make up` / `make run`.

Each service runs as its own process (`tanggap-<name> serve`, plus a worker
process where the service consumes), logs to .local/dev/logs/, and counts as
up when its /readyz answers 200.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".local" / "dev" / "services"
BIN = ROOT / ".venv" / "bin"
KAFKA = "127.0.0.1:19092"
DATABASE = "postgresql://postgres@127.0.0.1:55432/tanggap"


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    port: int | None
    env: dict[str, str] = field(default_factory=dict)
    prepare: list[str] | None = None  # a one-shot step before start (migrations)


INTAKE_ENV = {"TANGGAP_INTAKE_KAFKA_BOOTSTRAP": KAFKA, "TANGGAP_INTAKE_DATABASE_URL": DATABASE}


def services() -> list[Service]:
    return [
        Service(
            "intake", ["tanggap-intake", "serve"], 8001, INTAKE_ENV, ["tanggap-intake", "migrate"]
        ),
        # Intake's own projection of routing's decisions (status for the citizen).
        Service("intake-projection", ["tanggap-intake", "project"], 8011, INTAKE_ENV),
        Service(
            "routing",
            ["tanggap-routing", "serve"],
            8002,
            {"TANGGAP_ROUTING_KAFKA_BOOTSTRAP": KAFKA},
        ),
        Service(
            "agency-adapters",
            ["tanggap-agency-adapters", "serve"],
            8003,
            {"TANGGAP_ADAPTERS_KAFKA_BOOTSTRAP": KAFKA},
        ),
        Service(
            "dashboard-api",
            ["tanggap-dashboard", "serve"],
            8004,
            {
                "TANGGAP_DASHBOARD_KAFKA_BOOTSTRAP": KAFKA,
                "TANGGAP_DASHBOARD_DATABASE_URL": DATABASE,
                # A local demo: the default JWT secret is allowed only so.
                "TANGGAP_DASHBOARD_DEV_MODE": "1",
            },
        ),
    ]


def pid_of(service: Service) -> int | None:
    pid_file = STATE / f"{service.name}.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pid_file.unlink()
        return None
    return pid


def ready(service: Service) -> bool:
    if service.port is None:
        return pid_of(service) is not None
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{service.port}/readyz", timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def up(timeout_s: float = 90.0) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    logs = STATE.parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started = []
    for service in services():
        if pid_of(service) is not None:
            continue
        log = (logs / f"{service.name}.log").open("ab")
        if service.prepare is not None:
            subprocess.run(
                [str(BIN / service.prepare[0]), *service.prepare[1:]],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                env={**os.environ, **service.env},
                check=True,
            )
        process = subprocess.Popen(
            [str(BIN / service.command[0]), *service.command[1:]],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, **service.env},
            start_new_session=True,
        )
        (STATE / f"{service.name}.pid").write_text(str(process.pid))
        started.append(service)
    deadline = time.monotonic() + timeout_s
    for service in services():
        while not ready(service):
            if pid_of(service) is None:
                sys.exit(f"{service.name} exited; see {logs / (service.name + '.log')}")
            if time.monotonic() > deadline:
                sys.exit(f"{service.name} not ready after {timeout_s:.0f}s")
            time.sleep(0.3)
        print(f"  {service.name:18} ready  http://127.0.0.1:{service.port}")
    print(
        "\n  citizens' report page   http://127.0.0.1:8001/\n"
        "  command center          http://127.0.0.1:8004/ui/\n"
        "  public transparency     http://127.0.0.1:8004/transparansi\n"
        "  Open311 discovery       http://127.0.0.1:8001/open311/v2/discovery.json\n"
    )


def down() -> None:
    for service in reversed(services()):
        pid = pid_of(service)
        if pid is None:
            continue
        os.killpg(pid, signal.SIGTERM)
        for _ in range(100):
            if pid_of(service) is None:
                break
            time.sleep(0.1)
        else:
            os.killpg(pid, signal.SIGKILL)
        (STATE / f"{service.name}.pid").unlink(missing_ok=True)
        print(f"  {service.name:18} stopped")


def status() -> None:
    for service in services():
        state = "ready" if ready(service) else ("starting" if pid_of(service) else "down")
        print(f"  {service.name:18} {state:9} port {service.port}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="deploy/services.py")
    parser.add_argument("command", choices=["up", "down", "status"])
    args = parser.parse_args()
    {"up": up, "down": down, "status": status}[args.command]()


if __name__ == "__main__":
    main()
