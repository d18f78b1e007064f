"""`make compose-test`: the compose deployment proven from nothing.

Builds the images, brings the stack up with three compliance workers, waits for every health
check, proves the workers share the partitions, walks the demo story with the CLI from the
host, then lets containers die in the middle of a stream of tenders — a compliance worker
(`docker kill`), the contracts service (its process killed; the restart policy brings it
back), the Kafka broker (`docker kill`) — and checks after each that every finding is there
exactly once; then `docker-compose down -v`. Prints how long each stage took.

The stack is a project of its own (vigie-compose-test) on host ports of its own (3xxxx) and
images tagged `compose-test`, so it never meets a stack ops run, nor the broker and database
of `make infra-up`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from tests.compose import findings, group, story
from tests.compose.load import RULES_PER_TENDER, Registered, register_tenders
from tests.compose.stack import JOBS, ROOT, Stack

PROJECT = "vigie-compose-test"
IMAGE_TAG = "compose-test"
PORTS = {
    "KAFKA_HOST_PORT": 39092,
    "POSTGRES_HOST_PORT": 35432,
    "LABELS_HOST_PORT": 35051,
    "CONTRACTS_HOST_PORT": 35052,
    "NOTICES_HOST_PORT": 35053,
    "COMPLIANCE_HOST_PORT": 35054,
    "DASHBOARD_HOST_PORT": 38080,
}
WORKERS = 3
# Kafka and PostgreSQL: their own images' stop behaviour, not the services'.
BACKING = ("kafka", "postgres")
# The long-running services besides the workers, one container each.
SERVICES = ("labels", "contracts", "notices", "compliance-monitor", "dashboard")
STATE = Path(os.environ.get("VIGIE_STATE_DIR", ROOT / ".infra")) / "compose-test"

timings: list[tuple[str, float]] = []


@contextmanager
def stage(name: str) -> Iterator[None]:
    print(f"\n==== {name}", flush=True)
    start = time.monotonic()
    try:
        yield
    finally:
        timings.append((name, time.monotonic() - start))
        print(f"==== {name}: {timings[-1][1]:.1f} s", flush=True)


class Failed(AssertionError):
    pass


def expect(problems: list[str]) -> None:
    for problem in problems:
        print(f"  FAIL {problem}", flush=True)
    if problems:
        raise Failed(f"{len(problems)} problem(s)")


def write_env(key: str) -> Path:
    STATE.mkdir(parents=True, exist_ok=True)
    path = STATE / "compose-test.env"
    lines = [
        f"COMPOSE_PROJECT_NAME={PROJECT}",
        f"IMAGE_TAG={IMAGE_TAG}",
        f"VIGIE_TOKEN_KEY={key}",
        *(f"{name}={port}" for name, port in PORTS.items()),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def client_env(key: str) -> dict[str, str]:
    """What the CLI and the clients on the host need: the published ports and the key."""
    return {
        **os.environ,
        "VIGIE_KAFKA_BOOTSTRAP": f"127.0.0.1:{PORTS['KAFKA_HOST_PORT']}",
        "VIGIE_TOKEN_KEY": key,
        "VIGIE_LABELS_ADDR": f"127.0.0.1:{PORTS['LABELS_HOST_PORT']}",
        "VIGIE_CONTRACTS_ADDR": f"127.0.0.1:{PORTS['CONTRACTS_HOST_PORT']}",
        "VIGIE_NOTICES_ADDR": f"127.0.0.1:{PORTS['NOTICES_HOST_PORT']}",
        "VIGIE_COMPLIANCE_ADDR": f"127.0.0.1:{PORTS['COMPLIANCE_HOST_PORT']}",
    }


def build_images() -> None:
    env = {**os.environ, "IMAGE_TAG": IMAGE_TAG, "VIGIE_STATE_DIR": str(STATE.parent)}
    for target in ("base", "wheels", "services", "kafka", "postgres"):
        with stage(f"images: {target}"):
            subprocess.run([str(ROOT / "deploy/images.sh"), target], env=env, check=True)


class Run:
    def __init__(self, stack: Stack, env: dict[str, str], tenders: int, rate: float) -> None:
        self.stack = stack
        self.env = env
        self.key = env["VIGIE_TOKEN_KEY"]
        self.tenders = tenders
        self.rate = rate
        self.contracts = env["VIGIE_CONTRACTS_ADDR"]
        self.monitor = env["VIGIE_COMPLIANCE_ADDR"]
        self.bootstrap = env["VIGIE_KAFKA_BOOTSTRAP"]

    def up(self) -> None:
        with stage(f"up to healthy (compliance x{WORKERS})"):
            containers = len(BACKING) + len(JOBS) + len(SERVICES) + WORKERS
            with ThreadPoolExecutor(1) as pool:
                # Watched while compose works: when each container became ready.
                up = pool.submit(
                    self.stack.compose, "up", "-d", "--scale", f"compliance-checks={WORKERS}"
                )
                ready = self.stack.wait_ready(at_least=containers)
                up.result()
            for name, seconds in sorted(ready.items(), key=lambda item: item[1]):
                print(f"  {name}: ready after {seconds:.1f} s")

    def partitions_shared(self) -> None:
        with stage("consumer group: the workers share the partitions"):
            problems: list[str] = []
            attempts = 0
            # The workers join one by one: the group rebalances until the last has joined.
            while attempts < 30:
                attempts += 1
                kafka = self.stack.containers("kafka")[0]
                members, output = group.describe(kafka)
                problems = group.sharing_problems(
                    members, self.stack.containers("compliance-checks")
                )
                if not problems:
                    break
                print(f"  not yet: {'; '.join(problems)[:300]}", flush=True)
                time.sleep(1.0)
            print(output.strip())
            print(f"  (as described at attempt {attempts})")
            expect(problems)

    async def kill_mid_stream(
        self, name: str, party: str, kill: Callable[[], Awaitable[None]]
    ) -> None:
        with stage(name):
            registered = await register_tenders(
                self.contracts, self.key, party, self.tenders, self.rate, {self.tenders // 3: kill}
            )
            print(
                f"  {len(registered.tenders)} tenders acknowledged in {registered.seconds:.1f} s;"
                f" failed calls (retried): {registered.errors or 'none'}"
            )
            await asyncio.to_thread(self.stack.wait_ready)
            await self.check_tenders(registered)

    async def check_tenders(self, registered: Registered) -> None:
        per_tender = len(RULES_PER_TENDER)
        found, waited = await findings.settled(
            self.monitor, self.key, registered.party, per_tender * len(registered.tenders), 120
        )
        on_topic = await findings.on_topic(self.bootstrap, registered.party)
        rules = found.rules_by_tender()
        once = {rule: 1 for rule in RULES_PER_TENDER}
        problems = [
            f"tender {t}: findings {dict(rules.get(t, {}))}"
            for t in registered.tenders
            if rules.get(t) != once
        ]
        extra = set(rules) - set(registered.tenders)
        if len(extra) > registered.unknown_outcome:
            problems.append(f"{len(extra)} tenders nobody registered have findings")
        problems += [
            f"tender {t} (call of unknown outcome): findings {dict(rules[t])}"
            for t in extra
            if rules[t] != once
        ]
        problems += [f"finding {i} recorded twice" for i in found.duplicates]
        problems += [
            f"finding {i} recorded but not on the topic" for i in found.ids if i not in on_topic
        ]
        redelivered = sum(on_topic.values()) - len(on_topic)
        print(
            f"  {len(found.findings)} findings recorded ({len(set(found.ids))} distinct) for"
            f" {len(registered.tenders)} acknowledged tenders, {len(extra)} more of unknown"
            f" outcome; settled after {waited:.1f} s; on the topic: {sum(on_topic.values())}"
            f" records, {redelivered} of them raised again (at least once)"
        )
        expect(problems)

    async def restart_later(self, service: str, delay: float) -> None:
        await asyncio.sleep(delay)
        print(f"  docker-compose start {service} (a killed container stays down)", flush=True)
        await asyncio.to_thread(self.stack.compose, "start", service)

    def stop_cleanly(self) -> None:
        """Stop the Vigie services the way compose does (SIGTERM), all at once; each must
        drain and exit 0 well before docker's SIGKILL."""
        grace = 20
        services = [c for c in self.stack.containers() if c.service not in (*JOBS, *BACKING)]
        with ThreadPoolExecutor(len(services)) as pool:
            stopped = list(pool.map(lambda c: self.stack.stop(c, grace), services))
        problems = []
        for seconds, container in stopped:
            print(f"  {container.name}: exit {container.exit_code} after {seconds:.1f} s")
            if container.exit_code != 0 or seconds >= grace:
                problems.append(f"{container.name} did not stop cleanly on SIGTERM")
        expect(problems)

    def conventions(self) -> list[str]:
        """Every container runs as a user other than root; the Vigie services write only
        JSON objects, one a line, to stdout, and nothing to stderr."""
        problems = []
        for container in self.stack.containers():
            user = container.user or "root"
            if user.split(":")[0] in ("root", "0"):
                problems.append(f"{container.name} runs as root")
            if container.service in BACKING:
                continue
            stdout, stderr = self.stack.logs(container)
            lines = stdout.splitlines()
            bad = [line for line in lines if not is_json_object(line)]
            print(f"  {container.name}: user {user}, {len(lines)} log lines, {len(bad)} not JSON")
            problems += [f"{container.name}: not a JSON line: {line[:120]!r}" for line in bad[:3]]
            if stderr.strip():
                problems.append(f"{container.name} wrote to stderr: {stderr.strip()[:200]!r}")
        return problems

    def victim(self, service: str, *, tenders_partition: bool = False):
        containers = self.stack.containers(service)
        if tenders_partition:
            members, _ = group.describe(self.stack.containers("kafka")[0])
            hosts = {m.host for m in members if any(t == group.CHECKED[0] for t, _ in m.partitions)}
            containers = [c for c in containers if c.ip in hosts] or containers
        return containers[0]


async def scenario(run: Run) -> None:
    stack = run.stack
    with stage("story: the demo with the CLI, from the host"):
        cast, _ = await asyncio.to_thread(story.walk, run.env)
        rules, problems = await story.check_findings(run.monitor, run.key, cast)
        expect(problems)
        expect(await story.check_alerts(run.env["VIGIE_NOTICES_ADDR"], run.key, cast))
        print(f"  {cast.bank}: {dict(rules)}, each finding once; the centres' alerts as expected")

    stamp = time.strftime("%Y%m%d%H%M%S")
    worker = run.victim("compliance-checks", tenders_partition=True)

    async def kill_worker() -> None:
        print(f"  docker kill {worker.name}", flush=True)
        await asyncio.to_thread(stack.kill, worker)
        await run.restart_later("compliance-checks", 3.0)

    await run.kill_mid_stream(
        "kill a compliance worker", f"banque-kill-worker-{stamp}", kill_worker
    )

    service = run.victim("contracts")

    async def crash_service() -> None:
        print(f"  kill -9 the process of {service.name} (its restart policy restarts it)")
        await asyncio.to_thread(stack.crash, service)

    await run.kill_mid_stream("crash the contracts service", f"banque-crash-{stamp}", crash_service)
    restarts = run.stack.containers("contracts")[0].restarts
    expect([] if restarts >= 1 else [f"contracts was not restarted by docker ({restarts})"])

    async def upgrade() -> None:
        print(
            "  docker-compose up -d --no-deps --force-recreate contracts compliance-checks",
            flush=True,
        )
        await asyncio.to_thread(
            stack.compose,
            "up", "-d", "--no-deps", "--force-recreate",
            "--scale", f"compliance-checks={WORKERS}", "contracts", "compliance-checks",
        )  # fmt: skip

    await run.kill_mid_stream(
        "recreate the contracts service and the workers (an upgrade)",
        f"banque-upgrade-{stamp}",
        upgrade,
    )

    broker = run.victim("kafka")

    async def kill_broker() -> None:
        print(f"  docker kill {broker.name}", flush=True)
        await asyncio.to_thread(stack.kill, broker)
        await run.restart_later("kafka", 5.0)

    await run.kill_mid_stream("kill the Kafka broker", f"banque-kill-kafka-{stamp}", kill_broker)

    with stage("story after the kills: nothing lost, nothing twice"):
        after, problems = await story.check_findings(run.monitor, run.key, cast)
        expect(problems + ([] if after == rules else [f"findings now {dict(after)}"]))
        expect(await story.check_alerts(run.env["VIGIE_NOTICES_ADDR"], run.key, cast))

    with stage("SIGTERM: every Vigie service stops by itself, exit 0"):
        await asyncio.to_thread(run.stop_cleanly)

    with stage("containers: non-root users, JSON lines on stdout"):
        expect(await asyncio.to_thread(run.conventions))


def is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def report() -> None:
    print("\n==== timings")
    for name, seconds in timings:
        print(f"  {name:55} {seconds:7.1f} s")
    print("\n==== images")
    subprocess.run(
        [
            "docker",
            "images",
            "--format",
            "  {{.Repository}}:{{.Tag}}  {{.Size}}",
            "--filter",
            f"reference=*/*:{IMAGE_TAG}",
        ],
        check=False,
    )
    subprocess.run(
        [
            "docker",
            "images",
            "--format",
            "  {{.Repository}}:{{.Tag}}  {{.Size}}",
            "debian:bookworm-slim",
        ],
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.compose")
    parser.add_argument("--no-build", action="store_true", help="use the images already built")
    parser.add_argument("--keep", action="store_true", help="leave the stack up at the end")
    parser.add_argument("--tenders", type=int, default=600, help="tenders per kill")
    parser.add_argument("--rate", type=float, default=100.0, help="tenders per second")
    args = parser.parse_args()

    key = secrets.token_urlsafe(32)
    stack = Stack(PROJECT, write_env(key))
    run = Run(stack, client_env(key), args.tenders, args.rate)
    started = time.monotonic()
    ok = False
    try:
        if not args.no_build:
            build_images()
        with stage("clear a stack left by an earlier run"):
            stack.compose("down", "-v", "--remove-orphans")
        run.up()
        run.partitions_shared()
        asyncio.run(scenario(run))
        ok = True
    except Exception as error:  # any failure: show the containers' logs, then clean up
        traceback.print_exc()
        print(f"\ncompose-test FAILED: {error}", file=sys.stderr)
        subprocess.run(
            [
                "docker-compose",
                "-p",
                PROJECT,
                "-f",
                str(ROOT / "docker-compose.yml"),
                "--env-file",
                str(stack.env_file),
                "logs",
                "--tail",
                "40",
            ],
            check=False,
        )
    finally:
        if not args.keep:
            with stage("docker-compose down -v"):
                stack.compose("down", "-v", "--remove-orphans")
        report()
        print(
            f"\ncompose-test {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
