"""docker-compose.yml as docker-compose itself reads it: valid, with and without a .env; every
long-running container health-checked; labels started only on healthy infrastructure; ports
published on 127.0.0.1 only; Kafka's auto topic creation off; .env.example documenting every
variable with the compose defaults.

Needs docker-compose (1.29, the Python one; no daemon) and skips without it. The resolved
configuration is YAML: it is read with PyYAML when this interpreter has it, else with the
interpreter docker-compose runs on (which has PyYAML, since docker-compose needs it)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
KAFKA_PROPERTIES = ROOT / "deploy" / "kafka" / "server.properties"
OTEL_CONFIG = ROOT / "deploy" / "otel-collector.yaml"

INFRASTRUCTURE = ("kafka", "postgres")
JOBS = {"topics": "services.common.topics", "migrate": "services.common.migrations"}
GRPC_SERVICES = {"labels": 50051, "contracts": 50052, "notices": 50053, "compliance-monitor": 50054}
OBSERVABILITY = ("otel-collector", "jaeger")
# Faust workers: scaled out, so they publish no port and write only inside the container.
WORKERS = {"compliance-checks": "services.compliance.checks"}
# Web servers over the gRPC APIs: service -> (module, container port).
WEB = {"dashboard": ("services.dashboard", 8080)}

COMPOSE = shutil.which("docker-compose")
pytestmark = pytest.mark.skipif(COMPOSE is None, reason="docker-compose is not installed")


@pytest.fixture(scope="module", autouse=True)
def infrastructure() -> None:
    """Replaces the package's autouse fixture of the same name: these tests read files and
    run `docker-compose config`; they need neither the broker nor the database."""


def compose(*args: str, env_file: Path) -> subprocess.CompletedProcess[str]:
    # A bare environment, so that variables exported in the caller's shell do not leak in:
    # only the env file decides.
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(env_file.parent)}
    return subprocess.run(
        [
            COMPOSE,
            "--project-directory",
            str(ROOT),
            "--env-file",
            str(env_file),
            "-f",
            str(COMPOSE_FILE),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def load_yaml(text: str):
    try:
        import yaml
    except ImportError:
        pass
    else:
        return yaml.safe_load(text)
    shebang = Path(COMPOSE).read_text(errors="replace").split("\n", 1)[0]
    if not (shebang.startswith("#!") and "python" in shebang):
        pytest.fail("no YAML parser: install PyYAML, or a docker-compose that runs on Python")
    converted = subprocess.run(
        [
            *shebang[2:].split(),
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(converted.stdout)


@pytest.fixture(scope="module")
def no_env_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("env") / "empty.env"
    path.write_text("")
    return path


@pytest.fixture(scope="module", params=["defaults", "env-example"])
def env_file(request, no_env_file: Path) -> Path:
    return no_env_file if request.param == "defaults" else ENV_EXAMPLE


@pytest.fixture(scope="module")
def config(env_file: Path) -> dict:
    result = compose("config", env_file=env_file)
    assert result.returncode == 0, result.stderr
    return load_yaml(result.stdout)


@pytest.fixture(scope="module")
def services(config: dict) -> dict:
    return config["services"]


def port_parts(port) -> tuple[str, str, int]:
    """(host ip, published port, container port) of a `ports` entry, short or long syntax."""
    if isinstance(port, dict):
        return port.get("host_ip", ""), str(port.get("published", "")), int(port["target"])
    parts = str(port).split("/")[0].split(":")
    parts = [""] * (3 - len(parts)) + parts
    return parts[0], parts[1], int(parts[2])


def test_config_validates(env_file: Path) -> None:
    result = compose("config", "-q", env_file=env_file)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr  # e.g. a variable with no default


def test_the_expected_services_are_there(services: dict) -> None:
    expected = {*INFRASTRUCTURE, *JOBS, *GRPC_SERVICES, *OBSERVABILITY, *WORKERS, *WEB}
    assert expected <= set(services), f"missing: {expected - set(services)}"


def test_every_long_running_container_has_a_healthcheck(services: dict) -> None:
    jobs = {
        name
        for svc in services.values()
        for name, dep in (svc.get("depends_on") or {}).items()
        if dep.get("condition") == "service_completed_successfully"
    }
    assert jobs == set(JOBS)
    for name, svc in services.items():
        if name in jobs:
            assert svc.get("restart", "no") == "no", f"{name} is a one-shot job: never restart it"
            continue
        check = svc.get("healthcheck") or {}
        assert not check.get("disable"), f"{name}: healthcheck disabled"
        test = check.get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, f"{name}: no healthcheck"


def test_infrastructure_healthchecks_are_the_real_probes(services: dict) -> None:
    kafka = services["kafka"]["healthcheck"]["test"]
    assert "org.apache.kafka.tools.BrokerApiVersionsCommand" in kafka
    assert kafka[kafka.index("--bootstrap-server") + 1] == "localhost:9092"
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]


def test_jobs_run_the_services_image(services: dict) -> None:
    image = services["labels"]["image"]
    for name, module in JOBS.items():
        assert services[name]["image"] == image
        assert services[name]["command"] == ["python", "-m", module]


def test_workers_can_be_scaled_out(services: dict) -> None:
    for name, module in WORKERS.items():
        svc = services[name]
        assert svc["command"] == ["python", "-m", module]
        assert not svc.get("ports"), "a published port forbids --scale"
        assert not svc.get("container_name"), "a fixed name forbids --scale"
        assert "healthcheck" in svc
        conditions = {dep: spec.get("condition") for dep, spec in svc["depends_on"].items()}
        assert all(conditions.get(dep) == "service_healthy" for dep in INFRASTRUCTURE)


def test_grpc_services_wait_for_healthy_infrastructure(services: dict) -> None:
    for name, port in GRPC_SERVICES.items():
        svc = services[name]
        conditions = {dep: spec.get("condition") for dep, spec in svc["depends_on"].items()}
        for dep in INFRASTRUCTURE:
            assert conditions.get(dep) == "service_healthy", f"{name} -> {dep}: {conditions}"
        for dep in JOBS:
            assert conditions.get(dep) == "service_completed_successfully", f"{name} -> {dep}"
        env = svc["environment"]
        assert env["VIGIE_GRPC_PORT"] == str(port)
        assert env["VIGIE_GRPC_HOST"] == "0.0.0.0"  # else the published port reaches nothing
        assert env["VIGIE_KAFKA_BOOTSTRAP"] == "kafka:9092"
        assert "@postgres:5432/" in env["VIGIE_DATABASE_URL"]
        assert svc["healthcheck"]["test"][-2:] == ["--port", str(port)]
        published = [port_parts(p)[2] for p in svc.get("ports", [])]
        assert port in published, f"{name}: port {port} not published"


def test_the_dashboard_reads_the_grpc_services_and_answers_its_health_check(services: dict) -> None:
    for name, (module, port) in WEB.items():
        svc = services[name]
        assert svc["command"] == ["python", "-m", module]
        assert svc["image"] == services["labels"]["image"]
        env = svc["environment"]
        assert env["VIGIE_DASHBOARD_HOST"] == "0.0.0.0"  # else the published port reaches nothing
        assert env["VIGIE_DASHBOARD_PORT"] == str(port)
        for variable, grpc_service in (
            ("VIGIE_LABELS_ADDR", "labels"),
            ("VIGIE_CONTRACTS_ADDR", "contracts"),
            ("VIGIE_NOTICES_ADDR", "notices"),
            ("VIGIE_COMPLIANCE_ADDR", "compliance-monitor"),
        ):
            assert env[variable] == f"{grpc_service}:{GRPC_SERVICES[grpc_service]}"
            assert grpc_service in svc["depends_on"]
        assert f"127.0.0.1:{port}/sante" in " ".join(svc["healthcheck"]["test"])
        assert port in [port_parts(p)[2] for p in svc.get("ports", [])]


def test_published_ports_bind_localhost_only(services: dict) -> None:
    published = [(name, p) for name, svc in services.items() for p in svc.get("ports", [])]
    assert published
    for name, port in published:
        assert port_parts(port)[0] == "127.0.0.1", f"{name} publishes {port} beyond 127.0.0.1"


def test_kafka_auto_topic_creation_is_off(services: dict) -> None:
    # What deploy/kafka/entrypoint.sh does: the image's server.properties, then KAFKA_CFG_*
    # overrides from the environment; the last value wins.
    props: dict[str, str] = {}
    for line in KAFKA_PROPERTIES.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            props[key.strip()] = value.strip()
    for name, value in sorted((services["kafka"].get("environment") or {}).items()):
        if name.startswith("KAFKA_CFG_"):
            props[name.removeprefix("KAFKA_CFG_").lower().replace("_", ".")] = str(value)
    assert props.get("auto.create.topics.enable") == "false"


def test_kafka_advertises_what_it_publishes(services: dict) -> None:
    kafka = services["kafka"]
    listeners = kafka["environment"]["KAFKA_CFG_ADVERTISED_LISTENERS"].split(",")
    assert "INTERNAL://kafka:9092" in listeners
    external = next(listener for listener in listeners if listener.startswith("EXTERNAL://"))
    # The host listener is EXTERNAL://0.0.0.0:29092 in the container (server.properties).
    published = {
        f"{ip}:{port}" for ip, port, target in map(port_parts, kafka["ports"]) if target == 29092
    }
    assert external.removeprefix("EXTERNAL://") in published


def test_observability_is_a_profile(services: dict) -> None:
    for name in OBSERVABILITY:
        assert services[name].get("profiles") == ["observability"], name
    for name in (*INFRASTRUCTURE, *JOBS, *GRPC_SERVICES):
        assert not services[name].get("profiles"), f"{name} must start without a profile"
    env = services["labels"]["environment"]
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4317"


def test_collector_sends_traces_to_the_trace_ui() -> None:
    otel = load_yaml(OTEL_CONFIG.read_text())
    assert otel["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"].endswith(":4317")
    traces = otel["service"]["pipelines"]["traces"]
    assert "otlp" in traces["receivers"]
    endpoints = [otel["exporters"][name].get("endpoint") for name in traces["exporters"]]
    assert "jaeger:4317" in endpoints


def test_env_example_documents_every_variable_with_the_compose_defaults(no_env_file: Path) -> None:
    documented = {
        m.group(1)
        for m in re.finditer(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE)
    }
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_FILE.read_text()))
    assert used, "no ${VAR} in docker-compose.yml?"
    assert used <= documented, f"not in .env.example: {sorted(used - documented)}"
    unused = documented - used - {"COMPOSE_PROJECT_NAME"}  # read by docker-compose itself
    assert not unused, f"in .env.example but unused: {sorted(unused)}"
    # The values .env.example shows are the defaults: same configuration with it or without it.
    without = compose("config", env_file=no_env_file)
    with_example = compose("config", env_file=ENV_EXAMPLE)
    assert without.returncode == with_example.returncode == 0
    assert load_yaml(without.stdout) == load_yaml(with_example.stdout)
