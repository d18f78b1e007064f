"""The compliance service's SQL: the findings, each once, with their state and history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common import wording
from services.compliance.monitor import lifecycle

FINDINGS_CHANNEL = "vigie_findings"
# Every watcher follows the one sequence of changes.
ALL = "all"
# Where a watcher stands: the finding's latest change (its first recording until it changes).
CHANGE_SEQ = "coalesce(changed_seq, seq)"


@dataclass
class Held:
    """A finding as the monitor holds it, locked for the transaction."""

    finding: pb.Finding
    state: int
    revision: int
    checks_revision: int


async def next_seq(conn: asyncpg.Connection) -> int:
    """The next number of the findings' one sequence. Every transaction that changes a
    finding draws it first: the row stays locked until commit, so changes commit in seq order
    (a watcher never skips one) and never wait on each other's finding locks the other way
    round. A transaction that changes nothing only leaves a gap."""
    return await conn.fetchval("UPDATE finding_sequence SET last = last + 1 RETURNING last")


async def held(conn: asyncpg.Connection, finding_id: str) -> Held | None:
    row = await conn.fetchrow(
        "SELECT document, state, revision, checks_revision FROM findings"
        " WHERE finding_id = $1 FOR UPDATE",
        finding_id,
    )
    if row is None:
        return None
    return Held(_finding(row), row["state"], row["revision"], row["checks_revision"])


async def insert(
    conn: asyncpg.Connection,
    finding: pb.Finding,
    seq: int,
    recorded_at: datetime,
    centre_ids: list[str],
    concerns_from: datetime,
) -> bool:
    """Keep a finding the first time its id is seen (OPEN, revision 1); False for a repeat."""
    finding.recorded_at.FromDatetime(recorded_at)
    finding.state, finding.revision = lifecycle.OPEN, 1
    inserted = await conn.fetchval(
        "INSERT INTO findings (finding_id, seq, type, severity, ordering_party_id, document,"
        " recorded_at, state, revision, checks_revision, centre_ids, concerns_from)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11)"
        " ON CONFLICT (finding_id) DO NOTHING RETURNING true",
        finding.finding_id,
        seq,
        finding.type,
        finding.severity,
        finding.ordering_party_id,
        finding.SerializeToString(),
        recorded_at,
        lifecycle.OPEN,
        finding.revision,
        centre_ids,
        concerns_from,
    )
    if inserted:
        await _notify(conn)
    return bool(inserted)


async def update(
    conn: asyncpg.Connection,
    finding: pb.Finding,
    seq: int,
    centre_ids: list[str],
    checks_revision: int,
) -> None:
    """Store a finding's new document and state; `seq` makes watchers see it again."""
    closed_at = finding.closed_at.ToDatetime() if finding.HasField("closed_at") else None
    await conn.execute(
        "UPDATE findings SET document = $2, state = $3, revision = $4, checks_revision = $5,"
        " severity = $6, closed_at = $7, centre_ids = $8, changed_seq = $9"
        " WHERE finding_id = $1",
        finding.finding_id,
        finding.SerializeToString(),
        finding.state,
        finding.revision,
        checks_revision,
        finding.severity,
        closed_at,
        centre_ids,
        seq,
    )
    await _notify(conn)


async def add_transition(
    conn: asyncpg.Connection,
    transition: pb.FindingTransition,
    revision: int,
    recorded_at: datetime,
    event_id: str,
) -> bool:
    """One row of a finding's history; False when the event that carries it was applied."""
    actor = transition.actor
    return bool(
        await conn.fetchval(
            "INSERT INTO finding_transitions (finding_id, from_state, to_state, actor_role,"
            " actor_organisation, actor_subject, at, recorded_at, reason, attachments,"
            " revision, event_id, reason_wording)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            " ON CONFLICT (event_id) DO NOTHING RETURNING true",
            transition.finding_id,
            transition.from_state,
            transition.to_state,
            actor.role,
            actor.organisation_id,
            actor.subject,
            transition.at.ToDatetime(),
            recorded_at,
            transition.reason,
            list(transition.attachments),
            revision,
            event_id,
            _wording_json(transition),
        )
    )


def _wording_json(transition: pb.FindingTransition) -> str | None:
    if not transition.HasField("reason_wording"):
        return None
    return json.dumps(wording.to_json(wording.from_proto(transition.reason_wording)))


async def transition_applied(conn: asyncpg.Connection, event_id: str) -> bool:
    return bool(
        await conn.fetchval("SELECT true FROM finding_transitions WHERE event_id = $1", event_id)
    )


async def history(conn: asyncpg.Connection, finding: pb.Finding) -> list[pb.FindingTransition]:
    rows = await conn.fetch(
        "SELECT * FROM finding_transitions WHERE finding_id = $1 ORDER BY position",
        finding.finding_id,
    )
    return [_transition(finding.ordering_party_id, r) for r in rows]


def _transition(party: str, row: asyncpg.Record) -> pb.FindingTransition:
    transition = pb.FindingTransition(
        finding_id=str(row["finding_id"]),
        ordering_party_id=party,
        from_state=row["from_state"],
        to_state=row["to_state"],
        actor=pb.Actor(
            role=row["actor_role"],
            organisation_id=row["actor_organisation"],
            subject=row["actor_subject"],
        ),
        reason=row["reason"],
        attachments=row["attachments"],
    )
    transition.at.FromDatetime(row["at"])
    if row["reason_wording"] is not None:
        text = wording.from_json(json.loads(row["reason_wording"]))
        transition.reason_wording.CopyFrom(wording.to_proto(text))
    return transition


async def findings_after(
    conn: asyncpg.Connection,
    seq: int,
    limit: int,
    filters: dict,
    newest_first: bool = False,
    by_change: bool = False,
) -> list[tuple[int, pb.Finding]]:
    """Findings after `seq` in the order first recorded, or (`by_change`, for watchers) in
    the order of their latest change, each with its position in that order."""
    order = "DESC" if newest_first else "ASC"
    position = CHANGE_SEQ if by_change else "seq"
    rows = await conn.fetch(
        f"SELECT {position} AS position, document, state, revision FROM findings"
        f" WHERE {position} > $1"
        "   AND ($3::text IS NULL OR ordering_party_id = $3)"
        "   AND (cardinality($4::smallint[]) = 0 OR type = ANY($4::smallint[]))"
        "   AND severity >= $5"
        "   AND ($6::timestamptz IS NULL OR recorded_at >= $6)"
        "   AND (cardinality($7::smallint[]) = 0 OR state = ANY($7::smallint[]))"
        "   AND ($8::text IS NULL OR centre_ids @> ARRAY[$8::text])"
        f" ORDER BY {position} {order} LIMIT $2",
        seq,
        limit,
        filters["ordering_party_id"],
        filters["types"],
        filters["min_severity"],
        filters["since"],
        filters["states"],
        filters["centre_id"],
    )
    return [(r["position"], _finding(r)) for r in rows]


async def finding(conn: asyncpg.Connection, finding_id: str) -> pb.Finding | None:
    row = await conn.fetchrow(
        "SELECT document, state, revision FROM findings WHERE finding_id = $1", finding_id
    )
    return _finding(row) if row else None


def _finding(row: asyncpg.Record) -> pb.Finding:
    """The stored document with the state and revision the monitor keeps beside it (rows
    written before the lifecycle have them only in their columns)."""
    found = pb.Finding.FromString(row["document"])
    found.state, found.revision = row["state"], row["revision"]
    return found


async def _notify(conn: asyncpg.Connection) -> None:
    await conn.execute("SELECT pg_notify($1, $2)", FINDINGS_CHANNEL, ALL)


async def without_centres(conn: asyncpg.Connection, limit: int) -> list[pb.Finding]:
    """Findings recorded before the monitor kept the centres they concern."""
    rows = await conn.fetch(
        "SELECT document, state, revision FROM findings WHERE centre_ids IS NULL LIMIT $1",
        limit,
    )
    return [_finding(r) for r in rows]


async def fill_in(conn: asyncpg.Connection, finding: pb.Finding, centre_ids: list[str]) -> None:
    """The centres a finding recorded before 0004 concerns, and the reason it was closed for
    (0004 could not read it out of the document)."""
    await conn.execute(
        "UPDATE findings SET centre_ids = $2 WHERE finding_id = $1", finding.finding_id, centre_ids
    )
    await conn.execute(
        "UPDATE finding_transitions SET reason = $2 WHERE finding_id = $1 AND to_state = $3"
        " AND actor_subject = 'migration 0004' AND reason = ''",
        finding.finding_id,
        finding.closing_reason,
        lifecycle.REMEDIED,
    )


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
    """For each instant, (type, count) of the party's findings that concern a time before it
    (an episode from its first week, another finding from its event: not from when the checks
    recorded it, which a late report or a replay makes weeks later) and still stand then (OPEN,
    CONTESTED, CONTEST_DISMISSED: the state of their last change before it, by the time the
    monitor applied it; before any, open); findings void now (withdrawn, contest upheld) never
    count. One statement for a whole scorecard history. A finding with no history (written by
    a monitor older than the lifecycle) stands until its closed_at."""
    rows = await conn.fetch(
        "SELECT at, f.type, count(*)::int AS open FROM unnest($2::timestamptz[]) AS at"
        " JOIN findings f ON f.ordering_party_id = $1"
        "   AND coalesce(f.concerns_from, f.recorded_at) < at AND f.state <> ALL($6::smallint[])"
        " LEFT JOIN LATERAL (SELECT t.to_state FROM finding_transitions t"
        "   WHERE t.finding_id = f.finding_id AND t.recorded_at < at"
        "   ORDER BY t.position DESC LIMIT 1) AS last ON true"
        " WHERE coalesce(last.to_state, CASE WHEN f.closed_at IS NULL OR f.closed_at >= at"
        "   THEN $3::smallint ELSE $4::smallint END) = ANY($5::smallint[])"
        " GROUP BY at, f.type ORDER BY at, f.type",
        party,
        instants,
        lifecycle.OPEN,
        lifecycle.REMEDIED,
        sorted(lifecycle.STANDING),
        sorted(lifecycle.VOID),
    )
    found: dict[datetime, list[tuple[int, int]]] = {at: [] for at in instants}
    for r in rows:
        found[r["at"]].append((r["type"], r["open"]))
    return found
