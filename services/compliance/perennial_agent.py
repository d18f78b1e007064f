"""Disguised perennial activity (services/rules/perennial.py), checked on the contracts stream.

The rule needs every campaign and punctual contract of an ordering party, and contract events
are keyed by contract id, so the check runs in two stages:

1. `rekey` reads the contracts topic and forwards each event of a campaign or punctual
   contract, unchanged (bytes and headers, trace context included), to an internal topic keyed
   by ordering party: `<app id>-vigie.contracts.events-ordering-party-repartition`, declared by
   faust (topic_allow_declare) with as many partitions as the table.
2. `chain` reads that topic one event at a time. Its table `perennial-spans` (changelog
   `<app id>-perennial-spans-changelog`), keyed by ordering party, holds contract id → the
   contract's span as of its latest version. Its writes land in the changelog partition of
   the event being processed, which is the party's partition of the repartition topic: the
   table is co-partitioned with the stream that writes it. After each event the rule runs
   over the party's spans and every breach is published as a finding.

Processing is at least once, so both stages are idempotent: a span is set by contract id
(an event seen again writes the same value; an older version of the contract than the one
held writes nothing) and nothing is counted. Every breach is published again after each event
of its party, changed or not, under the same finding id (rule, subject): the findings topic's
consumers keep each id once, and an event processed again after a crash, whose table write
had reached the changelog while its finding had not reached the findings topic, still
publishes the finding."""

from __future__ import annotations

import logging
from datetime import date

import faust
from opentelemetry import propagate, trace
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope

from services.common import topics
from services.common.envelope import UndecodableEvent, decode, trace_carrier
from services.common.protos import optional_date, to_date
from services.compliance.agents import publish
from services.compliance.app import app
from services.compliance.breaches import finding_from_breach
from services.rules.perennial import CHAINED_TYPES, ContractSpan, disguised_perennial
from services.rules.purchasing import ActivityType

log = logging.getLogger(__name__)
tracer = trace.get_tracer("vigie.compliance")

# The partitions of the repartition topic and of the table's changelog: they must be equal
# (faust raises PartitionsMismatch otherwise), and they are those of the contracts topic
# (infra/topics.toml) so that all of them form one co-partitioned group. Fixed: changing it
# would move ordering parties to other partitions than their table entries.
PARTITIONS = 8

contracts = app.topic(topics.CONTRACT_EVENTS, key_serializer="raw", value_serializer="raw")
# Named after the app id: another group of workers (a replay under another id) has its own.
by_ordering_party = app.topic(
    f"{app.conf.id}-{topics.CONTRACT_EVENTS}-ordering-party-repartition",
    partitions=PARTITIONS,
    internal=True,
    key_serializer="raw",
    value_serializer="raw",
)
# ordering party id → {contract id → span fields (`_record`)}. Values are replaced, never
# mutated in place: only an assignment reaches the changelog. Keys in JSON too: with the
# app's default (raw) key serializer, keys recovered from the changelog would come back as
# bytes while the agent writes and reads str.
spans = app.Table(
    "perennial-spans",
    partitions=PARTITIONS,
    schema=faust.Schema(key_serializer="json", value_serializer="json"),
)

CONTRACT_PAYLOADS = (
    contract_events.ContractSigned,
    contract_events.ContractAmended,
    contract_events.ContractTerminated,
)


@app.agent(contracts)
async def rekey(stream) -> None:
    """Stage 1: the events of campaign and punctual contracts, keyed by ordering party.
    Undecodable records are skipped here: the `check` agent dead-letters them."""
    async for event in stream.events():
        try:
            _, payload = decode(event.message.value)
        except UndecodableEvent:
            continue
        if not isinstance(payload, CONTRACT_PAYLOADS):
            continue
        contract = payload.contract
        # A contract's activity type never changes (amendments leave it): perennial
        # contracts never count, so they need not travel.
        if contract.terms.activity_type not in CHAINED_TYPES or not contract.ordering_party_id:
            continue
        await event.forward(by_ordering_party, key=contract.ordering_party_id.encode())


@app.agent(by_ordering_party)
async def chain(stream) -> None:
    """Stage 2: one event at a time (a table write inside stream.take() raises, faust #497);
    the table is written here only, in the iteration of its co-partitioned stream."""
    async for event in stream.events():
        message = event.message
        try:
            envelope, payload = decode(message.value)
        except UndecodableEvent:  # stage 1 forwards only what it decoded
            log.warning("undecodable record on %s: skipped", message.topic)
            continue
        contract = payload.contract
        with tracer.start_as_current_span(
            f"check disguised perennial {envelope.event_type.rsplit('.', 1)[-1]}",
            context=propagate.extract(trace_carrier(list(message.headers or []))),
        ):
            party = contract.ordering_party_id
            held = spans.get(party) or {}
            record, known = _record(contract), held.get(contract.contract_id)
            if record is None:
                log.warning("contract %s: impossible date, event skipped", contract.contract_id)
            elif record != known and not _older(record, known):
                held = {**held, contract.contract_id: record}
                spans[party] = held
            for finding in findings_for_party(party, held, envelope):
                await publish(finding, envelope)


def findings_for_party(party: str, held: dict, source: Envelope) -> list[pb.Finding]:
    """The disguised-perennial findings of one ordering party's contracts (table value)."""
    by_id = {
        contract_id: span
        for contract_id, fields in held.items()
        if (span := _span(party, contract_id, fields)) is not None
    }
    found = []
    for breach in disguised_perennial(by_id.values()):
        # The chain's last contract, in the rule's order (start, end, id).
        last = by_id[str(breach.evidence["contracts"]).split(",")[-1]]
        found.append(
            finding_from_breach(
                breach,
                type=pb.FINDING_TYPE_DISGUISED_PERENNIAL,
                ordering_party_id=party,
                contract_id=last.contract_id,
                centre_id=last.centre_id,
                source_envelope=source,
            )
        )
    return found


def _record(contract: cpb.Contract) -> dict | None:
    """What the table holds of a contract: JSON-able, a pure function of the contract's
    version, so the same event always gives the same value."""
    try:
        start = to_date(contract.terms.start_date)
        end = optional_date(contract, "terminated_on") or to_date(contract.terms.end_date)
    except ValueError:
        return None
    return {
        "scope": contract.terms.scope,
        "activity_type": int(contract.terms.activity_type),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "centre_id": contract.centre_id,
        "version": contract.version,
        "terminated": contract.status == cpb.CONTRACT_STATUS_TERMINATED,
    }


def _older(record: dict, known: dict | None) -> bool:
    """Whether `record` is an earlier state of the contract than the one held: amendments
    raise the version, a termination is a contract's last event. An older event seen again
    (a replay of a signature after the termination) must not undo what came after it."""
    if known is None:
        return False
    return (record["version"], record["terminated"]) < (known["version"], known["terminated"])


def _span(party: str, contract_id: str, fields: dict) -> ContractSpan | None:
    start, end = date.fromisoformat(fields["start"]), date.fromisoformat(fields["end"])
    if end < start:  # terminated before it started: it never ran
        return None
    return ContractSpan(
        contract_id=contract_id,
        ordering_party_id=party,
        scope=fields["scope"],
        activity_type=ActivityType(fields["activity_type"]),
        start=start,
        end=end,
        centre_id=fields["centre_id"],
    )
