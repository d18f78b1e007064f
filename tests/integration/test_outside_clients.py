"""Real outside clients see the API: grpcurl through server reflection, and the health check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from services.common.identity import Role

pytestmark = pytest.mark.integration


def grpcurl_path() -> str:
    found = shutil.which("grpcurl")
    if found:
        return found
    gopath = subprocess.run(["go", "env", "GOPATH"], capture_output=True, text=True).stdout.strip()
    candidate = Path(gopath or os.path.expanduser("~/go")) / "bin" / "grpcurl"
    assert candidate.exists(), "grpcurl is missing: `make tools` installs it"
    return str(candidate)


def grpcurl(address: str, *verb: str, flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """grpcurl [flags] ADDRESS [list | describe SYMBOL | METHOD]"""
    return subprocess.run(
        [grpcurl_path(), "-plaintext", *flags, address, *verb],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_grpcurl_lists_describes_and_calls_through_reflection(labels_service, token):
    listed = grpcurl(labels_service.address, "list")
    assert listed.returncode == 0, listed.stderr
    assert "vigie.labels.v1.LabelRegistry" in listed.stdout.split()
    assert "grpc.health.v1.Health" in listed.stdout.split()

    described = grpcurl(labels_service.address, "describe", "vigie.labels.v1.LabelRegistry")
    assert described.returncode == 0, described.stderr
    assert "rpc GrantLabel" in described.stdout

    header = token(Role.ORDERING_PARTY, "banque")[0]
    auth = ("-H", f"{header[0]}: {header[1]}")
    call = grpcurl(
        labels_service.address,
        "vigie.labels.v1.LabelRegistry/ListCentres",
        flags=(*auth, "-d", '{"country": "FR"}'),
    )
    assert call.returncode == 0, call.stderr
    assert isinstance(json.loads(call.stdout or "{}"), dict)

    refused = grpcurl(
        labels_service.address,
        "vigie.labels.v1.LabelRegistry/ListCentres",
        flags=("-d", '{"country": "FR"}'),
    )
    assert refused.returncode != 0
    assert "Unauthenticated" in refused.stderr

    invalid = grpcurl(
        labels_service.address,
        "vigie.labels.v1.LabelRegistry/ListCentres",
        flags=(*auth, "-d", '{"country": "france"}'),
    )
    assert "InvalidArgument" in invalid.stderr
    assert "google.rpc.BadRequest" in invalid.stderr and '"field": "country"' in invalid.stderr


def test_health_check_answers_serving(labels_service):
    health = grpcurl(labels_service.address, "grpc.health.v1.Health/Check")
    assert health.returncode == 0, health.stderr
    assert json.loads(health.stdout) == {"status": "SERVING"}
