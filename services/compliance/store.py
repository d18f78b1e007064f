"""The compliance service's SQL: the findings, each once."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from vigie.compliance.v1 import compliance_pb2 as pb

FINDINGS_CHANNEL = "vigie_findings"
# Every watcher follows the one sequence of findings.
ALL = "all"


async def record(conn: asyncpg.Connection, finding: pb.Finding, recorded_at: datetime) -> bool:
    """Keep a finding the first time its id is seen; False for a repeat. The sequence row
    stays locked until commit (a repeat only leaves a gap in seq)."""
    seq = await conn.fetchval("UPDATE finding_sequence SET last = last + 1 RETURNING last")
    finding.recorded_at.FromDatetime(recorded_at)
    inserted = await conn.fetchval(
        "INSERT INTO findings (finding_id, seq, type, severity, ordering_party_id, document,"
        " recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (finding_id) DO NOTHING RETURNING true",
        finding.finding_id,
        seq,
        finding.type,
        finding.severity,
        finding.ordering_party_id,
        finding.SerializeToString(),
        recorded_at,
    )
    if inserted:
        await conn.execute("SELECT pg_notify($1, $2)", FINDINGS_CHANNEL, ALL)
    return bool(inserted)


async def findings_after(
    conn: asyncpg.Connection, seq: int, limit: int, filters: dict
) -> list[tuple[int, pb.Finding]]:
    rows = await conn.fetch(
        "SELECT seq, document FROM findings WHERE seq > $1"
        "   AND ($3::text IS NULL OR ordering_party_id = $3)"
        "   AND (cardinality($4::smallint[]) = 0 OR type = ANY($4::smallint[]))"
        "   AND severity >= $5"
        "   AND ($6::timestamptz IS NULL OR recorded_at >= $6)"
        " ORDER BY seq LIMIT $2",
        seq,
        limit,
        filters["ordering_party_id"],
        filters["types"],
        filters["min_severity"],
        filters["since"],
    )
    return [(r["seq"], pb.Finding.FromString(r["document"])) for r in rows]
