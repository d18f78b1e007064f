"""The labels service's SQL, and nothing else: rows in, protobuf messages out."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg
from vigie.labels.v1 import labels_pb2 as pb

from services.common.protos import from_date, optional_date, timestamp, to_date

_CENTRE_COLUMNS = (
    "centre_id, name, kind, owner_ordering_party_id, registered_at, label_status,"
    " label_valid_from, label_valid_until, label_audit_id, label_reason,"
    " label_remedy_deadline, label_changed_at"
)


async def insert_centre(
    conn: asyncpg.Connection, centre: pb.Centre, registered_at: datetime
) -> bool:
    """False when a centre with this id exists already."""
    inserted = await conn.fetchval(
        "INSERT INTO centres (centre_id, name, kind, owner_ordering_party_id, registered_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (centre_id) DO NOTHING RETURNING true",
        centre.centre_id,
        centre.name,
        centre.kind,
        centre.owner_ordering_party_id,
        registered_at,
    )
    if inserted:
        await conn.executemany(
            "INSERT INTO sites (centre_id, site_id, position, name, country, city)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            [
                (centre.centre_id, s.site_id, i, s.name, s.country, s.city)
                for i, s in enumerate(centre.sites)
            ],
        )
    return bool(inserted)


async def sites_of_other_centres(
    conn: asyncpg.Connection, centre_id: str, site_ids: list[str]
) -> set[str]:
    """Which of these site ids another centre already registered."""
    rows = await conn.fetch(
        "SELECT site_id FROM sites WHERE site_id = ANY($1::text[]) AND centre_id <> $2",
        site_ids,
        centre_id,
    )
    return {row["site_id"] for row in rows}


async def get_centre(
    conn: asyncpg.Connection, centre_id: str, *, lock: bool = False
) -> pb.Centre | None:
    lock_clause = " FOR UPDATE" if lock else ""
    row = await conn.fetchrow(
        f"SELECT {_CENTRE_COLUMNS} FROM centres WHERE centre_id = $1{lock_clause}", centre_id
    )
    if row is None:
        return None
    return (await _with_sites(conn, [row]))[0]


async def list_centres(
    conn: asyncpg.Connection, label_status: int, country: str
) -> list[pb.Centre]:
    rows = await conn.fetch(
        f"SELECT {_CENTRE_COLUMNS} FROM centres"
        " WHERE ($1 = 0 OR label_status = $1)"
        "   AND ($2 = '' OR centre_id IN (SELECT centre_id FROM sites WHERE country = $2))"
        " ORDER BY centre_id",
        label_status,
        country,
    )
    return await _with_sites(conn, rows)


async def update_label(
    conn: asyncpg.Connection, centre_id: str, label: pb.Label, changed_at: datetime
) -> None:
    await conn.execute(
        "UPDATE centres SET label_status = $2, label_valid_from = $3, label_valid_until = $4,"
        " label_audit_id = $5, label_reason = $6, label_remedy_deadline = $7, label_changed_at = $8"
        " WHERE centre_id = $1",
        centre_id,
        label.status,
        optional_date(label, "valid_from"),
        optional_date(label, "valid_until"),
        label.audit_id or None,
        label.reason,
        optional_date(label, "remedy_deadline"),
        changed_at,
    )


async def centres_due_for_expiry(conn: asyncpg.Connection, today: date, limit: int) -> list[str]:
    """Granted or suspended labels past their validity, locked for this transaction; a
    replica running the same sweep skips them."""
    return [
        r["centre_id"]
        for r in await conn.fetch(
            "SELECT centre_id FROM centres WHERE label_status IN (2, 3) AND label_valid_until < $1"
            " ORDER BY label_valid_until LIMIT $2 FOR UPDATE SKIP LOCKED",
            today,
            limit,
        )
    ]


async def insert_referential(
    conn: asyncpg.Connection, referential: pb.Referential
) -> pb.Referential:
    """Number the referential after the latest one; the table lock serialises publishers."""
    await conn.execute("LOCK TABLE referentials IN EXCLUSIVE MODE")
    version = await conn.fetchval("SELECT coalesce(max(version), 0) + 1 FROM referentials")
    published = pb.Referential()
    published.CopyFrom(referential)
    published.version = version
    await conn.execute(
        "INSERT INTO referentials (version, title, document, published_at) VALUES ($1, $2, $3, $4)",
        version,
        published.title,
        published.SerializeToString(),
        published.published_at.ToDatetime(),
    )
    return published


async def get_referential(conn: asyncpg.Connection, version: int) -> pb.Referential | None:
    """Version 0 is the latest."""
    document = await conn.fetchval(
        "SELECT document FROM referentials WHERE $1 = 0 OR version = $1"
        " ORDER BY version DESC LIMIT 1",
        version,
    )
    return None if document is None else pb.Referential.FromString(document)


async def insert_audit(conn: asyncpg.Connection, audit: pb.Audit) -> None:
    await conn.execute(
        "INSERT INTO audits (audit_id, centre_id, referential_version, audited_on, passed,"
        " document, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        audit.audit_id,
        audit.centre_id,
        audit.referential_version,
        to_date(audit.audited_on),
        audit.passed,
        audit.SerializeToString(),
        audit.recorded_at.ToDatetime(),
    )


async def get_audit(conn: asyncpg.Connection, audit_id: str) -> pb.Audit | None:
    document = await conn.fetchval("SELECT document FROM audits WHERE audit_id = $1", audit_id)
    return None if document is None else pb.Audit.FromString(document)


async def list_audits(conn: asyncpg.Connection, centre_id: str) -> list[pb.Audit]:
    rows = await conn.fetch(
        "SELECT document FROM audits WHERE centre_id = $1 ORDER BY audited_on, recorded_at",
        centre_id,
    )
    return [pb.Audit.FromString(r["document"]) for r in rows]


async def _with_sites(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> list[pb.Centre]:
    ids = [r["centre_id"] for r in rows]
    sites: dict[str, list[pb.Site]] = {i: [] for i in ids}
    for s in await conn.fetch(
        "SELECT centre_id, site_id, name, country, city FROM sites"
        " WHERE centre_id = ANY($1::text[]) ORDER BY centre_id, position",
        ids,
    ):
        sites[s["centre_id"]].append(
            pb.Site(site_id=s["site_id"], name=s["name"], country=s["country"], city=s["city"])
        )
    return [_centre(r, sites[r["centre_id"]]) for r in rows]


def _centre(row: asyncpg.Record, sites: list[pb.Site]) -> pb.Centre:
    label = pb.Label(
        status=row["label_status"],
        valid_from=from_date(row["label_valid_from"]),
        valid_until=from_date(row["label_valid_until"]),
        audit_id=str(row["label_audit_id"] or ""),
        reason=row["label_reason"],
        remedy_deadline=from_date(row["label_remedy_deadline"]),
    )
    if row["label_changed_at"] is not None:
        label.changed_at.CopyFrom(timestamp(row["label_changed_at"]))
    return pb.Centre(
        centre_id=row["centre_id"],
        name=row["name"],
        kind=row["kind"],
        owner_ordering_party_id=row["owner_ordering_party_id"],
        sites=sites,
        label=label,
        registered_at=timestamp(row["registered_at"]),
    )
