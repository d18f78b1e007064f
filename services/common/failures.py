"""Which failures belong to the world and which to the request or record itself.

A dependency that is down, restarting or out of resources, or a transaction that lost a race
with another, says nothing about what was asked: the same work passes later. A caller gets
UNAVAILABLE and retries; a consumer retries the record (and says it is stalled meanwhile).
Any other failure will happen again with the same input: a caller gets an error, and a
consumer sets the record aside as a dead letter instead of retrying it forever."""

from __future__ import annotations

import asyncpg
from aiokafka.errors import KafkaError

# When PostgreSQL restarts (or an administrator ends a session), work in flight sees the
# server's shutdown notice (57P01 and the other 57xxx operator interventions), a connection
# that no longer exists, or asyncpg's own protocol state error ("cannot switch to state 15")
# on the lost connection.
DEPENDENCY_DOWN: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    asyncpg.OperatorInterventionError,
    # Out of connections, memory or disk.
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
