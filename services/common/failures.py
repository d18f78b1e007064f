"""Which failures belong to the world and which to the request or record itself.

A dependency that is down, restarting or out of resources, or a transaction that lost a race
with another, says nothing about what was asked: the same work passes later. A caller gets
UNAVAILABLE and retries; a consumer retries the record (and says it is stalled meanwhile).
Any other failure will happen again with the same input: a caller gets an error, and a
consumer sets the record aside as a dead letter instead of retrying it forever."""

from __future__ import annotations

import asyncpg
from aiokafka.errors import KafkaError

DEPENDENCY_DOWN: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    # asyncpg's "cannot switch to state N": a connection lost in the middle of a query.
    asyncpg.InternalClientError,
    # The server shutting down or starting (admin shutdown, cannot connect now) and out of
    # connections, memory or disk.
    asyncpg.OperatorInterventionError,
    asyncpg.InsufficientResourcesError,
    ConnectionError,
    OSError,
    TimeoutError,
    KafkaError,
)

# Serialization failures and deadlocks: the next attempt runs alone and passes.
LOST_RACE: tuple[type[BaseException], ...] = (asyncpg.TransactionRollbackError,)


def is_transient(error: BaseException) -> bool:
    """True when the same work may pass on a later attempt."""
    return isinstance(error, DEPENDENCY_DOWN + LOST_RACE)
