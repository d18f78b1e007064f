"""PostgreSQL connections: one asyncpg pool per service, its search path set to the
service's own schema, so no service reads another's tables by accident."""

from __future__ import annotations

import asyncpg


async def connect(
    database_url: str, schema: str, *, min_size: int = 1, max_size: int = 10
) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        server_settings={"search_path": schema, "application_name": f"vigie-{schema}"},
    )


def outbox_channel(schema: str) -> str:
    """The NOTIFY channel that wakes the schema's relay when events are committed."""
    return f"vigie_outbox_{schema}"
