"""The dashboard process: settings, logs, the web server until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from services.common import logs, runtime, telemetry
from services.dashboard.app import create_app
from services.dashboard.settings import DashboardSettings, load

log = logging.getLogger(__name__)


async def serve(settings: DashboardSettings) -> None:
    runner = web.AppRunner(create_app(settings), access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, settings.dashboard_host, settings.dashboard_port)
    await site.start()
    log.info("dashboard on http://%s:%d/", settings.dashboard_host, settings.dashboard_port)
    try:
        await runtime.until_stopped()
    finally:
        await runner.cleanup()


def main() -> None:
    settings = load()
    logs.setup(settings.log_format, settings.log_level)
    # The gRPC client calls carry the trace context: a page's calls show up in the traces.
    telemetry.setup("dashboard", settings)
    try:
        asyncio.run(serve(settings))
    finally:
        telemetry.shutdown()
