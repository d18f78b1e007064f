"""Two clones on one machine keep their infrastructure apart: another clone (another state
folder) starts its own PostgreSQL and broker on its own ports and stops only them, and one
that asks for a port this clone's servers hold is refused with a clear message instead of
sharing them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.integration.conftest import ROOT, free_port

# This clone's state, as the Makefile and the scripts find it.
OUR_STATE = Path(os.environ.get("VIGIE_STATE_DIR", ROOT / ".infra"))
KAFKA_LIBS = OUR_STATE / "kafka" / "libs"
OUR_PG_PORT = int(os.environ.get("VIGIE_PG_PORT", "15432"))
OUR_KAFKA_PORT = int(os.environ.get("VIGIE_KAFKA_PORT", "19092"))


def run(script: str, action: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "infra" / script), action],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def other_clone(tmp_path: Path) -> dict[str, str]:
    """The environment of another clone: its own state folder, the broker's jars shared (the
    fetch step is not what is tested, and it needs no network then)."""
    state = tmp_path / "state"
    (state / "kafka").mkdir(parents=True)
    if KAFKA_LIBS.is_dir():
        (state / "kafka" / "libs").symlink_to(KAFKA_LIBS)
    return {"VIGIE_STATE_DIR": str(state)}


def test_another_clones_postgres_is_its_own_and_stops_alone(other_clone):
    ours = OUR_PG_PORT
    port = free_port()
    env = {**other_clone, "VIGIE_PG_PORT": str(port)}
    started = run("postgres/postgres.sh", "start", env)
    try:
        assert started.returncode == 0, started.stderr
        recorded = Path(other_clone["VIGIE_STATE_DIR"], "postgres.data").read_text().strip()
        assert recorded.endswith(f"-{port}") and Path(recorded, "PG_VERSION").exists()
    finally:
        assert run("postgres/postgres.sh", "stop", env).returncode == 0
        data = Path(other_clone["VIGIE_STATE_DIR"], "postgres.data")
        if data.exists():
            shutil.rmtree(data.read_text().strip(), ignore_errors=True)
    assert not answers(port)
    assert answers(ours), "stopping the other clone's server stopped ours"

    # The other clone asking for our port is refused: it does not take our server for its own.
    taken = run("postgres/postgres.sh", "start", {**other_clone, "VIGIE_PG_PORT": str(ours)})
    assert taken.returncode != 0 and "taken by another server" in taken.stderr
    run("postgres/postgres.sh", "stop", {**other_clone, "VIGIE_PG_PORT": str(ours)})
    assert answers(ours)


@pytest.mark.skipif(not KAFKA_LIBS.is_dir(), reason="the broker's jars are fetched by make")
def test_another_clones_broker_is_ready_only_when_its_own_answers(other_clone):
    ours = OUR_KAFKA_PORT
    taken = run("kafka/kafka.sh", "start", {**other_clone, "VIGIE_KAFKA_PORT": str(ours)})
    assert taken.returncode != 0 and "taken by another process" in taken.stderr
    # Its status is about its own broker: ours answering on the port does not count.
    status = run("kafka/kafka.sh", "status", {**other_clone, "VIGIE_KAFKA_PORT": str(ours)})
    assert status.returncode != 0

    port, controller = free_port(), free_port()
    env = {
        **other_clone,
        "VIGIE_KAFKA_PORT": str(port),
        "VIGIE_KAFKA_CONTROLLER_PORT": str(controller),
    }
    started = run("kafka/kafka.sh", "start", env)
    try:
        assert started.returncode == 0, started.stderr
        assert run("kafka/kafka.sh", "status", env).returncode == 0
    finally:
        assert run("kafka/kafka.sh", "stop", env).returncode == 0
    assert not answers(port)
    assert answers(ours), "stopping the other clone's broker stopped ours"
