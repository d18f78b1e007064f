"""ReportVolumes: a centre streams interval volumes; they are stored in bulk, once per
(contract, site, interval), and published on the volumes topic in chunks per contract.

The stream is atomic: one malformed record refuses the whole stream (nothing written), with
its index across the stream and the reason. A centre fixes its export and sends it again;
what had been stored before is unchanged by the resend."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.contracts.v1 import events_pb2 as events

from services.codecs import contracts as codec
from services.common import topics
from services.common.clock import Clock, french_day, utc_now
from services.common.errors import InvalidArgument, NotFound, quote
from services.common.identity import Caller
from services.contracts.unit_of_work import ContractsUnitOfWork, UnitsOfWork
from services.rules import Violation
from services.rules.volumes import from_the_future, interval_problems, net_weekly_sums
from services.rules.wording import text

# Intervals per VolumesReported event: well under Kafka's default 1 MB record limit.
CHUNK = 2000
# Problems listed in one refusal: enough to fix an export, not a megabyte of details.
MAX_PROBLEMS = 20


@dataclass
class VolumeReports:
    uows: UnitsOfWork
    now: Clock = utc_now

    async def report(
        self, caller: Caller, chunks: AsyncIterator[pb.ReportVolumesRequest]
    ) -> pb.ReportVolumesResponse:
        records = [record async for chunk in chunks for record in chunk.records]
        rows = _rows(records, self.now())
        async with self.uows() as uow:
            contracts = await uow.contracts.get(sorted({r[0] for r in rows}))
            _check_against_contracts(caller, rows, contracts)
            changed, previous = await uow.volumes.upsert(list(_latest(rows).values()))
            _publish(uow, changed, previous, contracts)
        stored = sum(1 for r in changed if r["inserted"])
        return pb.ReportVolumesResponse(
            received=len(records),
            stored=stored,
            corrected=len(changed) - stored,
            unchanged=len(records) - len(changed),
        )


def _rows(records: list[pb.VolumeRecord], now: datetime) -> list[tuple]:
    """Records as table rows (store.VOLUME_COLUMNS), or InvalidArgument naming each bad one."""
    rows, problems = [], []
    for i, r in enumerate(records):
        start = r.interval_start.ToDatetime(tzinfo=UTC)
        found = interval_problems(start, r.interval_minutes, r.offered_contacts, r.handled_contacts)
        if (too_late := from_the_future(start, now)) is not None:
            found.append(("interval_start", too_late))
        if not r.site_id or not r.HasField("interval_start"):
            found.append(("site_id", text("contract-volume-site-and-start-required")))
        if not _is_uuid(r.contract_id):
            reason = text("contract-volume-not-a-contract-id", given=quote(r.contract_id))
            found.append(("contract_id", reason))
        problems += [Violation(f"records[{i}].{field}", reason) for field, reason in found]
        if len(problems) >= MAX_PROBLEMS:
            break
        rows.append(
            (
                str(uuid.UUID(r.contract_id)) if not found else r.contract_id,
                r.site_id,
                start,
                r.interval_minutes,
                r.offered_contacts,
                r.handled_contacts,
                r.forecast_contacts,
                r.handled_seconds,
            )
        )
    if problems:
        raise InvalidArgument(problems[:MAX_PROBLEMS])
    return rows


def _check_against_contracts(
    caller: Caller, rows: list[tuple], contracts: dict[str, pb.Contract]
) -> None:
    """Each record on one of the caller's contracts, at one of its sites, within its dates."""
    problems = []
    sites = {c.contract_id: {s.site_id for s in c.sites} for c in contracts.values()}
    for i, (contract_id, site_id, start, *_rest) in enumerate(rows):
        contract = contracts.get(contract_id)
        if contract is None or contract.centre_id != caller.organisation_id:
            raise NotFound("contract", f"{contract_id} (records[{i}])")
        if site_id not in sites[contract_id]:
            problems.append(
                Violation(
                    f"records[{i}].site_id",
                    text("contract-volume-site-not-on-contract", site=site_id),
                )
            )
        day = french_day(start)
        first, last = codec.contract_days(contract)
        if not first <= day <= last:
            problems.append(
                Violation(
                    f"records[{i}].interval_start",
                    text("contract-volume-day-outside", day=day, first=first, last=last),
                )
            )
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InvalidArgument(problems)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _latest(rows: Iterable[tuple]) -> dict[tuple, tuple]:
    """One row per (contract, site, interval): the last one sent wins within a stream."""
    return {(r[0], r[1], r[2]): r for r in rows}


def _publish(
    uow: ContractsUnitOfWork, changed: list[Mapping], previous: dict, contracts: dict
) -> None:
    by_contract: dict[str, list[Mapping]] = defaultdict(list)
    for row in changed:
        by_contract[str(row["contract_id"])].append(row)
    for contract_id, rows in by_contract.items():
        contract = contracts[contract_id]
        for at in range(0, len(rows), CHUNK):
            chunk = rows[at : at + CHUNK]
            replaced = (previous.get(_key(r)) for r in chunk if not r["inserted"])
            payload = volumes_reported(
                contract,
                [_record(r) for r in chunk],
                [_record(r) for r in replaced if r is not None],
            )
            uow.emit(topics.VOLUMES, contract_id, payload)


def volumes_reported(
    contract: pb.Contract,
    intervals: list[pb.VolumeRecord],
    replaced: list[pb.VolumeRecord] | None = None,
) -> events.VolumesReported:
    """The event of a chunk of one contract's intervals, with its weekly sums."""
    replaced = replaced or []
    return events.VolumesReported(
        contract_id=contract.contract_id,
        ordering_party_id=contract.ordering_party_id,
        centre_id=contract.centre_id,
        intervals=intervals,
        replaced=replaced,
        weekly=[
            events.WeeklyVolume(
                site_id=site,
                iso_year=year,
                iso_week=week,
                handled_contacts=handled,
                forecast_contacts=forecast,
                offered_contacts=offered,
            )
            for (site, year, week), (handled, forecast, offered) in net_weekly_sums(
                intervals, replaced
            ).items()
        ],
    )


def _key(row: Mapping) -> tuple:
    return (row["contract_id"], row["site_id"], row["interval_start"])


def _record(row: Mapping) -> pb.VolumeRecord:
    start = Timestamp()
    start.FromDatetime(row["interval_start"].astimezone(UTC).replace(tzinfo=None))
    return pb.VolumeRecord(
        contract_id=str(row["contract_id"]),
        site_id=row["site_id"],
        interval_start=start,
        interval_minutes=row["interval_minutes"],
        offered_contacts=row["offered"],
        handled_contacts=row["handled"],
        forecast_contacts=row["forecast"],
        handled_seconds=row["handled_seconds"],
    )
