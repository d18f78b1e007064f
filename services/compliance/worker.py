"""`python -m services.compliance.worker`: one worker process of the compliance checks."""

from __future__ import annotations

import logging
import sys

import faust

from services.common import logs, telemetry
from services.compliance.app import app, settings

QUIET = ("faust", "aiokafka", "mode")


def json_logging(level: str) -> dict:
    """faust's worker replaces the root logger's handlers with its own (coloured text to
    stderr) when it starts: hand it ours instead, so that a container logs JSON lines to
    stdout like every other service."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": logs.JsonFormatter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stdout"]},
        "loggers": {name: {"level": "WARNING"} for name in QUIET},
    }


def main() -> None:
    telemetry.setup("compliance-worker", settings)
    logs.setup(settings.log_format, settings.log_level)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if settings.log_format != "json":
        sys.argv = [sys.argv[0], "worker", "--loglevel", "warn"]
        app.main()
        return
    worker = faust.Worker(
        app, quiet=True, loglevel="warn", logging_config=json_logging(settings.log_level)
    )
    # Its progress spinner writes terminal escapes to stdout even when stdout is no terminal,
    # which would break the JSON lines.
    worker.spinner = None
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
