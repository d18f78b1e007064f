"""The compose stack as the test drives it: docker-compose with its own project name and env
file, the containers of each service, their health, and the ways a container dies.

`python -m tests.compose.stack wait [--timeout S]` waits until every container of the
project in .env (or COMPOSE_PROJECT_NAME) is healthy and every one-shot job has succeeded:
what `make compose-up` does after `docker-compose up -d`."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
# The one-shot jobs: they run to completion once (exit 0) and have no health check.
JOBS = ("topics", "migrate")


class StackError(RuntimeError):
    pass


@dataclass(frozen=True)
class Container:
    id: str
    name: str
    service: str
    status: str  # created, running, restarting, exited...
    health: str  # healthy, starting, unhealthy, or "" without a health check
    exit_code: int
    restarts: int
    pid: int
    ip: str
    user: str  # as the image or compose sets it; "" is root

    @property
    def ready(self) -> bool:
        if self.service in JOBS:
            return self.status == "exited" and self.exit_code == 0
        return self.status == "running" and self.health == "healthy"

    @property
    def failed(self) -> bool:
        return self.service in JOBS and self.status == "exited" and self.exit_code != 0


@dataclass(frozen=True)
class Stack:
    project: str
    env_file: Path | None = None

    def compose(self, *args: str, capture: bool = False) -> str:
        command = ["docker-compose", "-p", self.project, "-f", str(COMPOSE_FILE)]
        if self.env_file is not None:
            command += ["--env-file", str(self.env_file)]
        result = subprocess.run(
            [*command, *args],
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE if capture else None,
            check=False,
        )
        if result.returncode != 0:
            raise StackError(f"docker-compose {' '.join(args)} failed ({result.returncode})")
        return result.stdout or ""

    def containers(self, service: str | None = None) -> list[Container]:
        label = f"label=com.docker.compose.project={self.project}"
        for attempt in range(10):
            ids = docker("ps", "-aq", "--filter", label).split()
            if not ids:
                return []
            try:
                found = [as_container(c) for c in json.loads(docker("inspect", *ids))]
                break
            except StackError:
                # Compose removed or replaced a container between the two calls: list again.
                if attempt == 9:
                    raise
                time.sleep(0.3)
        return sorted((c for c in found if service in (None, c.service)), key=lambda c: c.name)

    def wait_ready(self, timeout: float = 180.0, at_least: int = 1) -> dict[str, float]:
        """Wait until there are `at_least` containers, each healthy (long-running) or done
        (jobs); raise on a failed job. Returns when each was first seen ready (seconds)."""
        start = time.monotonic()
        ready_after: dict[str, float] = {}
        while True:
            containers = self.containers()
            failed = [c.name for c in containers if c.failed]
            if failed:
                raise StackError(f"one-shot jobs failed: {failed}")
            for c in containers:
                if c.ready and c.name not in ready_after:
                    ready_after[c.name] = time.monotonic() - start
            waiting = [f"{c.name} ({c.health or c.status})" for c in containers if not c.ready]
            if len(containers) >= at_least and not waiting:
                return {c.name: ready_after[c.name] for c in containers}
            if time.monotonic() - start > timeout:
                raise StackError(f"not ready after {timeout:.0f} s: {waiting}")
            time.sleep(0.5)

    def stop(self, container: Container, grace: int) -> tuple[float, Container]:
        """`docker stop`: SIGTERM (the image's stop signal), SIGKILL after `grace` seconds;
        how long it took and how the container ended."""
        start = time.monotonic()
        docker("stop", "-t", str(grace), container.id)
        seconds = time.monotonic() - start
        return seconds, as_container(json.loads(docker("inspect", container.id))[0])

    def logs(self, container: Container) -> tuple[str, str]:
        """What the container wrote to stdout and to stderr, apart."""
        result = subprocess.run(
            ["docker", "logs", container.id], text=True, capture_output=True, check=True
        )
        return result.stdout, result.stderr

    def kill(self, container: Container) -> None:
        """`docker kill` (SIGKILL). Docker counts it as a deliberate stop: the restart policy
        leaves the container down until compose starts it again."""
        docker("kill", container.id)

    def crash(self, container: Container) -> None:
        """SIGKILL the service's own process, the child of the container's init (tini), as an
        out-of-memory kill would: the container exits and its restart policy brings it back."""
        children = Path(f"/proc/{container.pid}/task/{container.pid}/children").read_text()
        pids = [int(p) for p in children.split()]
        if not pids:
            raise StackError(f"{container.name}: no service process under its init")
        for pid in pids:
            os.kill(pid, 9)


def docker(*args: str) -> str:
    result = subprocess.run(["docker", *args], text=True, capture_output=True, check=False)
    if result.returncode != 0:
        raise StackError(f"docker {' '.join(args[:2])}: {result.stderr.strip()}")
    return result.stdout


def as_container(info: dict) -> Container:
    state = info["State"]
    networks = info["NetworkSettings"]["Networks"] or {}
    return Container(
        id=info["Id"][:12],
        name=info["Name"].lstrip("/"),
        service=info["Config"]["Labels"].get("com.docker.compose.service", ""),
        status=state["Status"],
        health=(state.get("Health") or {}).get("Status", ""),
        exit_code=state["ExitCode"],
        restarts=info["RestartCount"],
        pid=state["Pid"],
        ip=next((n["IPAddress"] for n in networks.values() if n.get("IPAddress")), ""),
        user=info["Config"].get("User") or "",
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.compose.stack")
    parser.add_argument("action", choices=["wait"])
    parser.add_argument("--project", default=os.environ.get("COMPOSE_PROJECT_NAME"))
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    project = args.project or dotenv("COMPOSE_PROJECT_NAME") or ROOT.name.lower()
    try:
        ready = Stack(project).wait_ready(args.timeout)
    except StackError as error:
        sys.exit(f"compose: {error}")
    print(f"compose: {len(ready)} containers of {project} ready")


def dotenv(name: str) -> str:
    path = ROOT / ".env"
    if not path.exists():
        return ""
    values = [
        line.split("=", 1)[1].strip()
        for line in path.read_text().splitlines()
        if line.startswith(f"{name}=")
    ]
    return values[-1] if values else ""


if __name__ == "__main__":
    main()
