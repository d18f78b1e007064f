"""Versioned schema migrations, applied with yoyo: each service owns one PostgreSQL schema
named after it, and its SQL files live in `services/<service>/migrations/`. The tables every
service has (outbox, processed events) are in `services/common/migrations/`, applied first.

Run `python -m services.common.migrations [service ...]` (all services when none named)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import psycopg
from yoyo import get_backend, read_migrations

from services.common import logs
from services.common.settings import load

log = logging.getLogger(__name__)

SERVICES_DIR = Path(__file__).resolve().parents[1]
COMMON = "common"


def services_with_migrations() -> list[str]:
    found = (p.parent.name for p in SERVICES_DIR.glob("*/migrations") if p.is_dir())
    return sorted(name for name in found if name != COMMON)


def apply(database_url: str, service: str) -> int:
    """Apply the service's pending migrations in its own schema; return how many ran."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{service}"')
    backend = get_backend(_yoyo_url(database_url, service))
    migrations = read_migrations(
        str(SERVICES_DIR / COMMON / "migrations"), str(SERVICES_DIR / service / "migrations")
    )
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    return len(pending)


def _yoyo_url(database_url: str, schema: str) -> str:
    scheme, rest = database_url.split("://", 1)
    separator = "&" if "?" in rest else "?"
    return f"{scheme}+psycopg://{rest}{separator}schema={schema}"


def main(argv: list[str]) -> None:
    settings = load()
    # JSON lines in a container (VIGIE_LOG_FORMAT=json), like every service.
    logs.setup(settings.log_format, settings.log_level)
    for service in argv or services_with_migrations():
        log.info("migrations: %s: applied %d", service, apply(settings.database_url, service))


if __name__ == "__main__":
    main(sys.argv[1:])
