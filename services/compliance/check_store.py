"""The SQL of the streaming checks' state (migrations/0002-checks.sql). Every function runs
in the caller's transaction: the consumer's unit of work, which also stores its offsets."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg
from vigie.contracts.v1 import contracts_pb2 as cpb

from services.common.protos import optional_date, to_date

Week = tuple[int, int]  # (ISO year, ISO week)


@dataclass(frozen=True)
class ContractState:
    contract_id: str
    ordering_party_id: str
    centre_id: str
    activity_type: int
    scope: str
    start_date: date
    last_day: date
    version: int
    terminated: bool
    baseline_contacts: int
    centre_labelled: bool
    sites: dict[str, str]  # site id -> country


def state_of(contract: cpb.Contract) -> ContractState:
    return ContractState(
        contract_id=contract.contract_id,
        ordering_party_id=contract.ordering_party_id,
        centre_id=contract.centre_id,
        activity_type=int(contract.terms.activity_type),
        scope=contract.terms.scope,
        start_date=to_date(contract.terms.start_date),
        last_day=optional_date(contract, "terminated_on") or to_date(contract.terms.end_date),
        version=contract.version,
        terminated=contract.status == cpb.CONTRACT_STATUS_TERMINATED,
        baseline_contacts=contract.terms.forecast.contacts_per_month,
        centre_labelled=contract.centre_labelled,
        sites={s.site_id: s.country.upper() for s in contract.sites},
    )


async def mark_raised(conn: asyncpg.Connection, group: str, finding_id: str) -> bool:
    """True the first time the group raises this finding."""
    return bool(
        await conn.fetchval(
            "INSERT INTO check_raised (check_group, finding_id) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING RETURNING true",
            group,
            finding_id,
        )
    )


async def contract(conn: asyncpg.Connection, group: str, contract_id: str) -> ContractState | None:
    row = await conn.fetchrow(
        "SELECT * FROM check_contracts WHERE check_group = $1 AND contract_id = $2",
        group,
        contract_id,
    )
    return _contract(row) if row else None


async def contracts_of_party(
    conn: asyncpg.Connection, group: str, party: str, activity_types: Iterable[int]
) -> list[ContractState]:
    rows = await conn.fetch(
        "SELECT * FROM check_contracts WHERE check_group = $1 AND ordering_party_id = $2"
        " AND activity_type = ANY($3::smallint[])",
        group,
        party,
        list(activity_types),
    )
    return [_contract(r) for r in rows]


def _contract(row: asyncpg.Record) -> ContractState:
    fields = dict(row)
    fields.pop("check_group")
    fields["sites"] = json.loads(fields["sites"])
    return ContractState(**fields)


async def save_contract(conn: asyncpg.Connection, group: str, state: ContractState) -> bool:
    """Keep the contract's latest state; an older version seen again (a replay of the
    signature after an amendment) changes nothing. True when the row changed."""
    return bool(
        await conn.fetchval(
            "INSERT INTO check_contracts (check_group, contract_id, ordering_party_id,"
            " centre_id, activity_type, scope, start_date, last_day, version, terminated,"
            " baseline_contacts, centre_labelled, sites)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            " ON CONFLICT (check_group, contract_id) DO UPDATE SET"
            "   ordering_party_id = EXCLUDED.ordering_party_id, centre_id = EXCLUDED.centre_id,"
            "   activity_type = EXCLUDED.activity_type, scope = EXCLUDED.scope,"
            "   start_date = EXCLUDED.start_date, last_day = EXCLUDED.last_day,"
            "   version = EXCLUDED.version, terminated = EXCLUDED.terminated,"
            "   baseline_contacts = EXCLUDED.baseline_contacts,"
            "   centre_labelled = EXCLUDED.centre_labelled, sites = EXCLUDED.sites"
            " WHERE (check_contracts.version, check_contracts.terminated)"
            "   <= (EXCLUDED.version, EXCLUDED.terminated)"
            " RETURNING true",
            group,
            state.contract_id,
            state.ordering_party_id,
            state.centre_id,
            state.activity_type,
            state.scope,
            state.start_date,
            state.last_day,
            state.version,
            state.terminated,
            state.baseline_contacts,
            state.centre_labelled,
            json.dumps(state.sites),
        )
    )


async def save_notice(
    conn: asyncpg.Connection,
    group: str,
    notice_id: str,
    contract_id: str,
    party: str,
    effective: date,
    change_percent: Decimal,
    issued_at: datetime,
    on_time: bool,
) -> None:
    await conn.execute(
        "INSERT INTO check_notices (check_group, notice_id, contract_id, ordering_party_id,"
        " effective_date, change_percent, issued_at, on_time)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        group,
        notice_id,
        contract_id,
        party,
        effective,
        change_percent,
        issued_at,
        on_time,
    )


async def notices_in_force(
    conn: asyncpg.Connection, group: str, contract_id: str
) -> list[tuple[date, Decimal]]:
    """(effective date, change percent) of the contract's notices, in the order issued."""
    rows = await conn.fetch(
        "SELECT effective_date, change_percent FROM check_notices"
        " WHERE check_group = $1 AND contract_id = $2 ORDER BY issued_at, notice_id",
        group,
        contract_id,
    )
    return [(r["effective_date"], r["change_percent"]) for r in rows]


async def add_weekly_volumes(
    conn: asyncpg.Connection, group: str, contract_id: str, sums: dict[tuple, list[int]]
) -> None:
    """Add (site, year, week) -> [handled, forecast, offered] to the contract's weekly sums
    (negative figures take a corrected interval's old figures out)."""
    await conn.executemany(
        "INSERT INTO check_weekly_volumes (check_group, contract_id, site_id, iso_year,"
        " iso_week, handled, forecast, offered) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (check_group, contract_id, site_id, iso_year, iso_week) DO UPDATE SET"
        "   handled = check_weekly_volumes.handled + EXCLUDED.handled,"
        "   forecast = check_weekly_volumes.forecast + EXCLUDED.forecast,"
        "   offered = check_weekly_volumes.offered + EXCLUDED.offered",
        [
            (group, contract_id, site, year, week, *figures)
            for (site, year, week), figures in sums.items()
        ],
    )


async def advance_latest_week(
    conn: asyncpg.Connection, group: str, contract_id: str, latest: Week
) -> Week | None:
    """Record `latest` as the contract's latest week with volumes when it is later than the
    one held; returns the one held before (None the first time)."""
    before = await conn.fetchrow(
        "SELECT latest_year, latest_week FROM check_volume_progress"
        " WHERE check_group = $1 AND contract_id = $2 FOR UPDATE",
        group,
        contract_id,
    )
    held = (before["latest_year"], before["latest_week"]) if before else None
    if held is None or latest > held:
        await conn.execute(
            "INSERT INTO check_volume_progress (check_group, contract_id, latest_year,"
            " latest_week) VALUES ($1, $2, $3, $4) ON CONFLICT (check_group, contract_id)"
            " DO UPDATE SET latest_year = EXCLUDED.latest_year, latest_week = EXCLUDED.latest_week",
            group,
            contract_id,
            *latest,
        )
    return held


async def latest_week(conn: asyncpg.Connection, group: str, contract_id: str) -> Week | None:
    row = await conn.fetchrow(
        "SELECT latest_year, latest_week FROM check_volume_progress"
        " WHERE check_group = $1 AND contract_id = $2",
        group,
        contract_id,
    )
    return (row["latest_year"], row["latest_week"]) if row else None


async def contract_weeks(
    conn: asyncpg.Connection, group: str, contract_id: str, weeks: Sequence[Week]
) -> list[asyncpg.Record]:
    """Per site and week of `weeks`: the contract's handled, forecast and offered sums."""
    return await conn.fetch(
        "SELECT site_id, iso_year, iso_week, handled, forecast, offered"
        " FROM check_weekly_volumes WHERE check_group = $1 AND contract_id = $2"
        "   AND iso_year * 100 + iso_week = ANY($3::int[])"
        " ORDER BY iso_year, iso_week, site_id",
        group,
        contract_id,
        [y * 100 + w for y, w in weeks],
    )


async def weeks_with_volumes(
    conn: asyncpg.Connection, group: str, contract_id: str, before: Week
) -> list[Week]:
    rows = await conn.fetch(
        "SELECT DISTINCT iso_year, iso_week FROM check_weekly_volumes"
        " WHERE check_group = $1 AND contract_id = $2 AND (iso_year, iso_week) < ($3, $4)",
        group,
        contract_id,
        *before,
    )
    return sorted((r["iso_year"], r["iso_week"]) for r in rows)


async def volumes_by_country(
    conn: asyncpg.Connection, group: str, column: str, key: str, weeks: Sequence[Week]
) -> list[asyncpg.Record]:
    """Handled contacts per centre, country and week for the contracts whose `column`
    (ordering_party_id or centre_id) is `key`."""
    assert column in ("ordering_party_id", "centre_id")
    return await conn.fetch(
        "SELECT c.centre_id, coalesce(c.sites ->> v.site_id, '') AS country, v.iso_year,"
        "   v.iso_week, sum(v.handled)::bigint AS handled"
        " FROM check_weekly_volumes v JOIN check_contracts c USING (check_group, contract_id)"
        f" WHERE v.check_group = $1 AND c.{column} = $2"
        "   AND v.iso_year * 100 + v.iso_week = ANY($3::int[])"
        " GROUP BY 1, 2, 3, 4",
        group,
        key,
        [y * 100 + w for y, w in weeks],
    )


async def lock(conn: asyncpg.Connection, what: str) -> None:
    """Serialise the checks of one key across workers until the transaction ends: a check
    over several contracts then sees every contract's committed volumes."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", what)
