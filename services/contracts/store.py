"""The contracts service's SQL, and nothing else: rows in, protobuf messages out."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.labels.v1 import labels_pb2

from services.common.protos import optional_date, to_date


async def insert_tender(conn: asyncpg.Connection, tender: pb.Tender) -> None:
    await conn.execute(
        "INSERT INTO tenders (tender_id, ordering_party_id, status, activity_type, document,"
        " registered_at) VALUES ($1, $2, $3, $4, $5, $6)",
        tender.tender_id,
        tender.ordering_party_id,
        tender.status,
        tender.terms.activity_type,
        tender.SerializeToString(),
        tender.registered_at.ToDatetime(),
    )


async def update_tender(conn: asyncpg.Connection, tender: pb.Tender) -> None:
    await conn.execute(
        "UPDATE tenders SET status = $2, document = $3 WHERE tender_id = $1",
        tender.tender_id,
        tender.status,
        tender.SerializeToString(),
    )


async def get_tender(
    conn: asyncpg.Connection, tender_id: str, *, lock: bool = False
) -> pb.Tender | None:
    lock_clause = " FOR UPDATE" if lock else ""
    document = await conn.fetchval(
        f"SELECT document FROM tenders WHERE tender_id = $1{lock_clause}", tender_id
    )
    return None if document is None else pb.Tender.FromString(document)


async def list_tenders(
    conn: asyncpg.Connection,
    *,
    ordering_party_id: str | None,
    open_or_bid_by: str | None,
    status: int,
    activity_type: int,
) -> list[pb.Tender]:
    """Filtered by owner (an ordering party), by what a centre may see (open tenders and
    those it bid on), by status and activity type; 0 and None mean any."""
    rows = await conn.fetch(
        "SELECT document FROM tenders t"
        " WHERE ($1::text IS NULL OR ordering_party_id = $1)"
        "   AND ($2::text IS NULL OR status = $5"
        "        OR EXISTS (SELECT 1 FROM bids b"
        "                   WHERE b.tender_id = t.tender_id AND b.centre_id = $2))"
        "   AND ($3 = 0 OR status = $3) AND ($4 = 0 OR activity_type = $4)"
        " ORDER BY registered_at, tender_id",
        ordering_party_id,
        open_or_bid_by,
        status,
        activity_type,
        pb.TENDER_STATUS_OPEN,
    )
    return [pb.Tender.FromString(r["document"]) for r in rows]


async def insert_bid(conn: asyncpg.Connection, bid: pb.Bid) -> bool:
    """False when this centre already bid on this tender."""
    inserted = await conn.fetchval(
        "INSERT INTO bids (bid_id, tender_id, centre_id, document, submitted_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tender_id, centre_id) DO NOTHING RETURNING true",
        bid.bid_id,
        bid.tender_id,
        bid.centre_id,
        bid.SerializeToString(),
        bid.submitted_at.ToDatetime(),
    )
    return bool(inserted)


async def list_bids(
    conn: asyncpg.Connection, tender_id: str, centre_id: str | None = None
) -> list[pb.Bid]:
    rows = await conn.fetch(
        "SELECT document FROM bids WHERE tender_id = $1 AND ($2::text IS NULL OR centre_id = $2)"
        " ORDER BY submitted_at, bid_id",
        tender_id,
        centre_id,
    )
    return [pb.Bid.FromString(r["document"]) for r in rows]


async def has_bid(conn: asyncpg.Connection, tender_id: str, centre_id: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT true FROM bids WHERE tender_id = $1 AND centre_id = $2", tender_id, centre_id
        )
    )


async def insert_contract(conn: asyncpg.Connection, contract: pb.Contract) -> None:
    await conn.execute(
        "INSERT INTO contracts (contract_id, tender_id, ordering_party_id, centre_id, status,"
        " version, document, signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        contract.contract_id,
        contract.tender_id,
        contract.ordering_party_id,
        contract.centre_id,
        contract.status,
        contract.version,
        contract.SerializeToString(),
        contract.signed_at.ToDatetime(),
    )


async def list_contracts(
    conn: asyncpg.Connection, *, ordering_party_id: str | None, centre_id: str | None, status: int
) -> list[pb.Contract]:
    rows = await conn.fetch(
        "SELECT document FROM contracts"
        " WHERE ($1::text IS NULL OR ordering_party_id = $1)"
        "   AND ($2::text IS NULL OR centre_id = $2) AND ($3 = 0 OR status = $3)"
        " ORDER BY signed_at, contract_id",
        ordering_party_id,
        centre_id,
        status,
    )
    return [pb.Contract.FromString(r["document"]) for r in rows]


async def upsert_centre(
    conn: asyncpg.Connection, centre: labels_pb2.Centre, as_of: datetime
) -> None:
    """Keep the newest state of a centre; an older snapshot (a replay) changes nothing."""
    label = centre.label
    await conn.execute(
        "INSERT INTO centres (centre_id, label_status, label_valid_from, label_valid_until,"
        " document, updated_at) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (centre_id) DO UPDATE SET label_status = EXCLUDED.label_status,"
        "   label_valid_from = EXCLUDED.label_valid_from,"
        "   label_valid_until = EXCLUDED.label_valid_until,"
        "   document = EXCLUDED.document, updated_at = EXCLUDED.updated_at"
        " WHERE centres.updated_at <= EXCLUDED.updated_at",
        centre.centre_id,
        label.status,
        optional_date(label, "valid_from"),
        optional_date(label, "valid_until"),
        centre.SerializeToString(),
        as_of,
    )


async def get_centres(
    conn: asyncpg.Connection, centre_ids: list[str]
) -> dict[str, labels_pb2.Centre]:
    rows = await conn.fetch(
        "SELECT document FROM centres WHERE centre_id = ANY($1::text[])", centre_ids
    )
    centres = (labels_pb2.Centre.FromString(r["document"]) for r in rows)
    return {c.centre_id: c for c in centres}


async def get_contracts(
    conn: asyncpg.Connection, contract_ids: list[str], *, lock: bool = False
) -> dict[str, pb.Contract]:
    lock_clause = " FOR UPDATE" if lock else ""
    rows = await conn.fetch(
        f"SELECT document FROM contracts WHERE contract_id = ANY($1::uuid[]){lock_clause}",
        contract_ids,
    )
    contracts = (pb.Contract.FromString(r["document"]) for r in rows)
    return {c.contract_id: c for c in contracts}


async def update_contract(conn: asyncpg.Connection, contract: pb.Contract) -> None:
    await conn.execute(
        "UPDATE contracts SET status = $2, version = $3, document = $4 WHERE contract_id = $1",
        contract.contract_id,
        contract.status,
        contract.version,
        contract.SerializeToString(),
    )


async def insert_contract_version(conn: asyncpg.Connection, contract: pb.Contract) -> None:
    await conn.execute(
        "INSERT INTO contract_versions (contract_id, version, effective_from, document)"
        " VALUES ($1, $2, $3, $4)",
        contract.contract_id,
        contract.version,
        to_date(contract.version_effective_from),
        contract.SerializeToString(),
    )


VOLUME_COLUMNS = (
    "contract_id",
    "site_id",
    "interval_start",
    "interval_minutes",
    "offered",
    "handled",
    "forecast",
    "handled_seconds",
)
_FIGURES = "interval_minutes, offered, handled, forecast, handled_seconds"


async def upsert_volumes(
    conn: asyncpg.Connection, rows: list[tuple]
) -> tuple[list[asyncpg.Record], dict[tuple, asyncpg.Record]]:
    """Store interval rows (VOLUME_COLUMNS order) in bulk. Returns the rows that changed
    anything, with `inserted` true for a first report and false for a correction, and the
    stored rows the corrections replace, by (contract, site, interval)."""
    columns = ", ".join(VOLUME_COLUMNS)
    await conn.execute(
        "CREATE TEMP TABLE incoming_volumes (LIKE volumes INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    await conn.copy_records_to_table("incoming_volumes", records=rows, columns=VOLUME_COLUMNS)
    before = await conn.fetch(
        f"SELECT {', '.join('v.' + c for c in VOLUME_COLUMNS)} FROM volumes v"
        " JOIN incoming_volumes i USING (contract_id, site_id, interval_start) FOR UPDATE OF v"
    )
    previous = {(r["contract_id"], r["site_id"], r["interval_start"]): r for r in before}
    changed = await conn.fetch(
        f"INSERT INTO volumes ({columns}) SELECT {columns} FROM incoming_volumes"
        " ON CONFLICT (contract_id, site_id, interval_start) DO UPDATE SET"
        "   interval_minutes = EXCLUDED.interval_minutes, offered = EXCLUDED.offered,"
        "   handled = EXCLUDED.handled, forecast = EXCLUDED.forecast,"
        "   handled_seconds = EXCLUDED.handled_seconds, reported_at = now()"
        f" WHERE (volumes.{_FIGURES.replace(', ', ', volumes.')})"
        f"   IS DISTINCT FROM (EXCLUDED.{_FIGURES.replace(', ', ', EXCLUDED.')})"
        f" RETURNING (xmax = 0) AS inserted, {columns}"
    )
    return changed, previous


async def declare_relationship(
    conn: asyncpg.Connection,
    party: str,
    centre: str,
    since: date,
    evidence: str,
    declared_by: str,
    at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO relationships (ordering_party_id, centre_id, since, evidence, declared_by,"
        " declared_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ordering_party_id, centre_id)"
        " DO UPDATE SET since = EXCLUDED.since, evidence = EXCLUDED.evidence,"
        " declared_by = EXCLUDED.declared_by, declared_at = EXCLUDED.declared_at",
        party,
        centre,
        since,
        evidence,
        declared_by,
        at,
    )


async def declared_relationship(
    conn: asyncpg.Connection, party: str, centre: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT since, evidence, declared_by FROM relationships"
        " WHERE ordering_party_id = $1 AND centre_id = $2",
        party,
        centre,
    )
