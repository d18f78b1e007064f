"""The notices service's SQL, and nothing else: rows in, protobuf messages out."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as pb

# NOTIFY channel: the payload is the centre whose alerts changed.
ALERTS_CHANNEL = "vigie_alerts"


async def upsert_contract(conn: asyncpg.Connection, contract: cpb.Contract) -> None:
    """Keep the latest version; a replayed older version changes nothing."""
    await conn.execute(
        "INSERT INTO contracts (contract_id, ordering_party_id, centre_id, version, document)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contract_id) DO UPDATE SET"
        "   version = EXCLUDED.version, document = EXCLUDED.document, updated_at = now()"
        " WHERE contracts.version <= EXCLUDED.version",
        contract.contract_id,
        contract.ordering_party_id,
        contract.centre_id,
        contract.version,
        contract.SerializeToString(),
    )


async def get_contract(conn: asyncpg.Connection, contract_id: str) -> cpb.Contract | None:
    document = await conn.fetchval(
        "SELECT document FROM contracts WHERE contract_id = $1", contract_id
    )
    return None if document is None else cpb.Contract.FromString(document)


async def contracts_between(
    conn: asyncpg.Connection, ordering_party_id: str, centre_id: str
) -> list[cpb.Contract]:
    """Every contract of the party with the centre, whatever its status."""
    rows = await conn.fetch(
        "SELECT document FROM contracts WHERE ordering_party_id = $1 AND centre_id = $2",
        ordering_party_id,
        centre_id,
    )
    return [cpb.Contract.FromString(r["document"]) for r in rows]


async def declare_relationship(
    conn: asyncpg.Connection, party: str, centre: str, since: date, declared_at: datetime
) -> None:
    """Keep the latest declaration; a replayed older one changes nothing."""
    await conn.execute(
        "INSERT INTO declared_relationships (ordering_party_id, centre_id, since, declared_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (ordering_party_id, centre_id) DO UPDATE SET"
        "   since = EXCLUDED.since, declared_at = EXCLUDED.declared_at"
        " WHERE declared_relationships.declared_at <= EXCLUDED.declared_at",
        party,
        centre,
        since,
        declared_at,
    )


async def declared_since(conn: asyncpg.Connection, party: str, centre: str) -> date | None:
    return await conn.fetchval(
        "SELECT since FROM declared_relationships WHERE ordering_party_id = $1 AND centre_id = $2",
        party,
        centre,
    )


async def insert_notice(conn: asyncpg.Connection, notice: pb.Notice) -> None:
    await conn.execute(
        "INSERT INTO notices (notice_id, contract_id, ordering_party_id, centre_id, complies,"
        " document, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        notice.notice_id,
        notice.contract_id,
        notice.ordering_party_id,
        notice.centre_id,
        notice.verdict.complies,
        notice.SerializeToString(),
        notice.issued_at.ToDatetime(),
    )


async def update_notice(conn: asyncpg.Connection, notice: pb.Notice) -> None:
    await conn.execute(
        "UPDATE notices SET document = $2 WHERE notice_id = $1",
        notice.notice_id,
        notice.SerializeToString(),
    )


async def get_notice(conn: asyncpg.Connection, notice_id: str, *, lock: bool = False):
    lock_clause = " FOR UPDATE" if lock else ""
    document = await conn.fetchval(
        f"SELECT document FROM notices WHERE notice_id = $1{lock_clause}", notice_id
    )
    return None if document is None else pb.Notice.FromString(document)


async def list_notices(
    conn: asyncpg.Connection,
    *,
    ordering_party_id: str | None,
    centre_id: str | None,
    contract_id: str | None,
    breaches_only: bool,
) -> list[pb.Notice]:
    rows = await conn.fetch(
        "SELECT document FROM notices"
        " WHERE ($1::text IS NULL OR ordering_party_id = $1)"
        "   AND ($2::text IS NULL OR centre_id = $2)"
        "   AND ($3::uuid IS NULL OR contract_id = $3)"
        "   AND (NOT $4 OR NOT complies)"
        " ORDER BY issued_at, notice_id",
        ordering_party_id,
        centre_id,
        contract_id,
        breaches_only,
    )
    return [pb.Notice.FromString(r["document"]) for r in rows]


async def insert_alert(conn: asyncpg.Connection, alert: pb.Alert) -> pb.Alert:
    """Number the alert in its centre's sequence and store it; subscribers are woken at
    commit. The sequence row stays locked until then, so cursors commit in order."""
    alert.cursor = await conn.fetchval(
        "INSERT INTO alert_cursors (centre_id, last_cursor) VALUES ($1, 1)"
        " ON CONFLICT (centre_id) DO UPDATE SET last_cursor = alert_cursors.last_cursor + 1"
        " RETURNING last_cursor",
        alert.centre_id,
    )
    await conn.execute(
        "INSERT INTO alerts (centre_id, cursor, kind, document, created_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        alert.centre_id,
        alert.cursor,
        alert.kind,
        alert.SerializeToString(),
        alert.created_at.ToDatetime(),
    )
    await conn.execute("SELECT pg_notify($1, $2)", ALERTS_CHANNEL, alert.centre_id)
    return alert


async def alerts_after(
    conn: asyncpg.Connection, centre_id: str, cursor: int, limit: int
) -> list[pb.Alert]:
    rows = await conn.fetch(
        "SELECT document FROM alerts WHERE centre_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3",
        centre_id,
        cursor,
        limit,
    )
    return [pb.Alert.FromString(r["document"]) for r in rows]


async def acknowledged_cursor(conn: asyncpg.Connection, centre_id: str) -> int:
    value = await conn.fetchval(
        "SELECT acknowledged_cursor FROM alert_cursors WHERE centre_id = $1", centre_id
    )
    return value or 0


async def acknowledge_alerts(conn: asyncpg.Connection, centre_id: str, up_to: int) -> int:
    """Never moves backwards, never past the last alert raised."""
    value = await conn.fetchval(
        "UPDATE alert_cursors SET acknowledged_cursor ="
        "   GREATEST(acknowledged_cursor, LEAST($2, last_cursor))"
        " WHERE centre_id = $1 RETURNING acknowledged_cursor",
        centre_id,
        up_to,
    )
    return value or 0


async def first_finding_alert(conn: asyncpg.Connection, finding_id: str, centre_id: str) -> bool:
    """True the first time a finding alerts this centre."""
    return bool(
        await conn.fetchval(
            "INSERT INTO finding_alerts (finding_id, centre_id) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING RETURNING true",
            finding_id,
            centre_id,
        )
    )
