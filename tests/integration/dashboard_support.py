"""The dashboard as its own process, a headless Chromium driving it, and the story that gives
it findings to show: shared by the dashboard's browser tests."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from services.common import identity
from services.common.settings import Settings
from tests.integration.conftest import ROOT, free_port, service_env

SCREENSHOTS = ROOT / "test-output" / "dashboard"
CHROMIUM = shutil.which("chromium")


class DashboardProcess:
    """`python -m services.dashboard` on a free port, reading the given gRPC services."""

    def __init__(
        self, settings: Settings, log_dir: Path, addresses: dict[str, str], **env: str
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"dashboard-{self.port}.log"
        self.env = service_env(settings, 0) | {
            "VIGIE_DASHBOARD_PORT": str(self.port),
            "VIGIE_LABELS_ADDR": addresses["labels"],
            "VIGIE_CONTRACTS_ADDR": addresses["contracts"],
            "VIGIE_NOTICES_ADDR": addresses["notices"],
            "VIGIE_COMPLIANCE_ADDR": addresses["compliance"],
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.dashboard"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(self.base + "/sante", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"dashboard not answering after {timeout}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)


class SilentServer:
    """A TCP port that accepts connections and never says a word: a backend too slow to
    answer, as a page sees it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self._held.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self._held:
            connection.close()


@dataclass
class Session:
    """A person signed in to the dashboard in their own browser context."""

    context: object
    page: object
    base: str
    console_errors: list[str] = field(default_factory=list)

    async def open(self, path: str):
        self.console_errors.clear()
        response = await self.page.goto(self.base + path)
        await self.page.wait_for_load_state("load")
        return response

    async def shoot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    async def close(self) -> None:
        await self.context.close()


async def sign_in(browser, base: str, key: str, role: identity.Role, org: str) -> Session:
    """Paste a bearer token on the sign-in page, as a person would."""
    context = await browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    page = await context.new_page()
    session = Session(context, page, base)
    page.on(
        "console",
        lambda message: message.type == "error" and session.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: session.console_errors.append(str(error)))
    await page.goto(base + "/connexion")
    await page.fill("#jeton", identity.mint(key, role, org))
    await page.click("form.signin button")
    await page.wait_for_load_state("load")
    return session


async def eventually(check, timeout: float = 20.0, every: float = 0.2):
    """The value of `check()` once truthy; the last value after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await check()
        if value or loop.time() > deadline:
            return value
        await asyncio.sleep(every)


def chromium_args() -> list[str]:
    # Chromium's sandbox needs user namespaces, which a root CI container does not offer.
    return ["--no-sandbox"] if os.geteuid() == 0 else []
