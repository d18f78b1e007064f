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
    conn: asyncpg.Connection, seq: int, limit: int, filters: dict, newest_first: bool = False
) -> list[tuple[int, pb.Finding]]:
    order = "DESC" if newest_first else "ASC"
    rows = await conn.fetch(
        "SELECT seq, document FROM findings WHERE seq > $1"
        "   AND ($3::text IS NULL OR ordering_party_id = $3)"
        "   AND (cardinality($4::smallint[]) = 0 OR type = ANY($4::smallint[]))"
        "   AND severity >= $5"
        "   AND ($6::timestamptz IS NULL OR recorded_at >= $6)"
        f" ORDER BY seq {order} LIMIT $2",
        seq,
        limit,
        filters["ordering_party_id"],
        filters["types"],
        filters["min_severity"],
        filters["since"],
    )
    return [(r["seq"], pb.Finding.FromString(r["document"])) for r in rows]


async def finding(conn: asyncpg.Connection, finding_id: str) -> pb.Finding | None:
    document = await conn.fetchval(
        "SELECT document FROM findings WHERE finding_id = $1", finding_id
    )
    return pb.Finding.FromString(document) if document else None


async def close(
    conn: asyncpg.Connection, finding_id: str, reason: str, at: datetime
) -> pb.Finding | None:
    """Close an open finding; None when it is not there or already closed."""
    row = await conn.fetchrow(
        "SELECT document, closed_at FROM findings WHERE finding_id = $1 FOR UPDATE", finding_id
    )
    if row is None or row["closed_at"] is not None:
        return None
    closed = pb.Finding.FromString(row["document"])
    closed.closed_at.FromDatetime(at)
    closed.closing_reason = reason
    await conn.execute(
        "UPDATE findings SET closed_at = $2, document = $3 WHERE finding_id = $1",
        finding_id,
        at,
        closed.SerializeToString(),
    )
    return closed


async def save_scorecard(conn: asyncpg.Connection, card: pb.Scorecard, year: int, week: int):
    await conn.execute(
        "INSERT INTO scorecards (ordering_party_id, iso_year, iso_week, document)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (ordering_party_id, iso_year, iso_week)"
        " DO UPDATE SET document = EXCLUDED.document",
        card.ordering_party_id,
        year,
        week,
        card.SerializeToString(),
    )


async def scorecards(
    conn: asyncpg.Connection, party: str, first: tuple[int, int], last: tuple[int, int]
) -> dict[tuple[int, int], pb.Scorecard]:
    rows = await conn.fetch(
        "SELECT iso_year, iso_week, document FROM scorecards WHERE ordering_party_id = $1"
        " AND (iso_year, iso_week) BETWEEN ($2, $3) AND ($4, $5)",
        party,
        *first,
        *last,
    )
    return {(r["iso_year"], r["iso_week"]): pb.Scorecard.FromString(r["document"]) for r in rows}


async def open_findings(
    conn: asyncpg.Connection, party: str, instants: list[datetime]
) -> dict[datetime, list[tuple[int, int]]]:
    """For each instant, (type, count) of the party's findings recorded before it and not
    closed by then: one statement for a whole scorecard history."""
    rows = await conn.fetch(
        "SELECT at, f.type, count(*)::int AS open FROM unnest($2::timestamptz[]) AS at"
        " JOIN findings f ON f.ordering_party_id = $1 AND f.recorded_at < at"
        "   AND (f.closed_at IS NULL OR f.closed_at >= at)"
        " GROUP BY at, f.type ORDER BY at, f.type",
        party,
        instants,
    )
    found: dict[datetime, list[tuple[int, int]]] = {at: [] for at in instants}
    for r in rows:
        found[r["at"]].append((r["type"], r["open"]))
    return found
