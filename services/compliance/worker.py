"""`python -m services.compliance.worker`: one worker process of the compliance checks."""

from __future__ import annotations

import logging
import sys

from services.common import logs, telemetry
from services.compliance.app import app, settings


def main() -> None:
    telemetry.setup("compliance-worker", settings)
    logs.setup(settings.log_format, settings.log_level)
    for noisy in ("faust", "aiokafka", "mode"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn"]
    app.main()


if __name__ == "__main__":
    main()
