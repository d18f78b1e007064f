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

from services.codecs import policy as policy_codec
from services.common import wording
from services.common.policy import stored_versions
from services.common.protos import optional_date, to_date
from services.common.uow import UnitOfWork
from services.rules.findings import Breach, Severity
from services.rules.policy import PolicyBook

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


async def mark_raised(conn: asyncpg.Connection, group: str, finding_ids: list[str]) -> set[str]:
    """Of `finding_ids`, those this group raises for the first time; one statement."""
    rows = await conn.fetch(
        "INSERT INTO check_raised (check_group, finding_id) SELECT $1, unnest($2::uuid[])"
        " ON CONFLICT DO NOTHING RETURNING finding_id::text",
        group,
        finding_ids,
    )
    return {r["finding_id"] for r in rows}


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


async def contracts(
    conn: asyncpg.Connection, group: str, contract_ids: Sequence[str]
) -> dict[str, ContractState]:
    rows = await conn.fetch(
        "SELECT * FROM check_contracts WHERE check_group = $1 AND contract_id = ANY($2::text[])",
        group,
        list(contract_ids),
    )
    return {r["contract_id"]: _contract(r) for r in rows}


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
    conn: asyncpg.Connection, group: str, contract_ids: Sequence[str]
) -> dict[str, list[tuple[date, Decimal]]]:
    """Per contract, (effective date, change percent) of its notices, in the order issued."""
    rows = await conn.fetch(
        "SELECT contract_id, effective_date, change_percent FROM check_notices"
        " WHERE check_group = $1 AND contract_id = ANY($2::text[])"
        " ORDER BY contract_id, issued_at, notice_id",
        group,
        list(contract_ids),
    )
    notices: dict[str, list[tuple[date, Decimal]]] = {c: [] for c in contract_ids}
    for r in rows:
        notices[r["contract_id"]].append((r["effective_date"], r["change_percent"]))
    return notices


async def add_weekly_volumes(
    conn: asyncpg.Connection, group: str, sums: dict[tuple, list[int]]
) -> None:
    """Add (contract, site, year, week) -> [handled, forecast, offered] to the weekly sums
    (negative figures take a corrected interval's old figures out), in one statement."""
    if not sums:
        return
    contracts, sites, years, weeks = zip(*sums, strict=True)
    handled, forecast, offered = zip(*sums.values(), strict=True)
    await conn.execute(
        "INSERT INTO check_weekly_volumes (check_group, contract_id, site_id, iso_year,"
        " iso_week, handled, forecast, offered)"
        " SELECT $1, s.* FROM unnest($2::text[], $3::text[], $4::int[], $5::int[],"
        "   $6::bigint[], $7::bigint[], $8::bigint[]) AS s"
        " ON CONFLICT (check_group, contract_id, site_id, iso_year, iso_week) DO UPDATE SET"
        "   handled = check_weekly_volumes.handled + EXCLUDED.handled,"
        "   forecast = check_weekly_volumes.forecast + EXCLUDED.forecast,"
        "   offered = check_weekly_volumes.offered + EXCLUDED.offered",
        group,
        *(list(column) for column in (contracts, sites, years, weeks, handled, forecast, offered)),
    )


def _by(rows: list[asyncpg.Record], column: str, keys: Iterable[str]) -> dict:
    grouped: dict[str, list[asyncpg.Record]] = {k: [] for k in keys}
    for r in rows:
        grouped[r[column]].append(r)
    return grouped


async def lock(conn: asyncpg.Connection, *what: str) -> None:
    """Serialise the checks of some keys across workers until the transaction ends: a check
    over several contracts then sees every contract's committed volumes. Several keys are
    locked in one order, whoever asks: two workers never wait on each other in a cycle."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext(k))"
        " FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS k ORDER BY k) AS keys",
        list(what),
    )


# -- episodes of the volume checks (migrations/0005-check-episodes.sql) ---------------------


@dataclass(frozen=True)
class HeldEpisode:
    """An episode's finding as the checks last published it."""

    finding_id: str
    scope: str
    breach: Breach
    state: str  # "open" or "withdrawn"
    revision: int


async def held_episodes(
    conn: asyncpg.Connection, group: str, scopes: Sequence[str]
) -> list[HeldEpisode]:
    rows = await conn.fetch(
        "SELECT finding_id::text, scope, rule, subject, state, revision, breach"
        " FROM check_episodes WHERE check_group = $1 AND scope = ANY($2::text[])",
        group,
        list(scopes),
    )
    return [
        HeldEpisode(r["finding_id"], r["scope"], _breach(r), r["state"], r["revision"])
        for r in rows
    ]


async def save_episodes(conn: asyncpg.Connection, group: str, held: list[HeldEpisode]) -> None:
    if not held:
        return
    await conn.executemany(
        "INSERT INTO check_episodes (check_group, finding_id, scope, rule, subject, state,"
        " revision, breach) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (check_group, finding_id) DO UPDATE SET state = EXCLUDED.state,"
        "   revision = EXCLUDED.revision, breach = EXCLUDED.breach",
        [
            (
                group,
                h.finding_id,
                h.scope,
                h.breach.rule,
                h.breach.subject,
                h.state,
                h.revision,
                json.dumps(_breach_fields(h.breach)),
            )
            for h in held
        ],
    )


def _breach_fields(breach: Breach) -> dict:
    return {
        "severity": int(breach.severity),
        "summary": wording.to_json(breach.summary),
        "explanation": wording.to_json(breach.explanation),
        "reference": wording.to_json(breach.reference),
        "evidence": dict(breach.evidence),
    }


def _breach(row: asyncpg.Record) -> Breach:
    fields = json.loads(row["breach"])
    return Breach(
        rule=row["rule"],
        subject=row["subject"],
        severity=Severity(fields["severity"]),
        summary=wording.from_json(fields["summary"]),
        explanation=wording.from_json(fields["explanation"]),
        reference=wording.from_json(fields["reference"]),
        evidence=fields["evidence"],
    )


async def weeks_through(
    conn: asyncpg.Connection, group: str, contract_ids: Sequence[str], through: Week
) -> dict[str, list[asyncpg.Record]]:
    """Per contract, per site and week up to `through`: its handled, forecast and offered."""
    rows = await conn.fetch(
        "SELECT contract_id, site_id, iso_year, iso_week, handled, forecast, offered"
        " FROM check_weekly_volumes WHERE check_group = $1 AND contract_id = ANY($2::text[])"
        "   AND (iso_year, iso_week) <= ($3, $4)"
        " ORDER BY contract_id, iso_year, iso_week, site_id",
        group,
        list(contract_ids),
        *through,
    )
    return _by(rows, "contract_id", contract_ids)


async def country_volumes_through(
    conn: asyncpg.Connection, group: str, column: str, keys: Sequence[str], through: Week
) -> dict[str, list[asyncpg.Record]]:
    """Per key, handled contacts per centre, country and week up to `through`, for every
    contract whose `column` (ordering_party_id or centre_id) is that key: whichever ordering
    party's they are."""
    assert column in ("ordering_party_id", "centre_id")
    rows = await conn.fetch(
        f"SELECT c.{column} AS key, c.centre_id, coalesce(c.sites ->> v.site_id, '')"
        "   AS country, v.iso_year, v.iso_week, sum(v.handled)::bigint AS handled"
        " FROM check_contracts c CROSS JOIN LATERAL ("
        "   SELECT site_id, iso_year, iso_week, handled FROM check_weekly_volumes"
        "   WHERE check_group = c.check_group AND contract_id = c.contract_id"
        "     AND (iso_year, iso_week) <= ($3, $4)"
        "   OFFSET 0"  # kept a subquery: the planner may not flatten it into a join
        " ) v"
        f" WHERE c.check_group = $1 AND c.{column} = ANY($2::text[])"
        " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5",
        group,
        list(keys),
        *through,
    )
    return _by(rows, "key", keys)


async def contracts_with_weeks_in(
    conn: asyncpg.Connection, group: str, after: Week, through: Week
) -> list[str]:
    """The contracts with volumes in the weeks after `after`, up to `through`."""
    rows = await conn.fetch(
        "SELECT DISTINCT contract_id FROM check_weekly_volumes WHERE check_group = $1"
        "   AND (iso_year, iso_week) > ($2, $3) AND (iso_year, iso_week) <= ($4, $5)"
        " ORDER BY contract_id",
        group,
        *after,
        *through,
    )
    return [r["contract_id"] for r in rows]


async def judged_through(conn: asyncpg.Connection, group: str) -> Week | None:
    """The last week the group's sweep judged, its row locked: one sweep at a time."""
    row = await conn.fetchrow(
        "SELECT judged_year, judged_week FROM check_clock WHERE check_group = $1 FOR UPDATE",
        group,
    )
    return (row["judged_year"], row["judged_week"]) if row else None


async def set_judged_through(conn: asyncpg.Connection, group: str, week: Week) -> None:
    await conn.execute(
        "INSERT INTO check_clock (check_group, judged_year, judged_week) VALUES ($1, $2, $3)"
        " ON CONFLICT (check_group) DO UPDATE SET judged_year = EXCLUDED.judged_year,"
        "   judged_week = EXCLUDED.judged_week",
        group,
        *week,
    )


# -- work put off while a backlog is read (migrations/0008-check-backlog.sql) ---------------


async def put_off_count(conn: asyncpg.Connection | asyncpg.Pool, group: str) -> int:
    """The evaluations and scorecards the group put off while reading a backlog, not yet done."""
    return await conn.fetchval(
        "SELECT (SELECT count(*) FROM check_put_off_contracts WHERE check_group = $1)"
        " + (SELECT count(*) FROM check_put_off_scorecards WHERE check_group = $1)",
        group,
    )


async def put_off_contracts(
    conn: asyncpg.Connection, group: str, causes: dict[str, tuple[bytes, dict]]
) -> None:
    """Contract id -> (the Envelope of the event that changed it last, its trace headers):
    evaluated once the backlog is read; a later cause replaces an earlier one."""
    if not causes:
        return
    ids = sorted(causes)
    await conn.execute(
        "INSERT INTO check_put_off_contracts (check_group, contract_id, cause, trace)"
        " SELECT $1, s.* FROM unnest($2::text[], $3::bytea[], $4::jsonb[]) AS s"
        " ON CONFLICT (check_group, contract_id) DO UPDATE SET cause = EXCLUDED.cause,"
        "   trace = EXCLUDED.trace",
        group,
        ids,
        [causes[c][0] for c in ids],
        [json.dumps(causes[c][1]) for c in ids],
    )


async def take_put_off_contracts(
    conn: asyncpg.Connection, group: str, also: Sequence[str], limit: int
) -> dict[str, tuple[bytes, dict]]:
    """Up to `limit` contracts put off (none another transaction is taking), and those of
    `also` (evaluated now anyway), deleted: the caller evaluates them in its transaction.
    Taken by ordering party: an evaluation covers the parties of its contracts, each with
    all its contracts, so a party's contracts taken together evaluate it once rather than
    once per batch (measured, 500 contracts of ten-contract parties: the offshoring part of
    their evaluation 20-25 ms instead of 55-65)."""
    rows = await conn.fetch(
        "DELETE FROM check_put_off_contracts WHERE check_group = $1"
        "   AND (contract_id = ANY($2::text[]) OR contract_id IN ("
        "     SELECT p.contract_id FROM check_put_off_contracts p WHERE p.check_group = $1"
        # By primary key, whatever the statistics know of the group (a join was planned
        # as a scan of the group's contracts per contract put off: 1.7 s for 3,000).
        "     ORDER BY (SELECT c.ordering_party_id FROM check_contracts c"
        "       WHERE c.check_group = p.check_group AND c.contract_id = p.contract_id),"
        "       p.contract_id"
        "     LIMIT $3 FOR UPDATE SKIP LOCKED))"
        " RETURNING contract_id, cause, trace",
        group,
        list(also),
        limit,
    )
    return {r["contract_id"]: (r["cause"], json.loads(r["trace"])) for r in rows}


async def put_off_scorecards(
    conn: asyncpg.Connection, group: str, keys: Iterable[tuple[str, Week]]
) -> None:
    keys = sorted(keys)
    if not keys:
        return
    await conn.execute(
        "INSERT INTO check_put_off_scorecards (check_group, ordering_party_id, iso_year,"
        " iso_week) SELECT $1, s.* FROM unnest($2::text[], $3::int[], $4::int[]) AS s"
        " ON CONFLICT DO NOTHING",
        group,
        [party for party, _ in keys],
        [year for _, (year, _) in keys],
        [week for _, (_, week) in keys],
    )


async def take_put_off_scorecards(
    conn: asyncpg.Connection, group: str, limit: int
) -> set[tuple[str, Week]]:
    rows = await conn.fetch(
        "DELETE FROM check_put_off_scorecards WHERE (check_group, ordering_party_id, iso_year,"
        "   iso_week) IN (SELECT check_group, ordering_party_id, iso_year, iso_week"
        "   FROM check_put_off_scorecards WHERE check_group = $1 LIMIT $2 FOR UPDATE SKIP LOCKED)"
        " RETURNING ordering_party_id, iso_year, iso_week",
        group,
        limit,
    )
    return {(r["ordering_party_id"], (r["iso_year"], r["iso_week"])) for r in rows}


POLICY_BOOK = "committee-policy-book"


async def policy_book(uow: UnitOfWork) -> PolicyBook:
    """The committee's policy versions, read once per fetch's transaction."""
    found = uow.state.get(POLICY_BOOK)
    if found is None:
        found = uow.state[POLICY_BOOK] = policy_codec.book(await stored_versions(uow.conn))
    return found
