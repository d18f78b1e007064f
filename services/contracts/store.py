"""The contracts service's SQL, and nothing else: rows in, protobuf messages out."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.labels.v1 import labels_pb2

from services.common.protos import optional_date


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


async def get_contract(conn: asyncpg.Connection, contract_id: str) -> pb.Contract | None:
    document = await conn.fetchval(
        "SELECT document FROM contracts WHERE contract_id = $1", contract_id
    )
    return None if document is None else pb.Contract.FromString(document)


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
