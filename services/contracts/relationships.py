"""An ordering party's relationship with an outsourcer across its contracts (Code de commerce
L442-1 II): the declared start of an older one, and since when it runs on a day, which the
review of a termination measures on the day it is notified."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.contracts.v1 import events_pb2 as events

from services.codecs import contracts as codec
from services.common import topics
from services.common.clock import french_day, utc_now
from services.common.errors import InvalidArgument, PermissionDenied
from services.common.identity import Caller, Role
from services.common.protos import from_date, timestamp
from services.common.validation import calendar_date
from services.contracts.unit_of_work import ContractsUnitOfWork, UnitsOfWork
from services.rules import purchasing
from services.rules.policy import CommitteePolicy
from services.rules.relationship import Established, established_since
from services.rules.wording import text


@dataclass
class Relationships:
    uows: UnitsOfWork
    now: Callable[[], datetime] = utc_now

    async def declare(
        self, caller: Caller, request: pb.DeclareRelationshipRequest
    ) -> pb.Relationship:
        party = _party(caller, request.ordering_party_id)
        since = calendar_date(request.since, "since")
        today = french_day(self.now())
        if since > today:
            raise InvalidArgument.one("since", text("relationship-since-in-future", today=today))
        now = self.now()
        async with self.uows() as uow:
            await uow.relationships.declare(
                party, request.centre_id, since, request.evidence, caller.subject, now
            )
            # The notices service reviews large cuts against the relationship's length.
            declared = events.RelationshipDeclared(
                ordering_party_id=party,
                centre_id=request.centre_id,
                since=request.since,
                evidence=request.evidence,
                declared_by=caller.subject,
                declared_at=timestamp(now),
            )
            uow.emit(topics.CONTRACT_EVENTS, relationship_key(party, request.centre_id), declared)
            return await relationship(uow, party, request.centre_id, today)

    async def get(self, caller: Caller, request: pb.GetRelationshipRequest) -> pb.Relationship:
        party = request.ordering_party_id
        centre = request.centre_id
        if caller.role is Role.ORDERING_PARTY:
            party = _party(caller, party)
        elif caller.role is Role.CENTRE:
            centre = centre or caller.organisation_id
            caller.require_organisation(centre)
        if not party or not centre:
            field = "ordering_party_id" if not party else "centre_id"
            raise InvalidArgument.one(field, text("relationship-name-both"))
        on = calendar_date(request.on, "on") if request.HasField("on") else french_day(self.now())
        async with self.uows.reading() as uow:
            return await relationship(uow, party, centre, on)


async def relationship(
    uow: ContractsUnitOfWork, party: str, centre: str, on: date
) -> pb.Relationship:
    """The relationship as it stands on `on`, from the register's contracts and a declared
    start, under the committee's policy in force that day."""
    declared = await uow.relationships.declared(party, centre)
    in_force = (await uow.policies.book()).in_force_on(on)
    found = await established(uow, party, centre, on, in_force)
    answer = pb.Relationship(ordering_party_id=party, centre_id=centre, on=from_date(on))
    if found is not None:
        answer.established_since.CopyFrom(from_date(found.since))
        answer.months = purchasing.whole_months(found.since, on) if found.since <= on else 0
        answer.contract_ids.extend(found.contract_ids)
    if declared:
        answer.declared_since.CopyFrom(from_date(declared["since"]))
        answer.declared_by, answer.evidence = declared["declared_by"], declared["evidence"]
    return answer


async def established(
    uow: ContractsUnitOfWork, party: str, centre: str, on: date, in_force: CommitteePolicy
) -> Established | None:
    """Since when the relationship runs on `on`: its contracts in the register, and its
    declared start."""
    contracts = await uow.contracts.list(ordering_party_id=party, centre_id=centre, status=0)
    declared = await uow.relationships.declared(party, centre)
    periods = [codec.contract_period(c) for c in contracts]
    declared_start = declared["since"] if declared else None
    return established_since(periods, on, declared_start, in_force.relationship)


def relationship_key(party: str, centre: str) -> str:
    """The record key of a relationship's events: one relationship, one partition."""
    return f"{party}|{centre}"


def _party(caller: Caller, named: str) -> str:
    """The ordering party a call is about: the committee names it; an ordering party is it."""
    if caller.role is Role.COMMITTEE:
        if not named:
            raise InvalidArgument.one("ordering_party_id", text("relationship-name-party"))
        return named
    if caller.role is not Role.ORDERING_PARTY:
        raise PermissionDenied("ROLE", text("relationship-declare-role"))
    caller.require_organisation(named or caller.organisation_id)
    return caller.organisation_id
